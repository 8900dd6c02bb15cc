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
});
