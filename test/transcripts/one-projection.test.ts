/**
 * One projection of the log: the export record is built from the same fold the live view and replay read, so a
 * call is exported with the class, hazards and input the approval pane showed when it was decided — not with what the
 * model first asked, which the preview may have overruled.
 */
import {describe, expect, it} from 'vitest';
import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {foldSession} from '../../source/core/session-fold.js';
import {INITIAL_STATE, reduceSession} from '../../source/core/session-state.js';
import {createReplay} from '../../source/replay/replay-model.js';
import {exportSession} from '../../source/transcripts/export.js';
import {sessionRecord} from '../../source/transcripts/export-record.js';

function log(bodies: EventBody[]): SessionEvent[] {
	return bodies.map((body, i) => ({...body, seq: i + 1, at: 1_000 + i * 500}) as SessionEvent);
}

/** A call the model sent as a plain write, which the preview measured as destructive, edited and then allowed. */
const EVENTS = log([
	{type: 'permission_mode_changed', mode: 'acceptEdits'},
	{type: 'user_prompt_submitted', text: 'tidy the orders'},
	{type: 'model_request_started', round: 1, model: 'm'},
	{type: 'assistant_text_delta', text: 'Cleaning up.'},
	{
		type: 'assistant_message_completed',
		content: [
			{type: 'text', text: 'Cleaning up.'},
			{type: 'tool_use', id: 't1', name: 'mcp__supabase__execute_sql', input: {query: 'delete from orders'}},
		],
		stopReason: 'tool_use',
		usage: {inputTokens: 10, outputTokens: 5},
	},
	{
		type: 'tool_call_requested',
		callId: 't1',
		name: 'mcp__supabase__execute_sql',
		input: {query: 'delete from orders'},
		classification: {class: 'write', hazards: []},
		previewPending: true,
	},
	{
		type: 'tool_call_previewed',
		callId: 't1',
		preview: {kind: 'rows', summary: 'deletes 3 rows', hazards: ['data deleted'], rows: [{table: 'public.orders', operation: 'delete', count: 3, sample: []}]},
		classification: {class: 'destructive', hazards: ['data deleted']},
	},
	{type: 'tool_call_decided', callId: 't1', decision: 'allow', by: 'user', scope: 'once', editedInput: {query: 'delete from orders where id = 1'}},
	{type: 'tool_call_started', callId: 't1'},
	{type: 'tool_call_completed', callId: 't1', isError: false, content: 'DELETE 1', durationMs: 12},
	{type: 'model_request_started', round: 2, model: 'm'},
	{
		type: 'assistant_message_completed',
		content: [{type: 'text', text: 'One order removed.'}],
		stopReason: 'end_turn',
		usage: {inputTokens: 12, outputTokens: 4},
	},
	{type: 'turn_completed', outcome: 'completed'},
]);

describe('one projection of the log', () => {
	it('folds a whole log in one pass to the state of folding it event by event, which replay shows at its end', () => {
		let state = INITIAL_STATE;
		for (const event of EVENTS) state = reduceSession(state, event);
		expect(foldSession(EVENTS)).toEqual(state);
		expect(createReplay(EVENTS).stateAt(EVENTS.length)).toEqual(state);
	});

	it('exports a call as the pane showed it when it was decided: measured class and hazards, the edited input', () => {
		const {items, totals} = sessionRecord(EVENTS);
		const folded = foldSession(EVENTS).entries.flatMap(entry => (entry.kind === 'tool' ? [entry.call] : []));
		const exported = items.flatMap(item => (item.kind === 'call' ? [item.call] : []));
		expect(exported).toEqual(folded);
		expect(exported[0]).toMatchObject({classification: {class: 'destructive'}, editedInput: {query: 'delete from orders where id = 1'}, scope: 'once'});
		expect(totals).toMatchObject({turns: 1, toolCalls: 1, allowed: 1, denied: 0, decidedByUser: 1, inputTokens: 22, outputTokens: 9, endsMidTurn: false});

		const header = {
			sessionId: 's',
			createdAt: new Date(1_000).toISOString(),
			cwd: '/w',
			pgpairVersion: '0',
			agent: {name: 'a', source: 'builtin', model: 'm'},
			version: 1,
		};
		const markdown = exportSession('md', header as never, EVENTS);
		expect(markdown).toContain('(destructive; hazards: data deleted)');
		expect(markdown).not.toContain('(write');
		expect(markdown).toContain('delete from orders where id = 1');
		expect(markdown).toContain('permission_mode_changed');
	});

	it('shows a log that ends mid-turn as it ended: the call still running, the text that streamed', () => {
		const torn = EVENTS.slice(0, 9).concat(log([{type: 'assistant_text_delta', text: 'Half of an answ'}]).map(event => ({...event, seq: 10, at: 9_000})));
		const {items, totals} = sessionRecord(torn);
		expect(items.find(item => item.kind === 'call')).toMatchObject({call: {status: 'running'}});
		expect(items.at(-1)).toMatchObject({kind: 'answer', text: 'Half of an answ', partial: true});
		expect(totals.endsMidTurn).toBe(true);
	});
});
