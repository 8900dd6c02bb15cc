/**
 * What the live chat prints into the terminal's scrollback (Ink's <Static>), in order: finished entries,
 * and the rows of the answer being streamed as soon as more text can no longer change them.
 *
 * Printing rows while the answer streams keeps every frame small (only the answer's open last row is
 * redrawn), and when the answer ends only its last rows are left to print, however long it was. (Holding
 * settled rows back to print fewer, bigger batches was measured and lost: each frame then redraws more.)
 * The list only ever grows, as <Static> requires; calling `update` again with the same state adds
 * nothing, so React may render as often as it likes.
 *
 * A log prints the chat since the last `/clear` only: a new one starts at the last `cleared` entry, and one that meets
 * a later `cleared` entry prints nothing from there (the app clears the screen and starts a new log at it).
 */

import type {ChatEntry, SessionState} from '../core/session-state.js';
import {shownInChat} from './format.js';
import {takeRows} from './wrap.js';

export type PrintItem =
	| {key: string; kind: 'entry'; entry: ChatEntry}
	/** Rows of an assistant answer; `first` rows start the answer (or resume it after an interleaved entry) and get its top margin. */
	| {key: string; kind: 'rows'; rows: readonly string[]; first: boolean};

export type PrintView = {
	items: readonly PrintItem[];
	/** Where the streamed text not printed yet begins; the live area draws the rows from here. */
	pendingFrom: number;
	/** Rows of the streamed answer are already printed, so its open row continues them without a margin. */
	continued: boolean;
};

export type PrintOptions = {
	width: number;
	/** False holds back the streamed rows (e.g. while the terminal is too small to show them). */
	streaming: boolean;
};

export type PrintLog = {
	update(state: Pick<SessionState, 'entries' | 'liveText'>, options: PrintOptions): PrintView;
};

/** The answer being streamed: the text printed so far is `prefix`, which ends at `end`. */
type OpenAnswer = {prefix: string; end: number; interrupted: boolean};

export function createPrintLog(): PrintLog {
	let items: readonly PrintItem[] = [];
	let entriesSeen = -1;
	let open: OpenAnswer | undefined;
	let chunks = 0;
	// Met a later clear: what follows is the next log's.
	let ended = false;

	return {
		update(state, {width, streaming}) {
			if (ended) return {items, pendingFrom: 0, continued: false};
			const added: PrintItem[] = [];
			// Scanned once, when the log prints its first frame: where the chat since the last clear begins.
			let start = -1;
			if (entriesSeen === -1) {
				start = lastClear(state.entries);
				entriesSeen = start;
			}

			for (; entriesSeen < state.entries.length; entriesSeen++) {
				const entry = state.entries[entriesSeen]!;
				if (entry.kind === 'cleared' && entriesSeen !== start) {
					ended = true;
					open = undefined;
					break;
				}
				// Entries the chat has no line for print nothing, and do not break a streaming answer in two.
				if (!shownInChat(entry)) continue;
				if (entry.kind === 'assistant' && open && entry.text.startsWith(open.prefix)) {
					// The streamed answer has ended: print what is left of it, never what is already on screen.
					const rest = takeRows(entry.text, open.end, width, true).rows;
					if (rest.length > 0) added.push({key: `${entry.id}:rest`, kind: 'rows', rows: rest, first: open.interrupted});
					open = undefined;
					continue;
				}

				if (entry.kind === 'assistant') open = undefined;
				// Something else happened while the answer streams (a notice): it prints in between, in order.
				else if (open) open.interrupted = true;
				added.push({key: entry.id, kind: 'entry', entry});
			}

			if (open && !state.liveText.startsWith(open.prefix)) open = undefined;
			if (streaming && state.liveText && !ended) {
				const taken = takeRows(state.liveText, open?.end ?? 0, width, false);
				if (taken.rows.length > 0) {
					added.push({key: `stream-${chunks++}`, kind: 'rows', rows: taken.rows, first: !open || open.interrupted});
					open = {prefix: state.liveText.slice(0, taken.end), end: taken.end, interrupted: false};
				}
			}

			if (added.length > 0) items = [...items, ...added];
			return {items, pendingFrom: open?.end ?? 0, continued: open !== undefined && !open.interrupted};
		},
	};
}

/** The index of the last `cleared` entry, or 0. */
function lastClear(entries: readonly ChatEntry[]): number {
	for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.kind === 'cleared') return i;
	return 0;
}
