/**
 * The loop's own edge cases, with the ports implemented in memory (the core sees only these interfaces;
 * the real model client is exercised against the scripted server elsewhere).
 */
import {describe, expect, it} from 'vitest';
import type {EventBody} from '../../source/core/events.js';
import type {ModelPort, ModelStreamEvent} from '../../source/core/ports.js';
import {INITIAL_STATE, reduceSession} from '../../source/core/session-state.js';
import {runTurn} from '../../source/core/turn-loop.js';

function modelYielding(events: ModelStreamEvent[]): ModelPort {
	return {
		async *stream() {
			yield* events;
		},
	};
}

async function turnEvents(model: ModelPort): Promise<EventBody[]> {
	const events: EventBody[] = [];
	for await (const event of runTurn({
		model: 'm',
		system: '',
		history: [],
		prompt: 'hi',
		signal: new AbortController().signal,
		ports: {
			model,
			tools: {list: () => [], call: async () => ({content: '', isError: false})},
			approver: {decide: async () => ({decision: 'deny', by: 'user'})},
			clock: {now: () => 0},
		},
	}))
		events.push(event);
	return events;
}

describe('the turn loop', () => {
	it('keeps text already shown when a stream ends without its message, and fails the turn', async () => {
		const events = await turnEvents(modelYielding([{type: 'text_delta', text: 'Half an ans'}]));
		expect(events.map(e => e.type)).toEqual([
			'user_prompt_submitted',
			'model_request_started',
			'assistant_text_delta',
			'assistant_message_completed',
			'turn_completed',
		]);
		expect(events[3]).toMatchObject({content: [{type: 'text', text: 'Half an ans'}]});
		expect(events[4]).toMatchObject({outcome: 'failed', error: 'The model stream ended without a message.'});
		// The partial answer is in the history the next turn sends, and in the chat.
		let state = INITIAL_STATE;
		for (const [seq, event] of events.entries()) state = reduceSession(state, {...event, seq: seq + 1, at: 0} as never);
		expect(state.messages.at(-1)).toEqual({role: 'assistant', content: [{type: 'text', text: 'Half an ans'}]});
		expect(state.entries.some(entry => entry.kind === 'assistant' && entry.text === 'Half an ans')).toBe(true);
	});
});
