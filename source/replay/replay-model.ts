/**
 * The replay cursor: session state at any position of a transcript, and the positions worth jumping
 * to (user turns, approvals, diffs, search hits). Pure; nothing here can run a tool or call a model.
 *
 * Position p means "the first p events applied": 0 is the empty session, `length` the end. The UI
 * shows it as "event p of N".
 *
 * Cost (see core/session-fold.ts). `reduceSession` copies `entries` and `messages` on every finished entry, so folding a long
 * transcript from scratch is quadratic (seconds for 100k dense events). Both arrays only ever grow at
 * the end (the last message may be replaced by a merged one), so here the reducer is fed a *slim*
 * state that holds no entries and only the last message; the new entries and finished messages are
 * appended to two shared arrays once, in the build pass. A full state is materialised on demand by
 * slicing those arrays. Checkpoints of slim states every CHECKPOINT_EVERY events bound a seek to that
 * many (cheap) reductions. The equivalence with folding from scratch is checked by test.
 */
import type {EventOf, SessionEvent} from '../core/events.js';
import {createFoldBuffer, INITIAL_SLIM, type Slim, stepSlim} from '../core/session-fold.js';
import {type SessionState, textOf} from '../core/session-state.js';

export const CHECKPOINT_EVERY = 1000;

/**
 * Event types that carry a diff (schema diff, migration preview, file diff). A type added to core
 * later is also found by name (`…diff…`, `…preview…`), or by listing it here.
 */
export const DIFF_EVENT_TYPES: ReadonlySet<string> = new Set<string>(['tool_call_previewed']);

export function isDiffEvent(event: {type: string}): boolean {
	return DIFF_EVENT_TYPES.has(event.type) || event.type.includes('diff') || event.type.includes('preview');
}

export type SearchDirection = 'forward' | 'backward';

export type Replay = {
	readonly events: readonly SessionEvent[];
	/** Number of events: the last position. */
	readonly length: number;
	/** Session state after the first `position` events (clamped to 0…length). */
	stateAt(position: number): SessionState;
	/** Position just after the next / previous user prompt; undefined when there is none. */
	nextTurn(position: number): number | undefined;
	previousTurn(position: number): number | undefined;
	/**
	 * Position just before the next / previous `tool_call_decided`: the call still waits there, so the
	 * approval pane shows it together with the decision that was taken.
	 */
	nextApproval(position: number): number | undefined;
	previousApproval(position: number): number | undefined;
	/** Position just after the next event in DIFF_EVENT_TYPES. */
	nextDiff(position: number): number | undefined;
	/** Position just after the next (or previous) event whose text contains `query`, case-insensitive. */
	search(query: string, position: number, direction: SearchDirection): number | undefined;
	/** 1-based number of the user turn the position is in; 0 before the first prompt. */
	turnAt(position: number): number;
	readonly turnCount: number;
	/** The decision taken on a call, looked up in the whole transcript (replay knows the future). */
	decisionFor(callId: string): EventOf<'tool_call_decided'> | undefined;
};

