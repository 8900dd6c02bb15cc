import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import type {Script} from '../../source/model/scripted-server.js';
import {App} from '../../source/ui/app.js';
import {sentMessages} from '../helpers/sent-messages.js';
import {waitFor} from '../helpers/wait-for.js';
import {type FaultSession, messageText, occurrences, readBackTranscript, startFaultSession, streamedText} from './fault-session.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Short enough for CI, long enough that a frame shows the retry line. */
const MODEL_TIMINGS = {retryBaseDelayMs: 200, streamIdleTimeoutMs: 400};
const ANSWER = 'The orders table has 3 rows and an index on customer_id.';

async function sessionWithApp(script: Script): Promise<FaultSession & {frames(): string[]; lastFrame(): string}> {
	const session = await startFaultSession(script, {model: MODEL_TIMINGS});
	cleanups.push(() => session.close());
	const {setup} = session;
	const view = render(<App session={setup} meta={{agent: 'a', model: 'm', sessionId: 's'}} onExit={() => undefined} />);
	cleanups.push(() => view.unmount());
	return {...session, frames: () => view.frames, lastFrame: () => view.lastFrame() ?? ''};
}

/** Resolves when the turn has ended, whatever its outcome. */
async function ask(session: FaultSession, prompt: string): Promise<void> {
	await session.runner.submitPrompt(prompt);
}

function retries(events: readonly SessionEvent[]) {
	return events.filter(e => e.type === 'model_retry_scheduled');
}

function outcome(events: readonly SessionEvent[]) {
	return events.findLast(e => e.type === 'turn_completed');
}

