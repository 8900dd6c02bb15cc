import {describe, expect, it} from 'vitest';
import {BUILTIN_AGENT_MARKDOWN, BUILTIN_AGENT_NAME, builtinAgent} from '../../source/agents/builtin-agent.js';
import {parseAgent} from '../../source/agents/parse-agent.js';
import {readSharedFile} from '../helpers/shared-files.js';

const agent = builtinAgent();
const KNOWN_KEYS = ['migration_reversible', 'rls_tested', 'indexes', 'types_regenerated', 'advisors_run', 'query_performance', 'edge_function_errors'];

/** Every run of `size` consecutive words, lower-cased, with punctuation at word edges removed. */
function wordRuns(text: string, size: number): Set<string> {
	const words = text
		.toLowerCase()
		.split(/\s+/)
		.map(word => word.replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, ''))
		.filter(word => word !== '');
	const runs = new Set<string>();
	for (let start = 0; start + size <= words.length; start++) runs.add(words.slice(start, start + size).join(' '));
	return runs;
}

describe('the built-in agent', () => {
	it('parses as backend-engineer on sonnet', () => {
		expect(agent.name).toBe(BUILTIN_AGENT_NAME);
		expect(agent.model).toBe('sonnet');
		expect(agent.source).toEqual({kind: 'builtin'});
		expect(agent.extra).toEqual({});
	});

	it("offers the Supabase tools of the reference, pgpair's invoke_edge_function, and the local file and shell tools", () => {
		const supabase = [
			'list_tables',
			'list_extensions',
			'list_migrations',
			'apply_migration',
			'execute_sql',
			'get_logs',
			'query_logs',
			'get_advisors',
			'search_docs',
			'get_project_url',
			'get_publishable_keys',
			'generate_typescript_types',
			'list_edge_functions',
			'get_edge_function',
			'deploy_edge_function',
			'invoke_edge_function',
			'create_branch',
			'list_branches',
			'delete_branch',
			'merge_branch',
			'reset_branch',
			'rebase_branch',
		].map(tool => `mcp__supabase__${tool}`);
		expect(agent.tools).toEqual([...supabase, 'Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash']);
	});

	it('has 7 checklist items mapping to the 7 known evaluators, one each', () => {
		expect(agent.checklist).toHaveLength(7);
		expect(agent.checklist.map(item => item.known)).toEqual(KNOWN_KEYS);
	});

	it('has 5 forbidden actions', () => {
		expect(agent.forbiddenActions).toHaveLength(5);
		for (const action of agent.forbiddenActions) expect(action).not.toMatch(/^❌/);
	});

	it('teaches the rollback convention that pgpair checks and the branch protocol', () => {
		expect(agent.systemPrompt).toContain('\n-- migrate:down\n-- drop index');
		expect(agent.systemPrompt).toContain('(select auth.uid())');
		expect(agent.systemPrompt).toContain('request.jwt.claims');
		expect(agent.systemPrompt).toMatch(/create_branch[\s\S]*apply_migration[\s\S]*merge_branch/);
		expect(agent.systemPrompt).toMatch(/untrusted/);
	});

	it('stays focused: 120 to 200 lines', () => {
		const lines = BUILTIN_AGENT_MARKDOWN.trimEnd().split('\n').length;
		expect(lines).toBeGreaterThanOrEqual(120);
		expect(lines).toBeLessThanOrEqual(200);
	});

	it("is written in its own words: no run of 8 words in common with the user's file", async () => {
		const user = parseAgent(await readSharedFile('agents/backend-engineer.md'), {source: {kind: 'builtin'}});
		// Prose only: the tool names in the front matter are identifiers both files must share.
		const ours = wordRuns(`${agent.description}\n${agent.systemPrompt}`, 8);
		const theirs = wordRuns(`${user.description}\n${user.systemPrompt}`, 8);
		expect(theirs.size).toBeGreaterThan(100);
		expect([...ours].filter(run => theirs.has(run))).toEqual([]);
	});

	it('returns a fresh copy on each call', () => {
		const first = builtinAgent();
		first.checklist.pop();
		expect(builtinAgent().checklist).toHaveLength(7);
	});
});
