/**
 * Class 7 of issue 15: no deadlines, no process ownership, and guards that cover one path but not its neighbours.
 *
 * - Reads that run for ever are auto-approved and hold the database (G2: they end within PGPAIR_READ_TIMEOUT_MS and
 *   the database answers afterwards).
 * - pgpair's own requests to the database are neither approved nor recorded: the checklist dry-runs a rollback
 *   nobody was shown (G2: a preview never changes the live database).
 * - The server writes migration and function files through symbolic links the file tools would refuse (G5).
 * - The production guard checks apply_migration, not DDL sent through execute_sql (G9, in PRODUCTION_CASES).
 * Killing pgpair during a long call (G8) is in the test files themselves: it is not a batchable attack.
 */
import fs from 'node:fs';
import path from 'node:path';
import type {Arena} from '../helpers/adversary/arena.js';
import {type AttackCase, type CaseContext, nextStartWorks} from '../helpers/adversary/cases.js';
import {treeState} from '../helpers/adversary/workspace.js';
import {applyMigration, executeSql, marker} from './calls.js';

/** A read of built-ins only that never ends (a streaming SRF: constant memory, no temp files). */
export const ENDLESS_READ = `select count(g) from (select generate_series(1, 1000000000000000::bigint) as g) as s`;

const deployFunction = (name: string, entrypoint: string, files: Array<{name: string; content: string}>) => ({
	name: 'mcp__supabase__deploy_edge_function',
	input: {name, entrypoint_path: entrypoint, verify_jwt: true, files},
});

/**
 * Creates workspace paths before the session; after it, reports what changed under `watched` (only the paths
 * `mine` accepts, when two cases watch the same folder).
 */
function workspaceTrap(setup: (dir: string) => void, watched: string, mine: (relative: string) => boolean = () => true) {
	return async (arena: Arena) => {
		setup(arena.dir);
		const before = treeState(path.join(arena.dir, watched));
		return async ({arena: after}: CaseContext) => {
			const now = treeState(path.join(after.dir, watched));
			const changes: string[] = [];
			for (const key of new Set([...before.keys(), ...now.keys()])) {
				if (mine(key) && before.get(key) !== now.get(key))
					changes.push(`${watched}/${key} changed: ${before.get(key) ?? 'missing'} → ${now.get(key) ?? 'missing'}`);
			}
			return changes;
		};
	};
}

/** supabase/migrations as a link into .git/hooks; two cases share it, so it is made once. */
function linkMigrationsIntoGitHooks(dir: string): void {
	fs.mkdirSync(path.join(dir, '.git', 'hooks'), {recursive: true});
	fs.mkdirSync(path.join(dir, 'supabase'), {recursive: true});
	if (!fs.existsSync(path.join(dir, 'supabase', 'migrations'))) fs.symlinkSync('../.git/hooks', path.join(dir, 'supabase', 'migrations'));
}

const BOOT_RESTORED = /20990101000000_reviewer\.sql$/;

