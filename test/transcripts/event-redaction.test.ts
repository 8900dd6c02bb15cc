import {beforeAll, describe, expect, it} from 'vitest';
import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {loadSqlParser} from '../../source/policy/sql-parser.js';
import {createEventStore} from '../../source/store/event-store.js';
import {createEventRedaction} from '../../source/transcripts/event-redaction.js';
import {createSecretRedactor} from '../../source/transcripts/redact.js';
import {mayHoldSqlSecret, redactSqlSecrets} from '../../source/transcripts/sql-secrets.js';
import {turnBodies} from '../helpers/transcript-events.js';

beforeAll(async () => {
	await loadSqlParser();
});

const SQL = {mayHold: mayHoldSqlSecret, redact: redactSqlSecrets};
const PASSWORD = "Str0ng'Passw0rd!";
const QUERY = String.raw`CREATE ROLE app LOGIN Password E'Str0ng\'Passw0rd!';`;

function session(withSql = true) {
	const written: SessionEvent[] = [];
	const redaction = createEventRedaction({redactor: createSecretRedactor({env: {}}), ...(withSql ? {sql: SQL} : {})});
	const store = createEventStore({clock: {now: () => 0}, redaction, sink: {append: event => written.push(event)}});
	return {store, written, redaction};
}

describe('events redacted as they are committed', () => {
	it('redacts a SQL password from the parse tree everywhere in the event, and by value in every event after', () => {
		const {store, written} = session();
		const bodies: EventBody[] = [
			{
				type: 'assistant_message_completed',
				content: [
					{type: 'text', text: `I will set the password to ${PASSWORD} now.`},
					{type: 'tool_use', id: 'toolu_1', name: 'mcp__supabase__execute_sql', input: {query: QUERY}},
				],
				stopReason: 'tool_use',
				usage: {inputTokens: 1, outputTokens: 1},
			},
			{type: 'tool_call_requested', callId: 'toolu_1', name: 'mcp__supabase__execute_sql', input: {query: QUERY}},
			{
				type: 'tool_call_previewed',
				callId: 'toolu_1',
				preview: {kind: 'unavailable', summary: 'no preview', hazards: [], error: `syntax error near "${PASSWORD}"`},
			},
			{type: 'tool_call_completed', callId: 'toolu_1', isError: true, content: `ERROR: role "app" exists (password ${PASSWORD})`, durationMs: 3},
			{type: 'notice_shown', level: 'info', text: `remember ${PASSWORD}`},
		];
		for (const body of bodies) store.append(body);
		store.flush();
		const lines = written.map(event => JSON.stringify(event)).join('\n');
		expect(lines).not.toContain('Str0ng');
		expect(lines).not.toContain('Passw0rd');
		expect(lines).toContain("Password E'[REDACTED:password]'");
		// The screen reads the same events.
		expect(store.getEvents()).toEqual(written);
	});

	it('falls back to the patterns when SQL cannot be parsed (or the parser is not loaded yet)', () => {
		const {store, written} = session(false);
		store.append({type: 'tool_call_requested', callId: 'toolu_1', name: 'Bash', input: {command: `psql -c "${QUERY}"`}});
		expect(JSON.stringify(written)).not.toContain('Passw0rd');
	});

	it('asks for the parser only for an event that holds SQL worth parsing, and only while it is not loaded', async () => {
		let loaded = false;
		let loads = 0;
		const redaction = createEventRedaction({
			redactor: createSecretRedactor({env: {}}),
			sql: {
				...SQL,
				loaded: () => loaded,
				load: async () => {
					loads += 1;
					loaded = true;
				},
			},
		});
		// Free text (a streamed delta, an answer's own words) is never parsed, so it never waits for the parser.
		expect(redaction.prepare({type: 'assistant_text_delta', text: QUERY})).toBeUndefined();
		expect(
			redaction.prepare({
				type: 'assistant_message_completed',
				content: [{type: 'text', text: QUERY}],
				stopReason: 'end_turn',
				usage: {inputTokens: 1, outputTokens: 1},
			}),
		).toBeUndefined();
		expect(redaction.prepare({type: 'user_prompt_submitted', text: 'make a notes table'})).toBeUndefined();
		expect(loads).toBe(0);
		await redaction.prepare({type: 'tool_call_requested', callId: 'toolu_1', name: 'mcp__supabase__execute_sql', input: {query: QUERY}});
		expect(loads).toBe(1);
		expect(redaction.prepare({type: 'user_prompt_submitted', text: QUERY})).toBeUndefined();
	});

	it('leaves an ordinary turn untouched, the same objects and all', () => {
		const {redaction} = session();
		for (const body of turnBodies(3)) expect(redaction.event(body)).toBe(body);
	});
});
