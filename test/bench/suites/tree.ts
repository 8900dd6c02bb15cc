/**
 * Issue 16: what the whole process tree costs a person's machine, not only the TUI's own process — the MCP server
 * and the embedded database included — side by side with a plain Ink app of the same shape (chat, prompt, status
 * line; no model client, no tools, no database) as the floor. Measured on the built CLI in a real pty:
 * - CPU of the whole tree from launch until 5 s after the first prompt was sent (typed at the first frame, answered
 *   by the scripted Messages API without a tool call, so no database call is made);
 * - resident memory of the whole tree once idle after that answer;
 * - the first database call after launch, through `pgpair mcp` from an MCP client: with a warm cache (the data
 *   directory and the base snapshot exist) and cold (neither);
 * - the same in the TUI, where the server itself starts on that call (when the model begins it): from Enter to the
 *   answer after the call on screen (two scripted model turns on loopback included), in a project opened before
 *   and in a new one.
 */
import fs from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import {startScriptedServer} from '../../../source/model/scripted-server.js';
import {BUILT_CLI, REPO_ROOT} from '../../helpers/paths.js';
import {startPty, treeCpuSeconds, treeRssMb} from '../pty.js';
import type {BenchRow, BenchSuite} from '../types.js';

const ROUNDS = 5;
const READY_TEXT = 'ask the backend engineer';
const FLOOR_APP = path.join(REPO_ROOT, 'test/bench/fixtures/plain-ink-app.mjs');
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

type TreeSample = {cpu: number; rss: number; rssAfterCall?: number; rssAsleep?: number; firstCallMs?: number};

function scratch(prefix: string): string {
	return fs.mkdtempSync(path.join(tmpdir(), prefix));
}

/** Launch, prompt at the first frame, CPU at prompt + 5 s, then idle memory once the answer is on screen. */
async function measureTree(command: string, env: NodeJS.ProcessEnv, cwd: string, answered: string, afterCall?: string): Promise<TreeSample> {
	const pty = startPty(command, {cwd, env, columns: 120, rows: 40});
	try {
		await pty.waitFor(READY_TEXT, 30_000);
		const root = pty.programPid();
		pty.write('hello');
		await sleep(50);
		pty.write('\r');
		await sleep(5_000);
		const cpu = treeCpuSeconds(root);
		await pty.waitFor(answered, 30_000);
		await sleep(3_000);
		const rss = treeRssMb(root);
		if (!afterCall) return {cpu, rss};
		// Then one database call (the server and its database start for it), and idle again.
		pty.write('count');
		await sleep(50);
		const sent = performance.now();
		pty.write('\r');
		await pty.waitFor(afterCall, 60_000);
		const firstCallMs = performance.now() - sent;
		await sleep(3_000);
		const rssAfterCall = treeRssMb(root);
		// Left unused (PGPAIR_DB_IDLE_MS below), the database sleeps and gives its engine's memory back.
		await pty.waitFor('db asleep', 60_000);
		await sleep(2_000);
		return {cpu, rss, rssAfterCall, rssAsleep: treeRssMb(root), firstCallMs};
	} finally {
		await pty.stop();
	}
}

/** One launch in `workspace` (a project opened before: its data directory exists), or in a new one. */
async function pgpairRound(cache: string, workspace?: string): Promise<TreeSample> {
	const dir = workspace ?? scratch('pgpair-bench-tree-');
	const server = await startScriptedServer({
		turns: [
			{text: 'Hello.'},
			{text: 'Counting.', tool_calls: [{id: 'toolu_bench_count', name: 'mcp__supabase__execute_sql', input: {query: 'select 41 + 1 as answer'}}]},
			{text: 'Counted it.'},
		],
	});
	try {
		const env = {
			PATH: process.env['PATH'],
			HOME: dir,
			XDG_CACHE_HOME: cache,
			TERM: 'xterm-256color',
			LANG: 'C.UTF-8',
			ANTHROPIC_API_KEY: 'bench-key',
			ANTHROPIC_BASE_URL: server.url,
			PGPAIR_DB_IDLE_MS: '8000',
		};
		return await measureTree(`${process.execPath} ${BUILT_CLI}`, env, dir, 'Hello.', 'Counted it.');
	} finally {
		await server.close();
		if (!workspace) fs.rmSync(dir, {recursive: true, force: true});
	}
}

async function floorRound(): Promise<TreeSample> {
	return measureTree(
		`${process.execPath} ${FLOOR_APP}`,
		{PATH: process.env['PATH'], HOME: tmpdir(), TERM: 'xterm-256color', LANG: 'C.UTF-8'},
		REPO_ROOT,
		'Hello.',
	);
}