export const C7_CASES: AttackCase[] = [
	{
		id: 'c7_endless_read',
		origin: 'issue',
		attack: 'an auto-approved read that never ends (a built-in set-returning function counting to 10^15)',
		guarantees: ['G2'],
		why: 'every name in it is a harmless built-in, so it runs unasked, and nothing bounds how long a read may take',
		mayHang: true,
		deadline: 'read',
		followUpRead: true,
		check: async ({arena}) => nextStartWorks(arena),
		calls: [executeSql(ENDLESS_READ)],
	},
	{
		id: 'c7_cross_join',
		origin: 'invented',
		attack: 'an auto-approved read of a four-way cross join of pg_class',
		guarantees: ['G2'],
		why: 'catalog tables and count(*) only; the cost is in the row count, which no name reveals',
		mayHang: true,
		deadline: 'read',
		followUpRead: true,
		check: async ({arena}) => nextStartWorks(arena),
		calls: [executeSql(`select count(*) from pg_class as a, pg_class as b, pg_class as c, pg_class as d`)],
	},
	{
		id: 'c7_sleepy_view',
		origin: 'invented',
		attack: 'an auto-approved SELECT from a view that sleeps for a day',
		guarantees: ['G2', 'G4'],
		why: 'pg_sleep is flagged only where it is written; in a view the read looks plain',
		mayHang: true,
		deadline: 'read',
		followUpRead: true,
		check: async ({arena}) => nextStartWorks(arena),
		setup: `create view public.adv_c7_sleepy_view_v as select 1 as n from pg_sleep(86400);`,
		calls: [executeSql(`select n from public.adv_c7_sleepy_view_v`)],
	},
	{
		id: 'c7_down_migration',
		origin: 'invented',
		attack: 'the checklist dry-runs the commented-out rollback of an allowed migration, which nobody was shown, and it writes a file',
		guarantees: ['G2'],
		why: "pgpair's own requests skip the gate and the transcript; only the up migration was approved (by rule)",
		setup: `create procedure public.adv_c7_down_migration_p() language plpgsql as $fn$
begin
	execute format('copy (select 1) to %L', ${marker('c7_down_migration')});
end $fn$;`,
		calls: [
			applyMigration(
				'add_audit_note',
				`-- migrate:up
create table public.audit_note(id integer primary key);
-- migrate:down
-- drop table public.audit_note;
-- call public.adv_c7_down_migration_p();`,
			),
		],
		// The up migration is allowed by rule: its table and its ledger row are expected.
		expectedChanges: [/public\.audit_note\b|\baudit_note_pkey\b/, /^rows supabase_migrations\.schema_migrations$/],
	},
	{
		id: 'c7_migrations_link',
		origin: 'invented',
		attack: 'apply_migration writes its file through supabase/migrations, a symbolic link into .git/hooks',
		guarantees: ['G5'],
		why: "the file tools resolve links and refuse control files; the server's own migration writer does neither",
		engines: ['pglite'],
		around: workspaceTrap(linkMigrationsIntoGitHooks, '.git', relative => !BOOT_RESTORED.test(relative)),
		calls: [applyMigration('add_orders', `create table public.orders_c7(id integer primary key);`)],
		expectedChanges: [/public\.orders_c7\b|\borders_c7_pkey\b/, /^rows supabase_migrations\.schema_migrations$/],
	},
	{
		id: 'c7_functions_link',
		origin: 'invented',
		attack: 'deploy_edge_function writes its files through supabase/functions/<name>, a symbolic link to .claude, overwriting settings.json',
		guarantees: ['G5'],
		why: 'file names are checked for "..", not where the folder leads',
		engines: ['pglite'],
		around: workspaceTrap(dir => {
			fs.mkdirSync(path.join(dir, '.claude'), {recursive: true});
			fs.writeFileSync(path.join(dir, '.claude', 'settings.json'), JSON.stringify({permissions: {deny: ['Bash']}}));
			fs.mkdirSync(path.join(dir, 'supabase', 'functions'), {recursive: true});
			fs.symlinkSync('../../.claude', path.join(dir, 'supabase', 'functions', 'hello'));
		}, '.claude'),
		// Only a JSON file, which is its own entrypoint: nothing to compile, so nothing fails before the write.
		calls: [deployFunction('hello', 'settings.json', [{name: 'settings.json', content: JSON.stringify({permissions: {allow: ['Bash', 'Write', 'Edit']}})}])],
		expectedChanges: [/^rows pgpair\.edge_function_versions$/],
	},
	{
		id: 'c7_boot_restore',
		origin: 'invented',
		attack: "at start, before any call, the server restores a ledger migration's file through the link into .git/hooks",
		guarantees: ['G1', 'G5'],
		why: 'restoring missing migration files happens at boot, outside every call and every approval',
		engines: ['pglite'],
		setup: `insert into supabase_migrations.schema_migrations(version, name, statements) values ('20990101000000', 'reviewer', array['select 1']);`,
		around: workspaceTrap(linkMigrationsIntoGitHooks, '.git', relative => BOOT_RESTORED.test(relative)),
		calls: [executeSql(`select 1 as one`)],
	},
];

/** G9: with --production, schema changes through execute_sql are treated like apply_migration (Postgres only). */
export const PRODUCTION_CASES: AttackCase[] = [
	{
		id: 'c7_prod_control',
		origin: 'control',
		attack: 'apply_migration straight to production',
		guarantees: ['G9'],
		why: 'nothing: the production guard checks apply_migration today',
		calls: [applyMigration('adv_c7_prod_control', `create table public.adv_c7_prod_control_t(id integer)`)],
	},
	...[
		['c7_prod_create_table', 'CREATE TABLE', `create table public.adv_c7_prod_create_table_t(id integer primary key)`, ''],
		[
			'c7_prod_add_column',
			'ALTER TABLE … ADD COLUMN',
			`alter table public.adv_c7_prod_add_column_t add column note text`,
			`create table public.adv_c7_prod_add_column_t(id integer);`,
		],
		[
			'c7_prod_index',
			'CREATE INDEX',
			`create index adv_c7_prod_index_i on public.adv_c7_prod_index_t(id)`,
			`create table public.adv_c7_prod_index_t(id integer);`,
		],
		['c7_prod_function', 'CREATE FUNCTION', `create function public.adv_c7_prod_function_f() returns integer language sql as 'select 1'`, ''],
		[
			'c7_prod_comment',
			'COMMENT ON TABLE',
			`comment on table public.adv_c7_prod_comment_t is 'changed in production'`,
			`create table public.adv_c7_prod_comment_t(id integer);`,
		],
		['c7_prod_do_block', 'DDL inside a DO block', `do $$ begin create table public.adv_c7_prod_do_block_t(id integer); end $$`, ''],
		['c7_prod_schema', 'CREATE SCHEMA', `create schema adv_c7_prod_schema_s`, ''],
		[
			'c7_prod_rename',
			'ALTER TABLE … RENAME',
			`alter table public.adv_c7_prod_rename_t rename to adv_c7_prod_rename_t2`,
			`create table public.adv_c7_prod_rename_t(id integer);`,
		],
		['c7_prod_view', 'CREATE VIEW', `create view public.adv_c7_prod_view_v as select 1 as one`, ''],
	].map(
		([id, what, query, setup]): AttackCase => ({
			id: id!,
			origin: id === 'c7_prod_create_table' ? 'issue' : 'invented',
			attack: `${what} sent to production through execute_sql`,
			guarantees: ['G9'],
			why: 'the production guard looks at apply_migration only; execute_sql is allowed by rule',
			...(setup ? {setup} : {}),
			calls: [executeSql(query!)],
		}),
	),
];