export function createReplay(events: readonly SessionEvent[], options: {checkpointEvery?: number} = {}): Replay {
	const every = Math.max(1, Math.floor(options.checkpointEvery ?? CHECKPOINT_EVERY));
	const buffer = createFoldBuffer();
	const checkpoints: Slim[] = [];
	const turnIndexes: number[] = [];
	const approvalIndexes: number[] = [];
	const diffIndexes: number[] = [];
	const decisions = new Map<string, EventOf<'tool_call_decided'>>();

	let slim: Slim = INITIAL_SLIM;
	for (let i = 0; i < events.length; i++) {
		if (i % every === 0) checkpoints.push(slim);
		const event = events[i]!;
		if (event.type === 'user_prompt_submitted') turnIndexes.push(i);
		if (event.type === 'tool_call_decided') {
			approvalIndexes.push(i);
			if (!decisions.has(event.callId)) decisions.set(event.callId, event);
		}

		if (isDiffEvent(event)) diffIndexes.push(i);
		slim = stepSlim(slim, event, buffer.onAdded);
	}

	if (events.length % every === 0) checkpoints.push(slim);

	let cached: {position: number; slim: Slim} = {position: 0, slim: checkpoints[0]!};

	const slimAt = (position: number): Slim => {
		const checkpoint = Math.floor(position / every);
		// Stepping forward from the last answer is the common case (→, play): one reduction.
		const from = cached.position >= checkpoint * every && cached.position <= position ? cached : {position: checkpoint * every, slim: checkpoints[checkpoint]!};
		let current = from.slim;
		for (let i = from.position; i < position; i++) current = stepSlim(current, events[i]!);
		cached = {position, slim: current};
		return current;
	};

	const materialise = buffer.materialise;

	const clamp = (position: number): number => Math.max(0, Math.min(events.length, Math.floor(position)));

	// Search runs over one lowercased string of every event's text, separated by NUL (which a query
	// cannot contain), so a scan is one native indexOf instead of 100k `includes` calls.
	let corpus: {text: string; starts: number[]} | undefined;
	const searchCorpus = () => {
		if (corpus) return corpus;
		const parts: string[] = [];
		const starts: number[] = [];
		let offset = 0;
		for (const event of events) {
			const text = (searchableText(event) ?? '').toLowerCase().replaceAll('\0', ' ');
			starts.push(offset);
			parts.push(text);
			offset += text.length + 1;
		}

		starts.push(offset);
		corpus = {text: parts.join('\0'), starts};
		return corpus;
	};

	return {
		events,
		length: events.length,
		stateAt: position => materialise(slimAt(clamp(position))),
		// A prompt at index i is shown from position i + 1.
		nextTurn: position => after(firstAtLeast(turnIndexes, position)),
		previousTurn: position => after(lastAtMost(turnIndexes, position - 2)),
		nextApproval: position => firstAtLeast(approvalIndexes, position + 1),
		previousApproval: position => lastAtMost(approvalIndexes, position - 1),
		nextDiff: position => after(firstAtLeast(diffIndexes, position)),
		search(query, position, direction) {
			const needle = query.trim().toLowerCase();
			if (needle === '' || needle.includes('\0')) return undefined;
			const {text, starts} = searchCorpus();
			const from = clamp(position);
			let hit: number;
			if (direction === 'forward') {
				hit = text.indexOf(needle, starts[from]!);
			} else {
				// Matches that start before the event at the cursor (index position - 1).
				const end = starts[Math.max(0, from - 1)]!;
				hit = end === 0 ? -1 : text.lastIndexOf(needle, end - 1);
			}

			// The event whose text holds the hit: the last start at or before it.
			return hit === -1 ? undefined : countAtMost(starts, hit);
		},
		turnAt: position => countAtMost(turnIndexes, position - 1),
		turnCount: turnIndexes.length,
		decisionFor: callId => decisions.get(callId),
	};
}

/** The text search looks at: prompts, answers, tool names, inputs and results, decisions, notices. */
function searchableText(event: SessionEvent): string | undefined {
	switch (event.type) {
		case 'user_prompt_submitted':
		case 'notice_shown':
			return event.text;
		case 'assistant_message_completed':
			return textOf(event.content) || undefined;
		case 'tool_call_requested':
			return `${event.name}\n${stringify(event.input)}`;
		case 'tool_call_decided':
			return [event.reason, event.feedback, event.editedInput === undefined ? undefined : stringify(event.editedInput)].filter(Boolean).join('\n') || undefined;
		case 'tool_call_completed':
			return event.content;
		case 'turn_completed':
			return event.error;
		default:
			// Deltas are left out: the completed message that follows carries the same text once.
			return undefined;
	}
}

/** The string values inside a tool input, as written: SQL keeps its newlines and quotes. */
function stringify(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return value.map(stringify).join('\n');
	if (typeof value === 'object' && value !== null) return Object.values(value).map(stringify).join('\n');
	return '';
}

const after = (index: number | undefined): number | undefined => (index === undefined ? undefined : index + 1);

/** Smallest value >= target in a sorted array. */
function firstAtLeast(sorted: readonly number[], target: number): number | undefined {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (sorted[mid]! < target) low = mid + 1;
		else high = mid;
	}

	return sorted[low];
}

/** Largest value <= target in a sorted array. */
function lastAtMost(sorted: readonly number[], target: number): number | undefined {
	const count = countAtMost(sorted, target);
	return count === 0 ? undefined : sorted[count - 1];
}

function countAtMost(sorted: readonly number[], target: number): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (sorted[mid]! <= target) low = mid + 1;
		else high = mid;
	}

	return low;
}
