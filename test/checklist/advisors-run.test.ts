import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {advisorsRun} from '../../source/checklist/evaluators/advisors-run.js';
import {SessionRecorder, startLocalServer, type LocalServer} from './session-harness.js';

describe('security advisors run, through the local server', () => {
	let server: LocalServer;
	let session: SessionRecorder;

	beforeAll(async () => {
		server = await startLocalServer();
		session = new SessionRecorder(server);
	});
	afterAll(() => server?.close());

	it('is open after a schema change until the security advisors run', async () => {
		expect((await advisorsRun(session.events, server.evidence)).evidence).toBe('not applicable: no schema change in this session');
		await session.migrate('create_notes', 'create table public.notes (id int primary key, body text);');
		const result = await advisorsRun(session.events, server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/^get_advisors\(security\) has not run since the schema changed/);
	});

	it('stays open when the run reports an ERROR lint, and performance advisors do not count', async () => {
		await session.ok('get_advisors', {type: 'security'});
		await session.ok('get_advisors', {type: 'performance'});
		const result = await advisorsRun(session.events, server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/reports 1 ERROR lint: rls_disabled_in_public \(public\.notes\)$/);
	});

	it('ticks when a run after the fix reports no ERROR', async () => {
		await session.migrate(
			'notes_rls',
			'alter table public.notes enable row level security;\ncreate policy "anyone signed in reads notes" on public.notes for select to authenticated using (true);',
		);
		expect((await advisorsRun(session.events, server.evidence)).evidence).toMatch(/^the schema changed \(migration notes_rls, event \d+\) after get_advisors\(security\) last ran/);
		await session.ok('get_advisors', {type: 'security'});
		const result = await advisorsRun(session.events, server.evidence);
		expect(result.state).toBe('done');
		expect(result.evidence).toMatch(/^get_advisors\(security\) ran \(event \d+\) after the last schema change with no ERROR lints/);
	});

	it('unticks when a later migration brings an ERROR back and the next run reports it', async () => {
		await session.migrate('create_tags', 'create table public.tags (id int primary key);');
		expect((await advisorsRun(session.events, server.evidence)).state).toBe('open');
		await session.ok('get_advisors', {type: 'security'});
		const result = await advisorsRun(session.events, server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/rls_disabled_in_public \(public\.tags\)/);
	});
});
