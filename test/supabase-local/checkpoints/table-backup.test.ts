/**
 * Checkpoints of a real Postgres: each attack previews SQL with the real dry run, backs up the tables the preview
 * says it changes, runs the SQL for real, restores, and compares the database's state (rows, columns, indexes,
 * policies, constraints, triggers, sequences) with what it was before — never the report's wording.
 */

import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {DryRunRelation, DryRunReport} from '../../../source/sql/preview-report.js';
import {affectedTables, backupTables, restoreTables} from '../../../source/supabase-local/checkpoints/table-backup.js';
import type {DatabasePlatform, PlatformHost} from '../../../source/supabase-local/platform.js';
import {createPostgresHost} from '../../../source/supabase-local/postgres-platform.js';
import {dryRun} from '../../../source/supabase-local/preview/dry-run.js';
import {createTestDatabase, testBootstrapDatabaseUrl} from '../../helpers/database-url.js';

describe('affectedTables on hand-made reports', () => {
	const relation = (oid: number, name: string, filenode = oid, extra: Partial<DryRunRelation> = {}): DryRunRelation => {
		const [schema, table] = name.split('.') as [string, string];
		return {oid, name, schema, table, kind: 'table', filenode, ...extra};
	};
	const report = (parts: Partial<DryRunReport>): DryRunReport => ({
		mode: 'sql',
		sandbox: 'rolled-back-transaction',
		before: '',
		after: '',
		locks: [],
		rows: [],
		tables: [],
		relations: {before: [], after: []},
		effects: {sequences: [], largeObjects: {before: 0, after: 0}, code: []},
		not_previewed: [],
		notes: [],
		duration_ms: 0,
		...parts,
	});
	const a = relation(1, 'public.a');
	const ab = relation(2, 'public.ab');
	const dump = 'table public.a (rls off, force off)\ncolumn public.a.id integer\ntable public.ab (rls off, force off)\ncolumn public.ab.id integer\n';

	it('is empty when nothing changes', () => {
		expect(affectedTables(report({before: dump, after: dump, relations: {before: [a, ab], after: [a, ab]}}))).toEqual({tables: [], created: []});
	});

	it('takes every table with a row change that existed before, and not one the SQL created', () => {
		const fresh = relation(9, 'public.fresh');
		const result = affectedTables(
			report({
				before: dump,
				after: dump,
				relations: {before: [a, ab], after: [a, ab, fresh]},
				rows: [
					{table: 'public.ab', operation: 'insert', count: 1, sample: []},
					{table: 'public.fresh', operation: 'insert', count: 1, sample: []},
				],
			}),
		);
		expect(result).toEqual({tables: ['public.ab'], created: ['public.fresh']});
	});

	it('takes dropped and rewritten tables', () => {
		expect(affectedTables(report({before: dump, after: dump, relations: {before: [a, ab], after: [relation(2, 'public.ab', 77)]}})).tables).toEqual([
			'public.a',
			'public.ab',
		]);
	});

	it('takes a table whose definition changed, without mistaking public.a for public.ab', () => {
		const altered = dump.replace('column public.ab.id integer', 'column public.ab.id bigint');
		expect(affectedTables(report({before: dump, after: altered, relations: {before: [a, ab], after: [a, ab]}})).tables).toEqual(['public.ab']);
		const indexed = `${dump}index public.a.a_idx: CREATE INDEX a_idx ON public.a USING btree (id)\n`;
		expect(affectedTables(report({before: dump, after: indexed, relations: {before: [a, ab], after: [a, ab]}})).tables).toEqual(['public.a']);
	});

	it('takes a renamed table under its old name and lists the new name for the rewind to drop', () => {
		const renamed = dump.replaceAll('public.a.', 'public.b.').replace('table public.a ', 'table public.b ');
		const result = affectedTables(report({before: dump, after: renamed, relations: {before: [a, ab], after: [relation(1, 'public.b'), ab]}}));
		expect(result).toEqual({tables: ['public.a'], created: ['public.b']});
	});

	it('leaves views and foreign tables alone (there are no rows of their own to save)', () => {
		const view = relation(5, 'public.v', 0, {kind: 'view'});
		const remote = relation(6, 'public.remote', 6, {foreign: true});
		const result = affectedTables(
			report({
				relations: {before: [view, remote], after: []},
				rows: [{table: 'public.remote', operation: 'delete', count: 1, sample: []}],
			}),
		);
		expect(result).toEqual({tables: [], created: []});
	});
});