describe('model API faults in a live session', () => {
	it.each([
		{status: 429, type: 'rate_limit_error', reason: 'rate limited (429)'},
		{status: 500, type: 'api_error', reason: 'server error (500)'},
		{status: 529, type: 'overloaded_error', reason: 'overloaded (529)'},
	])('shows a retry after $status, then the answer once, with the transcript intact', async ({status, type, reason}) => {
		const session = await sessionWithApp({turns: [{error: {status, type, message: `Scripted ${status}.`}}, {text: ANSWER, chunk: 6}]});
		await ask(session, 'how big is orders?');

		await waitFor(() => session.frames().some(frame => frame.includes(`Retrying (2/4) in`) && frame.includes(reason)), 'the retry line');
		await waitFor(() => session.lastFrame().includes(ANSWER), 'the answer');
		expect(session.server.requests).toHaveLength(2);

		const events = await readBackTranscript(session.setup);
		expect(retries(events)).toMatchObject([{attempt: 2, maxAttempts: 4, reason}]);
		expect(outcome(events)).toMatchObject({outcome: 'completed'});
		expect(streamedText(events)).toBe(ANSWER);
		expect(occurrences(session.lastFrame(), ANSWER)).toBe(1);
		// One request for the model: the retry asked for the same thing, not for more.
		expect(sentMessages(session.server.requests[1]?.body)).toEqual(sentMessages(session.server.requests[0]?.body));
	});

	it('gives up after four attempts of 529 with a clear message, without touching the rest of the script', async () => {
		const overloaded = {error: {status: 529, type: 'overloaded_error', message: 'Overloaded'}};
		const session = await sessionWithApp({turns: [overloaded, overloaded, overloaded, overloaded, overloaded, {text: 'never sent'}]});
		await ask(session, 'hello');

		expect(session.server.requests).toHaveLength(4);
		expect(session.server.turnsUsed).toBe(4);
		const events = await readBackTranscript(session.setup);
		expect(retries(events).map(e => e.type === 'model_retry_scheduled' && e.attempt)).toEqual([2, 3, 4]);
		const ended = outcome(events);
		expect(ended).toMatchObject({outcome: 'failed'});
		expect(ended?.type === 'turn_completed' && ended.error).toMatch(/still failing after 4 attempts.*overloaded \(529\).*Overloaded/);
		await waitFor(() => session.lastFrame().includes('✗ The model API is still failing after 4 attempts'), 'the failure in the chat');
		expect(session.lastFrame()).not.toContain('Retrying');
		expect(session.lastFrame()).not.toContain('never sent');
	});

	it('retries a connection dropped before any text, and the answer appears once', async () => {
		const session = await sessionWithApp({
			turns: [
				{text: 'lost in the drop', drop: true, drop_after_chars: 0},
				{text: ANSWER, chunk: 6},
			],
		});
		await ask(session, 'how big is orders?');

		expect(session.server.requests).toHaveLength(2);
		const events = await readBackTranscript(session.setup);
		expect(retries(events)).toHaveLength(1);
		expect(retries(events)[0]).toMatchObject({reason: expect.stringMatching(/connection error/)});
		expect(outcome(events)).toMatchObject({outcome: 'completed'});
		expect(streamedText(events)).toBe(ANSWER);
		await waitFor(() => session.lastFrame().includes(ANSWER), 'the answer');
		expect(session.lastFrame()).not.toContain('lost in the drop');
		expect(occurrences(session.lastFrame(), ANSWER)).toBe(1);
	});

	it('fails a turn whose connection drops after text has streamed, keeps the partial answer once and never retries it', async () => {
		const text = 'First I will look at the schema, then at the indexes on orders.';
		const session = await sessionWithApp({turns: [{text, chunk: 5, drop: true, drop_after_chars: 20}, {text: 'a retry would have streamed this'}]});
		await ask(session, 'review orders');

		expect(session.server.requests).toHaveLength(1);
		const events = await readBackTranscript(session.setup);
		const partial = text.slice(0, 20);
		expect(streamedText(events)).toBe(partial);
		expect(messageText(events)).toBe(partial);
		expect(retries(events)).toHaveLength(0);
		const ended = outcome(events);
		expect(ended).toMatchObject({outcome: 'failed'});
		expect(ended?.type === 'turn_completed' && ended.error).toMatch(/broke off after it had started.*not retried/);
		await waitFor(() => session.lastFrame().includes("✗ The model's answer broke off"), 'the failure in the chat');
		expect(occurrences(session.lastFrame(), partial)).toBe(1);
		expect(session.lastFrame()).not.toContain('a retry would have streamed this');
	});

	it('retries a stream that stalls before any text once the idle timeout passes', async () => {
		const session = await sessionWithApp({
			turns: [
				{text: 'stalled answer', stall_ms: 20_000, stall_after_chars: 0},
				{text: ANSWER, chunk: 6},
			],
		});
		const started = Date.now();
		await ask(session, 'how big is orders?');

		// The idle timeout (400 ms) ended the stall, not the script's 20 s.
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(session.server.requests).toHaveLength(2);
		const events = await readBackTranscript(session.setup);
		expect(retries(events)).toMatchObject([{attempt: 2, reason: 'connection error: the stream was silent for 400 ms'}]);
		expect(outcome(events)).toMatchObject({outcome: 'completed'});
		expect(streamedText(events)).toBe(ANSWER);
		await waitFor(() => session.lastFrame().includes(ANSWER), 'the answer');
		expect(occurrences(session.lastFrame(), ANSWER)).toBe(1);
	});

	it('fails a turn that stalls after text has streamed, with the partial answer kept once', async () => {
		const text = 'Looking at the orders table now, one moment please.';
		const session = await sessionWithApp({turns: [{text, chunk: 4, stall_ms: 20_000, stall_after_chars: 12}, {text: 'a retry would have streamed this'}]});
		const started = Date.now();
		await ask(session, 'review orders');

		expect(Date.now() - started).toBeLessThan(10_000);
		expect(session.server.requests).toHaveLength(1);
		const events = await readBackTranscript(session.setup);
		const partial = text.slice(0, 12);
		expect(streamedText(events)).toBe(partial);
		expect(messageText(events)).toBe(partial);
		const ended = outcome(events);
		expect(ended?.type === 'turn_completed' && ended.error).toMatch(/broke off after it had started \(connection error: the stream was silent for 400 ms\)/);
		await waitFor(() => session.lastFrame().includes("✗ The model's answer broke off"), 'the failure in the chat');
		expect(occurrences(session.lastFrame(), partial)).toBe(1);
	});

	it('goes on after a failed turn: the next prompt is answered and the model sees the partial answer exactly once', async () => {
		const text = 'Step one: read the schema. Step two: check the indexes.';
		const session = await sessionWithApp({
			turns: [
				{text, chunk: 5, error: {status: 529, type: 'overloaded_error', message: 'Overloaded mid-stream', mid_stream: true, after_chars: 25}},
				{text: ANSWER},
			],
		});
		await ask(session, 'review orders');
		await ask(session, 'go on');

		expect(session.server.requests).toHaveLength(2);
		const events = await readBackTranscript(session.setup);
		expect(events.filter(e => e.type === 'turn_completed').map(e => e.type === 'turn_completed' && e.outcome)).toEqual(['failed', 'completed']);
		const partial = text.slice(0, 25);
		expect(streamedText(events)).toBe(partial + ANSWER);
		const history = sentMessages(session.server.requests[1]?.body);
		expect(history.map(m => m.role)).toEqual(['user', 'assistant', 'user']);
		expect(JSON.stringify(history[1]?.content)).toBe(JSON.stringify([{type: 'text', text: partial}]));
		await waitFor(() => session.lastFrame().includes(ANSWER), 'the second answer');
		expect(occurrences(session.lastFrame(), partial)).toBe(1);
	});
});
