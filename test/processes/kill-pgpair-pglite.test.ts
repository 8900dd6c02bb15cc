import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {trustServers} from '../../source/tools/mcp-trust.js';
import {FIXTURE_MCP_SERVER, TSX_LOADER} from '../helpers/paths.js';
import {waitUntilBusy} from '../helpers/process-tree.js';
import {waitFor} from '../helpers/wait-for.js';
import {ENDLESS_COUNT, expectedExit, killAndWait, type PgpairRun, startPgpair} from './pgpair-run.js';

const runs: PgpairRun[] = [];
afterEach(() => {
	// A failed test must not leave its processes running either.
	for (const run of runs.splice(0)) {
		run.tree.killSurvivors();
		run.child.kill('SIGKILL');
	}
});

function start(options: Parameters<typeof startPgpair>[0]): PgpairRun {
	const run = startPgpair(options);
	runs.push(run);
	return run;
}

const SQL = 'mcp__supabase__execute_sql';
const WARM_UP = {name: SQL, input: {query: 'select 1 as ready'}};

describe('killing pgpair while the embedded database is busy in a long query', () => {
	for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL'] as const) {
		it(`${signal}: pgpair and its database server are gone within 5 s`, {timeout: 120_000}, async () => {
			// A first query, answered, proves the database has started: the CPU the server uses after it is the long query's.
			const run = start({calls: [WARM_UP, {name: SQL, input: {query: ENDLESS_COUNT}}], allow: [SQL]});
			await run.callStarted(1, 60_000);
			// The server's main thread is inside the query: it cannot notice stdin closing or a signal handler.
			const server = run.server();
			await waitUntilBusy(server.pid, 'the server to be busy in the query');

			const {ms, exit} = await killAndWait(run, signal);
			expect(exit).toEqual(expectedExit(signal));
			expect(run.tree.seen.map(p => p.pid)).toContain(server.pid);
			console.log(`${signal} during a busy PGlite query: no process left after ${ms} ms`);

			// Every line of the transcript is whole; a clean shutdown also recorded how the turn ended.
			const events = run.transcript();
			expect(events.some(e => e.type === 'tool_call_started')).toBe(true);
			if (signal !== 'SIGKILL') {
				expect(events.filter(e => e.type === 'turn_completed')).toEqual([expect.objectContaining({outcome: 'cancelled'})]);
				expect(events.filter(e => e.type === 'tool_call_completed').at(-1)).toMatchObject({isError: true, content: expect.stringContaining('abort')});
			}
		});
	}
});

describe('killing pgpair while a preview runs', () => {
	// Issue 15: this preview spun at 100 % CPU without end, and its server outlived a killed pgpair.
	it('SIGKILL while `copy … from stdin` is being previewed: gone within 5 s', {timeout: 120_000}, async () => {
		const create = {name: 'mcp__supabase__apply_migration', input: {name: 'create_t', query: 'create table t (id int);'}};
		const run = start({calls: [WARM_UP, create, {name: SQL, input: {query: 'copy t from stdin'}}], allow: [create.name]});
		await run.callStarted(1, 60_000);
		await waitFor(() => run.events().filter(e => e.type === 'tool_call_requested').length === 3, 'the copy to be previewed', 60_000);
		run.server();

		const {ms, exit} = await killAndWait(run, 'SIGKILL');
		expect(exit).toEqual(expectedExit('SIGKILL'));
		console.log(`SIGKILL during the preview of copy … from stdin: no process left after ${ms} ms`);
	});
});

describe('killing pgpair while an edge function is being served and the database is busy', () => {
	const deploy = {
		name: 'mcp__supabase__deploy_edge_function',
		input: {name: 'hello', verify_jwt: false, files: [{name: 'index.ts', content: 'Deno.serve(() => new Response("hello"));\n'}]},
	};
	// The first request starts the function's Deno process, which then stays warm.
	const invoke = {name: 'mcp__supabase__invoke_edge_function', input: {slug: 'hello', method: 'GET'}};
	const count = {name: SQL, input: {query: ENDLESS_COUNT}};

	for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
		it(`${signal}: Deno, its server and pgpair are gone within 5 s`, {timeout: 120_000}, async () => {
			const run = start({calls: [deploy, invoke, count], allow: [deploy.name, invoke.name, SQL]});
			await run.callStarted(2, 60_000);
			expect(run.events().find(e => e.type === 'tool_call_completed' && String(e['content']).includes('hello'))).toMatchObject({isError: false});
			const deno = run.tree.snapshot().find(p => /\bdeno\b.* run /.test(p.command));
			expect(deno, 'a warm Deno process').toBeDefined();
			await waitUntilBusy(run.server().pid, 'the server to be busy in the query');

			const {ms, exit} = await killAndWait(run, signal);
			expect(exit).toEqual(expectedExit(signal));
			expect(run.tree.seen.map(p => p.pid)).toContain(deno!.pid);
			console.log(`${signal} while Deno serves a function and the database is busy: no process left after ${ms} ms`);
		});
	}
});

describe('killing pgpair while a server from .mcp.json is in a call', () => {
	it('SIGKILL: the server, which would wait two minutes for its timer, is gone within 5 s', async () => {
		const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'pgpair-procs-'));
		fs.writeFileSync(
			path.join(dir, '.mcp.json'),
			JSON.stringify({mcpServers: {fixture: {command: process.execPath, args: ['--import', TSX_LOADER, FIXTURE_MCP_SERVER, dir]}}}),
		);
		trustServers(dir, ['fixture'], {HOME: dir});
		fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), '---\nname: generalist\ndescription: Any task.\n---\nYou help.\n');
		const slow = {name: 'mcp__fixture__slow', input: {ms: 120_000}};
		const run = start({dir, calls: [slow], allow: [slow.name], args: ['--agent', 'generalist']});
		await run.callStarted(0);
		const server = await waitFor(() => run.tree.snapshot().find(p => p.command.includes('fixture-mcp-server')), 'the fixture server');

		const {ms} = await killAndWait(run, 'SIGKILL');
		expect(run.tree.seen.map(p => p.pid)).toContain(server.pid);
		console.log(`SIGKILL during a call to a .mcp.json server: no process left after ${ms} ms`);
	});
});