describe('table backups on a real Postgres', () => {
	let database: Awaited<ReturnType<typeof createTestDatabase>>;
	let host: PlatformHost;
	let previewHost: PlatformHost;
	/** pgpair's connection as an ordinary role (it owns the tables): backups and restores run here. */
	let db: DatabasePlatform;
	/**
	 * The same database as the bootstrap superuser, for the preview only: Postgres's sandbox needs a superuser
	 * connection to make its confined role, and without one the preview measures nothing.
	 */
	let previewDb: DatabasePlatform;
	let client: InstanceType<typeof pg.Client>;
	/** Reads state as a superuser, whom no policy hides rows from. */
	let observer: InstanceType<typeof pg.Client>;
	let scratch: string;
	let counter = 0;

	beforeAll(async () => {
		database = await createTestDatabase('pgpair_backup');
		host = createPostgresHost({url: database.url});
		db = await host.openMain();
		const bootstrap = new URL(testBootstrapDatabaseUrl());
		bootstrap.pathname = `/${database.name}`;
		previewHost = createPostgresHost({url: bootstrap.toString()});
		previewDb = await previewHost.openMain();
		observer = new pg.Client({connectionString: bootstrap.toString()});
		await observer.connect();
		client = new pg.Client({connectionString: database.url});
		await client.connect();
		scratch = mkdtempSync(path.join(tmpdir(), 'pgpair-backup-'));
	});

	afterAll(async () => {
		await client?.end();
		await observer?.end();
		await host?.close();
		await previewHost?.close();
		await database?.drop();
		if (scratch) rmSync(scratch, {recursive: true, force: true});
	});

	/** A schema of its own per test, so the tests see only their own tables. */
	async function schema(setup: (s: string) => string): Promise<string> {
		counter += 1;
		const name = `t${counter}`;
		await client.query(`create schema ${name}; ${setup(name)}`);
		return name;
	}

	const sql = async (text: string) => (await client.query(text)) as unknown as {rows: Record<string, unknown>[]; rowCount: number | null};
	const rowsOf = async (text: string) => (await observer.query(text)).rows;

	/** Everything a rewind must put back, read from the catalogs and the tables themselves. */
	async function state(s: string) {
		const tables = (await rowsOf(`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = '${s}' order by 1`)).map(r =>
			String(r.name),
		);
		const rows: Record<string, unknown[]> = {};
		for (const t of tables) rows[t] = (await rowsOf(`select to_jsonb(x) as row from ${t} x order by to_jsonb(x)::text`)).map(r => r.row);
		return {
			tables,
			rows,
			columns: await rowsOf(
				`select table_name, column_name, ordinal_position, data_type, column_default, is_nullable, is_identity, identity_generation, is_generated, generation_expression
				from information_schema.columns where table_schema = '${s}' order by table_name, column_name`,
			),
			indexes: await rowsOf(`select tablename, indexname, indexdef from pg_indexes where schemaname = '${s}' order by 1, 2`),
			policies: await rowsOf(`select tablename, policyname, permissive, roles, cmd, qual, with_check from pg_policies where schemaname = '${s}' order by 1, 2`),
			constraints: await rowsOf(
				`select conrelid::regclass::text as table, conname, pg_get_constraintdef(oid) as def from pg_constraint where connamespace = '${s}'::regnamespace order by 1, 2`,
			),
			triggers: await rowsOf(
				`select tgname, pg_get_triggerdef(oid) as def, tgenabled from pg_trigger where not tgisinternal and tgrelid in (select oid from pg_class where relnamespace = '${s}'::regnamespace) order by 1`,
			),
			rls: await rowsOf(
				`select relname, relrowsecurity, relforcerowsecurity from pg_class where relnamespace = '${s}'::regnamespace and relkind = 'r' order by 1`,
			),
			grants: await rowsOf(
				`select c.relname, x.grantee::regrole::text as grantee, x.privilege_type, x.is_grantable from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) x
				where c.relnamespace = '${s}'::regnamespace and c.relkind in ('r', 'p') order by 1, 2, 3`,
			),
			sequences: await rowsOf(`select sequencename, last_value from pg_sequences where schemaname = '${s}' order by 1`),
			views: await rowsOf(`select viewname from pg_views where schemaname = '${s}' order by 1`),
			comments: await rowsOf(
				`select c.relname, obj_description(c.oid, 'pg_class') as comment from pg_class c where c.relnamespace = '${s}'::regnamespace and obj_description(c.oid, 'pg_class') is not null order by 1`,
			),
		};
	}

	/** The checkpoint as pgpair takes it: preview, pick the tables, back them up; then the SQL runs for real. */
	async function checkpointAndRun(query: string) {
		const report = await dryRun(previewDb, {query, mode: 'sql'}, {timeoutMs: 20_000});
		expect(report.error).toBeUndefined();
		expect(report.not_previewed).toEqual([]);
		const affected = affectedTables(report);
		const dir = path.join(scratch, `backup-${counter}`);
		const backup = await backupTables(db, affected.tables, dir);
		await sql(query);
		return {report, affected, backup, dir};
	}

	it('puts back every row after a DELETE of all of them, replacing a later write by another session', async () => {
		const s = await schema(
			s => `create type ${s}.mood as enum ('sad', 'ok', 'happy');
			create table ${s}.items (id serial primary key, name text not null, price numeric(10,2), tags text[], meta jsonb, doc json, seen timestamptz default now(),
				blob bytea, ratio float8, mood ${s}.mood, ref uuid, span interval, day date);
			insert into ${s}.items (name, price, tags, meta, doc, blob, ratio, mood, ref, span, day)
			select 'item ' || i || chr(10) || 'line two, a ''quote'' and a \\ backslash', i * 1.25, array['a', 'b' || i, null], jsonb_build_object('n', i, 'big', 12345678901234567890.5),
				'{"k": [1, 2]}', decode(md5(i::text), 'hex'), case i % 3 when 0 then 'NaN'::float8 when 1 then '-Infinity'::float8 else 1.0 / i end,
				(array['sad', 'ok', 'happy'])[1 + i % 3]::${s}.mood, md5(i::text)::uuid, make_interval(days => i), date '2024-02-29' + i
			from generate_series(1, 40) i;
			insert into ${s}.items (name) values ('all nulls');`,
		);
		const before = await state(s);
		const {affected, backup, dir} = await checkpointAndRun(`delete from ${s}.items`);
		expect(affected).toEqual({tables: [`${s}.items`], created: []});
		expect(backup.tables).toEqual([{name: `${s}.items`, rows: 41, bytes: expect.any(Number)}]);
		await sql(`insert into ${s}.items (name) values ('written later')`);
		expect((await rowsOf(`select count(*)::int as n from ${s}.items`))[0]?.n).toBe(1);

		const report = await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
		expect(report.length).toBeGreaterThan(0);
		// The owned sequence went back too: the next id follows the restored rows.
		expect((await rowsOf(`insert into ${s}.items (name) values ('next') returning id`))[0]?.id).toBe(42);
		// Values that JSON could have bent come back exactly.
		const [row] = await rowsOf(`select ratio::text, blob = decode(md5('3'), 'hex') as blob, (meta->>'big') as big, name from ${s}.items where id = 3`);
		expect(row).toEqual({ratio: 'NaN', blob: true, big: '12345678901234567890.5', name: "item 3\nline two, a 'quote' and a \\ backslash"});
	});

	it('recreates a dropped 500-row table with its index, policy, foreign key, grants, comment and identity', async () => {
		const s = await schema(
			s => `create table ${s}.owners (id int primary key, name text);
			insert into ${s}.owners select i, 'owner ' || i from generate_series(1, 5) i;
			create table ${s}.items (
				id int generated by default as identity primary key,
				owner_id int not null references ${s}.owners (id) on delete cascade,
				name text not null default 'unnamed' check (length(name) < 100),
				total numeric generated always as (id * 2) stored,
				unique (owner_id, name)
			);
			create index items_name_idx on ${s}.items (lower(name));
			alter table ${s}.items enable row level security;
			create policy items_read on ${s}.items for select to public using (owner_id > 0);
			comment on table ${s}.items is 'the items';
			grant select on ${s}.items to public;
			insert into ${s}.items (owner_id, name) select 1 + i % 5, 'item ' || i from generate_series(1, 500) i;`,
		);
		const before = await state(s);
		expect(before.rows[`${s}.items`]).toHaveLength(500);
		const {affected, dir} = await checkpointAndRun(`drop table ${s}.items`);
		expect(affected).toEqual({tables: [`${s}.items`], created: []});
		expect((await rowsOf(`select to_regclass('${s}.items') as t`))[0]?.t).toBeNull();

		await restoreTables(db, dir, {drop: affected.created});
		const after = await state(s);
		expect(after).toEqual(before);
		expect(after.indexes.map(i => i.indexname)).toContain('items_name_idx');
		expect(after.policies.map(p => p.policyname)).toEqual(['items_read']);
		expect(after.constraints.find(c => c.conname === 'items_owner_id_fkey')?.def).toBe(`FOREIGN KEY (owner_id) REFERENCES ${s}.owners(id) ON DELETE CASCADE`);
		expect((await rowsOf(`select has_table_privilege('public', '${s}.items', 'select') as ok`))[0]?.ok).toBe(true);
		// The identity sequence continues where it was, and the foreign key is enforced again.
		expect((await rowsOf(`insert into ${s}.items (owner_id, name) values (1, 'next') returning id`))[0]?.id).toBe(501);
		await expect(sql(`insert into ${s}.items (owner_id, name) values (99, 'orphan')`)).rejects.toThrow(/foreign key/);
	});

	it('brings back a dropped column, keeping the foreign keys of other tables that reference the table', async () => {
		const s = await schema(
			s => `create table ${s}.items (id bigserial primary key, name text, note text default 'n/a');
			insert into ${s}.items (name, note) select 'item ' || i, 'note ' || i from generate_series(1, 25) i;
			create table ${s}.lines (id int primary key, item_id bigint references ${s}.items on delete cascade);
			insert into ${s}.lines select i, i from generate_series(1, 10) i;`,
		);
		const before = await state(s);
		const {affected, dir} = await checkpointAndRun(`alter table ${s}.items drop column note`);
		expect(affected.tables).toEqual([`${s}.items`]);

		const report = await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
		expect((await rowsOf(`select note from ${s}.items where id = 7`))[0]?.note).toBe('note 7');
		// The referencing table was neither dropped nor emptied, and its foreign key works again.
		expect((await rowsOf(`select count(*)::int as n from ${s}.lines`))[0]?.n).toBe(10);
		await sql(`delete from ${s}.items where id = 3`);
		expect((await rowsOf(`select count(*)::int as n from ${s}.lines`))[0]?.n).toBe(9);
		expect(report.some(line => line.includes(`${s}.lines`))).toBe(false);
	});

	it('undoes TRUNCATE … RESTART IDENTITY, rows and sequence', async () => {
		const s = await schema(
			s => `create table ${s}.events (id serial primary key, kind text);
			insert into ${s}.events (kind) select 'k' || i from generate_series(1, 30) i;`,
		);
		const before = await state(s);
		expect(before.sequences).toEqual([{sequencename: 'events_id_seq', last_value: '30'}]);
		const {affected, dir} = await checkpointAndRun(`truncate ${s}.events restart identity`);
		expect(affected.tables).toEqual([`${s}.events`]);
		await sql(`insert into ${s}.events (kind) values ('after truncate')`);

		await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
		expect((await rowsOf(`insert into ${s}.events (kind) values ('next') returning id`))[0]?.id).toBe(31);
	});

	it('restores both tables of an UPDATE whose trigger writes another table, without firing the trigger', async () => {
		const s = await schema(
			s => `create table ${s}.accounts (id int primary key, balance int not null);
			create table ${s}.audit (id serial primary key, account int, old int, new int);
			create function ${s}.log_change() returns trigger language plpgsql as $$
			begin insert into ${s}.audit (account, old, new) values (new.id, old.balance, new.balance); return new; end $$;
			create trigger accounts_audit after update on ${s}.accounts for each row execute function ${s}.log_change();
			insert into ${s}.accounts select i, 100 from generate_series(1, 10) i;
			update ${s}.accounts set balance = 90 where id = 1;`,
		);
		const before = await state(s);
		expect(before.rows[`${s}.audit`]).toHaveLength(1);
		const {report, affected, dir} = await checkpointAndRun(`update ${s}.accounts set balance = 0`);
		expect(report.rows.map(r => `${r.table} ${r.operation}`)).toEqual([`${s}.accounts update`, `${s}.audit insert`]);
		expect(affected.tables).toEqual([`${s}.accounts`, `${s}.audit`]);
		expect((await rowsOf(`select count(*)::int as n from ${s}.audit`))[0]?.n).toBe(11);

		await restoreTables(db, dir, {drop: affected.created});
		// Restoring the balances fired no audit row: the audit table is exactly as it was.
		expect(await state(s)).toEqual(before);
		// And the trigger is on again afterwards.
		await sql(`update ${s}.accounts set balance = 1 where id = 2`);
		expect((await rowsOf(`select count(*)::int as n from ${s}.audit`))[0]?.n).toBe(2);
	});

	it('puts a referenced parent back in place, leaving rows of other tables that reference it alone', async () => {
		const s = await schema(
			s => `create table ${s}.owners (id int primary key, name text);
			insert into ${s}.owners select i, 'owner ' || i from generate_series(1, 6) i;
			create table ${s}.items (id int primary key, owner_id int not null references ${s}.owners);
			insert into ${s}.items select i, 1 + i % 6 from generate_series(1, 30) i;`,
		);
		const before = await state(s);
		const {affected, dir} = await checkpointAndRun(`update ${s}.owners set name = upper(name); insert into ${s}.owners values (7, 'seven')`);
		expect(affected.tables).toEqual([`${s}.owners`]);
		await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
	});

	it('reports, and applies, a cascade into a table outside the checkpoint', async () => {
		const s = await schema(
			s => `create table ${s}.owners (id int primary key);
			insert into ${s}.owners values (1);
			create table ${s}.items (id serial primary key, owner_id int references ${s}.owners on delete cascade);
			insert into ${s}.items (owner_id) values (1);`,
		);
		const {affected, dir} = await checkpointAndRun(`insert into ${s}.owners values (9)`);
		expect(affected.tables).toEqual([`${s}.owners`]);
		// Another session builds on the row the rewind removes.
		await sql(`insert into ${s}.items (owner_id) values (9)`);
		const report = await restoreTables(db, dir, {drop: affected.created});
		expect(await rowsOf(`select owner_id from ${s}.items order by id`)).toEqual([{owner_id: 1}]);
		expect(report.filter(line => line.startsWith(`${s}.items:`))).toHaveLength(1);
		expect(report.find(line => line.startsWith(`${s}.items:`))).toContain('1 rows deleted');
	});

	it('saves and restores every row of a table whose row level security is forced on its owner', async () => {
		const s = await schema(
			s => `create table ${s}.secrets (id int primary key, v text);
			insert into ${s}.secrets select i, 'v' || i from generate_series(1, 20) i;
			alter table ${s}.secrets enable row level security;
			alter table ${s}.secrets force row level security;
			create policy low on ${s}.secrets for all to public using (id <= 10);`,
		);
		const before = await state(s);
		expect(before.rows[`${s}.secrets`]).toHaveLength(20);
		const {affected, backup, dir} = await checkpointAndRun(`alter table ${s}.secrets add column w int; delete from ${s}.secrets`);
		expect(affected.tables).toEqual([`${s}.secrets`]);
		expect(backup.tables[0]?.rows).toBe(20);
		// An owner without superuser could delete only the rows the policy shows it (a superuser ignores policies).
		const [role] = (await client.query('select rolsuper or rolbypassrls as bypass from pg_roles where rolname = current_user')).rows;
		expect((await rowsOf(`select count(*)::int as n from ${s}.secrets`))[0]?.n).toBe(role?.bypass ? 0 : 10);
		await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);

		// The same table, now as it was, only its rows changed: FORCE is lifted for the restore and put back.
		const second = await checkpointAndRun(`update ${s}.secrets set v = 'x'`);
		await restoreTables(db, second.dir, {drop: []});
		expect(await state(s)).toEqual(before);
	});

	it('restores a table larger than one batch, in batches', async () => {
		const s = await schema(
			s => `create table ${s}.big (id int primary key, payload text);
			insert into ${s}.big select i, repeat(md5(i::text), 4) from generate_series(1, 2600) i;`,
		);
		const before = await state(s);
		const {affected, backup, dir} = await checkpointAndRun(`delete from ${s}.big where id % 3 = 0; update ${s}.big set payload = 'changed' where id % 3 = 1`);
		expect(backup.tables[0]?.rows).toBe(2600);
		await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
	});

	it('recreates a dropped partitioned table with its partitions', async () => {
		const s = await schema(
			s => `create table ${s}.readings (id int, at date, v int, primary key (id, at)) partition by range (at);
			create table ${s}.readings_2024 partition of ${s}.readings for values from ('2024-01-01') to ('2025-01-01');
			create table ${s}.readings_2025 partition of ${s}.readings for values from ('2025-01-01') to ('2026-01-01');
			create index readings_v on ${s}.readings (v);
			insert into ${s}.readings select i, date '2024-06-01' + i, i from generate_series(1, 400) i;`,
		);
		const before = await state(s);
		const {affected, dir} = await checkpointAndRun(`drop table ${s}.readings`);
		expect(affected.tables).toEqual([`${s}.readings`, `${s}.readings_2024`, `${s}.readings_2025`]);
		await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
	});

	it('drops a table the SQL created', async () => {
		const s = await schema(s => `create table ${s}.kept (id int primary key); insert into ${s}.kept values (1);`);
		const before = await state(s);
		const {affected, backup, dir} = await checkpointAndRun(`create table ${s}.fresh (id int); insert into ${s}.fresh values (1), (2)`);
		expect(affected).toEqual({tables: [], created: [`${s}.fresh`]});
		expect(backup.tables).toEqual([]);

		const report = await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
		expect(report[0]).toContain(`${s}.fresh`);
	});

	it('handles a table whose name needs quoting, through a change of its rows and of its definition', async () => {
		const s = await schema(
			s => `create table ${s}."Odd Name" ("Mixed Case" int primary key, "quote""d" text);
			create index "Odd Index" on ${s}."Odd Name" ("quote""d");
			insert into ${s}."Odd Name" select i, 'v' || i from generate_series(1, 12) i;`,
		);
		const before = await state(s);
		const {affected, dir} = await checkpointAndRun(`update ${s}."Odd Name" set "quote""d" = 'x'; alter table ${s}."Odd Name" add column extra int default 5`);
		expect(affected.tables).toEqual([`${s}."Odd Name"`]);

		await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
		expect((await rowsOf(`select "quote""d" as v from ${s}."Odd Name" where "Mixed Case" = 4`))[0]?.v).toBe('v4');
	});

	it('puts back a table the SQL dropped and created again under the same name', async () => {
		const s = await schema(
			s => `create table ${s}.items (id int primary key, name text); insert into ${s}.items select i, 'n' || i from generate_series(1, 5) i;`,
		);
		const before = await state(s);
		const {affected, dir} = await checkpointAndRun(
			`drop table ${s}.items; create table ${s}.items (id uuid, other text); insert into ${s}.items values (gen_random_uuid(), 'x')`,
		);
		expect(affected).toEqual({tables: [`${s}.items`], created: [`${s}.items`]});
		await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
	});

	it('brings a renamed table back under its old name and removes the new one', async () => {
		const s = await schema(s => `create table ${s}.old_name (id int primary key); insert into ${s}.old_name select generate_series(1, 3);`);
		const before = await state(s);
		const {affected, dir} = await checkpointAndRun(`alter table ${s}.old_name rename to new_name`);
		expect(affected).toEqual({tables: [`${s}.old_name`], created: [`${s}.new_name`]});
		await restoreTables(db, dir, {drop: affected.created});
		expect(await state(s)).toEqual(before);
	});

	it('refuses a restore when a view now depends on the table, and changes nothing', async () => {
		const s = await schema(
			s => `create table ${s}.items (id int primary key, name text);
			insert into ${s}.items select i, 'n' || i from generate_series(1, 8) i;`,
		);
		const {affected, dir} = await checkpointAndRun(
			`alter table ${s}.items add column extra int; delete from ${s}.items where id > 4; create table ${s}.fresh (id int)`,
		);
		expect(affected).toEqual({tables: [`${s}.items`], created: [`${s}.fresh`]});
		// Later, another session builds on the changed table.
		await sql(`create view ${s}.extras as select id, extra from ${s}.items`);
		const changed = await state(s);

		const attempt = restoreTables(db, dir, {drop: affected.created});
		await expect(attempt).rejects.toThrow(/nothing was changed/);
		await expect(attempt).rejects.toThrow(new RegExp(`${s}\\.extras`));
		const after = await state(s);
		expect(after).toEqual(changed);
		expect(after.tables).toContain(`${s}.fresh`);
		expect(after.rows[`${s}.items`]).toHaveLength(4);
	});

	it('never restores an incomplete backup, and a failed backup leaves none', async () => {
		const s = await schema(s => `create table ${s}.items (id int primary key); insert into ${s}.items values (1);`);
		const dir = path.join(scratch, 'failed');
		await expect(backupTables(db, [`${s}.items`, `${s}.missing`], dir)).rejects.toThrow(/no such table/);
		expect(existsSync(path.join(dir, 'manifest.json'))).toBe(false);
		await expect(restoreTables(db, dir, {drop: []})).rejects.toThrow(/incomplete/);
		expect((await rowsOf(`select count(*)::int as n from ${s}.items`))[0]?.n).toBe(1);
	});
});
