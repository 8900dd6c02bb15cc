/**
 * Which finished entries fit on screen. Live hands entries to <Static> and lets the terminal scroll;
 * replay moves back and forth, so it redraws the last entries that fit. Scanning from the end keeps
 * the cost proportional to what is shown, never to the length of the session.
 */
import type {ChatEntry} from '../../core/session-state.js';
import {CLEARED_LINE, modelLine, shownInChat} from '../format.js';
import {wrapRows} from '../wrap.js';

const RESULT_PREVIEW_LINES = 4;

/** Rows `text` takes when wrapped at `width` (an upper-ish estimate: word wrap can only add rows). */
export function wrappedRows(text: string, width: number): number {
	const columns = Math.max(1, width);
	let rows = 0;
	let start = 0;
	for (;;) {
		const end = text.indexOf('\n', start);
		const length = (end === -1 ? text.length : end) - start;
		rows += Math.max(1, Math.ceil(length / columns));
		if (end === -1) return rows;
		start = end + 1;
	}
}

/** Rows one ChatEntryView takes, margin included; mirrors its layout. */
export function entryRows(entry: ChatEntry, width: number): number {
	if (!shownInChat(entry)) return 0;
	// Word wrap breaks lines early; a few columns of slack keep the estimate from falling short.
	const wrap = Math.max(10, width - 4);
	switch (entry.kind) {
		// Exact: these are wrapped by us (wrap.ts), the way ChatEntryView draws them.
		case 'user':
			return 1 + wrapRows(entry.text, width - 2).length;
		case 'assistant':
			return 1 + wrapRows(entry.text, width).length;
		case 'tool': {
			const {call} = entry;
			if (call.status === 'running' || call.status === 'awaiting_approval') return 2;
			const result = call.status === 'denied' ? 1 : (call.result ?? '').split('\n').length;
			const shown = Math.min(RESULT_PREVIEW_LINES, result) + (result > RESULT_PREVIEW_LINES ? 1 : 0);
			return 2 + shown + (call.durationMs === undefined ? 0 : 1);
		}

		case 'notice':
			return 1 + wrappedRows(entry.text, wrap - 2);
		case 'turn_end':
			return 1 + wrappedRows(entry.error ?? '', wrap - 2);
		case 'cleared':
			return 1 + wrappedRows(CLEARED_LINE, wrap);
		case 'model':
			return 1 + wrappedRows(modelLine(entry.model), wrap);
		default:
			return 2;
	}
}

/**
 * The index of the first entry to draw so the entries from there to the end fit in `rows`. The last
 * entry is always drawn, even when it alone is taller than the screen.
 */
export function firstVisibleEntry(entries: readonly ChatEntry[], width: number, rows: number): number {
	let used = 0;
	for (let i = entries.length - 1; i >= 0; i--) {
		used += entryRows(entries[i]!, width);
		if (used > rows) return Math.min(entries.length - 1, i + 1);
	}

	return 0;
}
