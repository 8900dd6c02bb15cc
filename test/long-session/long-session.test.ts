import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readTranscript} from '../../source/transcripts/reader.js';
import {
	compareAnswers,
	type LongSessionHandle,
	type LongSessionResult,
	median,
	STREAM_DELTAS,
	type StreamSample,
	startLongSession,
} from '../helpers/long-session.js';
import {sentBlocks, sentMessages} from '../helpers/sent-messages.js';

const TURNS = 1000;
const WARMUP = 2;
const PAIRS = 5;
/**
 * Measured on 2 cores (React's development build, as vitest compiles JSX), from turn 100 to 1,000: the V8 heap
 * grew 5.8–6.0 MB in every run, ~6 KB a turn: the event log, chat entries and model history the session keeps
 * by design, and Ink's text-measurement caches. 20 MB is three times that; keeping one request body a turn
 * (~300 KB on average) would pass it within 70 turns. RSS grew 4–16 MB in most runs, but in 4 of 10 runs next to
 * the tmux suite (PGlite) it stepped up 65–106 MB once while heap and external memory stayed flat: freed
 * native memory the allocator keeps (the request bodies reach ~600 KB). So RSS gets a backstop bound only.
 */
const MAX_HEAP_GROWTH_MB = 20;
const MAX_RSS_GROWTH_MB = 150;
/**
 * Medians measured 0.92–1.1 (a streamed answer after 1,000 turns over one after 10), single pairs 0.8–1.4:
 * the frames an answer gets depend on timing. Render work that grew with history would show as a multiple.
 */
const MAX_STREAM_CPU_RATIO = 1.5;

let long: LongSessionHandle | undefined;
let short: LongSessionHandle | undefined;
let result: LongSessionResult;
let answers: {long: StreamSample[]; short: StreamSample[]};

beforeAll(async () => {
	long = await startLongSession({turns: TURNS, memoryAt: [100, 500, 1000], answers: WARMUP + PAIRS});
	result = await long.run(line => console.log(`long session: ${line}`));
	// The short history is a second session in the same warm process, next to the same heap.
	short = await startLongSession({turns: 10, memoryAt: [], answers: WARMUP + PAIRS});
	await short.run();
	answers = await compareAnswers(long, short, {warmup: WARMUP, pairs: PAIRS});
	const memory = result.memory.map(
		m =>
			`turn ${m.turn}: RSS ${m.rssMb.toFixed(1)} MB, heap ${m.heapUsedMb.toFixed(1)} MB used of ${m.heapTotalMb.toFixed(1)}, external ${m.externalMb.toFixed(1)} MB (array buffers ${m.arrayBuffersMb.toFixed(1)})${m.gc ? '' : ' (no gc: min of samples)'}`,
	);
	const cpu = (samples: StreamSample[]) =>
		`${samples.map(s => s.cpuMs.toFixed(0)).join(', ')} ms (median ${median(samples.map(s => s.cpuMs)).toFixed(0)}; median ${median(samples.map(s => s.frames))} frames, ${median(samples.map(s => s.frameMs / s.frames)).toFixed(2)} ms in Ink's renderer per frame, ${median(samples.map(s => s.wallMs)).toFixed(0)} ms wall)`;
	console.log(
		[
			`long session: ${TURNS} turns in ${(result.totalMs / 1000).toFixed(1)} s`,
			...memory,
			`CPU per ${STREAM_DELTAS}-delta answer at turn 10: ${cpu(answers.short)}`,
			`CPU per ${STREAM_DELTAS}-delta answer at turn ${TURNS}: ${cpu(answers.long)}`,
		].join('\n'),
	);
}, 300_000);

afterAll(async () => {
	await short?.close();
	await long?.close();
});

describe('a session of a thousand turns with tool calls', () => {
	it('completes every turn, and the last request carries the whole conversation', async () => {
		const {setup, server} = result;
		const events = setup.store.getEvents();
		const ended = events.filter(e => e.type === 'turn_completed');
		expect(ended).toHaveLength(TURNS + WARMUP + PAIRS);
		expect(ended.filter(e => e.outcome !== 'completed')).toEqual([]);
		expect(events.filter(e => e.type === 'tool_call_completed' && !e.isError)).toHaveLength(TURNS);
		expect(events.filter(e => e.type === 'tool_call_decided' && e.by !== 'mode')).toEqual([]);

		const {count, last} = await server.lastRequest();
		expect(count).toBe(2 * TURNS + WARMUP + PAIRS);
		// Everything but the answer to this very request.
		const messages = sentMessages(last);
		expect(messages).toHaveLength(setup.store.getState().messages.length - 1);
		expect(sentBlocks(messages[0])[0]?.['text']).toBe('Please check item 1.');
	});

	it('writes every event to the transcript, in order', async () => {
		const {setup} = result;
		setup.store.flush();
		const transcript = await readTranscript(setup.transcriptPath);
		expect(transcript.warnings).toEqual([]);
		expect(transcript.events).toHaveLength(setup.store.getEvents().length);
		expect(transcript.events.every((event, i) => event.seq === i + 1)).toBe(true);
	});

	it('keeps memory flat after the first hundred turns', () => {
		const at = (turn: number) => result.memory.find(m => m.turn === turn)!;
		expect(at(1000).heapUsedMb - at(100).heapUsedMb).toBeLessThan(MAX_HEAP_GROWTH_MB);
		expect(at(1000).externalMb - at(100).externalMb).toBeLessThan(MAX_HEAP_GROWTH_MB);
		expect(at(1000).rssMb - at(100).rssMb).toBeLessThan(MAX_RSS_GROWTH_MB);
	});

	it('spends no more CPU streaming an answer after a thousand turns than after ten', () => {
		const ratio = median(answers.long.map(s => s.cpuMs)) / median(answers.short.map(s => s.cpuMs));
		console.log(`long session: streamed-answer CPU ratio, turn ${TURNS} / turn 10: ${ratio.toFixed(2)}`);
		expect(ratio).toBeLessThan(MAX_STREAM_CPU_RATIO);
	});
});
