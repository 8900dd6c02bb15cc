import {describe, expect, it} from 'vitest';
import {commandEnvironment, createLocalTools, LOCAL_TOOL_NAMES} from '../../../source/tools/local/index.js';
import {localWorkspace} from '../../helpers/local-workspace.js';

/** Claude Code's parameter names, which agent prompts and model habits rely on. */
const CLAUDE_CODE_PARAMETERS: Record<string, {required: string[]; optional: string[]}> = {
	Read: {required: ['file_path'], optional: ['offset', 'limit']},
	Write: {required: ['file_path', 'content'], optional: []},
	Edit: {required: ['file_path', 'old_string', 'new_string'], optional: ['replace_all']},
	Glob: {required: ['pattern'], optional: ['path']},
	Grep: {required: ['pattern'], optional: ['path', 'glob', 'type', 'output_mode', '-i', '-n', '-A', '-B', '-C', 'head_limit', 'multiline']},
	Bash: {required: ['command'], optional: ['timeout', 'description']},
};

describe('createLocalTools', () => {
	const tools = createLocalTools({workspaceRoot: '.', env: {}});

	it("defines the six tools under Claude Code's names", () => {
		expect(tools.definitions().map(d => d.name)).toEqual([...LOCAL_TOOL_NAMES]);
		expect(LOCAL_TOOL_NAMES).toEqual(Object.keys(CLAUDE_CODE_PARAMETERS));
	});

	it.each(Object.entries(CLAUDE_CODE_PARAMETERS))("%s has a closed JSON schema with Claude Code's parameter names", (name, {required, optional}) => {
		const definition = tools.definitions().find(d => d.name === name)!;
		expect(definition.description.length).toBeGreaterThan(40);
		const schema = definition.inputSchema as {
			type: string;
			properties: Record<string, {description?: string}>;
			required?: string[];
			additionalProperties: boolean;
		};
		expect(schema.type).toBe('object');
		expect(schema.additionalProperties).toBe(false);
		expect(Object.keys(schema.properties).sort()).toEqual([...required, ...optional].sort());
		expect((schema.required ?? []).sort()).toEqual([...required].sort());
		expect(Object.values(schema.properties).every(property => typeof property.description === 'string')).toBe(true);
		expect(JSON.stringify(schema)).not.toContain('$schema');
		expect(JSON.stringify(schema)).not.toContain(String(Number.MAX_SAFE_INTEGER));
	});

	it('hands out copies, so a caller cannot change the definitions', () => {
		const first = tools.definitions();
		(first[0]!.inputSchema as {type: string}).type = 'changed';
		expect(tools.definitions()[0]!.inputSchema['type']).toBe('object');
	});

	it('knows its own tool names and nothing else', () => {
		expect(LOCAL_TOOL_NAMES.every(name => tools.isLocalTool(name))).toBe(true);
		expect(tools.isLocalTool('read')).toBe(false);
		expect(tools.isLocalTool('mcp__fixture__echo')).toBe(false);
		expect(tools.isLocalTool('MultiEdit')).toBe(false);
	});
});

describe('input validation', () => {
	it.each([
		['Read', {file_path: 'a', foo: 1}, 'Invalid input for Read: unknown parameter "foo" (Read takes file_path, offset, limit).'],
		[
			'Read',
			{path: 'a'},
			'Invalid input for Read: file_path: expected string, received undefined; unknown parameter "path" (Read takes file_path, offset, limit).',
		],
		['Read', {file_path: 'a', offset: 0}, 'Invalid input for Read: offset: Too small: expected number to be >=1.'],
		['Read', {file_path: 'a', limit: 1.5}, 'Invalid input for Read: limit: expected int, received number.'],
		['Edit', {file_path: 'a', old_string: 'x', new_string: 'y', replace_all: 'yes'}, 'Invalid input for Edit: replace_all: expected boolean, received string.'],
		['Grep', {pattern: 'x', output_mode: 'lines'}, 'Invalid input for Grep: output_mode: expected one of "content"|"files_with_matches"|"count".'],
		['Glob', 'not an object', 'Invalid input for Glob: input: expected object, received string.'],
	])('%s %j is refused with a message naming the parameter', async (name, input, message) => {
		const ws = localWorkspace();
		expect(await ws.run(name, input)).toEqual({isError: true, content: message});
	});

	it('an unknown tool name is an error result, not an exception', async () => {
		const ws = localWorkspace();
		expect(await ws.run('NotebookEdit', {})).toEqual({isError: true, content: 'Unknown tool NotebookEdit.'});
	});

	it('a workspace root that does not exist is an error result', async () => {
		const tools = createLocalTools({workspaceRoot: '/nonexistent/pgpair-workspace', env: {}});
		const result = await tools.call({callId: 'c1', name: 'Read', input: {file_path: 'a.txt'}}, new AbortController().signal);
		expect(result.isError).toBe(true);
		expect(result.content).toMatch(/^Read failed: ENOENT.*pgpair-workspace/);
	});
});

describe('commandEnvironment', () => {
	it("drops pgpair's API credentials and undefined values, and keeps the rest", () => {
		expect(commandEnvironment({PATH: '/bin', ANTHROPIC_API_KEY: 'k', ANTHROPIC_AUTH_TOKEN: 't', ANTHROPIC_BASE_URL: 'http://x', UNSET: undefined})).toEqual({
			PATH: '/bin',
			ANTHROPIC_BASE_URL: 'http://x',
		});
	});
});
