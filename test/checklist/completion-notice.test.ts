import {describe, expect, it} from 'vitest';
import {claimsCompletion, openItemsNotice} from '../../source/checklist/completion-notice.js';
import type {EventBody} from '../../source/core/events.js';
import {INITIAL_STATE, reduceSession} from '../../source/core/session-state.js';
import {stamp} from '../helpers/transcript-events.js';

describe('claimsCompletion', () => {
	it.each([
		['Done! The notes table has RLS and two documented policies.', true],
		['All set: the migration is applied and tested.', true],
		['The migration is complete.', true],
		["I've finished the RLS work.", true],
		['The index is in place.', true],
		['Once this is done, we can add the policies.', false],
		["I haven't finished the policies yet.", false],
		['The table is not complete: RLS comes next.', false],
		['Shall I mark it done?', false],
		['Created the table. Next I will add RLS.', false],
		['Let me know when you are done reviewing.', false],
	])('%s → %s', (text, expected) => {
		expect(claimsCompletion(text)).toBe(expected);
	});
});

const ITEMS = [
	{id: 'rls', text: 'RLS tested', known: 'rls_tested' as const},
	{id: 'types', text: 'Types regenerated', known: 'types_regenerated' as const},
	{id: 'docs', text: 'Docs updated'},
];

function sessionWith(bodies: EventBody[]) {
	return stamp(bodies).reduce(reduceSession, INITIAL_STATE);
}

const MIGRATION: EventBody[] = [
	{
		type: 'tool_call_requested',
		callId: 'c1',
		name: 'mcp__supabase__apply_migration',
		input: {name: 'create_notes', query: 'create table notes (id int)'},
		classification: {class: 'write', hazards: []},
	},
	{type: 'tool_call_decided', callId: 'c1', decision: 'allow', by: 'user'},
	{type: 'tool_call_completed', callId: 'c1', isError: false, content: '{"success":true}', durationMs: 5},
];
const final = (text: string): EventBody => ({
	type: 'assistant_message_completed',
	content: [{type: 'text', text}],
	stopReason: 'end_turn',
	usage: {inputTokens: 1, outputTokens: 1},
});

describe('openItemsNotice', () => {
	it('lists the open items with their evidence when the agent claims to be done after real work', () => {
		const state = sessionWith([
			{type: 'user_prompt_submitted', text: 'Create notes'},
			...MIGRATION,
			{type: 'checklist_item_changed', itemId: 'rls', text: 'RLS tested', state: 'open', by: 'evidence', evidence: 'public.notes: RLS is off'},
			{type: 'checklist_item_changed', itemId: 'types', text: 'Types regenerated', state: 'done', by: 'evidence', evidence: 'ran'},
			final('Done: the notes table exists.'),
			{type: 'turn_completed', outcome: 'completed'},
		]);
		expect(openItemsNotice(state, ITEMS)).toBe(
			['The agent says the work is done, but 2 checklist items are still open:', '  ○ RLS tested — public.notes: RLS is off', '  ○ Docs updated'].join('\n'),
		);
	});

	it('says nothing without a claim, without work, or with every item done', () => {
		const prompt: EventBody = {type: 'user_prompt_submitted', text: 'Create notes'};
		expect(openItemsNotice(sessionWith([prompt, ...MIGRATION, final('Created the table; RLS comes next.')]), ITEMS)).toBeUndefined();
		expect(openItemsNotice(sessionWith([prompt, final('Done: here is how RLS works.')]), ITEMS)).toBeUndefined();
		const allDone = ITEMS.map(
			(item): EventBody => ({type: 'checklist_item_changed', itemId: item.id, text: item.text, state: 'done', by: 'user', evidence: 'ok'}),
		);
		expect(openItemsNotice(sessionWith([prompt, ...MIGRATION, ...allDone, final('All done.')]), ITEMS)).toBeUndefined();
	});

	it('only reads the latest turn’s final message', () => {
		const state = sessionWith([{type: 'user_prompt_submitted', text: 'one'}, ...MIGRATION, final('Done.'), {type: 'user_prompt_submitted', text: 'two'}]);
		expect(openItemsNotice(state, ITEMS)).toBeUndefined();
	});
});
