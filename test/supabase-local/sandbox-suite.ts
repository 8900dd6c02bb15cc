/**
 * Attacks on the preview sandbox and on the read-only proof, through a real MCP client, on each engine. Every case
 * asserts on the live database's state (rows, catalog, sequences, large objects, files, other sessions), never on a
 * label: a preview of a call that is then denied must leave no trace.
 */
import {existsSync, mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {SupabaseMcpServerOptions} from '../../source/supabase-local/server.js';
import {connectInMemory, type SupabaseMcpTestClient, unfence} from '../helpers/supabase-mcp-client.js';

export type SandboxEngine = {
	kind: 'pglite' | 'postgres';
	options(workspace: string): Promise<SupabaseMcpServerOptions>;
	/** A second, independent session on the same database (Postgres only): sees what the server's sessions do. */
	otherSession?(): Promise<{firstRow<Row>(sql: string): Promise<Row>; close(): Promise<void>}>;
	cleanup(): Promise<void>;
};

// Generous: a clone boots in under a second on a quiet machine, several on a loaded CI box.
const PREVIEW_MS = 15_000;
const READ_MS = 5_000;

/** Catalog, rows, sequences and large objects of the live database, as one comparable value. */
async function liveState(client: SupabaseMcpTestClient): Promise<unknown> {
	const [rows] = await client.sql(`select
		(select count(*) from public.accounts)::int as accounts,
		(select coalesce(sum(balance), 0) from public.accounts)::int as balances,
		(select string_agg(owner || ':' || balance, ',' order by id) from public.accounts) as account_rows,
		(select last_value from public.accounts_id_seq)::int as sequence,
		(select count(*) from pg_catalog.pg_largeobject_metadata)::int as large_objects,
		(select string_agg(p.oid::regprocedure::text, ',' order by 1) from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace where n.nspname in ('public', 'pg_temp')) as functions,
		(select string_agg(c.oid::regclass::text || ':' || c.relrowsecurity, ',' order by 1) from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public') as relations,
		(select count(*) from pg_catalog.pg_policy)::int as policies,
		(select count(*) from pg_catalog.pg_trigger where not tgisinternal)::int as triggers,
		(select count(*) from pg_catalog.pg_event_trigger)::int as event_triggers,
		(select count(*) from pg_catalog.pg_rewrite where rulename <> '_RETURN')::int as rules,
		(select count(*) from pg_catalog.pg_roles where rolname like 'pgpair_%')::int as leftover_roles`);
	return rows;
}

/** Names and sizes of files in a PGlite data directory, outside the parts Postgres rewrites on its own. */
function dataFiles(dir: string): Map<string, number> {
	const files = new Map<string, number>();
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const full = path.join(d, name);
			const rel = path.relative(dir, full);
			if (/^(pg_wal|pg_stat|pg_stat_tmp|pg_xact|pg_multixact|pg_subtrans|pg_logical|base|global)(\/|$)/.test(rel)) continue;
			const stat = statSync(full);
			if (stat.isDirectory()) walk(full);
			else files.set(rel, stat.size);
		}
	};
	walk(dir);
	return files;
}

/** A real Postgres database as the suite's engine: `database.url` names the role the server connects as. */
export function postgresEngine(database: {url: string; drop(): Promise<void>}): SandboxEngine {
	return {
		kind: 'postgres',
		async options(workspace) {
			return {workspace, databaseUrl: database.url};
		},
		async otherSession() {
			const client = new pg.Client({connectionString: database.url});
			client.on('error', () => {});
			await client.connect();
			return {
				firstRow: async <Row>(sql: string) => {
					const [row] = (await client.query(sql)).rows;
					if (!row) throw new Error(`No row from: ${sql}`);
					return row as Row;
				},
				close: () => client.end().catch(() => {}),
			};
		},
		cleanup: () => database.drop(),
	};
}

