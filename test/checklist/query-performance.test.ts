import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {queryPerformance} from '../../source/checklist/evaluators/query-performance.js';
import {asAuthenticated, type LocalServer, SessionRecorder, startLocalServer} from './session-harness.js';

describe('query performance validated, through the local server', () => {
	let server: LocalServer;
	let session: SessionRecorder;

	beforeAll(async () => {
		server = await startLocalServer();
		session = new SessionRecorder(server);
		await session.migrate(
			'create_notes',
			`create table public.notes (id int primary key, user_id uuid, body text, created_at timestamptz not null default now());
alter table public.notes enable row level security;
create policy "anyone signed in reads notes" on public.notes for select to authenticated using (true);`,
		);
	});
	afterAll(() => server?.close());

	it('does not apply while the session ran no queries on application tables', async () => {
		await session.sql('select count(*) from pg_catalog.pg_class');
		await session.sql(asAuthenticated('select count(*) from public.notes;'));
		await session.sql("insert into public.notes (id, body) values (1, 'a'), (2, 'b')");
		expect(await queryPerformance(session.events, server.evidence)).toEqual({
			state: 'done',
			evidence: 'not applicable: the session ran no queries on tables in the exposed schemas',
		});
	});

	it('is open for a new query without EXPLAIN ANALYZE', async () => {
		await session.sql('select id, body from public.notes where id = 1 order by created_at desc limit 20');
		await session.sql('explain select id, body from public.notes where id = 1 order by created_at desc limit 20');
		const result = await queryPerformance(session.events, server.evidence);
		expect(result).toEqual({
			state: 'open',
			evidence: 'no EXPLAIN ANALYZE for select id, body from public.notes where id = 1 order by created_at desc limit 20',
		});
	});

	it('ticks once EXPLAIN ANALYZE ran for the same query, whatever its constants', async () => {
		const plan = await session.sql('explain (analyze, buffers) select id, body from public.notes where id = 2 order by created_at desc limit 20');
		expect(plan).toMatch(/actual time/);
		const result = await queryPerformance(session.events, server.evidence);
		expect(result).toEqual({state: 'done', evidence: 'EXPLAIN ANALYZE ran for all 1 query the session ran on application tables'});
	});

	it('unticks when a later migration changes the table the query reads', async () => {
		await session.migrate('index_notes_created_at', 'create index notes_created_at_idx on public.notes (created_at desc);');
		const result = await queryPerformance(session.events, server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/\(analyzed before its tables last changed\)$/);
		await session.sql('explain analyze select id, body from public.notes where id = 1 order by created_at desc limit 20');
		expect((await queryPerformance(session.events, server.evidence)).state).toBe('done');
	});

	it('unticks for a second, different query until it is analyzed too', async () => {
		await session.sql("update public.notes set body = 'c' where user_id is null");
		const result = await queryPerformance(session.events, server.evidence);
		expect(result).toEqual({state: 'open', evidence: "no EXPLAIN ANALYZE for update public.notes set body = 'c' where user_id is null"});
		// EXPLAIN ANALYZE of an UPDATE runs it: the agent wraps it in a transaction it rolls back.
		await session.sql("begin; explain analyze update public.notes set body = 'd' where user_id is null");
		expect(await queryPerformance(session.events, server.evidence)).toEqual({
			state: 'done',
			evidence: 'EXPLAIN ANALYZE ran for all 2 queries the session ran on application tables',
		});
	});
});
