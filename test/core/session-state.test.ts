import {describe, expect, it} from 'vitest';
import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {INITIAL_STATE, pendingApprovals, reduceSession, type SessionState} from '../../source/core/session-state.js';

function run(bodies: EventBody[]): SessionState {
	return bodies.reduce((state, body, index) => reduceSession(state, {...body, seq: index + 1, at: 1000 + index} as SessionEvent), INITIAL_STATE);
}

describe('session state', () => {
	it('streams text into liveText and moves it to a finished entry when the message completes', () => {
		const streaming = run([
			{type: 'user_prompt_submitted', text: 'hi'},
			{type: 'model_request_started', round: 1, model: 'm'},
			{type: 'assistant_text_delta', text: 'Hel'},
			{type: 'assistant_text_delta', text: 'lo'},
		]);
		expect(streaming.liveText).toBe('Hello');
		expect(streaming.activity).toBe('streaming');
		expect(streaming.entries.map(e => e.kind)).toEqual(['user']);

		const done = reduceSession(streaming, {
			type: 'assistant_message_completed',
			content: [{type: 'text', text: 'Hello'}],
			stopReason: 'end_turn',
			usage: {inputTokens: 10, outputTokens: 2},
			seq: 5,
			at: 5,
		});
		expect(done.liveText).toBe('');
		expect(done.entries.map(e => e.kind)).toEqual(['user', 'assistant']);
		expect(done.usage).toEqual({inputTokens: 10, outputTokens: 2});
	});

	it('keeps the approval queue in request order and finishes calls into entries', () => {
		const state = run([
			{type: 'tool_call_requested', callId: 'a', name: 'one', input: {}},
			{type: 'tool_call_requested', callId: 'b', name: 'two', input: {}},
			{type: 'tool_call_requested', callId: 'c', name: 'three', input: {}},
		]);
		expect(pendingApprovals(state).map(c => c.name)).toEqual(['one', 'two', 'three']);
		const after = run([
			{type: 'tool_call_requested', callId: 'a', name: 'one', input: {}},
			{type: 'tool_call_requested', callId: 'b', name: 'two', input: {}},
			{type: 'tool_call_decided', callId: 'a', decision: 'allow', by: 'user'},
			{type: 'tool_call_completed', callId: 'a', isError: false, content: 'rows', durationMs: 3},
			{type: 'tool_call_decided', callId: 'b', decision: 'deny', by: 'user'},
		]);
		expect(pendingApprovals(after)).toEqual([]);
		const tools = after.entries.filter(e => e.kind === 'tool');
		expect(tools.map(e => e.kind === 'tool' && e.call.status)).toEqual(['succeeded', 'denied']);
	});

	it('records failed and cancelled turns as visible entries and returns to idle', () => {
		const state = run([
			{type: 'user_prompt_submitted', text: 'x'},
			{type: 'turn_completed', outcome: 'failed', error: 'API said no'},
		]);
		expect(state.activity).toBe('idle');
		expect(state.entries.at(-1)).toMatchObject({kind: 'turn_end', outcome: 'failed', error: 'API said no'});
	});
});
