import {describe, expect, it} from 'vitest';
import {typesRegenerated} from '../../source/checklist/evaluators/types-regenerated.js';
import type {SessionEvent} from '../../source/core/events.js';
import {isSqlParserLoaded} from '../../source/policy/sql-parser.js';

const at = 0;

describe('the SQL parser behind the checklist', () => {
	it('is not loaded for a session without SQL, and is once SQL ran', async () => {
		const plain: SessionEvent[] = [
			{type: 'user_prompt_submitted', text: 'hi', seq: 1, at},
			{
				type: 'assistant_message_completed',
				content: [{type: 'text', text: 'Hello.'}],
				stopReason: 'end_turn',
				usage: {inputTokens: 1, outputTokens: 1},
				seq: 2,
				at,
			},
			{type: 'turn_completed', outcome: 'completed', seq: 3, at},
		];
		const evidence = {} as never;
		expect(await typesRegenerated(plain, evidence)).toEqual({state: 'done', evidence: 'not applicable: no schema change in this session'});
		expect(isSqlParserLoaded()).toBe(false);

		const withSql: SessionEvent[] = [
			...plain,
			{
				type: 'tool_call_requested',
				callId: 'c1',
				name: 'mcp__supabase__apply_migration',
				input: {name: 'notes', query: 'create table public.notes (id int primary key)'},
				seq: 4,
				at,
			},
			{type: 'tool_call_decided', callId: 'c1', decision: 'allow', by: 'user', seq: 5, at},
			{type: 'tool_call_completed', callId: 'c1', isError: false, content: '{"success":true}', durationMs: 3, seq: 6, at},
		];
		expect(await typesRegenerated(withSql, evidence)).toMatchObject({state: 'open'});
		expect(isSqlParserLoaded()).toBe(true);
	});
});
