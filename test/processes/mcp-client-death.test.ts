import {type ChildProcess, spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import pg from 'pg';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase} from '../helpers/database-url.js';
import {BUILT_CLI, TSX_LOADER, tempWorkspace} from '../helpers/paths.js';
import {ProcessTree, waitUntilBusy} from '../helpers/process-tree.js';
import {waitFor} from '../helpers/wait-for.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';
import {ENDLESS_COUNT} from './pgpair-run.js';

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mcp-client.ts');

let database: Awaited<ReturnType<typeof createTestDatabase>>;
// A pool of one: it reconnects if another test run on the shared server terminates its connection.
let monitor: InstanceType<typeof pg.Pool>;
beforeAll(async () => {
	database = await createTestDatabase('pgpair_procs_client');
	monitor = new pg.Pool({connectionString: database.url, max: 1});
	monitor.on('error', () => undefined);
});
afterAll(async () => {
	await monitor?.end();
	await database?.drop();
});

const cleanups: Array<() => void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) cleanup();
	await monitor.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
});

/** Starts the other client; resolves once its call has been sent to `pgpair mcp`. */
async function startClient(query: string, env: Record<string, string> = {}): Promise<{client: ChildProcess; tree: ProcessTree; dir: string}> {
	const dir = tempWorkspace('pgpair-procs-client-');
	const client = spawn(process.execPath, ['--import', TSX_LOADER, CLIENT, BUILT_CLI, dir, query], {
		env: {PATH: process.env['PATH'] ?? '', HOME: dir, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME, ...env},
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const tree = new ProcessTree(client.pid!, dir);
	cleanups.push(() => {
		tree.killSurvivors();
		client.kill('SIGKILL');
	});
	let output = '';
	client.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	await waitFor(
		() => {
			if (client.exitCode !== null) throw new Error(`the client exited with ${client.exitCode}`);
			return output.includes('calling');
		},
		'the client to call execute_sql',
		60_000,
	);
	return {client, tree, dir};
}

function serverOf(tree: ProcessTree) {
	const server = tree.snapshot().find(p => p.command.includes(' mcp --workspace '));
	if (!server) throw new Error('the client has no `pgpair mcp` child');
	return server;
}

async function killClient(client: ChildProcess, tree: ProcessTree): Promise<number> {
	tree.snapshot();
	const since = Date.now();
	const exited = new Promise(resolve => client.once('exit', resolve));
	client.kill('SIGKILL');
	await exited;
	return tree.waitUntilGone(Math.max(0, 5000 - (Date.now() - since)), since);
}

describe('pgpair mcp started by another client that dies', () => {
	it("PGlite: the server, busy in a query, is gone within 5 s of its client's SIGKILL", async () => {
		const {client, tree} = await startClient(ENDLESS_COUNT);
		const server = serverOf(tree);
		await waitUntilBusy(server.pid, 'the server to be busy in the query');

		const ms = await killClient(client, tree);
		expect(tree.seen.map(p => p.pid)).toContain(server.pid);
		console.log(`pgpair mcp on PGlite, client killed: no process left after ${ms} ms`);
	});

	it("Postgres: the server is gone within 5 s of its client's SIGKILL, and so is its backend", async () => {
		const {client, tree} = await startClient('select pg_sleep(120)', {DATABASE_URL: database.url});
		const server = serverOf(tree);
		const backends = async () =>
			(
				await monitor.query<{pid: number; state: string; query: string}>(
					'select pid, state, query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
				)
			).rows;
		await waitFor(async () => (await backends()).some(b => b.state === 'active' && b.query.includes('pg_sleep(120)')), 'Postgres to run the statement');

		const since = Date.now();
		const ms = await killClient(client, tree);
		expect(tree.seen.map(p => p.pid)).toContain(server.pid);
		console.log(`pgpair mcp on Postgres, client killed: no process left after ${ms} ms`);
		let left: Awaited<ReturnType<typeof backends>> = [];
		await waitFor(
			async () => {
				left = await backends();
				return left.length === 0;
			},
			"the server's backends to end",
			Math.max(0, 5000 - (Date.now() - since)),
			50,
		).catch(() => {
			throw new Error(
				`Backends outlived the server by 5 s: ${JSON.stringify(left)}. A backend notices its client is gone during a statement only with client_connection_check_interval set on every connection pgpair opens.`,
			);
		});
	});
});
