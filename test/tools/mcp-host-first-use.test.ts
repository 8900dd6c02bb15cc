/**
 * Issue 16: a server whose tools are known from its build (pgpair's own) is not started at launch; its tools are
 * offered at once, the first call starts it, and the status says so throughout: not started, starting with a call
 * waiting, busy while calls run. Asserted on the process table and on the host's statuses, with the real fixture
 * server over stdio.
 */
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {serverViews} from '../../source/session/server-status.js';
import {type KnownTool, loadMcpConfig, type McpServerConfig} from '../../source/tools/mcp-config.js';
import {createMcpHost, type McpHost} from '../../source/tools/mcp-host.js';
import {createToolHost} from '../../source/tools/tool-host.js';
import {serverStatusText} from '../../source/ui/server-status.js';
import {tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';
import {descendants} from '../helpers/process-tree.js';
import {waitFor} from '../helpers/wait-for.js';

const hosts: McpHost[] = [];
afterEach(async () => {
	for (const host of hosts.splice(0)) await host.close();
});

const signal = new AbortController().signal;
const fixtureProcesses = () => descendants(process.pid).filter(p => p.command.includes('fixture-mcp-server'));

function fixtureConfig(): McpServerConfig {
	const dir = tempWorkspace('pgpair-first-use-');
	writeFixtureMcpConfig(dir, {NOTES_FILE: path.join(dir, 'notes.txt')});
	return loadMcpConfig(dir)!['fixture']!;
}

/** The fixture's tools as the server itself lists them, as the build lists pgpair's own. */
async function listedTools(config: McpServerConfig): Promise<KnownTool[]> {
	const host = createMcpHost({fixture: config}, () => undefined);
	hosts.push(host);
	await host.start();
	const tools = host
		.tools()
		.map(({tool, description, inputSchema, annotations}) => ({name: tool, description, inputSchema, ...(annotations ? {annotations} : {})}));
	await host.close();
	return tools;
}

describe('a server started on first use', () => {
	it('offers its known tools without a process, starts on the first call, and shows the call waiting and running', async () => {
		const config = fixtureConfig();
		const known = await listedTools(config);
		expect(fixtureProcesses()).toEqual([]);

		const host = createMcpHost({fixture: {...config, knownTools: known} as McpServerConfig}, () => undefined);
		hosts.push(host);
		const line = {get: () => serverStatusText({servers: {list: serverViews(host.statuses())}, openCalls: []})};
		await host.start();
		expect(host.tools().map(t => t.name)).toEqual(known.map(t => `mcp__fixture__${t.name}`));
		expect(host.statuses()).toEqual([{name: 'fixture', state: 'idle', toolCount: known.length}]);
		expect(line.get()).toBe(`fixture ${known.length} tools · starts on first use`);
		expect(fixtureProcesses()).toEqual([]);

		const seen = new Set<string>();
		host.onStatusChange(() => seen.add(`${host.statuses()[0]!.state}/${host.statuses()[0]!.calls ?? 0}`));
		const slow = host.call('mcp__fixture__slow', {ms: 1500}, signal);
		await waitFor(() => host.statuses()[0]!.state === 'ready' && host.statuses()[0]!.calls === 1, 'the call to run on the started server', 30_000);
		expect(fixtureProcesses()).toHaveLength(1);
		expect(await slow).toMatchObject({isError: false});
		// Seen waiting for the start, then running; nothing counted once it answered.
		expect(seen).toContain('starting/1');
		expect(seen).toContain('ready/1');
		expect(host.statuses()).toEqual([{name: 'fixture', state: 'ready', toolCount: known.length}]);
		expect(await host.call('mcp__fixture__echo', {text: 'hi'}, signal)).toEqual({isError: false, content: 'echo: hi'});
		expect(fixtureProcesses()).toHaveLength(1);
	});

	it('starts when the model begins a call to one of its tools, before the call itself arrives', async () => {
		const config = fixtureConfig();
		const host = createMcpHost({fixture: {...config, knownTools: await listedTools(config)} as McpServerConfig}, () => undefined);
		hosts.push(host);
		await host.start();
		const tools = createToolHost({mcp: host, isAllowed: name => name !== 'mcp__fixture__crash'});
		// Not for a tool this agent was not offered, nor one no server has.
		tools.warm('mcp__fixture__crash');
		tools.warm('mcp__other__echo');
		await new Promise(resolve => setTimeout(resolve, 300));
		expect(host.statuses()[0]!.state).toBe('idle');
		expect(fixtureProcesses()).toEqual([]);

		tools.warm('mcp__fixture__echo');
		await waitFor(() => host.statuses()[0]!.state === 'ready', 'the server to start', 30_000);
		expect(fixtureProcesses()).toHaveLength(1);
		expect(await tools.call({callId: 'c1', name: 'mcp__fixture__echo', input: {text: 'warm'}}, signal)).toEqual({isError: false, content: 'echo: warm'});
	});

	it('a server that cannot start fails the call with the reason, keeps its tools offered, and tries again next call', async () => {
		const config = fixtureConfig();
		const known = await listedTools(config);
		const broken = {...config, command: path.join(tempWorkspace('pgpair-missing-'), 'no-such-node'), knownTools: known} as McpServerConfig;
		const host = createMcpHost({fixture: broken}, () => undefined);
		hosts.push(host);
		await host.start();
		const first = await host.call('mcp__fixture__echo', {text: 'hi'}, signal);
		expect(first.isError).toBe(true);
		expect(first.content).toMatch(/MCP server "fixture" failed to start: .*ENOENT/);
		expect(host.statuses()[0]).toMatchObject({state: 'failed', toolCount: known.length});
		expect(host.tools()).toHaveLength(known.length);
		expect((await host.call('mcp__fixture__echo', {text: 'again'}, signal)).content).toMatch(/failed to start/);
	});
});
