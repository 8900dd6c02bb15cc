import {describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import {createEventStore, FRAME_MS, heldFrom} from '../../source/store/event-store.js';
import {createRedactor} from '../../source/transcripts/redact.js';

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
		// The frame's text, but for its last words (they go out with the next frame).
		expect(written.at(-1)).toMatchObject({type: 'assistant_text_delta', text: 'The todos ', seq: 3});
		await wait(FRAME_MS + 20);
		expect(written.at(-1)).toMatchObject({type: 'assistant_text_delta', text: 'table has RLS. ', seq: 4});
		expect(store.getState().liveText).toBe('The todos table has RLS. ');
	});

	it('writes waiting text before any other event, so the order is kept, and tells that event at once', async () => {
		const {store, written, notified} = storeWithSink();
		store.append({type: 'model_request_started', round: 1, model: 'm'});
		await wait(5);
		const before = notified();
		store.append({type: 'assistant_text_delta', text: 'Done'});
		store.append({type: 'assistant_text_delta', text: '.'});
		store.append({type: 'assistant_message_completed', content: [{type: 'text', text: 'Done.'}], stopReason: 'end_turn', usage: {inputTokens: 1, outputTokens: 1}});
		store.append({type: 'turn_completed', outcome: 'completed'});
		expect(written.map(e => [e.type, e.seq])).toEqual([['model_request_started', 1], ['assistant_text_delta', 2], ['assistant_message_completed', 3], ['turn_completed', 4]]);
		// Told on the next turn of the event loop, not a frame later; one notification for the burst.
		await new Promise(resolve => setImmediate(resolve));
		expect(notified()).toBe(before + 1);
		expect(store.getEvents()).toEqual(written);
	});

	it('answers a read with the text appended so far, but for its last words; flush takes in all', () => {
		const {store, written, notified} = storeWithSink();
		store.append({type: 'assistant_text_delta', text: 'one two three four answ'});
		expect(store.getState().liveText).toBe('one two ');
		expect(written).toHaveLength(1);
		store.append({type: 'assistant_text_delta', text: 'er'});
		store.flush();
		expect(notified()).toBe(1);
		expect(store.getEvents().map(e => (e as {text?: string}).text)).toEqual(['one two ', 'three four answer']);
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

	it('keeps a secret phrase (Bearer and its token) in one event, where the transcript redacts it', async () => {
		const written: SessionEvent[] = [];
		const redact = createRedactor({env: {}});
		const store = createEventStore({clock: {now: () => 0}, sink: {append: event => written.push(redact(event))}});
		const token = 'q8ZkT3vN0pW5xR7yB2mC4dF6';
		store.append({type: 'assistant_text_delta', text: 'Send the header Authorization: Bearer '});
		await wait(FRAME_MS + 20);
		store.append({type: 'assistant_text_delta', text: `${token} with each call.`});
		store.append({type: 'turn_completed', outcome: 'completed'});
		const text = written.filter(e => e.type === 'assistant_text_delta').map(e => (e as {text: string}).text).join('');
		expect(text).not.toContain(token);
		expect(text).toContain('[REDACTED:bearer-token]');
	});

	it('shows words held back at a pause once a frame passes without new text', async () => {
		const {store, written} = storeWithSink();
		store.append({type: 'assistant_text_delta', text: 'Thinking abo'});
		await wait(FRAME_MS + 10);
		expect(written).toEqual([]);
		await wait(FRAME_MS + 20);
		expect(written.map(e => (e as {text?: string}).text)).toEqual(['Thinking abo']);
		expect(store.getState().liveText).toBe('Thinking abo');
	});

	it('holds back the last three words of a frame, however the frame ends', () => {
		expect(heldFrom('a b c d e')).toBe('a b '.length);
		expect(heldFrom('a b c d e  ')).toBe('a b '.length);
		expect(heldFrom('one two')).toBe(0);
		expect(heldFrom('')).toBe(0);
	});

	it('dates a frame of text by its first delta', async () => {
		const {store, written} = storeWithSink();
		store.append({type: 'assistant_text_delta', text: 'a '});
		store.append({type: 'assistant_text_delta', text: 'b'});
		store.flush();
		expect(written[0]!.at).toBe(1000);
	});
});
