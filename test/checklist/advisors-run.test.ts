import {describe, expect, it} from 'vitest';
import {advisorsRun} from '../../source/checklist/evaluators/advisors-run.js';
import {useLocalSession} from './session-harness.js';

describe('security advisors run, through the local server', () => {
	const local = useLocalSession();

	it('is open after a schema change until the security advisors run', async () => {
		expect((await advisorsRun(local.session.events, local.server.evidence)).evidence).toBe('not applicable: no schema change in this session');
		await local.session.migrate('create_notes', 'create table public.notes (id int primary key, body text);');
		const result = await advisorsRun(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/^get_advisors\(security\) has not run since the schema changed/);
	});

	it('stays open when the run reports an ERROR lint, and performance advisors do not count', async () => {
		await local.session.ok('get_advisors', {type: 'security'});
		await local.session.ok('get_advisors', {type: 'performance'});
		const result = await advisorsRun(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/reports 1 ERROR lint: rls_disabled_in_public \(public\.notes\)$/);
	});

	it('ticks when a run after the fix reports no ERROR', async () => {
		await local.session.migrate(
			'notes_rls',
			'alter table public.notes enable row level security;\ncreate policy "anyone signed in reads notes" on public.notes for select to authenticated using (true);',
		);
		expect((await advisorsRun(local.session.events, local.server.evidence)).evidence).toMatch(
			/^the schema changed \(migration notes_rls, event \d+\) after get_advisors\(security\) last ran/,
		);
		await local.session.ok('get_advisors', {type: 'security'});
		const result = await advisorsRun(local.session.events, local.server.evidence);
		expect(result.state).toBe('done');
		expect(result.evidence).toMatch(/^get_advisors\(security\) ran \(event \d+\) after the last schema change with no ERROR lints/);
	});

	it('unticks when a later migration brings an ERROR back and the next run reports it', async () => {
		await local.session.migrate('create_tags', 'create table public.tags (id int primary key);');
		expect((await advisorsRun(local.session.events, local.server.evidence)).state).toBe('open');
		await local.session.ok('get_advisors', {type: 'security'});
		const result = await advisorsRun(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/rls_disabled_in_public \(public\.tags\)/);
	});

	// The built-in agent's item asks for both types; its evidence must show both runs, not security alone.
	const BOTH = {text: '`get_advisors` ran for security and for performance, and every finding was fixed or explained'};

	it('for an item asking for security and performance: open until both ran after the last change, and the evidence names both', async () => {
		// The earlier test left public.tags without RLS: this change fixes it, so security reports no ERROR.
		await local.session.migrate(
			'create_posts',
			'create table public.posts (id int primary key); alter table public.posts enable row level security; alter table public.tags enable row level security;',
		);
		await local.session.ok('get_advisors', {type: 'security'});
		const securityOnly = await advisorsRun(local.session.events, local.server.evidence, BOTH);
		expect(securityOnly.state).toBe('open');
		// Performance ran in an earlier test, before this change: that run no longer counts.
		expect(securityOnly.evidence).toMatch(/^the schema changed \(migration create_posts, event \d+\) after get_advisors\(performance\) last ran/);
		// The user's own wording ("Security advisors run") is satisfied by the security run alone.
		expect((await advisorsRun(local.session.events, local.server.evidence, {text: 'Security advisors run (`mcp__supabase__get_advisors`)'})).state).toBe(
			'done',
		);

		await local.session.ok('get_advisors', {type: 'performance'});
		const both = await advisorsRun(local.session.events, local.server.evidence, BOTH);
		expect(both.state).toBe('done');
		expect(both.evidence).toMatch(
			/^get_advisors\(security\) ran \(event (\d+)\) after the last schema change with no ERROR lints.*; get_advisors\(performance\) ran \(event (\d+)\) after the last schema change/,
		);
	});
});
