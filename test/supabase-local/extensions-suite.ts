/**
 * `list_extensions` tells the truth on both engines: it lists exactly what `create extension` accepts, with
 * installed and default versions. Driven through `pgpair mcp` as a separate process (stdio), like any client.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase} from '../helpers/database-url.js';
import {connectClient, type SupabaseMcpTestClient, unfence} from '../helpers/supabase-mcp-client.js';
import {TEST_XDG_CACHE_HOME} from './pglite-cache.js';

const BIN = fileURLToPath(new URL('../../source/supabase-local/stdio-bin.ts', import.meta.url));
const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What the embedded database must offer: Supabase's extensions (supabase.com/docs/guides/database/extensions) that
 * PGlite 0.5 ships (its contrib bundles and pgvector), pg_stat_statements aside (see PGLITE_WITHHELD).
 */
export const PGLITE_EXTENSIONS = [
	'amcheck',
	'autoinc',
	'bloom',
	'btree_gin',
	'btree_gist',
	'citext',
	'cube',
	'dict_int',
	'dict_xsyn',
	'earthdistance',
	'file_fdw',
	'fuzzystrmatch',
	'hstore',
	'insert_username',
	'intarray',
	'isn',
	'lo',
	'ltree',
	'moddatetime',
	'pageinspect',
	'pg_buffercache',
	'pg_freespacemap',
	'pg_surgery',
	'pg_trgm',
	'pg_visibility',
	'pg_walinspect',
	'pgcrypto',
	'plpgsql',
	'refint',
	'seg',
	'tablefunc',
	'tcn',
	'tsm_system_rows',
	'tsm_system_time',
	'unaccent',
	'uuid-ossp',
	'vector',
];

/** Shipped by PGlite and offered by Supabase, but only usable when preloaded at start-up, so not offered. */
export const PGLITE_WITHHELD = ['pg_stat_statements'];

type Extension = {name: string; schema: string | null; default_version: string; installed_version: string | null; comment: string | null};

export async function spawnServer(args: string[]): Promise<SupabaseMcpTestClient> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
	delete env['DATABASE_URL'];
	env['XDG_CACHE_HOME'] = TEST_XDG_CACHE_HOME;
	// --internal-tools: the suite previews as pgpair does, with pgpair's own tools, which other clients are not shown.
	const transport = new StdioClientTransport({
		command: process.execPath,
		args: ['--import', 'tsx', BIN, '--internal-tools', ...args],
		cwd: REPOSITORY,
		env,
		stderr: 'pipe',
	});
	return connectClient(transport, async () => {});
}

export function describeExtensionSuite(engine: 'pglite' | 'postgres'): void {
	describe(`list_extensions and create extension through pgpair mcp on ${engine === 'pglite' ? 'PGlite' : 'a real Postgres (--db)'}`, () => {
		let server: SupabaseMcpTestClient;
		let workspace: string;
		let args: string[];
		let dropDatabase: (() => Promise<void>) | undefined;

		beforeAll(async () => {
			workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-extensions-'));
			args = ['--workspace', workspace];
			if (engine === 'postgres') {
				const database = await createTestDatabase('pgpair_extensions');
				dropDatabase = database.drop;
				args.push('--db', database.url);
			}
			server = await spawnServer(args);
		});

		afterAll(async () => {
			await server?.close();
			await dropDatabase?.();
			if (workspace) await rm(workspace, {recursive: true, force: true});
		});

		const list = async (): Promise<Extension[]> => (await server.call('list_extensions')).extensions;
		const sql = async (query: string) => unfence((await server.call('execute_sql', {query})).result).data;

		it("lists exactly the server's available extensions, each with its default version", async () => {
			const listed = await list();
			const available: {name: string; default_version: string; installed_version: string | null}[] = await sql(
				'select name, default_version, installed_version from pg_available_extensions order by name',
			);
			expect(listed.map(e => e.name)).toEqual(available.map(e => e.name));
			for (const extension of listed) {
				const truth = available.find(e => e.name === extension.name)!;
				expect(extension.default_version, extension.name).toBe(truth.default_version);
				expect(extension.installed_version, extension.name).toBe(truth.installed_version);
				expect(extension.schema === null, extension.name).toBe(extension.installed_version === null);
			}
			if (engine === 'pglite') expect(listed.map(e => e.name)).toEqual([...PGLITE_EXTENSIONS].sort());
		});

		if (engine === 'pglite') {
			it('does not offer pg_stat_statements, which only works when loaded at start-up: create extension says it is not available', async () => {
				for (const name of PGLITE_WITHHELD) {
					const refused = await server.callError('execute_sql', {query: `create extension ${name}`});
					expect(refused.text).toMatch(/is not available/);
				}
			});
		}

		it('creates every listed extension, which then shows as installed at its default version', async () => {
			const before = await list();
			const created: string[] = [];
			for (const extension of before.filter(e => e.installed_version === null)) {
				// cascade: earthdistance needs cube, which may come later in the list
				created.push(extension.name);
				await sql(`create extension if not exists "${extension.name}" schema extensions cascade`);
			}
			try {
				expect(created.length).toBeGreaterThan(engine === 'pglite' ? 30 : 20);
				for (const extension of await list()) {
					expect(extension.installed_version, extension.name).toBe(extension.default_version);
					// a few (adminpack, plpgsql) always live in pg_catalog
					expect(extension.schema, extension.name).toEqual(expect.any(String));
				}
			} finally {
				await sql(`drop extension ${created.map(name => `"${name}"`).join(', ')} cascade`);
			}
			expect((await list()).filter(e => e.installed_version !== null).map(e => e.name)).toEqual(
				before.filter(e => e.installed_version !== null).map(e => e.name),
			);
		});

		it('shows an older installed version next to the default one, and the extension works', async () => {
			await sql(`create extension citext schema extensions version '1.4'`);
			try {
				const citext = (await list()).find(e => e.name === 'citext')!;
				expect(citext.installed_version).toBe('1.4');
				expect(citext.default_version).not.toBe('1.4');
				expect(await sql(`select 'Hello'::extensions.citext = 'HELLO' as same`)).toEqual([{same: true}]);
			} finally {
				await sql('drop extension citext');
			}
		});

		if (engine === 'pglite') {
			it('keeps an extension working after the server restarts (its files are there again before any query)', async () => {
				await sql(`create extension ltree schema extensions; create extension hstore schema extensions;
					create table public.paths (p extensions.ltree, attrs extensions.hstore); insert into public.paths values ('a.b.c', 'k=>v');`);
				await server.close();
				server = await spawnServer(args);
				expect(await sql(`select p::text, nlevel(p) as levels, attrs -> 'k' as k from public.paths`)).toEqual([{p: 'a.b.c', levels: 3, k: 'v'}]);
			});

			it('previews an extension the database does not have yet, in the sandbox', async () => {
				const preview = await server.call('pgpair_preview_sql', {
					mode: 'sql',
					query: "create extension fuzzystrmatch schema extensions; create table public.words (w text, code text default extensions.soundex('x'));",
				});
				expect(preview.error).toBeUndefined();
				expect(preview.after).toContain('table public.words');
				expect((await list()).find(e => e.name === 'fuzzystrmatch')?.installed_version).toBeNull();
			});
		}
	});
}
