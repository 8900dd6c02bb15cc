import {describe, expect, it} from 'vitest';
import {typesRegenerated} from '../../source/checklist/evaluators/types-regenerated.js';
import {asAuthenticated, useLocalSession} from './session-harness.js';

describe('TypeScript types regenerated, through the local server', () => {
	const local = useLocalSession();

	it('does not apply before the schema changes', async () => {
		await local.session.sql('select 1');
		expect(await typesRegenerated(local.session.events, local.server.evidence)).toEqual({
			state: 'done',
			evidence: 'not applicable: no schema change in this session',
		});
	});

	it('is open after a migration and ticks once types are generated after it', async () => {
		await local.session.migrate('create_notes', 'create table public.notes (id int primary key, body text);');
		const before = await typesRegenerated(local.session.events, local.server.evidence);
		expect(before.state).toBe('open');
		expect(before.evidence).toMatch(/^generate_typescript_types has not run since the schema changed \(migration create_notes, event \d+\)$/);
		const types = await local.session.ok('generate_typescript_types', {});
		expect(types).toContain('notes');
		const after = await typesRegenerated(local.session.events, local.server.evidence);
		expect(after.state).toBe('done');
		expect(after.evidence).toMatch(/after the last schema change \(migration create_notes/);
	});

	it('stays ticked through queries, test rows and RLS tests, which change no schema', async () => {
		await local.session.sql("insert into public.notes values (1, 'hello')");
		await local.session.sql(asAuthenticated('select count(*) from public.notes;'));
		await local.session.sql('begin; create table public.scratch (id int);');
		expect((await typesRegenerated(local.session.events, local.server.evidence)).state).toBe('done');
	});

	it('unticks when a later migration changes the schema', async () => {
		await local.session.migrate('add_notes_title', 'alter table public.notes add column title text;');
		const result = await typesRegenerated(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/^the schema changed \(migration add_notes_title, event \d+\) after types were last generated \(event \d+\)$/);
	});

	it('unticks when execute_sql changes the schema outside a migration', async () => {
		await local.session.ok('generate_typescript_types', {});
		expect((await typesRegenerated(local.session.events, local.server.evidence)).state).toBe('done');
		await local.session.sql('create index notes_title_idx on public.notes (title)');
		const result = await typesRegenerated(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/the schema changed \(execute_sql/);
	});

	it('ignores a failed generation', async () => {
		await local.session.call('generate_typescript_types', {project_id: 'nosuchproject'});
		expect((await typesRegenerated(local.session.events, local.server.evidence)).state).toBe('open');
	});
});
