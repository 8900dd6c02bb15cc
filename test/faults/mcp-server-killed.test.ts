import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createMcpHost, type McpHost} from '../../source/tools/mcp-host.js';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {lastSentBlock} from '../helpers/sent-messages.js';
import {unfence} from '../helpers/supabase-mcp-client.js';
import {waitFor} from '../helpers/wait-for.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';
import {readBackTranscript, startFaultSession} from './fault-session.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const STOPPED = /MCP server "(fixture|supabase)" stopped during the call \(.+\)\. It will be restarted on the next call\./;

describe('an MCP server that dies in the middle of a call', () => {
	it('fails that call clearly, restarts the server for the next call, and the session goes on', async () => {
		const session = await startFaultSession({
			turns: [
				{text: 'Calling the crash tool.', tool_calls: [{name: 'mcp__fixture__crash', input: {}, id: 'toolu_crash'}]},
				{text: 'It crashed; echoing instead.', tool_calls: [{name: 'mcp__fixture__echo', input: {text: 'still here'}, id: 'toolu_echo'}]},
				{text: 'The echo worked.'},
				{text: 'Second prompt answered.', tool_calls: [{name: 'mcp__fixture__echo', input: {text: 'again'}, id: 'toolu_again'}]},
				{text: 'Done.'},
			],
		});
		cleanups.push(() => session.close());
		const {setup, server, runner} = session;
		await runner.submitPrompt('crash it');

		const crash = setup.store.getEvents().find(e => e.type === 'tool_call_completed' && e.callId === 'toolu_crash');
		expect(crash).toMatchObject({isError: true, content: expect.stringMatching(STOPPED)});
		// The model got the same clear error as its tool result.
		expect(lastSentBlock(server.requests[1])).toMatchObject({
			type: 'tool_result',
			tool_use_id: 'toolu_crash',
			is_error: true,
			content: expect.stringMatching(STOPPED),
		});
		expect(setup.store.getEvents().find(e => e.type === 'tool_call_completed' && e.callId === 'toolu_echo')).toMatchObject({
			isError: false,
			content: 'echo: still here',
		});
		expect(setup.mcp.statuses()).toMatchObject([{name: 'fixture', state: 'ready'}]);

		await runner.submitPrompt('once more');
		const events = await readBackTranscript(setup);
		expect(events.find(e => e.type === 'tool_call_completed' && e.callId === 'toolu_again')).toMatchObject({isError: false, content: 'echo: again'});
		expect(events.filter(e => e.type === 'turn_completed').map(e => e.type === 'turn_completed' && e.outcome)).toEqual(['completed', 'completed']);
		expect(server.requests).toHaveLength(5);
	});

	it('kills the built-in local Supabase server while execute_sql writes: a clear error, a restart, and a data dir that opens with its committed data', async () => {
		const dir = tempWorkspace('pgpair-fault-kill-');
		const dataDir = path.join(dir, '.pgpair', 'db', 'main');
		const host = builtinHost(dir);
		cleanups.push(() => host.close());
		const signal = new AbortController().signal;

		await expectOk(
			host.call(
				'mcp__supabase__apply_migration',
				{name: 'create_big', query: "create table big (id int primary key, pad text);\ninsert into big values (0, 'committed before the kill');"},
				signal,
			),
		);
		const [pid, ...others] = serverPids(dir);
		expect(others).toEqual([]);
		const before = directoryBytes(dataDir);

		const call = host.call(
			'mcp__supabase__execute_sql',
			{query: 'insert into big select g, repeat(md5(g::text), 20) from generate_series(1, 100000) g'},
			signal,
		);
		// Killed while the insert is visibly writing to the data dir: the worst moment for the files.
		await waitFor(() => directoryBytes(dataDir) > before + 10_000_000, 'the insert to start writing', 30_000);
		process.kill(pid!, 'SIGKILL');

		const failed = await call;
		expect(failed).toMatchObject({isError: true, content: expect.stringMatching(STOPPED)});
		expect(host.statuses()).toMatchObject([{name: 'supabase', state: 'stopped', error: 'the server exited'}]);

		// The next call starts a new server on the same data dir; the killed transaction left nothing behind.
		expect(rows(await expectOk(host.call('mcp__supabase__execute_sql', {query: 'select count(*)::int as n, max(pad) as pad from big'}, signal)))).toEqual([
			{n: 1, pad: 'committed before the kill'},
		]);
		const [restarted] = serverPids(dir);
		expect(restarted).not.toBe(pid);
		await expectOk(host.call('mcp__supabase__execute_sql', {query: "insert into big values (1, 'written after the restart')"}, signal));
		await host.close();

		// A third server process, started from scratch, still reads everything committed.
		const reopened = builtinHost(dir);
		cleanups.push(() => reopened.close());
		expect(rows(await expectOk(reopened.call('mcp__supabase__execute_sql', {query: 'select id, pad from big order by id'}, signal)))).toEqual([
			{id: 0, pad: 'committed before the kill'},
			{id: 1, pad: 'written after the restart'},
		]);
	});
});

function builtinHost(dir: string): McpHost {
	return createMcpHost(
		{supabase: {type: 'stdio', command: process.execPath, args: [BUILT_CLI, 'mcp', '--workspace', dir], env: {XDG_CACHE_HOME: TEST_XDG_CACHE_HOME}, cwd: dir}},
		() => undefined,
	);
}

/** Child processes of this test process that serve `pgpair mcp` for the workspace `dir`. */
function serverPids(dir: string): number[] {
	const children = fs
		.readdirSync(`/proc/${process.pid}/task`)
		.flatMap(task => fs.readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
	return children.filter(pid => {
		try {
			const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
			return argv.includes(BUILT_CLI) && argv.includes('mcp') && argv.includes(dir);
		} catch {
			return false;
		}
	});
}

function directoryBytes(dir: string): number {
	return Number(execFileSync('du', ['-sb', dir], {encoding: 'utf8'}).split('\t')[0]);
}

async function expectOk(result: Promise<{isError: boolean; content: string}>): Promise<string> {
	const {isError, content} = await result;
	if (isError) throw new Error(`Tool call failed: ${content}`);
	return content;
}

function rows(content: string): unknown {
	return unfence(JSON.parse(content).result as string).data;
}
