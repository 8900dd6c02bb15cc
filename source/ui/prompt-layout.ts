/**
 * The prompt's text as rows of the box, with the cursor placed, and the window of them the box shows: at most
 * `maxRows` rows, so the live area keeps the height the app budgeted whatever is typed or pasted (a live area as
 * tall as the terminal makes Ink clear the screen and its scrollback). Rows are cut at the column, not at words,
 * so a position in the text maps to one row and column; control characters are shown as `·`, tabs as a space.
 */
import stringWidth from 'string-width';
import type {PromptBuffer} from './prompt-buffer.js';

export type PromptRow = {
	text: string;
	/** Where the cursor is in this row's text (a cursor at the row's end is at its length); absent on other rows. */
	cursor?: number;
};

export type PromptView = {
	rows: PromptRow[];
	/** Rows of the text above and below the window. */
	above: number;
	below: number;
	/** A row of the window is left to say how many rows are out of it (a window of one row has no room for it). */
	counted: boolean;
};

const segmenter = new Intl.Segmenter();

/** Every row of the text at `columns`, the cursor on one of them. */
export function promptRows(buffer: PromptBuffer, columns: number): PromptRow[] {
	const width = Math.max(1, Math.floor(columns));
	const rows: PromptRow[] = [];
	let offset = 0;
	for (const line of buffer.text.split('\n')) {
		let text = '';
		let used = 0;
		let cursor: number | undefined;
		const flush = () => rows.push(cursor === undefined ? {text} : {text, cursor});
		for (const {segment, index} of segmenter.segment(line)) {
			const shown = displayed(segment);
			const cells = Math.max(1, stringWidth(shown));
			if (used + cells > width && used > 0) {
				flush();
				text = '';
				used = 0;
				cursor = undefined;
			}

			// On the row where the character under the cursor lands.
			if (buffer.cursor === offset + index) cursor = text.length;
			text += shown;
			used += cells;
		}

		if (buffer.cursor === offset + line.length) {
			// After the line's last character; on a row of its own when that row is full (a cell past the width would wrap).
			if (used >= width) {
				flush();
				text = '';
			}

			cursor = text.length;
		}

		flush();
		offset += line.length + 1;
	}

	return rows;
}

/** What a character of the text looks like in the box: nothing in it may move the terminal's cursor. */
function displayed(segment: string): string {
	const code = segment.charCodeAt(0);
	if (code === 9) return ' ';
	if (code < 32 || code === 127 || (code >= 0x80 && code <= 0x9f)) return '·';
	return segment;
}

/** The rows the box shows: all of them when they fit, else a window that holds the cursor and a line that counts the rest. */
export function promptView(buffer: PromptBuffer, columns: number, maxRows: number): PromptView {
	const rows = promptRows(buffer, columns);
	const room = Math.max(1, Math.floor(maxRows));
	if (rows.length <= room) return {rows, above: 0, below: 0, counted: false};
	// One row of the window says how many are left out, when there are two or more.
	const shown = room >= 2 ? room - 1 : 1;
	const cursorRow = Math.max(
		0,
		rows.findIndex(row => row.cursor !== undefined),
	);
	const start = Math.max(0, Math.min(cursorRow - shown + 1, rows.length - shown));
	return {rows: rows.slice(start, start + shown), above: start, below: rows.length - start - shown, counted: room >= 2};
}

/** A row cut at its cursor: the text before it, the character under it (a space at the end), the rest. */
export function splitAtCursor(row: PromptRow): {before: string; under: string; after: string} {
	const cursor = row.cursor ?? row.text.length;
	const rest = row.text.slice(cursor);
	const first = segmenter.segment(rest)[Symbol.iterator]().next();
	const under = first.done ? '' : first.value.segment;
	return {before: row.text.slice(0, cursor), under: under || ' ', after: rest.slice(under.length)};
}
