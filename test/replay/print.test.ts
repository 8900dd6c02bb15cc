import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {EventBody} from '../../source/core/events.js';
import {renderTranscriptText} from '../../source/replay/print.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {REPO_ROOT} from '../helpers/paths.js';
import {stamp, testHeader} from '../helpers/transcript-events.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/transcripts/v1-basic.jsonl');
const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/transcripts/v1-basic.print.txt');

describe('replay --print', () => {
	it('renders the v1 fixture exactly as the golden file', async () => {
		const {header, events, warnings} = await readTranscript(FIXTURE);
		expect(renderTranscriptText(header, events, {timeZone: 'UTC', warnings})).toBe(fs.readFileSync(GOLDEN, 'utf8'));
	});

	it('has no ANSI codes unless colour is asked for', async () => {
		const {header, events} = await readTranscript(FIXTURE);
		expect(renderTranscriptText(header, events, {timeZone: 'UTC'})).not.toMatch(/\u001B\[/);
		const colored = renderTranscriptText(header, events, {timeZone: 'UTC', color: true});
		expect(colored).toMatch(/\u001B\[\d+m/);
		expect(colored.replaceAll(/\u001B\[\d+m/g, '')).toBe(fs.readFileSync(GOLDEN, 'utf8'));
	});

	it('shows denials with who and feedback, failures, long results cut, notices, retries and an unfinished turn', () => {
		const long = Array.from({length: 30}, (_, i) => `row ${i}`).join('\n');
		const bodies: EventBody[] = [
			{type: 'user_prompt_submitted', text: 'Clean up\nthe orders table'},
			{type: 'model_request_started', round: 1, model: 'm'},
			{type: 'model_retry_scheduled', attempt: 1, maxAttempts: 4, delayMs: 1500, reason: 'overloaded (529)'},
			{type: 'assistant_message_completed', content: [{type: 'text', text: 'Dropping it.'}], stopReason: 'tool_use', usage: {inputTokens: 10, outputTokens: 2}},
			{
				type: 'tool_call_requested',
				callId: 't1',
				name: 'mcp__supabase__execute_sql',
				input: {query: 'drop table orders;'},
				classification: {class: 'destructive', hazards: ['data loss']},
			},
			{type: 'tool_call_decided', callId: 't1', decision: 'deny', by: 'user', feedback: 'never drop orders'},
			{
				type: 'tool_call_requested',
				callId: 't2',
				name: 'mcp__supabase__execute_sql',
				input: {query: 'select * from orders;'},
				classification: {class: 'read-only', hazards: []},
			},
			{type: 'tool_call_decided', callId: 't2', decision: 'allow', by: 'mode'},
			{type: 'tool_call_completed', callId: 't2', isError: false, content: long, durationMs: 12},
			{type: 'tool_call_requested', callId: 't3', name: 'mcp__supabase__list_tables', input: {schemas: ['public']}},
			{type: 'tool_call_decided', callId: 't3', decision: 'allow', by: 'rule', reason: 'Allowed by the rule mcp__supabase__list_tables.'},
			{type: 'tool_call_completed', callId: 't3', isError: true, content: 'connection refused', durationMs: 3},
			{type: 'notice_shown', level: 'warning', text: 'The database is slow.'},
			{type: 'model_request_started', round: 2, model: 'm'},
			{type: 'assistant_text_delta', text: 'I will now '},
			{type: 'assistant_text_delta', text: 'try again'},
		];
		const text = renderTranscriptText(testHeader(), stamp(bodies), {timeZone: 'UTC', resultLines: 5});
		expect(text).toContain('> Clean up\n  the orders table');
		expect(text).toContain('↻ retry 1/4 in 1.5s: overloaded (529)');
		expect(text).toContain('▸ mcp__supabase__execute_sql [destructive; hazards: data loss]');
		expect(text).toContain('    SQL:\n      drop table orders;\n  ⊘ denied by the user after 1ms\n    feedback: never drop orders');
		expect(text).toContain('  ✓ allowed by the permission mode\n  ⎿ row 0\n    row 1\n    row 2\n    row 3\n    row 4\n    … 25 more lines\n    12ms');
		expect(text).toContain('    schemas: ["public"]\n  ✓ allowed by an allow rule: Allowed by the rule mcp__supabase__list_tables.\n  ✗ connection refused');
		expect(text).toContain('⚠ The database is slow.');
		expect(text).toContain('(streamed, never completed)\nI will now try again');
		expect(text).toContain('3 tool calls (2 allowed, 1 denied, 1 failed; 1 decided by the user)');
		expect(text).toContain('The transcript ends inside a turn');
	});

	it('shows the preview the person saw (summary, hazards, rows, diff) and checklist ticks', () => {
		const bodies: EventBody[] = [
			{type: 'user_prompt_submitted', text: 'index it'},
			{type: 'tool_call_requested', callId: 'm', name: 'mcp__supabase__apply_migration', input: {name: 'idx', query: 'create index i on t (c);'}},
			{
				type: 'tool_call_previewed',
				callId: 'm',
				preview: {
					kind: 'schema',
					summary: 'schema change: 1 index added',
					diff: ' create table t (c int);\n+create index i on t (c);',
					hazards: ['exclusive lock on t'],
					rows: [{table: 't', operation: 'update', count: 2, sample: []}],
				},
			},
			{type: 'tool_call_decided', callId: 'm', decision: 'allow', by: 'user'},
			{type: 'tool_call_completed', callId: 'm', isError: false, content: 'ok', durationMs: 5},
			{
				type: 'checklist_item_changed',
				itemId: 'idx',
				text: 'Foreign keys are indexed',
				state: 'done',
				by: 'evidence',
				evidence: 'advisor: no unindexed foreign keys',
			},
		];
		const text = renderTranscriptText(testHeader(), stamp(bodies), {timeZone: 'UTC'});
		expect(text).toContain(
			'      create index i on t (c);\n    preview: schema change: 1 index added\n    hazards: exclusive lock on t\n    update t: 2 rows\n       create table t (c int);\n      +create index i on t (c);\n  ✓ allowed by the user',
		);
		expect(text).toContain('☑ checklist: Foreign keys are indexed (evidence: advisor: no unindexed foreign keys)');
	});

	it('shows a call that was never decided and one that never finished', () => {
		const bodies: EventBody[] = [
			{type: 'user_prompt_submitted', text: 'go'},
			{type: 'tool_call_requested', callId: 'a', name: 'mcp__x__run', input: {}},
			{type: 'tool_call_decided', callId: 'a', decision: 'allow', by: 'user'},
			{type: 'tool_call_requested', callId: 'b', name: 'mcp__x__wait', input: {}},
		];
		const text = renderTranscriptText(testHeader(), stamp(bodies), {timeZone: 'UTC'});
		expect(text).toContain('▸ mcp__x__run · 09:00:01\n  ✓ allowed by the user after 1ms\n  … no result recorded (the session ended while it ran)');
		expect(text).toContain('▸ mcp__x__wait · 09:00:01\n  ⊘ not decided (the session ended first)');
	});
});
