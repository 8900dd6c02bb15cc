/**
 * The event store: the single place where a session's events are numbered, persisted and folded
 * into state.
 *
 * Streamed text is taken in per frame: the deltas that arrive within one frame become one
 * `assistant_text_delta` event, written, folded and shown together. The screen cannot show text
 * faster than it draws frames, so nothing visible is lost, and a 2,000-delta answer costs a few
 * dozen writes, folds and renders instead of 2,000 of each. A killed process loses at most the text
 * of the frame in flight, which was not on screen yet either. Every other event (an answer ending, a
 * call waiting for approval) is rare: it first takes in the text before it, then is told at once, so
 * the end of an answer is on screen without waiting for the next frame.
 *
 * A frame's text is taken in up to the start of its last HELD_WORDS words; they wait for the next frame
 * (or the end of the answer, or a frame without new text). A secret is a word (key, token, JWT, URL with a
 * password) or a short phrase (`Bearer <token>`, `aws_secret_access_key = <key>`), so it never straddles two
 * events, where redaction, which works per event, could not see it whole. On screen this is a few words'
 * lag at the end of a streaming answer.
 */
import type {EventBody, SessionEvent} from '../core/events.js';
import type {ClockPort} from '../core/ports.js';
import {INITIAL_STATE, reduceSession, type SessionState} from '../core/session-state.js';

export const FRAME_MS = 33;

export type EventSink = {append(event: SessionEvent): void};

export type EventStore = {
	append(body: EventBody): void;
	/** State with every appended event in it (text waiting for its frame is taken in first, but for the word still arriving). */
	getState(): SessionState;
	getEvents(): readonly SessionEvent[];
	subscribe(listener: () => void): () => void;
	/** Take in all waiting text and deliver any batched notification now (before exit; tests that render synchronously). */
	flush(): void;
};

export type EventStoreOptions = {
	clock: ClockPort;
	/** Where events are persisted (the transcript writer); called synchronously for every event. */
	sink?: EventSink;
	/** Events already on disk (resume): folded into state, not written again. */
	initialEvents?: readonly SessionEvent[];
	frameMs?: number;
};

/** Words kept back at the end of a frame's text: the longest secret phrase the redactor knows has three. */
export const HELD_WORDS = 3;

/** Where the last HELD_WORDS words of `text` start (a word ends at whitespace; the text's end counts as inside one). */
export function heldFrom(text: string): number {
	let index = text.length;
	for (let words = 0; words < HELD_WORDS && index > 0; words++) {
		// Skip the whitespace before this word, then the word itself.
		while (index > 0 && /\s/.test(text[index - 1]!)) index--;
		while (index > 0 && !/\s/.test(text[index - 1]!)) index--;
	}

	return index;
}

export function createEventStore(options: EventStoreOptions): EventStore {
	const events: SessionEvent[] = [];
	let state = INITIAL_STATE;
	for (const event of options.initialEvents ?? []) {
		events.push(event);
		state = reduceSession(state, event);
	}

	let seq = events.at(-1)?.seq ?? 0;
	const listeners = new Set<() => void>();
	let timer: NodeJS.Timeout | undefined;
	let immediate: NodeJS.Immediate | undefined;
	const frameMs = options.frameMs ?? FRAME_MS;
	// Text deltas of the current frame, and when the first of them arrived.
	let waitingText = '';
	let waitingSince = 0;
	// Held text longer than this is taken in anyway, and so is held text after a frame without new text (a pause).
	const MAX_HELD = 4096;
	let textArrived = false;

	function commit(body: EventBody, at: number) {
		seq += 1;
		const event = {...body, seq, at} as SessionEvent;
		// Persist before anything else sees it: what the screen shows is always on disk.
		options.sink?.append(event);
		events.push(event);
		state = reduceSession(state, event);
	}

	/** `all` false keeps back the last HELD_WORDS words (see above). */
	function takeInText(all: boolean) {
		if (!waitingText) return;
		let end = waitingText.length;
		if (!all) {
			const held = heldFrom(waitingText);
			if (end - held <= MAX_HELD) end = held;
		}

		if (end === 0) return;
		const text = waitingText.slice(0, end);
		waitingText = waitingText.slice(end);
		commit({type: 'assistant_text_delta', text}, waitingSince);
		if (waitingText) waitingSince = options.clock.now();
	}

	function deliver(all: boolean) {
		takeInText(all);
		if (timer) clearTimeout(timer);
		if (immediate) clearImmediate(immediate);
		timer = undefined;
		immediate = undefined;
		for (const listener of listeners) listener();
		// A held word goes out with the next frame, whole if no more text came by then.
		if (waitingText) timer ??= setTimeout(notify, frameMs);
	}

	const notify = () => {
		const all = !textArrived;
		textArrived = false;
		deliver(all);
	};

	return {
		append(body) {
			if (body.type === 'assistant_text_delta') {
				if (!body.text) return;
				if (!waitingText) waitingSince = options.clock.now();
				waitingText += body.text;
				textArrived = true;
				timer ??= setTimeout(notify, frameMs);
				return;
			}

			takeInText(true);
			commit(body, options.clock.now());
			// Events appended in the same tick still make one notification.
			immediate ??= setImmediate(notify);
		},
		getState() {
			takeInText(false);
			return state;
		},
		getEvents() {
			takeInText(false);
			return events;
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		flush: () => deliver(true),
	};
}
