/** What pgpair says about an agent file it cannot honour whole: tools nobody offers, tools it lacks, a model not Claude's. */
import {describe, expect, it} from 'vitest';
import {builtinAgent} from '../../source/agents/builtin-agent.js';
import {toolWarnings} from '../../source/session/connect.js';
import type {ToolHostPort} from '../../source/tools/tool-host.js';

/** As the real host answers: `allTools` the servers' tools only, `list` the local ones and the servers' the agent is offered. */
const host = (names: string[]) =>
	({
		allTools: () => names.filter(name => name.startsWith('mcp__')).map(name => ({name})),
		list: () => names.map(name => ({name})),
	}) as unknown as ToolHostPort;

describe('warnings about the agent file', () => {
	it('names tools no server offers, tools pgpair does not have, and a model that is not Claude', () => {
		const agent = {...builtinAgent(), tools: ['Read', 'WebFetch', 'mcp__supabase__list_tables', 'mcp__supabase__nope'], model: 'gpt-4o'};
		const warnings = toolWarnings(agent, host(['Read', 'Write', 'mcp__supabase__list_tables']));
		expect(warnings).toEqual([
			'The agent lists tools no server offers: mcp__supabase__nope',
			'The agent lists tools pgpair does not have: WebFetch (it has Read, Write)',
			'The agent asks for the model "gpt-4o", which is not a Claude model: the API will refuse it (use sonnet, opus, haiku, or a claude-… id).',
		]);
	});

	it('says nothing about an agent it can run whole', () => {
		expect(
			toolWarnings({...builtinAgent(), tools: ['Read', 'mcp__supabase__list_tables'], model: 'sonnet'}, host(['Read', 'mcp__supabase__list_tables'])),
		).toEqual([]);
		expect(toolWarnings({...builtinAgent(), tools: undefined, model: 'claude-opus-4-1'}, host(['Read']))).toEqual([]);
	});
});
