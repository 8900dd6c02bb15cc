/** Pure text helpers for the panes: truncation and the tail of a long streamed text. */

/** Short one-line preview of a tool's input, e.g. `{"schemas":["public"]}` cut to `width`. */
export function previewInput(input: unknown, width: number): string {
	let text: string;
	try {
		text = JSON.stringify(input) ?? '';
	} catch {
		text = String(input);
	}

	return truncate(text, width);
}

export function truncate(text: string, width: number): string {
	const oneLine = text.replace(/\s+/g, ' ');
	if (oneLine.length <= width) return oneLine;
	return `${oneLine.slice(0, Math.max(0, width - 1))}…`;
}

/** The first `maxLines` lines of a result, with a count of what was left out. */
export function headLines(text: string, maxLines: number): {lines: string[]; hidden: number} {
	const lines = text.split('\n');
	if (lines.length <= maxLines) return {lines, hidden: 0};
	return {lines: lines.slice(0, maxLines), hidden: lines.length - maxLines};
}

/**
 * The last screen rows of `text` when wrapped at `width`, scanning backwards from the end so the
 * cost depends on what is shown, never on how long the streamed answer already is.
 */
export function tailRows(text: string, width: number, maxRows: number): {text: string; clipped: boolean} {
	const columns = Math.max(1, width);
	let rows = 0;
	let end = text.length;
	while (end > 0) {
		const start = text.lastIndexOf('\n', end - 1) + 1;
		const lineRows = Math.max(1, Math.ceil((end - start) / columns));
		if (rows + lineRows > maxRows) {
			// Keep only the last rows of this long line.
			const keep = (maxRows - rows) * columns;
			const sliceStart = keep > 0 ? Math.max(start, end - keep) : Math.min(text.length, end + 1);
			return {text: text.slice(sliceStart), clipped: true};
		}

		rows += lineRows;
		if (start === 0) return {text, clipped: false};
		end = start - 1;
	}

	return {text, clipped: false};
}

export function formatTokens(count: number): string {
	if (count < 1000) return String(count);
	return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
}

export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)}ms`;
	return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Tabs expanded to spaces (tab stops of `size`): Ink measures a tab as zero columns while the terminal
 * expands it, so an unexpanded tab makes lines wrap behind Ink's back and leaves stale rows on screen.
 */
export function expandTabs(line: string, size = 4): string {
	if (!line.includes('\t')) return line;
	let out = '';
	for (const char of line) {
		if (char === '\t') out += ' '.repeat(size - (out.length % size));
		else out += char;
	}

	return out;
}

export function expandTabsText(text: string): string {
	return text.includes('\t') ? text.split('\n').map(line => expandTabs(line)).join('\n') : text;
}

/**
 * The last `maxRows` screen rows of `text`, cut at fixed offsets of `width` from the start of each line.
 * Earlier rows never change while text is appended, so Ink's text-measure cache serves them and only the
 * growing last row is measured again each frame; the cost depends on what is shown, not on the answer's length.
 */
export function tailRowsFixed(text: string, width: number, maxRows: number): {rows: string[]; clipped: boolean} {
	const columns = Math.max(1, width);
	const rows: string[] = [];
	let end = text.length;
	for (;;) {
		const start = text.lastIndexOf('\n', end - 1) + 1;
		const count = Math.max(1, Math.ceil((end - start) / columns));
		for (let row = count - 1; row >= 0; row--) {
			if (rows.length === maxRows) return {rows: rows.reverse(), clipped: true};
			rows.push(text.slice(start + row * columns, Math.min(end, start + (row + 1) * columns)));
		}

		if (start === 0) return {rows: rows.reverse(), clipped: false};
		end = start - 1;
	}
}
