import {describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import {createEventStore, FRAME_MS} from '../../source/store/event-store.js';
import {createEventRedaction} from '../../source/transcripts/event-redaction.js';
import {createSecretRedactor} from '../../source/transcripts/redact.js';

function storeWithSink() {
	const written: SessionEvent[] = [];
	let now = 1000;
	const store = createEventStore({clock: {now: () => now++}, sink: {append: event => written.push(event)}});
	let notified = 0;
	store.subscribe(() => notified++);
	return {store, written, notified: () => notified};
}

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('the event store', () => {
	it('takes the text deltas of one frame in as one event, written before anyone is told', async () => {
		const {store, written, notified} = storeWithSink();
		store.append({type: 'user_prompt_submitted', text: 'hi'});
		store.append({type: 'model_request_started', round: 1, model: 'm'});
		await wait(5);
		const before = notified();
		for (const piece of ['The ', 'todos ', 'table ', 'has ', 'RLS. ']) store.append({type: 'assistant_text_delta', text: piece});
		// Nothing of the frame is written or told before the frame ends.
		expect(written.map(e => e.type)).toEqual(['user_prompt_submitted', 'model_request_started']);
		await wait(FRAME_MS + 20);
		expect(notified()).toBe(before + 1);
		// The frame ended between words: all of its text is in.
		expect(written.at(-1)).toMatchObject({type: 'assistant_text_delta', text: 'The todos table has RLS. ', seq: 3});
		expect(store.getState().liveText).toBe('The todos table has RLS. ');
	});

	it('writes waiting text before any other event, so the order is kept, and tells that event at once', async () => {
		const {store, written, notified} = storeWithSink();
		store.append({type: 'model_request_started', round: 1, model: 'm'});
		await wait(5);
		const before = notified();
		store.append({type: 'assistant_text_delta', text: 'Done'});
		store.append({type: 'assistant_text_delta', text: '.'});
		store.append({
			type: 'assistant_message_completed',
			content: [{type: 'text', text: 'Done.'}],
			stopReason: 'end_turn',
			usage: {inputTokens: 1, outputTokens: 1},
		});
		store.append({type: 'turn_completed', outcome: 'completed'});
		expect(written.map(e => [e.type, e.seq])).toEqual([
			['model_request_started', 1],
			['assistant_text_delta', 2],
			['assistant_message_completed', 3],
			['turn_completed', 4],
		]);
		// Told on the next turn of the event loop, not a frame later; one notification for the burst.
		await new Promise(resolve => setImmediate(resolve));
		expect(notified()).toBe(before + 1);
		expect(store.getEvents()).toEqual(written);
	});

	it('never commits on a read: waiting text shows with its frame, up to the word still arriving; flush takes in all', async () => {
		const {store, written, notified} = storeWithSink();
		store.append({type: 'assistant_text_delta', text: 'one two three four answ'});
		// A read is only a read: nothing was written, so nothing is shown that the log does not hold.
		expect(store.getState().liveText).toBe('');
		expect(store.getEvents()).toHaveLength(0);
		expect(written).toHaveLength(0);
		await wait(FRAME_MS + 20);
		expect(store.getState().liveText).toBe('one two three four ');
		expect(written).toHaveLength(1);
		store.append({type: 'assistant_text_delta', text: 'er'});
		store.flush();
		expect(notified()).toBe(2);
		expect(store.getEvents().map(e => (e as {text?: string}).text)).toEqual(['one two three four ', 'answer']);
	});

	it('never splits a secret between two events, so each event is redacted whole', async () => {
		const {store, written} = storeWithSink();
		const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
		store.append({type: 'assistant_text_delta', text: `Your key is ${key.slice(0, 20)}`});
		await wait(FRAME_MS + 20);
		store.append({type: 'assistant_text_delta', text: `${key.slice(20)} and that is all.`});
		store.append({type: 'turn_completed', outcome: 'completed'});
		const texts = written.filter(e => e.type === 'assistant_text_delta').map(e => (e as {text: string}).text);
		expect(texts.join('')).toBe(`Your key is ${key} and that is all.`);
		expect(texts.some(text => text.includes(key))).toBe(true);
	});

	it('keeps a secret phrase (Bearer and its token) in one event, where the store redacts it', async () => {
		const written: SessionEvent[] = [];
		const redaction = createEventRedaction({redactor: createSecretRedactor({env: {}})});
		const store = createEventStore({clock: {now: () => 0}, redaction, sink: {append: event => written.push(event)}});
		const token = 'q8ZkT3vN0pW5xR7yB2mC4dF6';
		store.append({type: 'assistant_text_delta', text: 'Send the header Authorization: Bearer '});
		await wait(FRAME_MS + 20);
		store.append({type: 'assistant_text_delta', text: `${token} with each call.`});
		store.append({type: 'turn_completed', outcome: 'completed'});
		const text = written
			.filter(e => e.type === 'assistant_text_delta')
			.map(e => (e as {text: string}).text)
			.join('');
		expect(text).not.toContain(token);
		expect(text).toContain('[REDACTED:bearer-token]');
		// What the screen shows is what was written.
		expect(store.getEvents()).toEqual(written);
	});

	it('shows the words before a pause, and keeps the word still arriving until it is whole', async () => {
		const {store, written} = storeWithSink();
		store.append({type: 'assistant_text_delta', text: 'Thinking abo'});
		await wait(FRAME_MS + 20);
		expect(written.map(e => (e as {text?: string}).text)).toEqual(['Thinking ']);
		// However long the pause: a word cut short may be a secret cut short.
		await wait(3 * FRAME_MS);
		expect(store.getState().liveText).toBe('Thinking ');
		store.append({type: 'assistant_text_delta', text: 'ut it. '});
		await wait(FRAME_MS + 20);
		expect(store.getState().liveText).toBe('Thinking about it. ');
	});

	it('takes in all waiting text when the answer ends, but only what is safe before an event in between (a notice)', () => {
		const {store, written} = storeWithSink();
		store.append({type: 'assistant_text_delta', text: 'It is sk-ant-api03-abc'});
		store.append({type: 'notice_shown', level: 'info', text: 'checklist updated'});
		expect(written.map(e => e.type)).toEqual(['assistant_text_delta', 'notice_shown']);
		expect((written[0] as {text: string}).text).toBe('It is ');
		store.append({type: 'assistant_text_delta', text: 'defghijklmnopqrstuvwxyz'});
		store.append({type: 'assistant_message_completed', content: [], stopReason: 'end_turn', usage: {inputTokens: 1, outputTokens: 1}});
		expect((written[2] as {text: string}).text).toBe('sk-ant-api03-abcdefghijklmnopqrstuvwxyz');
	});

	it('dates a frame of text by its first delta', async () => {
		const {store, written} = storeWithSink();
		store.append({type: 'assistant_text_delta', text: 'a '});
		store.append({type: 'assistant_text_delta', text: 'b'});
		store.flush();
		expect(written[0]!.at).toBe(1000);
	});
});
