/**
 * The fold of a whole log, in one linear pass. `reduceSession` copies `entries` and `messages` on every finished
 * entry, so folding a long transcript event by event is quadratic. Both only ever grow at the end (the last message
 * may be replaced by a merged one), so here the reducer is fed a *slim* state that holds no entries and only the last
 * message; what each step adds is handed to the caller, who keeps it once. Replay keeps checkpoints of slim states;
 * export and resume want the state at the end (`foldSession`). The equivalence with folding event by event is tested.
 */
import type {ModelMessage, SessionEvent} from './events.js';
import {type ChatEntry, INITIAL_STATE, reduceSession, type SessionState} from './session-state.js';

/** A state without its entries and earlier messages, and how many of each the full state holds. */
export type Slim = {state: SessionState; entryCount: number; messageCount: number};

export const INITIAL_SLIM: Slim = {state: INITIAL_STATE, entryCount: 0, messageCount: 0};

const NO_ENTRIES: readonly ChatEntry[] = Object.freeze([]);

export type Added = {entries: readonly ChatEntry[]; messages: readonly ModelMessage[]};

/** One reduction on a slim state; `onAdded` receives the new entries and the messages from index `firstMessage` on. */
export function stepSlim(slim: Slim, event: SessionEvent, onAdded?: (added: Added, firstMessage: number) => void): Slim {
	const inputMessages = slim.state.messages;
	const reduced = reduceSession(slim.state.entries.length === 0 ? slim.state : {...slim.state, entries: NO_ENTRIES}, event);
	// The reducer's exhaustive default hands back the event itself for a type it does not know
	// (a newer file read through a cast); the fold keeps the state instead of breaking.
	const next = Array.isArray(reduced.entries) ? reduced : slim.state;
	const outputMessages = next.messages;
	// The history's length is the reducer's to say: it grows, and a conversation rewind shortens it.
	const prefix = next.historyLength - outputMessages.length;
	const messagesChanged = outputMessages !== inputMessages;
	const entriesAdded = next.entries.length;
	if (!messagesChanged && entriesAdded === 0) return {state: next, entryCount: slim.entryCount, messageCount: slim.messageCount};
	onAdded?.({entries: next.entries, messages: outputMessages}, prefix);
	const last = outputMessages.at(-1);
	return {
		state: {...next, entries: NO_ENTRIES, messages: last === undefined ? [] : [last]},
		entryCount: slim.entryCount + entriesAdded,
		messageCount: next.historyLength,
	};
}

/** Collects what slim steps add, and turns a slim state back into a whole one. */
export function createFoldBuffer() {
	const entries: ChatEntry[] = [];
	/** Messages that can no longer change; the last message of a state lives in its slim state. */
	const finished: ModelMessage[] = [];
	return {
		onAdded(added: Added, firstMessage: number) {
			entries.push(...added.entries);
			// Every message but the new last one is final from here on.
			for (let j = 0; j < added.messages.length - 1; j++) finished[firstMessage + j] = added.messages[j]!;
		},
		materialise({state, entryCount, messageCount}: Slim): SessionState {
			const last = state.messages.at(-1);
			const messages = last === undefined ? [] : [...finished.slice(0, messageCount - 1), last];
			return {...state, entries: entryCount === 0 ? [] : entries.slice(0, entryCount), messages};
		},
	};
}

/** The state after every event of a log: what the live view would show at its end. */
export function foldSession(events: readonly SessionEvent[]): SessionState {
	const buffer = createFoldBuffer();
	let slim = INITIAL_SLIM;
	for (const event of events) slim = stepSlim(slim, event, buffer.onAdded);
	return buffer.materialise(slim);
}
