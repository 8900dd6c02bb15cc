import {describe, expect, it} from 'vitest';
import {filterTools, unavailableTools} from '../../source/agents/tool-filter.js';

const AVAILABLE = [
	'Read',
	'Write',
	'Bash',
	'mcp__supabase__list_tables',
	'mcp__supabase__execute_sql',
	'mcp__supabase__query_logs',
	'mcp__supabase__get_project_url',
	'mcp__supabase_admin__drop_project',
	'mcp__my_server__ping',
	'mcp__github__create_issue',
];

const SUPABASE = AVAILABLE.filter(name => name.startsWith('mcp__supabase__'));

describe('filterTools', () => {
	// Each case: the agent's tools list, what the model is offered, and what to warn about.
	it.each([
		['absent list: everything', undefined, AVAILABLE, []],
		['empty list: nothing', [], [], []],
		['exact names, in the order available', ['mcp__supabase__execute_sql', 'Read'], ['Read', 'mcp__supabase__execute_sql'], []],
		['server name: all its tools', ['mcp__supabase'], SUPABASE, []],
		['server wildcard: all its tools', ['mcp__supabase__*'], SUPABASE, []],
		['server names with single underscores', ['mcp__my_server'], ['mcp__my_server__ping'], []],
		['wildcard plus exact names, no duplicates', ['Bash', 'mcp__github__*', 'mcp__github__create_issue'], ['Bash', 'mcp__github__create_issue'], []],
		['names are case-sensitive', ['read'], [], ['read']],
		['a tool the server lacks', ['Read', 'mcp__supabase__merge_branch'], ['Read'], ['mcp__supabase__merge_branch']],
		['a server that is not connected', ['mcp__linear__*', 'mcp__linear'], [], ['mcp__linear__*', 'mcp__linear']],
		['permission-rule syntax is literal', ['Bash(git:*)'], [], ['Bash(git:*)']],
		['a generic wildcard is literal', ['mcp__*'], [], ['mcp__*']],
		['a replaced tool: its replacement on the same server', ['mcp__supabase__get_logs'], ['mcp__supabase__query_logs'], []],
		['a replaced tool named beside its replacement', ['mcp__supabase__get_logs', 'mcp__supabase__query_logs'], ['mcp__supabase__query_logs'], []],
		['a replaced tool on a server without the replacement', ['mcp__github__get_logs'], [], ['mcp__github__get_logs']],
		['invoke_edge_function: the project URL instead', ['mcp__supabase__invoke_edge_function'], ['mcp__supabase__get_project_url'], []],
	])('%s', (_case, agentTools: string[] | undefined, offered: string[], missing: string[]) => {
		expect(filterTools(AVAILABLE, agentTools)).toEqual(offered);
		expect(unavailableTools(AVAILABLE, agentTools)).toEqual(missing);
	});
});
