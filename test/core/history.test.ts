import {describe, expect, it} from 'vitest';
import type {EventBody, ModelMessage} from '../../source/core/events.js';
import {appendToHistory, DENIED_PREFIX} from '../../source/core/history.js';

function fold(events: EventBody[], start: ModelMessage[] = []): ModelMessage[] {
	return events.reduce<ModelMessage[]>((messages, event) => appendToHistory(messages, event), start);
}

describe('model history from events', () => {
	it('puts all tool results of a round in one user message, in request order', () => {
		const messages = fold([
			{type: 'user_prompt_submitted', text: 'go'},
			{
				type: 'assistant_message_completed',
				stopReason: 'tool_use',
				usage: {inputTokens: 1, outputTokens: 1},
				content: [
					{type: 'tool_use', id: 'a', name: 't1', input: {}},
					{type: 'tool_use', id: 'b', name: 't2', input: {}},
				],
			},
			{type: 'tool_call_requested', callId: 'a', name: 't1', input: {}},
			{type: 'tool_call_requested', callId: 'b', name: 't2', input: {}},
			{type: 'tool_call_decided', callId: 'a', decision: 'allow', by: 'user'},
			{type: 'tool_call_completed', callId: 'a', isError: false, content: 'ok', durationMs: 1},
			{type: 'tool_call_decided', callId: 'b', decision: 'deny', by: 'user', feedback: 'use a branch'},
		]);
		expect(messages).toHaveLength(3);
		expect(messages[2]).toEqual({
			role: 'user',
			content: [
				{type: 'tool_result', tool_use_id: 'a', content: 'ok'},
				{type: 'tool_result', tool_use_id: 'b', content: `${DENIED_PREFIX} Feedback from the user: use a branch`, is_error: true},
			],
		});
	});

	it('joins a prompt typed after an interrupted round to the pending tool results, keeping results first', () => {
		const messages = fold(
			[
				{type: 'tool_call_decided', callId: 'a', decision: 'deny', by: 'interrupted', reason: 'cancelled'},
				{type: 'user_prompt_submitted', text: 'try again'},
			],
			[
				{role: 'user', content: 'x'},
				{role: 'assistant', content: [{type: 'tool_use', id: 'a', name: 't', input: {}}]},
			],
		);
		expect(messages).toHaveLength(3);
		const last = messages[2]!.content as Array<{type: string}>;
		expect(last.map(b => b.type)).toEqual(['tool_result', 'text']);
	});

	it('drops an empty assistant message (cancelled before any text) so the API never sees one', () => {
		const messages = fold([
			{type: 'user_prompt_submitted', text: 'hi'},
			{type: 'assistant_message_completed', content: [], stopReason: null, usage: {inputTokens: 0, outputTokens: 0}},
			{type: 'user_prompt_submitted', text: 'again'},
		]);
		expect(messages).toEqual([
			{
				role: 'user',
				content: [
					{type: 'text', text: 'hi'},
					{type: 'text', text: 'again'},
				],
			},
		]);
	});

	it('never mutates the input history', () => {
		const start: ModelMessage[] = [{role: 'user', content: [{type: 'text', text: 'a'}]}];
		const frozen = JSON.stringify(start);
		fold([{type: 'user_prompt_submitted', text: 'b'}], start);
		expect(JSON.stringify(start)).toBe(frozen);
	});
});