/** `pgpair mcp` started fresh, connected, then the time of its first execute_sql (the database starts on it). */
async function firstCall(workspace: string, cache: string): Promise<number> {
	const transport = new StdioClientTransport({
		command: process.execPath,
		args: [BUILT_CLI, 'mcp', '--workspace', workspace],
		cwd: workspace,
		env: {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: workspace, XDG_CACHE_HOME: cache},
		stderr: 'ignore',
	});
	const client = new Client({name: 'pgpair-bench', version: '0.0.0'});
	await client.connect(transport);
	try {
		const started = performance.now();
		const result = await client.callTool({name: 'execute_sql', arguments: {query: 'select 1 as one'}});
		if (result.isError) throw new Error(`execute_sql failed: ${JSON.stringify(result.content)}`);
		return performance.now() - started;
	} finally {
		await client.close();
	}
}

const suite: BenchSuite = {
	name: 'tree',
	async run(): Promise<BenchRow[]> {
		if (!fs.existsSync(BUILT_CLI)) throw new Error('dist/cli.js is missing: run npm run build');
		const cache = scratch('pgpair-bench-tree-cache-');
		try {
			const pgpair: TreeSample[] = [];
			const floor: TreeSample[] = [];
			const newProject: TreeSample[] = [];
			// Warm: the OS file cache, the bundle's first compile, the base snapshot; and a project that has been
			// opened before (its data directory exists), as a person's usually has.
			const project = scratch('pgpair-bench-tree-project-');
			await pgpairRound(cache, project);
			// Interleaved, so a busy moment of the machine falls on both.
			for (let i = 0; i < ROUNDS; i++) {
				pgpair.push(await pgpairRound(cache, project));
				floor.push(await floorRound());
			}
			for (let i = 0; i < 3; i++) newProject.push(await pgpairRound(cache));
			fs.rmSync(project, {recursive: true, force: true});

			const warm: number[] = [];
			const cold: number[] = [];
			for (let i = 0; i < ROUNDS; i++) {
				const coldCache = scratch('pgpair-bench-tree-cold-');
				const workspace = scratch('pgpair-bench-tree-ws-');
				try {
					cold.push(await firstCall(workspace, coldCache));
					warm.push(await firstCall(workspace, coldCache));
				} finally {
					fs.rmSync(coldCache, {recursive: true, force: true});
					fs.rmSync(workspace, {recursive: true, force: true});
				}
			}

			return [
				{metric: 'whole tree idle memory, no database call (pgpair)', unit: 'MB', samples: pgpair.map(s => s.rss), target: {max: 150}},
				{metric: 'whole tree idle memory (plain Ink app, the floor)', unit: 'MB', samples: floor.map(s => s.rss)},
				{
					metric: 'whole tree idle memory after one database call (pgpair, embedded database, a project opened before)',
					unit: 'MB',
					samples: pgpair.map(s => s.rssAfterCall ?? Number.NaN),
				},
				{
					metric: 'whole tree idle memory after one database call, a new project (its data directory made from the snapshot)',
					unit: 'MB',
					samples: newProject.map(s => s.rssAfterCall ?? Number.NaN),
				},
				{
					metric: 'whole tree idle memory once the database sleeps (unused for PGPAIR_DB_IDLE_MS, 8 s here; 5 min by default)',
					unit: 'MB',
					samples: pgpair.map(s => s.rssAsleep ?? Number.NaN),
				},
				{metric: 'whole tree idle memory, pgpair / floor', unit: 'x', samples: pgpair.map((s, i) => s.rss / floor[i]!.rss)},
				{metric: 'whole tree CPU, launch to prompt + 5 s, no database call (pgpair)', unit: 's', samples: pgpair.map(s => s.cpu), target: {max: 0.5}},
				{metric: 'whole tree CPU, launch to prompt + 5 s (plain Ink app, the floor)', unit: 's', samples: floor.map(s => s.cpu)},
				{metric: 'whole tree CPU, pgpair / floor', unit: 'x', samples: pgpair.map((s, i) => s.cpu / floor[i]!.cpu)},
				{metric: 'first database call after launch, warm (data dir and snapshot cached)', unit: 'ms', samples: warm, target: {max: 1000}},
				{metric: 'first database call after launch, cold (no cache: initdb)', unit: 'ms', samples: cold},
				{
					metric: 'first database call in the TUI: Enter to the answer after it (server and database start for it; a project opened before)',
					unit: 'ms',
					samples: pgpair.map(s => s.firstCallMs ?? Number.NaN),
					target: {max: 1000},
				},
				{
					metric: 'first database call in the TUI, a new project (its data directory made from the cached snapshot)',
					unit: 'ms',
					samples: newProject.map(s => s.firstCallMs ?? Number.NaN),
				},
			];
		} finally {
			fs.rmSync(cache, {recursive: true, force: true});
		}
	},
};

export default suite;
