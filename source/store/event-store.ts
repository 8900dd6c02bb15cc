/**
 * The event store: the single place where a session's events are numbered, persisted and folded
 * into state.
 *
 * Streamed text is taken in per frame: the deltas that arrive within one frame become one
 * `assistant_text_delta` event, written, folded and shown together. The screen cannot show text
 * faster than it draws frames, so nothing visible is lost, and a 2,000-delta answer costs a few
 * dozen writes, folds and renders instead of 2,000 of each. A killed process loses at most the text
 * of the frame in flight, which was not on screen yet either. Every other event (an answer ending, a
 * call waiting for approval) is rare: it first takes in the text before it (all of it, when it ends the
 * answer), then is told at once, so the end of an answer is on screen without waiting for the next frame.
 *
 * Secrets are redacted here, once, as an event is committed: the transcript, the screen, stream-json,
 * exports and replay all read the committed event. Streamed text is redacted over the joined stream,
 * not per delta: a frame's text is taken in only up to where no secret can straddle the cut (the start
 * of its last word, or of a phrase or quoted value that may still be a secret; see stream-cut.ts). What
 * is held waits for more text or for the end of the answer, however long the model pauses, so no event
 * ever holds a piece of a secret. On screen this is at most a word's lag while an answer streams.
 */
import type {EventBody, EventType, SessionEvent} from '../core/events.js';
import type {ClockPort} from '../core/ports.js';
import {foldSession} from '../core/session-fold.js';
import {INITIAL_STATE, reduceSession, type SessionState} from '../core/session-state.js';
import {releasableLength} from '../transcripts/stream-cut.js';

export const FRAME_MS = 33;

export type EventSink = {append(event: SessionEvent): void};

export type EventStore = {
	append(body: EventBody): void;
	/**
	 * What must load before `body` can be committed with everything redaction has (the SQL parser, for an event that
	 * holds SQL that may hide a secret); undefined when nothing must. Producers that can wait await it first.
	 */
	prepare(body: EventBody): Promise<void> | undefined;
	/**
	 * State with every committed event in it. Reading never commits: text waiting for its frame shows with the frame
	 * (or with the next event that ends it), so what a reader sees is always exactly what the log holds.
	 */
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
	/** Secret redaction applied as each event is committed (event-redaction.ts); none when absent. */
	redaction?: CommitRedaction;
};

export type CommitRedaction = {
	event<T extends EventBody>(body: T): T;
	/** What must load before `body` is committed (see EventStore.prepare). */
	prepare?(body: EventBody): Promise<void> | undefined;
	/** How much of streamed text can be committed now without cutting a secret in two. */
	releasable(text: string): number;
};

/**
 * Events of the turn itself, which come only once an answer's text has ended: everything waiting is
 * taken in, whole. Any other event (a notice, a checklist tick, a mode change) can arrive while the
 * model is still streaming, and takes in only what cannot be part of a secret.
 */
const ENDS_TEXT: ReadonlySet<EventType> = new Set<EventType>([
	'user_prompt_submitted',
	'model_request_started',
	'assistant_message_completed',
	'tool_call_requested',
	'tool_call_previewed',
	'tool_call_decided',
	'tool_call_started',
	'tool_call_completed',
	'turn_completed',
]);

export function createEventStore(options: EventStoreOptions): EventStore {
	const events: SessionEvent[] = [...(options.initialEvents ?? [])];
	// A resumed log is folded in one linear pass (folding it event by event copies the history at every entry).
	let state = events.length > 0 ? foldSession(events) : INITIAL_STATE;

	let seq = events.at(-1)?.seq ?? 0;
	const listeners = new Set<() => void>();
	let timer: NodeJS.Timeout | undefined;
	let immediate: NodeJS.Immediate | undefined;
	const frameMs = options.frameMs ?? FRAME_MS;
	// Text deltas not yet committed (this frame's, and any held back), and when the first of them arrived.
	let waitingText = '';
	let waitingSince = 0;
	// The cut last computed for waitingText at this length: reads between frames do not compute it again.
	let checked = {length: -1, cut: 0};
	const redaction = options.redaction;
	const releasable = redaction ? (text: string) => redaction.releasable(text) : (text: string) => releasableLength(text);

	function commit(body: EventBody, at: number) {
		seq += 1;
		const event = {...(redaction ? redaction.event(body) : body), seq, at} as SessionEvent;
		// Persist before anything else sees it: what the screen shows is always on disk.
		options.sink?.append(event);
		events.push(event);
		state = reduceSession(state, event);
	}

	/** `all` false keeps back what could still be (part of) a secret. */
	function takeInText(all: boolean) {
		if (!waitingText) return;
		let end = waitingText.length;
		if (!all) {
			if (checked.length !== waitingText.length) checked = {length: waitingText.length, cut: releasable(waitingText)};
			end = checked.cut;
		}

		if (end === 0) return;
		const text = waitingText.slice(0, end);
		waitingText = waitingText.slice(end);
		checked = {length: -1, cut: 0};
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
	}

	const notify = () => deliver(false);

	return {
		append(body) {
			if (body.type === 'assistant_text_delta') {
				if (!body.text) return;
				if (!waitingText) waitingSince = options.clock.now();
				waitingText += body.text;
				timer ??= setTimeout(notify, frameMs);
				return;
			}

			takeInText(ENDS_TEXT.has(body.type));
			commit(body, options.clock.now());
			// Events appended in the same tick still make one notification.
			immediate ??= setImmediate(notify);
		},
		prepare: body => redaction?.prepare?.(body),
		getState: () => state,
		getEvents: () => events,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		flush: () => deliver(true),
	};
}
