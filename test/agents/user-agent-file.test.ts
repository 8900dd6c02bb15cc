import {readFile} from 'node:fs/promises';
import {describe, expect, it} from 'vitest';
import {parseAgent} from '../../source/agents/parse-agent.js';
import {filterTools, unavailableTools} from '../../source/agents/tool-filter.js';
import {readSharedFile, USER_AGENT_FILE} from '../helpers/shared-files.js';

// The person's own agent file, loaded exactly as they wrote it.
const text = await readFile(USER_AGENT_FILE, 'utf8');
const agent = parseAgent(text, {source: {kind: 'file', path: USER_AGENT_FILE}});

const SUPABASE_TOOLS = [
	'list_tables',
	'list_extensions',
	'list_migrations',
	'apply_migration',
	'execute_sql',
	'get_logs',
	'get_advisors',
	'generate_typescript_types',
	'list_edge_functions',
	'get_edge_function',
	'deploy_edge_function',
	'create_branch',
	'list_branches',
].map(tool => `mcp__supabase__${tool}`);

describe("the user's backend-engineer.md", () => {
	it('loads with its name, description and model', () => {
		expect(agent.name).toBe('backend-engineer');
		expect(agent.description).toMatch(/^Supabase\/PostgreSQL specialist/);
		expect(agent.model).toBe('sonnet');
		expect(agent.source).toEqual({kind: 'file', path: USER_AGENT_FILE});
		expect(agent.extra).toEqual({});
		expect(agent.systemPrompt).toMatch(/^You are a senior backend engineer/);
		expect(agent.systemPrompt).toMatch(/Add an index to improve task search performance"$/);
	});

	it('lists all 19 tools in file order', () => {
		expect(agent.tools).toEqual(['Read', 'Write', 'Edit', 'Bash', 'Glob', 'Grep', ...SUPABASE_TOOLS]);
		expect(agent.tools).toHaveLength(19);
	});

	it('has 7 checklist items, each mapped to its evaluator', () => {
		expect(agent.checklist.map(item => [item.text, item.known])).toEqual([
			['Migration is reversible (has rollback plan)', 'migration_reversible'],
			['RLS policies tested and documented', 'rls_tested'],
			['Indexes created for query patterns', 'indexes'],
			['TypeScript types regenerated', 'types_regenerated'],
			['Security advisors run (`mcp__supabase__get_advisors`)', 'advisors_run'],
			['Query performance validated', 'query_performance'],
			['Edge Functions have error handling', 'edge_function_errors'],
		]);
		expect(new Set(agent.checklist.map(item => item.id)).size).toBe(7);
	});

	it('has 5 forbidden actions without the ❌ marks', () => {
		expect(agent.forbiddenActions).toEqual([
			'Applying migrations directly to production without testing',
			'Disabling RLS on tables with user data',
			'Storing secrets in code',
			'Using SELECT * in production queries',
			'Ignoring security advisor warnings',
		]);
	});

	it('asks only for tools that the Supabase MCP interface has, next to the local file tools', async () => {
		const reference = JSON.parse(await readSharedFile('reference/supabase-mcp-tools.json')) as {tools: Array<{name: string}>};
		const available = [...['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'], ...reference.tools.map(tool => `mcp__supabase__${tool.name}`)];
		expect(unavailableTools(available, agent.tools)).toEqual([]);
		expect(filterTools(available, agent.tools)).toHaveLength(19);
	});
});
