import {describe, expect, it} from 'vitest';
import {
	checkEvent,
	createTranscriptHeader,
	newSessionId,
	parseHeader,
	parseTranscriptFileName,
	TRANSCRIPT_VERSION,
	TranscriptError,
	transcriptFileName,
	upgradeEvent,
	upgradeHeader,
} from '../../source/transcripts/format.js';
import {testHeader} from '../helpers/transcript-events.js';

describe('session ids and file names', () => {
	it('makes 8-character base36 ids', () => {
		for (let i = 0; i < 100; i++) expect(newSessionId()).toMatch(/^[0-9a-z]{8}$/);
	});

	it('sorts ids by start time across minutes', () => {
		const start = Date.parse('2025-06-01T09:00:00Z');
		const ids = [0, 1, 59, 60 * 24, 60 * 24 * 365].map(minutes => newSessionId(start + minutes * 60_000));
		expect([...ids].sort()).toEqual(ids);
	});

	it('rarely repeats an id within the same minute', () => {
		const now = Date.parse('2025-06-01T09:00:00Z');
		const ids = new Set(Array.from({length: 200}, () => newSessionId(now)));
		// 200 draws from 46,656 values: a repeat or two is possible, many would mean no randomness.
		expect(ids.size).toBeGreaterThan(195);
	});

	it('names files <local date>-<id>.jsonl and parses them back', () => {
		const name = transcriptFileName(new Date(2025, 0, 9, 23, 59), 'k3x9ab12');
		expect(name).toBe('2025-01-09-k3x9ab12.jsonl');
		expect(parseTranscriptFileName(name)).toEqual({date: '2025-01-09', id: 'k3x9ab12'});
		expect(parseTranscriptFileName('notes.jsonl')).toBeUndefined();
		expect(parseTranscriptFileName('2025-01-09-k3x9ab12.json')).toBeUndefined();
	});
});

describe('parseHeader', () => {
	const valid = testHeader();

	it('accepts the header the writer produces, kind and version first', () => {
		const line = JSON.stringify(valid);
		expect(line.startsWith('{"kind":"pgpair-transcript","version":1,')).toBe(true);
		expect(parseHeader(line)).toEqual(valid);
	});

	it.each([
		['an empty file', undefined, /file is empty/],
		['a blank first line', '  ', /file is empty/],
		['a non-JSON first line', 'hello', /first line is not JSON/],
		['an event as the first line', '{"type":"user_prompt_submitted","text":"hi","seq":1,"at":1}', /no "kind":"pgpair-transcript"/],
		['a header without a version', JSON.stringify({...valid, version: undefined}), /"version" must be a positive integer/],
		['a header with version 0', JSON.stringify({...valid, version: 0}), /"version" must be a positive integer/],
		['a header without a cwd', JSON.stringify({...valid, cwd: undefined}), /"cwd" is missing/],
		['a header with a bad date', JSON.stringify({...valid, createdAt: 'yesterday'}), /"createdAt" is not a date/],
		['a header with an incomplete agent', JSON.stringify({...valid, agent: {name: 'x'}}), /"agent" must have/],
	])('rejects %s with a clear message', (_name, line, message) => {
		expect(() => parseHeader(line)).toThrow(TranscriptError);
		expect(() => parseHeader(line)).toThrow(message);
	});

	it('tells the person to update pgpair for a future version', () => {
		const line = JSON.stringify({...valid, version: TRANSCRIPT_VERSION + 1});
		expect(() => parseHeader(line)).toThrow(/format version 2, written by a newer pgpair; this pgpair reads versions 1 to 1\. Update pgpair/);
	});
});

describe('upgrades', () => {
	it('leaves version-1 events and headers unchanged', () => {
		const raw = {type: 'user_prompt_submitted', text: 'hi', seq: 1, at: 5};
		expect(upgradeEvent(1, raw)).toBe(raw);
		expect(upgradeHeader(1, testHeader())).toEqual(testHeader());
	});

	it('refuses versions it cannot read', () => {
		expect(() => upgradeEvent(TRANSCRIPT_VERSION + 1, {})).toThrow(/newer pgpair/);
		expect(() => upgradeEvent(0, {})).toThrow(TranscriptError);
	});
});

describe('checkEvent', () => {
	it('accepts every event type the reducer knows', () => {
		const events = [
			{type: 'user_prompt_submitted', text: 'hi'},
			{type: 'model_request_started', round: 1, model: 'm'},
			{type: 'assistant_text_delta', text: 'h'},
			{type: 'assistant_message_completed', content: [{type: 'text', text: 'h'}], stopReason: null, usage: {inputTokens: 1, outputTokens: 2}},
			{type: 'model_retry_scheduled', attempt: 1, maxAttempts: 3, delayMs: 500, reason: 'overloaded'},
			{type: 'tool_call_requested', callId: 'c', name: 'n', input: {}},
			{type: 'tool_call_decided', callId: 'c', decision: 'deny', by: 'user', feedback: 'no'},
			{type: 'tool_call_started', callId: 'c'},
			{type: 'tool_call_completed', callId: 'c', isError: false, content: 'ok', durationMs: 3},
			{type: 'turn_completed', outcome: 'completed'},
			{type: 'notice_shown', level: 'info', text: 'hello'},
		];
		for (const [i, body] of events.entries()) expect(checkEvent({...body, seq: i + 1, at: 10})).toMatchObject({ok: true});
	});

	it.each([
		['a non-object', 42, 'not a JSON object'],
		['no type', {seq: 1, at: 1}, 'no "type"'],
		['no seq', {type: 'tool_call_started', callId: 'c', at: 1}, 'tool_call_started event without a valid "seq"'],
		['a fractional seq', {type: 'tool_call_started', callId: 'c', seq: 1.5, at: 1}, 'without a valid "seq"'],
		['no at', {type: 'tool_call_started', callId: 'c', seq: 1}, 'without a valid "at"'],
		['an unknown type', {type: 'thought_emitted', seq: 1, at: 1}, 'unknown event type "thought_emitted"'],
		['a field the reducer reads missing', {type: 'assistant_message_completed', content: [], stopReason: null, seq: 1, at: 1}, 'missing or invalid "usage"'],
		['a field of the wrong type', {type: 'tool_call_completed', callId: 'c', isError: 'no', content: '', durationMs: 1, seq: 1, at: 1}, 'invalid "isError"'],
	])('rejects %s', (_name, raw, reason) => {
		const check = checkEvent(raw);
		expect(check.ok).toBe(false);
		if (!check.ok) expect(check.reason).toContain(reason);
	});
});

describe('createTranscriptHeader', () => {
	it('stamps the current format version and an ISO date', () => {
		const header = createTranscriptHeader({
			sessionId: 'abc',
			cwd: '/x',
			agent: {name: 'a', source: 'built-in', model: 'm'},
			pgpairVersion: '0.1.0',
			createdAt: new Date(0),
		});
		expect(header).toMatchObject({kind: 'pgpair-transcript', version: TRANSCRIPT_VERSION, createdAt: '1970-01-01T00:00:00.000Z'});
	});
});
