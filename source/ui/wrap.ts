/**
 * Word wrap for the conversation's text, done by us rather than by Ink.
 *
 * Ink wraps with wrap-ansi, which measures the growing row again for every word; a 40,000-character
 * answer took ~0.7 s of CPU to lay out. Rows made here are never wider than the pane, so Ink only
 * measures them. The wrap is also incremental: `takeRows` hands out the rows of a streaming text that
 * can no longer change, so the chat can print them once (into <Static>) while the answer streams,
 * instead of redrawing the whole answer every frame.
 *
 * Rules: a paragraph ends at "\n"; a row breaks at the last space that lets it fit (that space is
 * dropped), or mid-word when one word is wider than the row. Tabs become spaces to the next stop of 4;
 * escape sequences and other control characters are dropped, so model text cannot move the cursor or
 * restyle the terminal. Widths are terminal columns (wide CJK characters and emoji count 2).
 */
import stringWidth from 'string-width';

export type TakenRows = {
	rows: string[];
	/** Index in the text where the first row not taken starts. */
	end: number;
};

const TAB_STOP = 4;
// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character escapes.
const ESCAPE = /\u001B(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|[ -~]?)/y;
const segmenter = new Intl.Segmenter();

/**
 * The rows of `text` from `start` on, wrapped at `width` columns. When `final` is false the text may
 * still grow, so only rows that more text cannot change are returned: the last, still-open row of
 * the text is left for later and `end` points at its start. A row's fate is decided by at most
 * `width + 1` columns of what follows it, so rows taken early are the rows a full wrap would make.
 */
export function takeRows(text: string, start: number, width: number, final: boolean): TakenRows {
	const columns = Math.max(1, Math.floor(width));
	const rows: string[] = [];
	let pos = start;
	for (;;) {
		if (pos >= text.length) {
			// A paragraph that has just begun (start of text, or right after "\n") is an empty row.
			if (final && (pos === 0 || text.charCodeAt(pos - 1) === 10)) rows.push('');
			return {rows, end: text.length};
		}

		const row = nextRow(text, pos, columns, final);
		if (!row) return {rows, end: pos};
		rows.push(row.text);
		pos = row.next;
		// A row ended by "\n" that is the last character: the empty paragraph after it is the next row.
		if (pos >= text.length && !(row.newline && final)) return {rows, end: pos};
	}
}

/** All rows of a finished text. */
export function wrapRows(text: string, width: number): string[] {
	return takeRows(text, 0, width, true).rows;
}

/** The last `maxRows` rows of a finished text, and whether earlier rows were left out. */
export function tailOfRows(text: string, width: number, maxRows: number): {rows: string[]; clipped: boolean} {
	const rows = wrapRows(text, width);
	return rows.length > maxRows ? {rows: rows.slice(-maxRows), clipped: true} : {rows, clipped: false};
}

type Row = {text: string; next: number; newline: boolean};

/** One row starting at `pos`, or undefined when the text ends before the row is decided (and `final` is false). */
function nextRow(text: string, pos: number, columns: number, final: boolean): Row | undefined {
	// The row is text.slice(segment, i) preceded by `built` (what tabs and dropped characters changed).
	let built = '';
	let segment = pos;
	let column = 0;
	let hasWord = false;
	// Where the row may break: the last space after a word, and the row up to it.
	let breakAt = -1;
	let rowAtBreak = '';
	let i = pos;
	for (;;) {
		if (i >= text.length) {
			if (!final) return undefined;
			return {text: built + text.slice(segment, i), next: i, newline: false};
		}

		const code = text.charCodeAt(i);
		if (code === 10) return {text: built + text.slice(segment, i), next: i + 1, newline: true};

		let length = 1;
		let width = 1;
		let replacement: string | undefined;
		const isSpace = code === 32 || code === 9;
		if (code === 9) {
			// To the next stop, but never past the row's end (a tab is a space to break at, not a word).
			width = Math.max(1, Math.min(TAB_STOP - (column % TAB_STOP), columns - column));
			replacement = ' '.repeat(width);
		} else if (code < 32 || code === 127 || (code >= 0x80 && code <= 0x9f)) {
			width = 0;
			replacement = '';
			if (code === 27) {
				ESCAPE.lastIndex = i;
				length = ESCAPE.exec(text)?.[0].length ?? 1;
			}
		} else if (code > 127) {
			const cluster = graphemeAt(text, i);
			length = cluster.length;
			width = stringWidth(cluster);
		}

		if (column + width > columns && column > 0) {
			const current = built + text.slice(segment, i);
			if (isSpace) return {text: current, next: i + 1, newline: false};
			if (breakAt >= 0) return {text: rowAtBreak, next: breakAt + 1, newline: false};
			return {text: current, next: i, newline: false};
		}

		if (isSpace && hasWord) {
			breakAt = i;
			rowAtBreak = built + text.slice(segment, i);
		}

		if (!isSpace && width > 0) hasWord = true;
		if (replacement !== undefined) {
			built += text.slice(segment, i) + replacement;
			segment = i + length;
		}

		column += width;
		i += length;
		// A character wider than the whole row (a wide one in a 1-column pane) stands alone.
		if (column > columns) return {text: built + text.slice(segment, i), next: i, newline: false};
	}
}

/** The grapheme cluster (user-perceived character) that starts at `index`. */
function graphemeAt(text: string, index: number): string {
	// Clusters longer than this window are rare (long runs of combining marks); cut, they still measure right.
	const window = text.slice(index, index + 16);
	const first = segmenter.segment(window)[Symbol.iterator]().next();
	return first.done ? window.slice(0, 1) : first.value.segment;
}
