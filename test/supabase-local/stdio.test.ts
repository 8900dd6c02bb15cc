import {spawnSync} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, testDatabaseUrl} from '../helpers/database-url.js';
import {connectClient, type SupabaseMcpTestClient} from '../helpers/supabase-mcp-client.js';
import {TEST_XDG_CACHE_HOME} from './pglite-cache.js';
import {ALL_TOOL_NAMES, WRITE_TOOLS} from './tool-suite.js';

const BIN = fileURLToPath(new URL('../../source/supabase-local/stdio-bin.ts', import.meta.url));
const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

function childEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
	delete env['DATABASE_URL'];
	env['XDG_CACHE_HOME'] = TEST_XDG_CACHE_HOME;
	return env;
}

/**
 * `pgpair mcp …` as a separate process, reached through the SDK's stdio client. It runs from the repository root
 * (where `--import tsx` resolves) and gets the workspace by flag.
 */
async function spawnServer(args: string[]): Promise<SupabaseMcpTestClient> {
	const transport = new StdioClientTransport({
		command: process.execPath,
		args: ['--import', 'tsx', BIN, ...args],
		cwd: REPOSITORY,
		env: childEnv(),
		stderr: 'pipe',
	});
	// As pgpair's own client: every tool is listed to it (official-interface.test.ts covers other clients).
	return connectClient(transport, async () => {}, 'pgpair');
}

describe('pgpair mcp over stdio (PGlite)', () => {
	let workspace: string;

	beforeAll(async () => {
		workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-stdio-'));
	});
	afterAll(async () => {
		if (workspace) await rm(workspace, {recursive: true, force: true});
	});

	it('answers tools/list and tool calls from a separate client process, and keeps data across restarts', async () => {
		const first = await spawnServer(['--workspace', workspace]);
		try {
			const {tools} = await first.client.listTools();
			expect(tools.map(t => t.name).sort()).toEqual([...ALL_TOOL_NAMES].sort());
			expect(await first.call('list_tables')).toEqual({tables: []});
			await first.call('apply_migration', {name: 'create_pets', query: 'create table pets (name text primary key);'});
			expect(await first.sql("insert into pets values ('rex') returning name")).toEqual([{name: 'rex'}]);
			const {tables} = await first.call('list_tables');
			expect(tables).toEqual([{name: 'public.pets', rls_enabled: false, rows: 1}]);
		} finally {
			await first.close();
		}

		// The default data directory is <workspace>/.pgpair/db; reopening it finds the data and the ledger.
		const second = await spawnServer(['--workspace', workspace, '--read-only']);
		try {
			const {tools} = await second.client.listTools();
			for (const write of WRITE_TOOLS) expect(tools.map(t => t.name)).not.toContain(write);
			expect(await second.sql('select name from pets')).toEqual([{name: 'rex'}]);
			expect((await second.call('list_migrations')).migrations.map((m: {name: string}) => m.name)).toEqual(['create_pets']);
			const write = await second.callError('execute_sql', {query: "insert into pets values ('tom')"});
			expect(write.body.error.code).toBe('25006');
		} finally {
			await second.close();
		}
	});

	it('rejects unknown command-line arguments with a usage line', () => {
		const result = spawnSync(process.execPath, ['--import', 'tsx', BIN, '--bogus'], {
			encoding: 'utf8',
			env: childEnv(),
			cwd: REPOSITORY,
		});
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/unknown argument --bogus/);
		expect(result.stderr).toMatch(/usage: pgpair mcp/);
	});
});

describe('pgpair mcp over stdio (real Postgres via --db)', () => {
	it('serves the same tools on the database given by --db, without showing its password', async () => {
		const database = await createTestDatabase();
		const workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-stdio-pg-'));
		const client = await spawnServer(['--db', database.url, '--workspace', workspace]);
		try {
			const {tools} = await client.client.listTools();
			expect(tools).toHaveLength(ALL_TOOL_NAMES.length);
			await client.call('apply_migration', {name: 'create_pets', query: 'create table pets (name text primary key);'});
			expect((await client.call('list_tables')).tables.map((t: {name: string}) => t.name)).toEqual(['public.pets']);
			const password = new URL(testDatabaseUrl()).password;
			const logs = await client.call('get_logs', {service: 'postgres'});
			if (password) expect(JSON.stringify(logs)).not.toContain(password);
		} finally {
			await client.close();
			await database.drop();
			await rm(workspace, {recursive: true, force: true});
		}
	});
});
