/**
 * The fold of the log, on its own: what a decision's scope grants, what the mode and servers are at any point, how
 * turns are numbered, and that folding a whole log at once equals folding it event by event — including a log torn
 * mid-call and then closed the way resume closes it.
 */
import {describe, expect, it} from 'vitest';
import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {eventsToCloseInterruptedTurn} from '../../source/core/resume.js';
import {foldSession} from '../../source/core/session-fold.js';
import {INITIAL_STATE, reduceSession, type SessionState} from '../../source/core/session-state.js';
import {stamp, turnBodies} from '../helpers/transcript-events.js';

function stepwise(events: readonly SessionEvent[]): SessionState {
	let state = INITIAL_STATE;
	for (const event of events) state = reduceSession(state, event);
	return state;
}

/** One call of `tool`, requested with `classification` and decided as `decided` says. */
function call(
	callId: string,
	tool: string,
	decided: Partial<Extract<EventBody, {type: 'tool_call_decided'}>>,
	cls: 'write' | 'destructive' = 'write',
): EventBody[] {
	return [
		{type: 'tool_call_requested', callId, name: tool, input: {}, classification: {class: cls, hazards: []}},
		{type: 'tool_call_decided', callId, decision: 'allow', by: 'user', ...decided},
		...(decided.decision === 'deny'
			? []
			: ([
					{type: 'tool_call_started', callId},
					{type: 'tool_call_completed', callId, isError: false, content: 'ok', durationMs: 1},
				] as EventBody[])),
	];
}

