import {describe, expect, it} from 'vitest';
import {INITIAL_STATE, reduceSession} from '../../source/core/session-state.js';
import {findSession, readTranscript} from '../../source/transcripts/reader.js';

const FIXTURES = new URL('../fixtures/transcripts/', import.meta.url).pathname;
const V1_BASIC = `${FIXTURES}v1-basic.jsonl`;

describe('version-1 fixture (must keep loading in every later version)', () => {
	it('loads without warnings', async () => {
		const {header, events, warnings} = await readTranscript(V1_BASIC);
		expect(warnings).toEqual([]);
		expect(header).toMatchObject({version: 1, sessionId: '0l2k9m4q', cwd: '/home/dev/shop', agent: {name: 'backend-engineer', model: 'claude-sonnet-4-5'}});
		expect(events.map(e => e.seq)).toEqual(Array.from({length: 15}, (_, i) => i + 1));
	});

	it('reduces to the session the person saw', async () => {
		const {events} = await readTranscript(V1_BASIC);
		const state = events.reduce(reduceSession, INITIAL_STATE);
		expect(state.turns).toBe(1);
		expect(state.activity).toBe('idle');
		expect(state.openCalls).toEqual([]);
		expect(state.usage).toEqual({inputTokens: 4373, outputTokens: 117});
		expect(state.entries.map(e => e.kind)).toEqual(['user', 'assistant', 'tool', 'assistant', 'turn_end']);
		const tool = state.entries[2];
		expect(tool?.kind === 'tool' && tool.call).toMatchObject({
			name: 'mcp__supabase__apply_migration',
			status: 'succeeded',
			decidedBy: 'user',
			result: '{"success":true}',
			durationMs: 38,
		});
	});

	it('rebuilds the model history for resume', async () => {
		const {events} = await readTranscript(V1_BASIC);
		const {messages} = events.reduce(reduceSession, INITIAL_STATE);
		expect(messages.map(m => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
		expect(messages[2]?.content).toEqual([{type: 'tool_result', tool_use_id: 'toolu_01A8k3', content: '{"success":true}'}]);
	});

	it('summarises for the session list', async () => {
		const summary = await findSession(FIXTURES, 'v1-basic.jsonl');
		expect(summary).toMatchObject({
			id: '0l2k9m4q',
			firstPrompt: 'Orders by customer are slow. Add an index on orders.customer_id.',
			turns: 1,
			approvals: {allowed: 1, denied: 0},
			durationMs: 10_187,
		});
	});
});
