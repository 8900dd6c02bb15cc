import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {createTranscriptHeader, type TranscriptHeader} from '../../source/transcripts/format.js';

export function testHeader(overrides: {sessionId?: string; cwd?: string; createdAt?: Date} = {}): TranscriptHeader {
	return createTranscriptHeader({
		sessionId: overrides.sessionId ?? 'k3x9ab12',
		cwd: overrides.cwd ?? '/home/dev/shop',
		agent: {name: 'backend-engineer', source: 'built-in', model: 'claude-sonnet-4-5'},
		pgpairVersion: '0.1.0',
		createdAt: overrides.createdAt ?? new Date('2025-06-01T09:00:00.000Z'),
	});
}

/** Numbers event bodies the way the store does: seq from `firstSeq`, one millisecond apart. */
export function stamp(bodies: readonly EventBody[], firstSeq = 1, firstAt = Date.parse('2025-06-01T09:00:01.000Z')): SessionEvent[] {
	return bodies.map((body, i) => ({...body, seq: firstSeq + i, at: firstAt + i}) as SessionEvent);
}

const WORDS = [
	'the',
	'orders',
	'table',
	'needs',
	'an',
	'index',
	'on',
	'customer_id',
	'so',
	'lookups',
	'stay',
	'fast',
	'and',
	'RLS',
	'policy',
	'checks',
	'auth.uid()',
];

/**
 * One realistic turn: a prompt, a streamed answer, one SQL tool call approved by the person,
 * its result, a closing message. `deltas` sets how many streamed text deltas each message has.
 */
export function turnBodies(turn: number, deltas = 20): EventBody[] {
	const callId = `toolu_${turn.toString().padStart(4, '0')}`;
	const text = (n: number) => Array.from({length: n}, (_, i) => WORDS[(i + turn) % WORDS.length]).join(' ');
	const streamed = (n: number): EventBody[] =>
		Array.from({length: n}, (_, i) => ({type: 'assistant_text_delta', text: `${WORDS[(i + turn) % WORDS.length]} `}));
	const sql = `create index concurrently if not exists orders_customer_id_idx on public.orders (customer_id); -- turn ${turn}`;
	return [
		{type: 'user_prompt_submitted', text: `Turn ${turn}: please ${text(12)}`},
		{type: 'model_request_started', round: 1, model: 'claude-sonnet-4-5'},
		...streamed(deltas),
		{
			type: 'assistant_message_completed',
			content: [
				{type: 'text', text: text(deltas)},
				{type: 'tool_use', id: callId, name: 'mcp__supabase__apply_migration', input: {name: `add_index_${turn}`, query: sql}},
			],
			stopReason: 'tool_use',
			usage: {inputTokens: 1200, outputTokens: 85},
		},
		{
			type: 'tool_call_requested',
			callId,
			name: 'mcp__supabase__apply_migration',
			input: {name: `add_index_${turn}`, query: sql},
			classification: {class: 'write', hazards: []},
		},
		{type: 'tool_call_decided', callId, decision: 'allow', by: 'user'},
		{type: 'tool_call_started', callId},
		{type: 'tool_call_completed', callId, isError: false, content: '{"success":true,"rows":[]}', durationMs: 42},
		{type: 'model_request_started', round: 2, model: 'claude-sonnet-4-5'},
		...streamed(deltas),
		{type: 'assistant_message_completed', content: [{type: 'text', text: text(deltas)}], stopReason: 'end_turn', usage: {inputTokens: 1400, outputTokens: 40}},
		{type: 'turn_completed', outcome: 'completed'},
	];
}

/** At least `count` events made of whole turns, stamped. */
export function sessionEvents(count: number, deltas = 20): SessionEvent[] {
	const bodies: EventBody[] = [];
	for (let turn = 1; bodies.length < count; turn++) bodies.push(...turnBodies(turn, deltas));
	return stamp(bodies);
}
