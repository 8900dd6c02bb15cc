import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {downSection, migrationReversible} from '../../source/checklist/evaluators/migration-reversible.js';
import {createMcpEvidence} from '../../source/checklist/evidence.js';
import {SessionRecorder, useLocalSession} from './session-harness.js';

describe('downSection', () => {
	it.each([
		['no marker', 'create table a (id int);', undefined],
		['marker and commented rollback', 'create table a (id int);\n-- migrate:down\n-- drop table a;\n', 'drop table a;'],
		['marker with spaces and capitals', 'create table a (id int);\n  --  Migrate:Down\n--drop table a;', 'drop table a;'],
		['marker with only comments after it', 'create table a (id int);\n-- migrate:down\n-- -- nothing to undo\n', undefined],
		['several lines, indentation kept', 'x;\n-- migrate:down\n-- drop index i;\n--   drop table a;', 'drop index i;\n  drop table a;'],
	])('%s', (_label, sql, expected) => {
		expect(downSection(sql)).toBe(expected);
	});
});

describe('migration reversible, through the local server', () => {
	const local = useLocalSession();

	it('does not apply before any migration', async () => {
		expect(await migrationReversible(local.session.events, local.server.evidence)).toEqual({
			state: 'done',
			evidence: 'not applicable: no migration applied in this session',
		});
	});

	it('is open for a migration without a rollback', async () => {
		await local.session.migrate('create_notes', 'create table public.notes (id bigint generated always as identity primary key, body text not null);');
		const result = await migrationReversible(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/no rollback .* for migration create_notes/);
	});

	it('ticks once a .down.sql file undoes it exactly on a scratch copy', async () => {
		const [record] = await local.server.evidence.migrations();
		expect(record?.file?.path).toMatch(/^supabase\/migrations\/\d{14}_create_notes\.sql$/);
		await writeFile(path.join(local.server.workspace, 'supabase', 'migrations', `${record!.version}_create_notes.down.sql`), 'drop table public.notes;\n');
		const result = await migrationReversible(local.session.events, local.server.evidence);
		expect(result).toMatchObject({state: 'done'});
		expect(result.evidence).toMatch(
			/1 migration with rollbacks \(supabase\/migrations\/\d{14}_create_notes\.down\.sql\); on a scratch copy up then down gives the original schema/,
		);
		// The dry run really ran on a copy: the table is still there.
		expect(await local.server.client.sql("select to_regclass('public.notes') is not null as present")).toEqual([{present: true}]);
	});

	it('accepts the -- migrate:down convention of the built-in agent', async () => {
		await local.session.migrate(
			'add_notes_title',
			'alter table public.notes add column title text;\ncreate index notes_title_idx on public.notes (title);\n\n-- migrate:down\n-- drop index public.notes_title_idx;\n-- alter table public.notes drop column title;\n',
		);
		const result = await migrationReversible(local.session.events, local.server.evidence);
		expect(result.state).toBe('done');
		expect(result.evidence).toMatch(/^2 migrations with rollbacks/);
		expect(result.evidence).toContain('-- migrate:down section');
	});

	it('unticks when a later migration’s rollback forgets part of it', async () => {
		await local.session.migrate(
			'add_notes_pinned',
			'alter table public.notes add column pinned boolean not null default false;\ncreate index notes_pinned_idx on public.notes (pinned);\n\n-- migrate:down\n-- drop index public.notes_pinned_idx;\n',
		);
		const result = await migrationReversible(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/failed on a scratch copy: .*column "pinned" of relation "notes" already exists/);
	});

	it('unticks when a rollback drops more than its migration created', async () => {
		// Start a fresh story on the same server: only this session's migrations are checked.
		const other = new SessionRecorder(local.server);
		await other.migrate('create_tags', 'create table public.tags (id int primary key);\n-- migrate:down\n-- drop table public.tags;');
		expect((await migrationReversible(other.events, local.server.evidence)).state).toBe('done');
		await other.migrate(
			'tag_notes',
			'create table public.note_tags (note_id bigint references public.notes (id), tag_id int references public.tags (id));\n-- migrate:down\n-- drop table public.note_tags;\n-- drop table public.notes cascade;',
		);
		const result = await migrationReversible(other.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/does not give the original schema|removes more than the migrations create|failed on a scratch copy/);
	});

	it('says it cannot verify when the local.server has no dry-run tool', async () => {
		const withoutPreview = createMcpEvidence(async (name, args) => {
			// The same local.server, asked for a tool it does not have: what an older local.server answers.
			if (name === 'pgpair_preview_sql') return local.server.callTool('pgpair_no_such_tool', args);
			return local.server.callTool(name, args);
		});
		const only = new SessionRecorder(local.server);
		await only.migrate('create_labels', 'create table public.labels (id int primary key);\n-- migrate:down\n-- drop table public.labels;');
		const result = await migrationReversible(only.events, withoutPreview);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/rollbacks exist for create_labels, but the round trip cannot be verified/);
	});
});
