/**
 * The event store: the single place where a session's events are numbered, persisted and folded
 * into state. Listeners (React) are told at most once per frame (Ink draws at most 30 a second), so 2,000 streamed deltas cost a
 * few dozen renders, not 2,000.
 */
import type {EventBody, SessionEvent} from '../core/events.js';
import type {ClockPort} from '../core/ports.js';
import {INITIAL_STATE, reduceSession, type SessionState} from '../core/session-state.js';

export const FRAME_MS = 33;

export type EventSink = {append(event: SessionEvent): void};

export type EventStore = {
	append(body: EventBody): SessionEvent;
	getState(): SessionState;
	getEvents(): readonly SessionEvent[];
	subscribe(listener: () => void): () => void;
	/** Deliver any batched notification now (used before exit and by tests that render synchronously). */
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
	const frameMs = options.frameMs ?? FRAME_MS;

	function notify() {
		timer = undefined;
		for (const listener of listeners) listener();
	}

	return {
		append(body) {
			seq += 1;
			const event = {...body, seq, at: options.clock.now()} as SessionEvent;
			// Persist before anything else sees it: what the screen shows is always on disk.
			options.sink?.append(event);
			events.push(event);
			state = reduceSession(state, event);
			timer ??= setTimeout(notify, frameMs);
			return event;
		},
		getState: () => state,
		getEvents: () => events,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		flush() {
			if (timer) clearTimeout(timer);
			notify();
		},
	};
}