export function defineSandboxSuite(name: string, makeEngine: () => Promise<SandboxEngine>): void {
	describe(`the preview sandbox and the read proof on ${name}`, () => {
		let engine: SandboxEngine;
		let workspace: string;
		let client: SupabaseMcpTestClient;
		let dataDir: string;

		const preview = async (query: string, mode: 'sql' | 'migration' = 'sql') => client.call('pgpair_preview_sql', {query, mode});
		const proof = async (query: string) => client.call('pgpair_check_read_only', {query});

		beforeAll(async () => {
			engine = await makeEngine();
			workspace = mkdtempSync(path.join(tmpdir(), 'pgpair-sandbox-'));
			dataDir = path.join(workspace, '.pgpair', 'db');
			client = await connectInMemory({...(await engine.options(workspace)), deadlines: {callMs: 60_000, readMs: READ_MS, previewMs: PREVIEW_MS}});
			await client.call('execute_sql', {
				query: `create table public.accounts (id serial primary key, owner text not null, balance int not null default 0);
				insert into public.accounts (owner, balance) select 'user' || g, g * 10 from generate_series(1, 20) g;
				alter table public.accounts enable row level security;
				create function public.run_text(q text) returns int language plpgsql stable as $$ begin execute q; return 1; end $$;
				create function public.slow() returns int language sql volatile as $$ select pg_sleep(30)::text::int $$;
				create procedure public.empty_accounts() language sql as $$ delete from public.accounts $$;
				create view public.rich as select owner from public.accounts where balance > 100;
				create view public.noisy as select owner, public.run_text('select 1') as x from public.accounts;
				create domain public.checked_int as int check (public.run_text('select 1') = 1);
				create type public.mood as enum ('ok', 'sad');`,
			});
		}, 180_000);

		afterAll(async () => {
			await client?.close();
			await engine?.cleanup();
			rmSync(workspace, {recursive: true, force: true});
		});

		describe('class 1: a preview never acts on the live database', () => {
			const attacks: Array<[string, string]> = [
				[
					'a function created and fired in the same SQL empties a table',
					`create function pg_temp.wipe() returns int language sql as $$ delete from public.accounts returning 1 $$; select pg_temp.wipe();`,
				],
				['a DO block deletes every row', `do $$ begin delete from public.accounts; end $$;`],
				['a procedure that already exists is called', `call public.empty_accounts();`],
				[
					'the SQL commits its own transaction, then drops a table',
					`begin; update public.accounts set balance = 0; commit; drop table public.accounts cascade;`,
				],
				[
					'a sequence is advanced by inserts',
					`insert into public.accounts (owner) select 'x' from generate_series(1, 50); select nextval('public.accounts_id_seq');`,
				],
				['a large object is created', `select lo_from_bytea(0, 'payload');`],
				[
					'a trigger and an event trigger are created',
					`create function public.audit() returns trigger language plpgsql as $$ begin delete from public.accounts; return new; end $$; create trigger t before insert on public.accounts for each row execute function public.audit(); create function public.on_ddl() returns event_trigger language plpgsql as $$ begin null; end $$; create event trigger e on ddl_command_end execute function public.on_ddl();`,
				],
				['a rule rewrites inserts into deletes', `create rule r as on insert to public.accounts do instead delete from public.accounts;`],
				[
					'RLS is disabled and an always-true policy added for anon',
					`alter table public.accounts disable row level security; create policy open on public.accounts for all to anon using (true) with check (true);`,
				],
				['the role is changed to escape the sandbox', `reset role; set role postgres; delete from public.accounts;`],
				['set_config changes the role', `select set_config('role', current_user, false); delete from public.accounts where true;`],
			];
			for (const [what, query] of attacks) {
				it(`${what}: the live database is exactly as it was`, async () => {
					const before = await liveState(client);
					const filesBefore = engine.kind === 'pglite' ? dataFiles(path.join(dataDir, 'main')) : undefined;
					await preview(query);
					expect(await liveState(client)).toEqual(before);
					if (filesBefore) expect(dataFiles(path.join(dataDir, 'main'))).toEqual(filesBefore);
				});
			}

			it("measures row changes and schema changes of the user's own tables, and reports no lock the sandbox took itself", async () => {
				const update = await preview(`update public.accounts set balance = 0 where id <= 5;`);
				expect(update.not_previewed).toEqual([]);
				expect(update.rows).toEqual([expect.objectContaining({table: 'public.accounts', operation: 'update', count: 5})]);
				expect(update.locks).toEqual([]);
				const ddl = await preview(`alter table public.accounts add column note text; comment on table public.accounts is 'x';`);
				expect(ddl.error).toBeUndefined();
				expect(ddl.not_previewed.filter((n: string) => !/bootstrap superuser/.test(n))).toEqual([]);
				expect(ddl.after).toMatch(/note text/);
				expect(ddl.before).not.toMatch(/note text/);
			});

			it('measures what the sandbox saw: rows deleted by code created in the same SQL, and the code itself', async () => {
				const report = await preview(attacks[0]![1]);
				expect(report.rows).toEqual(expect.arrayContaining([expect.objectContaining({table: 'public.accounts', operation: 'delete', count: 20})]));
				const trigger = await preview(
					`create function public.audit() returns trigger language plpgsql as $$ begin delete from public.accounts; return new; end $$; create trigger t before insert on public.accounts for each row execute function public.audit();`,
				);
				expect(trigger.effects.code).toEqual([
					expect.objectContaining({
						kind: 'function',
						name: 'public.audit()',
						language: 'plpgsql',
						definition: expect.stringContaining('delete from public.accounts'),
					}),
				]);
				const eventTrigger = await preview(
					`create function public.on_ddl() returns event_trigger language plpgsql as $$ begin null; end $$; create event trigger e on ddl_command_end execute function public.on_ddl();`,
				);
				if (engine.kind === 'pglite') {
					expect(eventTrigger.effects.code.map((c: {kind: string; name: string}) => `${c.kind} ${c.name}`)).toEqual(
						expect.arrayContaining(['event trigger e']),
					);
				} else {
					// Only a superuser may make an event trigger; the confined role is refused, so it is not previewed.
					expect(eventTrigger.not_previewed.join(' ')).toMatch(/refused/);
				}
			});

			it('a file written through a large-object export lands nowhere on the host', async () => {
				const target = engine.kind === 'pglite' ? '/pglite/data/evil.txt' : path.join(tmpdir(), `pgpair-evil-${process.pid}.txt`);
				const before = await liveState(client);
				const report = await preview(
					`create function pg_temp.export(oid, text) returns int language internal as 'be_lo_export'; select lo_from_bytea(4243, 'x'); select pg_temp.export(4243, '${target}');`,
				);
				expect(await liveState(client)).toEqual(before);
				if (engine.kind === 'pglite') {
					expect(existsSync(path.join(dataDir, 'main', 'evil.txt'))).toBe(false);
					expect(report.effects.files).toContain('/pglite/data/evil.txt');
				} else {
					expect(existsSync(target)).toBe(false);
					expect(report.not_previewed.join(' ')).toMatch(/refused|permission|superuser/i);
				}
				// The next start of the same data directory still works.
				expect((await client.sql('select 1 as ok'))[0].ok).toBe(1);
			});

			it('a procedure that copies a table to a server file writes no file', async () => {
				const target = engine.kind === 'pglite' ? '/pglite/data/copied.csv' : path.join(tmpdir(), `pgpair-copied-${process.pid}.csv`);
				await preview(`create procedure pg_temp.leak() language plpgsql as $$ begin copy public.accounts to '${target}'; end $$; call pg_temp.leak();`);
				expect(existsSync(engine.kind === 'pglite' ? path.join(dataDir, 'main', 'copied.csv') : target)).toBe(false);
			});

			it('COPY … FROM STDIN is not previewed and the preview returns at once', async () => {
				const started = Date.now();
				const report = await preview(`copy public.accounts (owner) from stdin;`);
				expect(Date.now() - started).toBeLessThan(PREVIEW_MS);
				expect(report.not_previewed.join(' ')).toMatch(/FROM STDIN/);
			});

			it('a preview that runs for ever is stopped at its deadline and the database stays usable', async () => {
				const before = await liveState(client);
				const started = Date.now();
				const report = await preview(
					`with recursive r(n) as (select 1 union all select n + 1 from r) insert into public.accounts (owner) select 'loop' from r;`,
				);
				expect(Date.now() - started).toBeLessThan(PREVIEW_MS + 8_000);
				// The deadline a person set, not what was left of it when a step ran out.
				expect(report.not_previewed.join(' ')).toContain(`did not finish within the preview's ${PREVIEW_MS / 1000} s`);
				expect(await liveState(client)).toEqual(before);
			});

			if (name.includes('Postgres')) {
				it('a C function bound to libc system() cannot be made, so no command runs', async () => {
					const marker = path.join(tmpdir(), `pgpair-pwned-${process.pid}`);
					await preview(`create function pg_temp.sh(cstring) returns int language c as 'libc.so.6', 'system'; select pg_temp.sh('touch ${marker}');`);
					expect(existsSync(marker)).toBe(false);
				});

				it('session-level advisory locks and other sessions are untouched', async () => {
					const other = await engine.otherSession!();
					try {
						const {pid} = await other.firstRow<{pid: number}>('select pg_backend_pid() as pid');
						await preview(`select pg_advisory_lock(4242); select pg_terminate_backend(${pid}); select pg_cancel_backend(${pid});`);
						// The other session is alive and can take the lock the preview took.
						expect((await other.firstRow<{got: boolean}>('select pg_try_advisory_lock(4242) as got')).got).toBe(true);
					} finally {
						await other.close();
					}
				});

				it('the connection role stops being a superuser inside the preview only: other sessions and later calls still see one', async () => {
					const other = await engine.otherSession!();
					try {
						const {role} = await other.firstRow<{role: string}>('select current_user as role');
						const rolsuper = async () =>
							(await other.firstRow<{rolsuper: boolean}>(`select rolsuper from pg_catalog.pg_roles where rolname = current_user`)).rolsuper;
						expect(await rolsuper()).toBe(true);
						// While the preview sleeps, the committed catalog still says superuser.
						const running = preview(`select pg_sleep(1.5); insert into public.accounts (owner) values ('x');`);
						await new Promise(r => setTimeout(r, 600));
						expect(await rolsuper()).toBe(true);
						await running;
						expect(await rolsuper()).toBe(true);
						const [after] = await client.sql(`select rolsuper, current_user as me from pg_catalog.pg_roles where rolname = current_user`);
						expect(after).toEqual({rolsuper: true, me: role});
					} finally {
						await other.close();
					}
				});

				it("functions the catalogs' owner may run (lo_export, pg_read_file, pg_ls_dir) stay refused, whoever the connection is", async () => {
					const target = path.join(tmpdir(), `pgpair-exported-${process.pid}.txt`);
					rmSync(target, {force: true});
					const before = await liveState(client);
					const exported = await preview(`select lo_export(lo_from_bytea(0, 'x'), '${target}');`);
					expect(existsSync(target)).toBe(false);
					expect(exported.not_previewed.join(' ')).toMatch(/refused.*permission denied/);
					for (const query of [`select pg_read_file('/etc/hostname');`, `select pg_ls_dir('.');`, `copy (select 1) to '${target}';`]) {
						const report = await preview(query);
						expect(report.not_previewed.join(' '), query).toMatch(/refused/);
					}
					expect(existsSync(target)).toBe(false);
					expect(await liveState(client)).toEqual(before);
				});

				it('a foreign table fed by a program runs no program, neither in a preview nor as a read', async () => {
					const marker = path.join(tmpdir(), `pgpair-fdw-${process.pid}`);
					rmSync(marker, {force: true});
					await client.call('execute_sql', {
						query: `create extension if not exists file_fdw; create server if not exists pgpair_files foreign data wrapper file_fdw;
						create foreign table public.feed (line text) server pgpair_files options (program 'touch ${marker}; echo hello');`,
					});
					try {
						const report = await preview(`insert into public.accounts (owner) select line from public.feed;`);
						expect(existsSync(marker)).toBe(false);
						expect(report.not_previewed.join(' ')).toMatch(/refused.*foreign table/);
						expect((await proof('select * from public.feed')).read_only).toBe(false);
						expect(existsSync(marker)).toBe(false);
					} finally {
						await client.call('execute_sql', {query: 'drop foreign table public.feed;'});
					}
				});

				it('an index built in the preview runs its expression as no superuser, even on a table the connection role owns', async () => {
					const marker = path.join(tmpdir(), `pgpair-index-${process.pid}`);
					rmSync(marker, {force: true});
					const report = await preview(
						`create function public.write_marker() returns int language plpgsql as $$ begin execute format('copy (select 1) to %L', '${marker}'); return 1; end $$; create function public.mark(int) returns int language sql immutable as $$ select public.write_marker() + $1 $$; create index on public.accounts (public.mark(id));`,
					);
					expect(existsSync(marker)).toBe(false);
					expect(report.not_previewed.join(' ') + String(report.error?.message ?? '')).toMatch(/permission denied|refused/i);
				});
			}
		});

		describe('class 2: only what is provably read-only runs without asking', () => {
			const notReads: Array<[string, string]> = [
				['a stable function that runs its text argument as SQL', `select public.run_text('select 1')`],
				['a view over a function of the user', `select * from public.noisy`],
				['a domain whose CHECK calls a function of the user', `select 1::public.checked_int`],
				[
					'attribute notation calling a function',
					`create function public.fn(public.accounts) returns int language sql as $$ select 1 $$; select a.fn from public.accounts a`,
				],
				['a volatile built-in that sleeps', `select pg_sleep(10)`],
				['a built-in that takes a session lock', `select pg_advisory_lock(7)`],
				['a built-in that runs SQL text', `select query_to_xml('select pg_sleep(10)', true, true, '')`],
				['a SELECT that locks rows', `select * from public.accounts for update`],
				['a data-modifying CTE', `with d as (delete from public.accounts returning *) select count(*) from d`],
				['SELECT INTO', `select * into public.copy from public.accounts`],
				['reading a file', `select pg_read_file('/etc/hostname')`],
			];
			for (const [what, query] of notReads) {
				it(`${what} is not provably read-only`, async () => {
					// The function of the attribute-notation case is made first, outside the checked SQL.
					const [setup, checked] = query.includes('; select a.fn') ? query.split('; ') : [undefined, query];
					if (setup) await client.call('execute_sql', {query: `${setup};`});
					const result = await proof(checked!);
					expect(result.read_only).toBe(false);
					expect(result.reasons.length).toBeGreaterThan(0);
				});
			}

			it('a user operator named = is not built in', async () => {
				await client.call('execute_sql', {
					query: `create function public.eq_mood(public.mood, public.mood) returns boolean language sql as $$ select public.run_text('select 1') = 1 $$;
					create operator public.= (leftarg = public.mood, rightarg = public.mood, function = public.eq_mood);`,
				});
				expect((await proof(`select 'ok'::public.mood operator(public.=) 'ok'::public.mood`)).read_only).toBe(false);
			});

			const reads: Array<[string, string]> = [
				['a plain SELECT with built-in functions', `select owner, upper(owner), balance * 2 from public.accounts where balance > 10 order by 1 limit 5`],
				['a view over a table', `select * from public.rich`],
				[
					'the catalogs and information_schema',
					`select table_name from information_schema.tables where table_schema = 'public'; select relname from pg_catalog.pg_class limit 3`,
				],
				['an enum and now()', `select 'ok'::public.mood, now()`],
				['EXPLAIN of a read', `explain select * from public.accounts`],
				['SHOW', `show search_path`],
			];
			for (const [what, query] of reads) {
				it(`${what} is provably read-only`, async () => {
					expect(await proof(query)).toEqual({read_only: true});
				});
			}

			it('a proven read runs as a least-privilege role in a read-only transaction', async () => {
				const {result} = await client.call('pgpair_execute_sql_read_only', {
					query: `select current_user as who, current_setting('transaction_read_only') as ro, (select count(*) from public.accounts)::int as n`,
				});
				const [row] = unfence(result).data;
				expect(row.who).toMatch(/^pgpair_reader_/);
				expect(row.ro).toBe('on');
				// RLS is on and no policy lets anyone read: the reader still sees what the owner would.
				expect(row.n).toBeGreaterThanOrEqual(20);
			});

			it('an unproven query sent to the read route is refused and runs nothing', async () => {
				const before = await liveState(client);
				const {body} = await client.callError('pgpair_execute_sql_read_only', {query: `select public.run_text('delete from public.accounts')`});
				expect(body.error.message).toMatch(/not provably read-only/);
				expect(await liveState(client)).toEqual(before);
			});

			it('a read that never ends is stopped at its deadline and the database stays usable', async () => {
				const started = Date.now();
				const {body} = await client.callError('pgpair_execute_sql_read_only', {query: `select count(*) from generate_series(1, 1000000000000)`});
				expect(Date.now() - started).toBeLessThan(READ_MS + 8_000);
				expect(body.error.message).toMatch(/did not finish|cancel/i);
				expect((await client.sql('select count(*)::int as n from public.accounts'))[0].n).toBeGreaterThanOrEqual(20);
			});
		});
	});
}
