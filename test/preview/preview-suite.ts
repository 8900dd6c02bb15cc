import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createPreviewer, roundTripDiff, UNAVAILABLE_SUMMARY} from '../../source/preview/index.js';
import type {SupabaseMcpServerOptions} from '../../source/supabase-local/server.js';
import {FIXTURE_SQL, type PreviewHarness, startHarness} from './preview-harness.js';

export type PreviewBackend = {
	options(workspace: string): Promise<SupabaseMcpServerOptions>;
	cleanup(): Promise<void>;
};

const hazardsOf = (hazards: string[], label: string) => hazards.filter(h => h.startsWith(label));

/**
 * Previews through the real local server and a real MCP client, on one back end: every hazard both ways (a
 * statement that triggers it and a near-identical one that does not), failures, DML rows, CONCURRENTLY,
 * stability, reversibility, and that nothing a preview does survives it.
 */
export function definePreviewSuite(label: string, makeBackend: () => Promise<PreviewBackend>): void {
	describe(`previews on ${label}`, () => {
		let backend: PreviewBackend;
		let workspace: string;
		let harness: PreviewHarness;
		let fixtureDump: string;

		beforeAll(async () => {
			backend = await makeBackend();
			workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-preview-'));
			harness = await startHarness(await backend.options(workspace));
			await harness.client.call('apply_migration', {name: 'fixture', query: FIXTURE_SQL});
			fixtureDump = (await harness.dryRun('select 1', 'sql')).before;
		});

		afterAll(async () => {
			await harness?.close();
			await backend?.cleanup();
			if (workspace) await rm(workspace, {recursive: true, force: true});
		});

		describe('the normalised dump', () => {
			it('lists tables, columns, constraints, indexes, policies, RLS state and grants one per line', () => {
				const lines = fixtureDump.split('\n');
				expect(lines).toContain('table public.todos (rls on, force off)');
				expect(lines).toContain('table public.empty_things (rls off, force off)');
				expect(lines).toContain('column public.todos.id bigint not null generated always as identity');
				expect(lines).toContain('column public.todos.title character varying(100) not null');
				expect(lines).toContain('column public.todos.done boolean not null default false');
				expect(lines).toContain('constraint public.todos.todos_pkey PRIMARY KEY (id)');
				expect(lines).toContain('constraint public.tags.tags_todo_id_fkey FOREIGN KEY (todo_id) REFERENCES public.todos(id) ON DELETE CASCADE');
				expect(lines).toContain('index public.todos.todos_pkey: CREATE UNIQUE INDEX todos_pkey ON public.todos USING btree (id)');
				expect(lines).toContain('policy public.todos."own todos" permissive for SELECT to authenticated using ((auth.uid() = owner))');
				expect(lines.some(l => /^view public\.open_todos md5:[0-9a-f]{12}$/.test(l))).toBe(true);
				expect(lines.some(l => /^grant public\.todos to anon: .*SELECT/.test(l))).toBe(true);
				// Platform schemas and our bookkeeping are not the user's schema.
				expect(fixtureDump).not.toMatch(/^table (auth|pgpair|supabase_migrations)\./m);
			});

			it('is the same text when the same schema is dumped twice, so an unchanged schema diffs empty', async () => {
				const again = await harness.dryRun('select 1', 'sql');
				expect(again.before).toBe(fixtureDump);
				expect(again.after).toBe(again.before);
				const preview = await harness.preview('apply_migration', 'select 1');
				expect(preview.diff).toBeUndefined();
				expect(preview.summary).toBe('no schema change');
			});

			it('shows functions and triggers, including a trigger on auth.users that calls a user function', async () => {
				const report = await harness.dryRun(
					`create function public.on_signup() returns trigger language plpgsql security definer set search_path = '' as $$ begin return new; end $$;
					create trigger on_signup after insert on auth.users for each row execute function public.on_signup();`,
					'migration',
				);
				expect(report.error).toBeUndefined();
				const added = report.after.split('\n').filter(l => !report.before.split('\n').includes(l));
				expect(
					added.some(l => /^function public\.on_signup\(\) returns trigger language plpgsql volatile security definer set search_path="?"? md5:/.test(l)),
				).toBe(true);
				expect(added).toContain(
					'trigger auth.users.on_signup: CREATE TRIGGER on_signup AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION public.on_signup()',
				);
			});
		});

		describe('hazards, each both ways', () => {
			it('labels DROP TABLE as data deleted with its row count, and not DROP VIEW', async () => {
				const table = await harness.preview('apply_migration', 'drop table public.todos cascade;');
				expect(hazardsOf(table.hazards, 'data deleted')).toEqual(['data deleted: table public.todos is dropped with its 20 rows']);
				expect(table.diff).toContain('-table public.todos (rls on, force off)');
				const view = await harness.preview('apply_migration', 'drop view public.open_todos;');
				expect(view.diff).toContain('-view public.open_todos');
				expect(hazardsOf(view.hazards, 'data deleted')).toEqual([]);
			});

			it('labels DROP COLUMN as data deleted, and not RENAME COLUMN', async () => {
				const dropped = await harness.preview('apply_migration', 'alter table public.todos drop column note;');
				expect(hazardsOf(dropped.hazards, 'data deleted')).toEqual(['data deleted: column public.todos.note is dropped with its data (20 rows)']);
				const renamed = await harness.preview('apply_migration', 'alter table public.todos rename column note to remark;');
				expect(renamed.diff).toContain('+column public.todos.remark text');
				expect(hazardsOf(renamed.hazards, 'data deleted')).toEqual([]);
			});

			it('labels TRUNCATE of a table with rows as data deleted, and not of an empty one', async () => {
				const full = await harness.preview('apply_migration', 'truncate public.todos cascade;');
				expect(hazardsOf(full.hazards, 'data deleted')).toContain('data deleted: TRUNCATE empties public.todos (20 rows)');
				const empty = await harness.preview('apply_migration', 'truncate public.empty_things;');
				expect(hazardsOf(empty.hazards, 'data deleted')).toEqual([]);
				expect(empty.hazards.filter(h => h.startsWith('table rewrite'))).toEqual([]);
			});

			it('labels a DELETE that removes rows, cascades included, and not one that matches nothing', async () => {
				const deleting = await harness.preview('execute_sql', 'delete from public.todos where id <= 3');
				expect(hazardsOf(deleting.hazards, 'data deleted')).toEqual([
					'data deleted: 3 rows deleted from public.tags',
					'data deleted: 3 rows deleted from public.todos',
				]);
				const nothing = await harness.preview('execute_sql', 'delete from public.todos where id > 1000');
				expect(nothing.hazards).toEqual([]);
				expect(nothing.summary).toBe('no rows would change');
			});

			it('labels a column type change that rewrites the table, and not one that only widens varchar', async () => {
				const shrink = await harness.preview('apply_migration', 'alter table public.todos alter column code type varchar(5);');
				expect(shrink.error).toBeUndefined();
				expect(hazardsOf(shrink.hazards, 'table rewrite')).toEqual([
					'table rewrite: public.todos is rewritten (type change of code), 20 rows; reads and writes wait until it finishes',
				]);
				expect(shrink.diff).toContain('+column public.todos.code character varying(5)');
				const widen = await harness.preview('apply_migration', 'alter table public.todos alter column code type varchar(20);');
				expect(widen.error).toBeUndefined();
				expect(widen.diff).toContain('+column public.todos.code character varying(20)');
				expect(hazardsOf(widen.hazards, 'table rewrite')).toEqual([]);
			});

			it('shows why a type change of a column a view uses cannot run', async () => {
				const preview = await harness.preview('apply_migration', 'alter table public.todos alter column title type varchar(50);');
				expect(preview.error).toMatch(/^ERROR 0A000: cannot alter type of a column used by a view or rule/);
				expect(preview.hazards.filter(h => h.startsWith('table rewrite'))).toEqual([]);
			});

			it('labels NOT NULL without default on a table with rows (and shows why it fails), not with a default', async () => {
				const bare = await harness.preview('apply_migration', 'alter table public.todos add column priority int not null;');
				expect(hazardsOf(bare.hazards, 'NOT NULL without default')).toEqual([
					'NOT NULL without default: new column public.todos.priority on a table with 20 rows',
				]);
				expect(bare.error).toMatch(/^ERROR 23502: column "priority" of relation "todos" contains null values/);
				const defaulted = await harness.preview('apply_migration', 'alter table public.todos add column priority int not null default 0;');
				expect(hazardsOf(defaulted.hazards, 'NOT NULL')).toEqual([]);
				expect(defaulted.error).toBeUndefined();
				expect(defaulted.diff).toContain('+column public.todos.priority integer not null default 0');
			});

			it('does not label NOT NULL without default on an empty table', async () => {
				const preview = await harness.preview('apply_migration', 'alter table public.empty_things add column priority int not null;');
				expect(preview.error).toBeUndefined();
				expect(hazardsOf(preview.hazards, 'NOT NULL')).toEqual([]);
			});

			it('labels SET NOT NULL on a column without default on a table with rows', async () => {
				const preview = await harness.preview('execute_sql', "update public.todos set note = 'x'; alter table public.todos alter column note set not null;");
				expect(hazardsOf(preview.hazards, 'NOT NULL without default')).toEqual([
					'NOT NULL without default: public.todos.note becomes NOT NULL on a table with 20 rows',
				]);
				const onDefaulted = await harness.preview('execute_sql', 'alter table public.todos alter column done set not null;');
				expect(hazardsOf(onDefaulted.hazards, 'NOT NULL')).toEqual([]);
			});

			it('labels the ACCESS EXCLUSIVE lock of ADD COLUMN, not the share lock of CREATE INDEX', async () => {
				const column = await harness.preview('apply_migration', 'alter table public.todos add column priority int;');
				expect(hazardsOf(column.hazards, 'exclusive lock')).toEqual([
					'exclusive lock: ACCESS EXCLUSIVE on public.todos blocks its readers and writers until the change commits',
				]);
				const index = await harness.preview('apply_migration', 'create index todos_title on public.todos (title);');
				expect(index.diff).toContain('+index public.todos.todos_title: CREATE INDEX todos_title ON public.todos USING btree (title)');
				expect(hazardsOf(index.hazards, 'exclusive lock')).toEqual([]);
			});

			it('does not report locks on tables created by the same migration', async () => {
				const preview = await harness.preview(
					'apply_migration',
					'create table public.fresh (id int primary key); alter table public.fresh add column name text;',
				);
				expect(preview.hazards).toEqual([]);
				expect(preview.summary).toBe('schema change: 1 table added, 2 columns added, 1 constraint added, 1 index added, 3 grants added');
			});

			it('labels RLS disabled, and not RLS forced', async () => {
				const disabled = await harness.preview('apply_migration', 'alter table public.todos disable row level security;');
				expect(hazardsOf(disabled.hazards, 'disables row level security')).toEqual([
					'disables row level security on public.todos: every role with table privileges sees and changes every row',
				]);
				expect(disabled.diff).toContain('+table public.todos (rls off, force off)');
				const forced = await harness.preview('apply_migration', 'alter table public.todos force row level security;');
				expect(forced.diff).toContain('+table public.todos (rls on, force on)');
				expect(hazardsOf(forced.hazards, 'disables row level security')).toEqual([]);
			});

			it('labels a dropped policy, and not a renamed one or a DROP POLICY IF EXISTS that matches none', async () => {
				const dropped = await harness.preview('apply_migration', 'drop policy "own todos" on public.todos;');
				expect(hazardsOf(dropped.hazards, 'policy removed')).toEqual([
					'policy removed: "own todos" on public.todos (it guarded SELECT for authenticated); rows it guarded may become visible or writable',
				]);
				const renamed = await harness.preview('apply_migration', 'alter policy "own todos" on public.todos rename to "my todos";');
				expect(renamed.diff).toContain('+policy public.todos."my todos" permissive');
				expect(hazardsOf(renamed.hazards, 'policy removed')).toEqual([]);
				const missing = await harness.preview('apply_migration', 'drop policy if exists "nobody" on public.todos;');
				expect(missing.hazards).toEqual([]);
			});
		});

		describe('failures', () => {
			it('shows the Postgres error with its position in the whole SQL, and changes nothing', async () => {
				const query = 'create table public.half (id int);\ninsert into public.missing values (1);';
				const preview = await harness.preview('apply_migration', query);
				expect(preview.error).toMatch(/^ERROR 42P01: relation "public\.missing" does not exist · at character (\d+)$/);
				const position = Number(/at character (\d+)/.exec(preview.error!)![1]);
				expect(query.slice(position - 1)).toMatch(/^public\.missing/);
				expect(preview.summary).toContain('cannot be approved as is');
				expect(preview.diff).toBeUndefined();
				expect(await harness.client.sql("select to_regclass('public.half') as half")).toEqual([{half: null}]);
			});

			it('refuses transaction control in a migration as apply_migration would', async () => {
				const preview = await harness.preview('apply_migration', 'begin; create table public.x (id int); commit;');
				expect(preview.error).toMatch(/transaction control/);
			});
		});

		describe('DML', () => {
			it('shows rows affected per table with samples taken before each statement, and leaves the data alone', async () => {
				const preview = await harness.preview(
					'execute_sql',
					"update public.todos set done = true where id <= 2; delete from public.todos t using public.tags g where g.todo_id = t.id and g.label = 'tag 5'",
				);
				expect(preview.kind).toBe('rows');
				expect(preview.summary).toBe('would delete 1 row in public.tags, update 2 rows in public.todos, delete 1 row in public.todos');
				const update = preview.rows!.find(r => r.operation === 'update')!;
				expect(update).toMatchObject({table: 'public.todos', count: 2});
				expect(update.sample.map(r => [r['id'], r['done']])).toEqual([
					[1, false],
					[2, false],
				]);
				const deleted = preview.rows!.find(r => r.operation === 'delete' && r.table === 'public.todos')!;
				expect(deleted.sample.map(r => r['title'])).toEqual(['todo 5']);
				expect(await harness.client.sql('select count(*)::int as n, count(*) filter (where done)::int as done from public.todos')).toEqual([{n: 20, done: 0}]);
			});

			it('samples an UPDATE … FROM with its join and counts inserts', async () => {
				const preview = await harness.preview(
					'execute_sql',
					"insert into public.empty_things values (1, 'a'), (2, 'b'); update public.todos t set note = g.label from public.tags g where g.todo_id = t.id and g.id in (1, 2)",
				);
				expect(preview.rows!.map(r => [r.table, r.operation, r.count])).toEqual([
					['public.empty_things', 'insert', 2],
					['public.todos', 'update', 2],
				]);
				expect(preview.rows![1]!.sample.map(r => r['id'])).toEqual([1, 2]);
			});

			it('runs BEGIN … COMMIT inside the rolled-back dry run and counts what a ROLLBACK undoes as nothing kept', async () => {
				const committed = await harness.preview('execute_sql', 'begin; delete from public.tags where id = 1; commit;');
				expect(committed.rows?.map(r => [r.table, r.operation, r.count])).toEqual([['public.tags', 'delete', 1]]);
				expect(await harness.client.sql('select count(*)::int as n from public.tags')).toEqual([{n: 5}]);
			});

			it('runs impersonated SQL as that role and resets the session afterwards', async () => {
				const preview = await harness.preview(
					'execute_sql',
					'set role authenticated; select set_config(\'request.jwt.claims\', \'{"sub":"00000000-0000-4000-8000-00000000000a"}\', true); update public.todos set done = true',
				);
				// RLS: the policy only lets a user see their own rows, and nobody owns any.
				expect(preview.rows ?? []).toEqual([]);
				expect(await harness.client.sql('select current_user = session_user as same')).toEqual([{same: true}]);
			});
		});

		describe('statements a transaction cannot hold', () => {
			it('dry-runs a lone CREATE INDEX CONCURRENTLY in its plain form, without lock hazards', async () => {
				const preview = await harness.preview('execute_sql', 'create index concurrently todos_done on public.todos (done)');
				expect(preview.error).toBeUndefined();
				expect(preview.diff).toContain('+index public.todos.todos_done: CREATE INDEX todos_done ON public.todos USING btree (done)');
				expect(preview.summary).toMatch(/dry-run in its plain form/);
				expect(preview.hazards).toEqual([]);
			});

			it('shows that CREATE INDEX CONCURRENTLY fails in a migration, as apply_migration would fail', async () => {
				const preview = await harness.preview('apply_migration', 'create index concurrently todos_done on public.todos (done);');
				expect(preview.error).toMatch(/^ERROR 25001: CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
			});

			it('runs a call that writes a server file only in the sandbox: the host never sees the file, and it counts as destructive', async () => {
				// /tmp itself, not the run's TMPDIR: a folder the engine's own file system has too, so the write succeeds
				// there (in the sandbox) and is measured; under a folder only the host has, it would just fail.
				const file = path.join('/tmp', `pgpair-preview-must-not-exist-${process.pid}`);
				const preview = await harness.preview(
					'execute_sql',
					`select lo_from_bytea(4244, 'x'); select lo_export(4244, '${file}'); delete from public.tags where id = 2`,
				);
				expect(existsSync(file)).toBe(false);
				expect(preview.measured?.class).toBe('destructive');
				expect(preview.hazards.some(h => /file written|refused|not previewed/.test(h))).toBe(true);
			});

			it('runs COPY … TO PROGRAM only in the sandbox, where no program runs', async () => {
				const file = path.join(tmpdir(), `pgpair-preview-program-${process.pid}`);
				const preview = await harness.preview('execute_sql', `copy (select 1) to program 'touch ${file}'`);
				expect(existsSync(file)).toBe(false);
				expect(preview.measured).toBeDefined();
			});
		});

		describe('reversibility', () => {
			it('gives back the original dump when the down migration undoes the up migration', async () => {
				const report = await harness.dryRun(
					'alter table public.todos add column priority int; create index todos_priority on public.todos (priority);',
					'migration',
					'drop index public.todos_priority; alter table public.todos drop column priority;',
				);
				expect(report.after).not.toBe(report.before);
				expect(report.after_rollback).toBe(report.before);
				expect(roundTripDiff(report)).toEqual({reversible: true, diff: ''});
			});

			it('shows what differs when the down migration forgets something', async () => {
				const report = await harness.dryRun(
					'alter table public.todos add column priority int; create index todos_priority on public.todos (priority);',
					'migration',
					'drop index public.todos_priority;',
				);
				const result = roundTripDiff(report);
				expect(result.reversible).toBe(false);
				expect(result.diff).toContain('+column public.todos.priority integer');
			});

			it('reports a down migration that fails', async () => {
				const report = await harness.dryRun('alter table public.todos add column priority int;', 'migration', 'drop index public.nope;');
				expect(roundTripDiff(report)).toMatchObject({reversible: false, error: expect.stringMatching(/the down migration fails: ERROR 42704/)});
			});
		});

		describe('the server around it', () => {
			it('keeps other tools working and never interleaves with a migration', async () => {
				const [preview, applied] = await Promise.all([
					harness.preview('apply_migration', 'alter table public.empty_things add column extra text;'),
					harness.client.call('apply_migration', {name: 'add_label', query: 'alter table public.empty_things add column label text;'}),
				]);
				expect(applied).toEqual({success: true});
				// The preview ran entirely before or entirely after the migration, never half way.
				expect(preview.diff).toContain('+column public.empty_things.extra text');
				const {tables} = await harness.client.call('list_tables', {verbose: true});
				const columns = tables.find((t: {name: string}) => t.name === 'public.empty_things').columns.map((c: {name: string}) => c.name);
				expect(columns).toEqual(['id', 'name', 'label']);
				const migrations = (await harness.client.call('list_migrations')).migrations.map((m: {name: string}) => m.name);
				expect(migrations).toEqual(['fixture', 'add_label']);
			});

			it('falls back to "unavailable" with the classifier hazards when the server has no dry run', async () => {
				const previewer = createPreviewer({
					callServerTool: () => Promise.reject(new Error('must not be called')),
					hasServerTool: () => false,
					workspaceRoot: workspace,
				});
				const preview = await previewer(
					{callId: 'c1', name: 'mcp__hosted__apply_migration', input: {name: 'x', query: 'drop table public.todos;'}},
					new AbortController().signal,
				);
				expect(preview).toMatchObject({kind: 'unavailable', summary: UNAVAILABLE_SUMMARY});
				expect(preview!.hazards).toEqual(['drops table public.todos', 'not previewed: it counts as destructive']);
				expect(preview!.measured?.class).toBe('destructive');
				expect(await previewer({callId: 'c2', name: 'mcp__hosted__list_tables', input: {}}, new AbortController().signal)).toBeUndefined();
			});
		});
	});
}