describe('the fold of the log', () => {
	it('grants a tool only for an allow with scope session, once, and keeps the grant across turns', () => {
		const events = stamp([
			{type: 'user_prompt_submitted', text: 'go'},
			...call('c1', 'Write', {scope: 'once'}),
			...call('c2', 'Write', {decision: 'deny', by: 'user', scope: 'session'}),
			...call('c3', 'Write', {scope: 'session'}),
			...call('c4', 'Write', {scope: 'session'}),
			...call('c5', 'Edit', {by: 'session'}),
			{type: 'turn_completed', outcome: 'completed'},
			{type: 'user_prompt_submitted', text: 'again'},
			...call('c6', 'Bash', {scope: 'session'}),
			// A decision for a call nobody asked about grants nothing.
			{type: 'tool_call_decided', callId: 'ghost', decision: 'allow', by: 'user', scope: 'session'},
		]);
		const state = foldSession(events);
		expect(state.grants).toEqual(['Write', 'Bash']);
		const c3 = state.entries.find(e => e.kind === 'tool' && e.call.callId === 'c3');
		expect(c3?.kind === 'tool' && c3.call).toMatchObject({scope: 'session', decidedBy: 'user', decidedAt: expect.any(Number)});
		// Before the grant, none.
		expect(foldSession(events.slice(0, 8)).grants).toEqual([]);
		expect(foldSession(events.slice(0, 9)).grants).toEqual(['Write']);
	});

	it('holds the mode and the servers as last recorded, with an entry for each mode change', () => {
		const events = stamp([
			{type: 'servers_changed', servers: [{name: 'supabase', state: 'idle', tools: 25}]},
			{type: 'permission_mode_changed', mode: 'plan'},
			{type: 'servers_changed', servers: [{name: 'supabase', state: 'ready', tools: 25, database: {state: 'ready'}}]},
			{type: 'permission_mode_changed', mode: 'default'},
		]);
		expect(foldSession(events.slice(0, 2))).toMatchObject({mode: 'plan', servers: {list: [{state: 'idle'}]}});
		const state = foldSession(events);
		expect(state).toMatchObject({mode: 'default', servers: {list: [{state: 'ready', database: {state: 'ready'}}]}});
		expect(state.entries.map(e => (e.kind === 'mode' ? e.mode : e.kind))).toEqual(['plan', 'default']);
		expect(INITIAL_STATE.servers).toBeUndefined();
	});

	it('numbers the turns on their prompts and ends, whatever the outcome', () => {
		const events = stamp([
			{type: 'user_prompt_submitted', text: 'one'},
			{type: 'turn_completed', outcome: 'completed'},
			{type: 'user_prompt_submitted', text: 'two'},
			{type: 'turn_completed', outcome: 'cancelled'},
		]);
		const turns = foldSession(events).entries.map(e => (e.kind === 'user' || e.kind === 'turn_end' ? `${e.kind}:${e.turn}` : e.kind));
		expect(turns).toEqual(['user:1', 'turn_end:1', 'user:2', 'turn_end:2']);
	});

	it("rewinds the conversation to before the checkpoint's turn, in one pass as event by event, and goes on from there", () => {
		// Ten turns; a checkpoint in turn 4 (seq of its prompt recorded); a conversation rewind to it; two more turns.
		const before = Array.from({length: 10}, (_, i) => turnBodies(i + 1, 3)).flat();
		const prompt4 = before.findIndex(b => b.type === 'user_prompt_submitted' && b.text.startsWith('Turn 4:'));
		const checkpoint: EventBody = {
			type: 'checkpoint_created',
			checkpoint: {
				id: 'cp-00000004',
				callId: 'toolu_0004',
				tool: 'mcp__supabase__apply_migration',
				label: 'add index',
				turnSeq: prompt4 + 1,
				files: [],
				bytes: 0,
			},
			durationMs: 1,
		};
		const rewound: EventBody = {
			type: 'rewound',
			checkpointId: 'cp-00000004',
			by: 'user',
			durationMs: 5,
			database: true,
			files: [],
			conversation: true,
			report: ['ok'],
		};
		const after = [11, 12].flatMap(n => turnBodies(n, 3));
		const events = stamp([...before, checkpoint, rewound, ...after]);
		const whole = foldSession(events);
		expect(whole).toEqual(stepwise(events));
		// The model sees turns 1 to 3, then 11 and 12: nothing of turns 4 to 10.
		const sent = JSON.stringify(whole.messages);
		for (const turn of [1, 2, 3, 11, 12]) expect(sent).toContain(`Turn ${turn}:`);
		for (const turn of [4, 5, 9, 10]) expect(sent).not.toContain(`Turn ${turn}:`);
		expect(whole.historyLength).toBe(whole.messages.length);
		// The same history as a log that never had turns 4 to 10.
		expect(whole.messages).toEqual(foldSession(stamp([...before.slice(0, prompt4), ...after])).messages);
		// The chat keeps everything, with the rewind on the record.
		expect(whole.entries.filter(e => e.kind === 'user')).toHaveLength(12);
		expect(whole.entries.some(e => e.kind === 'rewind' && e.conversation)).toBe(true);
	});

	it('clears the history on /clear, in one pass as event by event: the turns after it only, and no conversation rewind to before it', () => {
		const first = [1, 2, 3].flatMap(n => turnBodies(n, 3));
		const prompt2 = first.findIndex(b => b.type === 'user_prompt_submitted' && b.text.startsWith('Turn 2:'));
		const checkpoint: EventBody = {
			type: 'checkpoint_created',
			checkpoint: {id: 'cp-00000002', callId: 'toolu_0002', tool: 'Write', label: 'notes.md', turnSeq: prompt2 + 1, files: ['notes.md'], bytes: 1},
			durationMs: 1,
		};
		const rewound: EventBody = {
			type: 'rewound',
			checkpointId: 'cp-00000002',
			by: 'user',
			durationMs: 1,
			database: false,
			files: [],
			conversation: true,
			report: [],
		};
		const events = stamp([
			...first,
			checkpoint,
			{type: 'permission_mode_changed', mode: 'plan'},
			{type: 'conversation_cleared'},
			{type: 'model_changed', model: 'claude-opus-5-5'},
			...[4, 5].flatMap(n => turnBodies(n, 3)),
			// Asked for after the clear, a conversation rewind to a checkpoint before it finds no turn to go back to.
			rewound,
		]);
		const whole = foldSession(events);
		expect(whole).toEqual(stepwise(events));
		const sent = JSON.stringify(whole.messages);
		for (const turn of [4, 5]) expect(sent).toContain(`Turn ${turn}:`);
		for (const turn of [1, 2, 3]) expect(sent).not.toContain(`Turn ${turn}:`);
		expect(whole.messages).toEqual(foldSession(stamp([4, 5].flatMap(n => turnBodies(n, 3)))).messages);
		expect(whole.historyLength).toBe(whole.messages.length);
		// The session's own facts stay; the chat keeps the record, with the clear and the model change in it.
		expect(whole).toMatchObject({mode: 'plan', model: 'claude-opus-5-5', clears: 1, turns: 5});
		expect(whole.checkpoints.map(c => c.id)).toEqual(['cp-00000002']);
		expect(whole.entries.filter(e => e.kind === 'cleared' || e.kind === 'model').map(e => e.kind)).toEqual(['cleared', 'model']);
		expect(whole.turnMarks).toHaveLength(2);
	});

	it('folds a long log in one pass to exactly what folding it event by event gives', () => {
		const bodies = Array.from({length: 40}, (_, i) => turnBodies(i + 1, 5)).flat();
		const events = stamp(bodies);
		expect(foldSession(events)).toEqual(stepwise(events));
	});

	it('closes a log torn mid-call so the fold is idle again, with a denial and an unknown result on the record', () => {
		const torn = stamp([
			{type: 'user_prompt_submitted', text: 'go'},
			{type: 'model_request_started', round: 1, model: 'm'},
			{
				type: 'assistant_message_completed',
				content: [
					{type: 'tool_use', id: 'ran', name: 'Write', input: {}},
					{type: 'tool_use', id: 'waited', name: 'Write', input: {}},
				],
				stopReason: 'tool_use',
				usage: {inputTokens: 1, outputTokens: 1},
			},
			{type: 'tool_call_requested', callId: 'ran', name: 'Write', input: {}},
			{type: 'tool_call_requested', callId: 'waited', name: 'Write', input: {}},
			{type: 'tool_call_decided', callId: 'ran', decision: 'allow', by: 'user'},
			{type: 'tool_call_started', callId: 'ran'},
		]);
		expect(foldSession(torn).activity).not.toBe('idle');
		const closed = [...torn, ...stamp(eventsToCloseInterruptedTurn(torn), torn.length + 1)];
		const state = foldSession(closed);
		expect(state).toMatchObject({activity: 'idle', openCalls: []});
		const calls = state.entries.flatMap(e => (e.kind === 'tool' ? [e.call] : []));
		expect(calls.map(c => [c.callId, c.status, c.decidedBy])).toEqual([
			['ran', 'failed', 'user'],
			['waited', 'denied', 'interrupted'],
		]);
		expect(state.entries.at(-1)).toMatchObject({kind: 'turn_end', outcome: 'cancelled', turn: 1});
		expect(foldSession(closed)).toEqual(stepwise(closed));
	});
});
