/**
 * Resume from every point a crash can leave a transcript at: the file cut after each event (and
 * with a torn half line after it). Deterministic, so every cut point is covered, not a sample; the
 * kill -9 test in crash-resume.test.ts checks the same with real processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {renderTranscriptText} from '../../source/replay/print.js';
import {createReplay} from '../../source/replay/replay-model.js';
import {transcriptFileName} from '../../source/transcripts/format.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {tempWorkspace} from '../helpers/paths.js';
import {stamp, testHeader, turnBodies} from '../helpers/transcript-events.js';
import {historyProblems, resumeSession} from './resume-helpers.js';

const dir = tempWorkspace('pgpair-resume-cuts-');
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

/** A finished turn, then a turn with two parallel calls (one allowed and run, one denied) cut anywhere. */
function session(): SessionEvent[] {
	const parallel: EventBody[] = [
		{type: 'user_prompt_submitted', text: 'Check both tables'},
		{type: 'model_request_started', round: 1, model: 'm'},
		{type: 'assistant_text_delta', text: 'Looking at '},
		{type: 'assistant_text_delta', text: 'both.'},
		{
			type: 'assistant_message_completed',
			content: [
				{type: 'text', text: 'Looking at both.'},
				{type: 'tool_use', id: 'toolu_a', name: 'mcp__supabase__execute_sql', input: {query: 'select count(*) from orders'}},
				{type: 'tool_use', id: 'toolu_b', name: 'mcp__supabase__execute_sql', input: {query: 'delete from todos'}},
			],
			stopReason: 'tool_use',
			usage: {inputTokens: 1, outputTokens: 1},
		},
		{
			type: 'tool_call_requested',
			callId: 'toolu_a',
			name: 'mcp__supabase__execute_sql',
			input: {query: 'select count(*) from orders'},
			classification: {class: 'read-only', hazards: []},
		},
		{
			type: 'tool_call_requested',
			callId: 'toolu_b',
			name: 'mcp__supabase__execute_sql',
			input: {query: 'delete from todos'},
			classification: {class: 'destructive', hazards: ['deletes rows']},
		},
		{type: 'tool_call_decided', callId: 'toolu_a', decision: 'allow', by: 'mode'},
		{type: 'tool_call_started', callId: 'toolu_a'},
		{type: 'tool_call_completed', callId: 'toolu_a', isError: false, content: '[{"count":3}]', durationMs: 4},
		{type: 'tool_call_decided', callId: 'toolu_b', decision: 'deny', by: 'user', feedback: 'not now'},
		{type: 'model_request_started', round: 2, model: 'm'},
		{type: 'assistant_text_delta', text: 'Three orders.'},
		{type: 'assistant_message_completed', content: [{type: 'text', text: 'Three orders.'}], stopReason: 'end_turn', usage: {inputTokens: 1, outputTokens: 1}},
		{type: 'turn_completed', outcome: 'completed'},
	];
	return stamp([...turnBodies(1, 2), ...parallel]);
}

function writeCut(events: readonly SessionEvent[], cut: number, torn: boolean): {id: string; sessionsDir: string} {
	const id = `cut${String(cut).padStart(3, '0')}${torn ? 't' : 'w'}`;
	const sessionsDir = path.join(dir, id);
	fs.mkdirSync(sessionsDir);
	const header = testHeader({sessionId: id, cwd: dir});
	const lines = `${[JSON.stringify(header), ...events.slice(0, cut).map(event => JSON.stringify(event))].join('\n')}\n`;
	const next = events[cut];
	fs.writeFileSync(
		path.join(sessionsDir, transcriptFileName(new Date(header.createdAt), id)),
		torn && next ? lines + JSON.stringify(next).slice(0, 25) : lines,
	);
	return {id, sessionsDir};
}

describe('resume after a crash at any event', () => {
	const events = session();
	const cuts = Array.from({length: events.length + 1}, (_, cut) => cut).flatMap(
		cut =>
			[
				[cut, false],
				[cut, true],
			] as const,
	);

	it.each(cuts)('cut after %i events (torn next line: %s) replays, resumes idle with a valid history, and replays again', async (cut, torn) => {
		const {id, sessionsDir} = writeCut(events, cut, torn);
		const before = await readTranscript(path.join(sessionsDir, fs.readdirSync(sessionsDir)[0]!));
		expect(before.events).toHaveLength(cut);
		expect(before.warnings.length).toBe(torn && cut < events.length ? 1 : 0);
		expect(renderTranscriptText(before.header, before.events)).toContain(`pgpair session ${id}`);
		expect(createReplay(before.events).stateAt(cut).lastSeq).toBe(cut);

		const {state, transcriptPath} = await resumeSession(dir, sessionsDir, id);
		expect(state.activity).toBe('idle');
		expect(state.openCalls).toEqual([]);
		expect(historyProblems(state.messages)).toEqual([]);

		// Nothing runs twice: every call that was not finished is closed, none is left to run.
		const after = await readTranscript(transcriptPath);
		expect(after.warnings.length).toBeLessThanOrEqual(1);
		const replay = createReplay(after.events);
		expect(replay.stateAt(replay.length)).toMatchObject({activity: 'idle', openCalls: []});
		const requested = after.events.filter(e => e.type === 'tool_call_requested').map(e => (e as {callId: string}).callId);
		const decided = after.events.filter(e => e.type === 'tool_call_decided').map(e => (e as {callId: string}).callId);
		expect(requested.filter(callId => !decided.includes(callId))).toEqual([]);
	});
});
