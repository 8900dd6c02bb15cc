import {appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import {INITIAL_STATE, reduceSession} from '../../source/core/session-state.js';
import {TranscriptError} from '../../source/transcripts/format.js';
import {damagedLineContent, readTranscript} from '../../source/transcripts/reader.js';
import {createRedactor} from '../../source/transcripts/redact.js';
import {openTranscript, reopenTranscript} from '../../source/transcripts/writer.js';
import {sessionEvents, stamp, testHeader, turnBodies} from '../helpers/transcript-events.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'pgpair-transcripts-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

const noEnv = createRedactor({env: {}});

function write(path: string, events: readonly SessionEvent[]): void {
	const writer = openTranscript(path, testHeader(), {redact: noEnv});
	for (const event of events) writer.append(event);
	writer.close();
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n');

describe('round trip', () => {
	it('reads back exactly the header and events that were written', async () => {
		const path = join(dir, 'sessions', '2025-06-01-k3x9ab12.jsonl');
		const events = sessionEvents(200);
		write(path, events);

		const transcript = await readTranscript(path);
		expect(transcript.header).toEqual(testHeader());
		expect(transcript.events).toEqual(events);
		expect(transcript.warnings).toEqual([]);
	});

	it('writes one line per event with a trailing newline, creating the directory', () => {
		const path = join(dir, 'a', 'b', 'session.jsonl');
		const events = sessionEvents(30);
		write(path, events);
		const text = readFileSync(path, 'utf8');
		expect(text.endsWith('\n')).toBe(true);
		expect(text.split('\n')).toHaveLength(events.length + 2);
	});

	it('gives the reducer the same state as the live events', async () => {
		const path = join(dir, 's.jsonl');
		const events = sessionEvents(100);
		write(path, events);
		const {events: read} = await readTranscript(path);
		expect(read.reduce(reduceSession, INITIAL_STATE)).toEqual(events.reduce(reduceSession, INITIAL_STATE));
	});

	it('keeps unicode and newlines inside event text intact', async () => {
		const path = join(dir, 's.jsonl');
		const events = stamp([{type: 'user_prompt_submitted', text: 'naïve ✓ 日本語 🐘\nline two\r\n"quoted"'}]);
		write(path, events);
		expect((await readTranscript(path)).events).toEqual(events);
	});

	it('redacts every event before it reaches the file', () => {
		const path = join(dir, 's.jsonl');
		const writer = openTranscript(path, testHeader(), {redact: createRedactor({env: {STRIPE_API_KEY: 'not-a-pattern-but-secret'}})});
		writer.append(stamp([{type: 'user_prompt_submitted', text: 'my key is not-a-pattern-but-secret'}])[0]!);
		writer.close();
		expect(readFileSync(path, 'utf8')).not.toContain('not-a-pattern-but-secret');
		expect(readFileSync(path, 'utf8')).toContain('[REDACTED:env:STRIPE_API_KEY]');
	});
});

describe('writer', () => {
	it('refuses to overwrite or join an existing transcript when opening a new one', () => {
		const path = join(dir, 's.jsonl');
		write(path, sessionEvents(3));
		expect(() => openTranscript(path, testHeader())).toThrow(/EEXIST/);
	});

	it('throws on append after close', () => {
		const writer = openTranscript(join(dir, 's.jsonl'), testHeader(), {redact: noEnv});
		writer.close();
		expect(() => writer.append(sessionEvents(1)[0]!)).toThrow(/closed/);
	});

	it('reopens an intact file and continues on the next line', async () => {
		const path = join(dir, 's.jsonl');
		const events = sessionEvents(40);
		write(path, events.slice(0, 20));
		const writer = reopenTranscript(path, {redact: noEnv});
		expect(writer.header).toEqual(testHeader());
		for (const event of events.slice(20)) writer.append(event);
		writer.close();
		const transcript = await readTranscript(path);
		expect(transcript.events).toEqual(events);
		expect(transcript.warnings).toEqual([]);
	});

	it('refuses to append to a file from a newer pgpair', () => {
		const path = join(dir, 's.jsonl');
		writeFileSync(path, `${JSON.stringify({...testHeader(), version: 9})}\n`);
		expect(() => reopenTranscript(path)).toThrow(/newer pgpair/);
	});
});

describe('torn and corrupt lines', () => {
	it('skips a torn last line, then appends after it on resume with old and new events intact', async () => {
		const path = join(dir, 's.jsonl');
		const events = sessionEvents(30);
		write(path, events.slice(0, 10));
		const torn = JSON.stringify(events[10]);
		appendFileSync(path, torn.slice(0, Math.floor(torn.length / 2)));

		const before = await readTranscript(path);
		expect(before.events).toEqual(events.slice(0, 10));
		expect(before.warnings).toEqual([
			'line 12: torn last line (no newline at the end: pgpair stopped mid-write), skipped: part of an assistant_text_delta event (38 bytes)',
		]);

		// Resume continues from the last good event: seq 11 is written again, whole this time.
		const writer = reopenTranscript(path, {redact: noEnv});
		for (const event of events.slice(10)) writer.append(event);
		writer.close();

		const after = await readTranscript(path);
		expect(after.events).toEqual(events);
		expect(after.warnings).toHaveLength(1);
		expect(after.warnings[0]).toMatch(/^line 12: not valid JSON/);
		expect(lines(path)[12]).toBe(JSON.stringify(events[10]));
	});

	it('skips a corrupt line in the middle with a warning naming it', async () => {
		const path = join(dir, 's.jsonl');
		const events = sessionEvents(20);
		write(path, events);
		const content = lines(path);
		content[5] = '{"type":"assistant_text_delta","te';
		writeFileSync(path, content.join('\n'));

		const transcript = await readTranscript(path);
		expect(transcript.events).toEqual(events.filter((_, i) => i !== 4));
		expect(transcript.warnings).toEqual([
			'line 6: not valid JSON (a write interrupted before a resume?), skipped: part of an assistant_text_delta event (34 bytes)',
		]);
	});

	it.each([
		['{"type":"tool_call_decided","callId":"c","decision":"allow","by":"user","seq":12,"a', 'part of a tool_call_decided event (seq 12, 83 bytes)'],
		['{"type":"assistant_text_delta","text":"é', 'part of an assistant_text_delta event (41 bytes)'],
		['\u001b[2J{"ty', '8 bytes with no event type left to read'],
		['', '0 bytes with no event type left to read'],
	])('says what a damaged line held, as far as it can be told: %j', (text, said) => {
		expect(damagedLineContent(text)).toBe(said);
	});

	it('keeps events of unknown type and malformed events away from the reducer', async () => {
		const path = join(dir, 's.jsonl');
		const events = stamp(turnBodies(1, 2));
		write(path, events);
		appendFileSync(
			path,
			`${[
				JSON.stringify({type: 'thought_emitted', text: 'hmm', seq: 99, at: 1}),
				JSON.stringify({type: 'assistant_message_completed', content: 'oops', seq: 100, at: 1}),
				JSON.stringify({type: 'user_prompt_submitted', text: 'no seq', at: 1}),
				JSON.stringify([1, 2, 3]),
				'',
				'   ',
			].join('\n')}\n`,
		);

		const transcript = await readTranscript(path);
		expect(transcript.events).toEqual(events);
		const first = events.length + 2;
		expect(transcript.warnings).toEqual([
			`line ${first}: unknown event type "thought_emitted" (written by a newer pgpair?), skipped`,
			`line ${first + 1}: assistant_message_completed event with a missing or invalid "content", skipped`,
			`line ${first + 2}: user_prompt_submitted event without a valid "seq", skipped`,
			`line ${first + 3}: not a JSON object, skipped`,
		]);
		expect(() => transcript.events.reduce(reduceSession, INITIAL_STATE)).not.toThrow();
	});

	it('warns when seq goes backwards (two writers on one file)', async () => {
		const path = join(dir, 's.jsonl');
		const events = sessionEvents(5).slice(0, 5);
		write(path, [...events, events[2]!]);
		const transcript = await readTranscript(path);
		expect(transcript.events).toHaveLength(6);
		expect(transcript.warnings).toEqual([`line 7: seq 3 does not follow 5 (two writers?)`]);
	});

	it.each([
		['empty', '', /file is empty/],
		['headerless', `${JSON.stringify(sessionEvents(1)[0])}\n`, /no "kind":"pgpair-transcript"/],
		['garbage', 'PK\u0003\u0004 zip bytes', /first line is not JSON/],
	])('fails clearly on a %s file, naming it', async (_name, content, message) => {
		const path = join(dir, 'bad.jsonl');
		writeFileSync(path, content);
		await expect(readTranscript(path)).rejects.toThrow(TranscriptError);
		await expect(readTranscript(path)).rejects.toThrow(message);
		await expect(readTranscript(path)).rejects.toThrow(path);
	});

	it('reads a file whose last complete event has no trailing newline', async () => {
		const path = join(dir, 's.jsonl');
		const events = sessionEvents(3).slice(0, 3);
		write(path, events);
		writeFileSync(path, readFileSync(path, 'utf8').trimEnd());
		expect(await readTranscript(path)).toMatchObject({events, warnings: []});
	});
});

describe('large files', () => {
	it('streams 100,000 events', async () => {
		const path = join(dir, 'big.jsonl');
		const events = sessionEvents(100_000);
		write(path, events);
		const transcript = await readTranscript(path);
		expect(transcript.events).toHaveLength(events.length);
		expect(transcript.events.at(-1)).toEqual(events.at(-1));
	});
});
