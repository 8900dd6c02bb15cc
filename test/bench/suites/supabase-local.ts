import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import {LocalSupabase} from '../../../source/supabase-local/local-project.js';
import {createPGliteHost} from '../../../source/supabase-local/pglite-platform.js';
import {inScratch, openBenchServer} from '../in-memory-server.js';
import type {BenchRow, BenchSuite} from '../types.js';

const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = path.join(REPOSITORY, 'source', 'supabase-local', 'stdio-bin.ts');

async function time(fn: () => Promise<unknown>): Promise<number> {
	const start = performance.now();
	await fn();
	return performance.now() - start;
}

/** Main database open with the shim in place: what the first tool call waits for. */
async function bootOnce(dataDir: string, cacheDir: string | null): Promise<number> {
	const local = new LocalSupabase({host: createPGliteHost({dataDir, cacheDir})});
	const ms = await time(() => local.ready());
	await local.close();
	return ms;
}

async function embeddedReady(scratch: string): Promise<BenchRow[]> {
	const cache = path.join(scratch, 'cache');
	const cold: number[] = [];
	for (let i = 0; i < 2; i++) cold.push(await bootOnce(path.join(scratch, `cold-${i}`), null));
	const fresh: number[] = [];
	const reopen: number[] = [];
	for (let i = 0; i < 6; i++) {
		const dir = path.join(scratch, `fresh-${i}`);
		fresh.push(await bootOnce(dir, cache));
		reopen.push(await bootOnce(dir, cache));
	}
	// The first fresh boot builds the snapshot cache; the rest load it.
	return [
		{metric: 'embedded database ready, first start on a machine (initdb, no snapshot)', unit: 'ms', samples: cold},
		{metric: 'embedded database ready, fresh data dir (cached base snapshot)', unit: 'ms', samples: fresh.slice(1)},
		{metric: 'embedded database ready, reopen existing data dir', unit: 'ms', samples: reopen},
	];
}

async function executeSqlOverStdio(scratch: string): Promise<BenchRow> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
	delete env['DATABASE_URL'];
	env['XDG_CACHE_HOME'] = path.join(scratch, 'xdg');
	const transport = new StdioClientTransport({
		command: process.execPath,
		args: ['--import', 'tsx', BIN, '--workspace', path.join(scratch, 'stdio')],
		cwd: REPOSITORY,
		env,
		stderr: 'ignore',
	});
	const client = new Client({name: 'bench', version: '0'});
	await client.connect(transport);
	try {
		await client.callTool({name: 'execute_sql', arguments: {query: 'create table t as select g from generate_series(1, 100) g'}});
		const samples: number[] = [];
		for (let i = 0; i < 12; i++) {
			samples.push(await time(() => client.callTool({name: 'execute_sql', arguments: {query: 'select g from t where g <= 10'}})));
		}
		return {metric: 'execute_sql round trip over stdio (PGlite, 10 rows)', unit: 'ms', samples: samples.slice(2)};
	} finally {
		await client.close();
	}
}

async function branchCreation(scratch: string): Promise<BenchRow> {
	const server = await openBenchServer({workspace: path.join(scratch, 'branching'), cacheDir: path.join(scratch, 'cache')});
	const {call} = server;
	try {
		for (let i = 0; i < 20; i++) {
			await call('apply_migration', {
				name: `migration_${i}`,
				query: `create table table_${i} (id bigint generated always as identity primary key, name text not null, created_at timestamptz default now());
create index table_${i}_name on table_${i} (name);
alter table table_${i} enable row level security;
create policy "read ${i}" on table_${i} for select to authenticated using (true);`,
			});
		}
		const samples: number[] = [];
		for (let i = 0; i < 6; i++) {
			let branch: {id: string; status: string} | undefined;
			samples.push(
				await time(async () => (branch = (await call('create_branch', {name: `bench-${i}`, confirm_cost_id: 'local'})) as {id: string; status: string})),
			);
			if (branch?.status !== 'MIGRATIONS_PASSED') throw new Error(`branch status ${branch?.status}`);
			await call('delete_branch', {branch_id: branch.id});
		}
		return {metric: 'create_branch with 20 migrations applied (PGlite)', unit: 'ms', samples};
	} finally {
		await server.close();
	}
}

export default {
	name: 'supabase-local',
	run: () =>
		inScratch('pgpair-bench-', async scratch => [...(await embeddedReady(scratch)), await executeSqlOverStdio(scratch), await branchCreation(scratch)]),
} satisfies BenchSuite;
