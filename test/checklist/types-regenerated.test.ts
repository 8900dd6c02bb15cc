import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {typesRegenerated} from '../../source/checklist/evaluators/types-regenerated.js';
import {asAuthenticated, SessionRecorder, startLocalServer, type LocalServer} from './session-harness.js';

describe('TypeScript types regenerated, through the local server', () => {
	let server: LocalServer;
	let session: SessionRecorder;

	beforeAll(async () => {
		server = await startLocalServer();
		session = new SessionRecorder(server);
	});
	afterAll(() => server?.close());

	it('does not apply before the schema changes', async () => {
		await session.sql('select 1');
		expect(await typesRegenerated(session.events, server.evidence)).toEqual({state: 'done', evidence: 'not applicable: no schema change in this session'});
	});

	it('is open after a migration and ticks once types are generated after it', async () => {
		await session.migrate('create_notes', 'create table public.notes (id int primary key, body text);');
		const before = await typesRegenerated(session.events, server.evidence);
		expect(before.state).toBe('open');
		expect(before.evidence).toMatch(/^generate_typescript_types has not run since the schema changed \(migration create_notes, event \d+\)$/);
		const types = await session.ok('generate_typescript_types', {});
		expect(types).toContain('notes');
		const after = await typesRegenerated(session.events, server.evidence);
		expect(after.state).toBe('done');
		expect(after.evidence).toMatch(/after the last schema change \(migration create_notes/);
	});

	it('stays ticked through queries, test rows and RLS tests, which change no schema', async () => {
		await session.sql("insert into public.notes values (1, 'hello')");
		await session.sql(asAuthenticated('select count(*) from public.notes;'));
		await session.sql('begin; create table public.scratch (id int);');
		expect((await typesRegenerated(session.events, server.evidence)).state).toBe('done');
	});

	it('unticks when a later migration changes the schema', async () => {
		await session.migrate('add_notes_title', 'alter table public.notes add column title text;');
		const result = await typesRegenerated(session.events, server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/^the schema changed \(migration add_notes_title, event \d+\) after types were last generated \(event \d+\)$/);
	});

	it('unticks when execute_sql changes the schema outside a migration', async () => {
		await session.ok('generate_typescript_types', {});
		expect((await typesRegenerated(session.events, server.evidence)).state).toBe('done');
		await session.sql('create index notes_title_idx on public.notes (title)');
		const result = await typesRegenerated(session.events, server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/the schema changed \(execute_sql/);
	});

	it('ignores a failed generation', async () => {
		await session.call('generate_typescript_types', {project_id: 'nosuchproject'});
		expect((await typesRegenerated(session.events, server.evidence)).state).toBe('open');
	});
});
