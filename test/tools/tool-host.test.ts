import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {classifyCall} from '../../source/policy/classify-call.js';
import {createLocalTools} from '../../source/tools/local/index.js';
import {loadMcpConfig} from '../../source/tools/mcp-config.js';
import {createMcpHost, type McpHost, type McpTool} from '../../source/tools/mcp-host.js';
import {createToolHost} from '../../source/tools/tool-host.js';
import type {ToolCall} from '../../source/tools/types.js';
import {tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';

let dir: string;
let mcp: McpHost;
const signal = new AbortController().signal;

beforeEach(() => {
	dir = tempWorkspace('pgpair-tool-host-');
	writeFixtureMcpConfig(dir, {NOTES_FILE: path.join(dir, 'notes.txt')});
	mcp = createMcpHost(loadMcpConfig(dir)!, () => undefined);
});

afterEach(async () => {
	await mcp.close();
});

/** The real policy classifier, adapted to the host's classification shape as the CLI would wire it. */
async function policyClassify(call: ToolCall, tool: McpTool | undefined) {
	const result = await classifyCall({name: call.name, input: call.input, ...(tool?.annotations ? {annotations: tool.annotations} : {})});
	return {class: result.class, hazards: result.hazards.map(hazard => hazard.message)};
}

describe('tool host with local tools', () => {
	it("lists local tools beside MCP tools, both filtered by the agent's list", async () => {
		const host = createToolHost({
			mcp,
			local: createLocalTools({workspaceRoot: dir, env: {}}),
			isAllowed: name => name !== 'Bash' && name !== 'mcp__fixture__crash',
		});
		// Local tools are there before any server has started.
		expect(host.list().map(tool => tool.name)).toEqual(['Read', 'Write', 'Edit', 'Glob', 'Grep']);
		await host.ready();
		expect(host.list().map(tool => tool.name)).toEqual([
			'Read',
			'Write',
			'Edit',
			'Glob',
			'Grep',
			'mcp__fixture__echo',
			'mcp__fixture__write_note',
			'mcp__fixture__clear_notes',
			'mcp__fixture__slow',
		]);
		expect(host.allTools().map(tool => tool.name)).toEqual([
			'mcp__fixture__echo',
			'mcp__fixture__write_note',
			'mcp__fixture__clear_notes',
			'mcp__fixture__crash',
			'mcp__fixture__slow',
		]);
	});

	it('routes local names to the local tools and MCP names to their server', async () => {
		fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello from disk\n');
		const host = createToolHost({mcp, local: createLocalTools({workspaceRoot: dir, env: {}}), isAllowed: () => true});
		await host.ready();
		expect(await host.call({callId: 'c1', name: 'Read', input: {file_path: 'hello.txt'}}, signal)).toEqual({
			isError: false,
			content: '     1\thello from disk',
		});
		expect(await host.call({callId: 'c2', name: 'mcp__fixture__echo', input: {text: 'hi'}}, signal)).toEqual({isError: false, content: 'echo: hi'});
		expect(await host.call({callId: 'c3', name: 'Write', input: {file_path: 'out/new.txt', content: 'x'}}, signal)).toMatchObject({isError: false});
		expect(fs.readFileSync(path.join(dir, 'out/new.txt'), 'utf8')).toBe('x');
	});

	it('refuses a local tool the agent does not list, without running it', async () => {
		const host = createToolHost({mcp, local: createLocalTools({workspaceRoot: dir, env: {}}), isAllowed: name => name !== 'Bash'});
		const result = await host.call({callId: 'c1', name: 'Bash', input: {command: 'touch ran.txt'}}, signal);
		expect(result).toEqual({isError: true, content: 'The tool Bash is not available to this agent.'});
		expect(fs.existsSync(path.join(dir, 'ran.txt'))).toBe(false);
	});

	it('classifies local calls through the classify option, with no MCP tool attached', async () => {
		const seen: Array<[string, string | undefined]> = [];
		const host = createToolHost({
			mcp,
			local: createLocalTools({workspaceRoot: dir, env: {}}),
			isAllowed: () => true,
			classify: async (call, tool) => {
				seen.push([call.name, tool?.name]);
				return policyClassify(call, tool);
			},
		});
		await host.ready();
		expect(await host.classify({callId: 'c1', name: 'Read', input: {file_path: 'a'}})).toEqual({class: 'read-only', hazards: []});
		expect(await host.classify({callId: 'c2', name: 'Edit', input: {file_path: 'a', old_string: 'x', new_string: 'y'}})).toEqual({class: 'write', hazards: []});
		expect((await host.classify({callId: 'c3', name: 'Bash', input: {command: 'rm -rf build'}})).class).toBe('destructive');
		expect(await host.classify({callId: 'c4', name: 'mcp__fixture__echo', input: {text: 'x'}})).toEqual({class: 'read-only', hazards: []});
		expect(seen).toEqual([
			['Read', undefined],
			['Edit', undefined],
			['Bash', undefined],
			['mcp__fixture__echo', 'mcp__fixture__echo'],
		]);
	});

	it('without local tools, lists and routes exactly as before', async () => {
		const host = createToolHost({mcp, isAllowed: () => true});
		await host.ready();
		expect(host.list().map(tool => tool.name)).toEqual([
			'mcp__fixture__echo',
			'mcp__fixture__write_note',
			'mcp__fixture__clear_notes',
			'mcp__fixture__crash',
			'mcp__fixture__slow',
		]);
		expect(await host.call({callId: 'c1', name: 'Read', input: {file_path: 'a'}}, signal)).toEqual({isError: true, content: 'Unknown tool Read.'});
		expect(await host.classify({callId: 'c2', name: 'Read', input: {}})).toEqual({class: 'destructive', hazards: ['unknown tool: no annotations']});
	});
});
