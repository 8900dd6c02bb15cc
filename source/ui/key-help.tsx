import {Box, Text} from 'ink';
import {Fragment} from 'react';
import {bindingsIn, CONTEXT_TITLES, type Context, rowKeys} from './keys/bindings.js';
import {THEME} from './theme.js';

export type HelpItem = {id: string; keys: string; description: string};
export type HelpLine = {title: string; items: HelpItem[]};

/** The context's title column. */
const TITLE_WIDTH = 13;
const SEPARATOR = ' · ';
/** Border and padding on each side. */
const FRAME_COLUMNS = 4;
/** Border (2) and the heading. */
const CHROME_ROWS = 3;

/**
 * The rows of the contexts as lines of a help screen: one section a context, its bindings packed side by side
 * ("key description · key description") so that the whole table fits a terminal. A binding never breaks across
 * lines; one too long for a line alone is cut at its end.
 */
export function keyHelpLines(contexts: readonly Context[], width: number): HelpLine[] {
	const room = Math.max(10, width - FRAME_COLUMNS - TITLE_WIDTH);
	const lines: HelpLine[] = [];
	for (const context of contexts) {
		let line: HelpLine | undefined;
		let used = 0;
		for (const row of bindingsIn(context)) {
			const item = {id: `${context}:${row.action}`, keys: rowKeys(row), description: row.description};
			const length = item.keys.length + 1 + item.description.length;
			if (line && used + SEPARATOR.length + length <= room) {
				line.items.push(item);
				used += SEPARATOR.length + length;
				continue;
			}

			line = {title: line ? '' : CONTEXT_TITLES[context], items: [item]};
			lines.push(line);
			used = length;
		}
	}

	return lines;
}

/** Rows the help takes on screen, for layouts that budget the live area. */
export function keyHelpRows(contexts: readonly Context[], width: number, note?: string | readonly string[]): number {
	return CHROME_ROWS + keyHelpLines(contexts, width).length + noteLines(note).length;
}

function noteLines(note: string | readonly string[] | undefined): readonly string[] {
	return note === undefined ? [] : typeof note === 'string' ? (note ? [note] : []) : note;
}

/** The columns a line of the help may use inside its frame. */
export function keyHelpInner(width: number): number {
	return Math.max(1, width - FRAME_COLUMNS);
}

export type KeyHelpProps = {
	title: string;
	contexts: readonly Context[];
	width: number;
	/** Rows it may take in all; lines beyond are counted, not shown. */
	maxRows?: number;
	/** Dim lines under the table. */
	note?: string | readonly string[];
	/** The first line shown, when the table is paged (the parent owns the paging keys and says them in `pageHint`). */
	scroll?: number;
	pageHint?: string;
};

/** Lines of the table a help of `maxRows` rows shows at once, and how far it can be paged. */
export function keyHelpPage(
	contexts: readonly Context[],
	width: number,
	maxRows: number,
	note?: string | readonly string[],
): {page: number; maxScroll: number} {
	const total = keyHelpLines(contexts, width).length;
	const room = Math.max(1, maxRows - CHROME_ROWS - noteLines(note).length);
	if (total <= room) return {page: total, maxScroll: 0};
	const page = Math.max(1, room - 1);
	return {page, maxScroll: total - page};
}

/** A help screen rendered straight from the bindings table, so help can never disagree with the keys. */
export function KeyHelp({title, contexts, width, maxRows = Number.POSITIVE_INFINITY, note, scroll = 0, pageHint}: KeyHelpProps) {
	const lines = keyHelpLines(contexts, width);
	const notes = noteLines(note);
	const {page, maxScroll} = keyHelpPage(contexts, width, maxRows, note);
	const first = Math.max(0, Math.min(scroll, maxScroll));
	const shown = lines.slice(first, first + page);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={THEME.accent} paddingX={1} width={width}>
			<Text bold>{title}</Text>
			{shown.map(line => (
				<Text key={line.items[0]!.id} wrap="truncate-end">
					<Text color={THEME.dim}>{line.title.padEnd(TITLE_WIDTH)}</Text>
					{line.items.map((item, index) => (
						<Fragment key={item.id}>
							{index > 0 ? SEPARATOR : ''}
							<Text color={THEME.accent}>{item.keys}</Text> {item.description}
						</Fragment>
					))}
				</Text>
			))}
			{shown.length < lines.length ? (
				<Text color={THEME.dim} wrap="truncate-end">
					{pageHint
						? `lines ${first + 1}–${first + shown.length} of ${lines.length} · ${pageHint}`
						: `… ${lines.length - shown.length} more lines: a taller terminal shows them all`}
				</Text>
			) : null}
			{notes.map(line => (
				<Text key={line} color={THEME.dim} wrap="truncate-end">
					{line}
				</Text>
			))}
		</Box>
	);
}
