import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import type {CallPreview} from '../core/events.js';
import {coloriseDiffLines, type DiffLineKind} from '../preview/unified-diff.js';
import {expandTabs} from './format.js';
import {type ActionIn, keyOf} from './keys/bindings.js';
import {THEME} from './theme.js';
import {wrapRows} from './wrap.js';

/** One terminal row of a preview: lines are wrapped to the width here, so rows can be counted before rendering. */
export type PreviewLine = {text: string; color?: string; bold?: boolean; dim?: boolean};

/**
 * What is approved is read to its end: a hazard, an error or a diff line wider than the view wraps onto rows of its
 * own (continued rows are indented two columns) instead of being cut with `…` at the pane's edge.
 */
function wrapped(lines: PreviewLine[], width: number | undefined): PreviewLine[] {
	if (width === undefined) return lines;
	const columns = Math.max(10, width);
	return lines.flatMap(line => {
		const text = expandTabs(line.text);
		if (stringWidth(text) <= columns) return [line];
		// Rows two columns narrower, so the continued ones fit with their indent.
		return wrapRows(text, columns - 2).map((row, index) => ({...line, text: index === 0 ? row : `  ${row}`}));
	});
}

const DIFF_COLOR: Record<DiffLineKind, string | undefined> = {
	add: THEME.ok,
	remove: THEME.error,
	hunk: 'cyan',
	header: THEME.dim,
	note: THEME.dim,
	context: undefined,
};

/** Hazards shown above the scrolling body; the rest open the body, so none is ever lost. */
export const PINNED_HAZARDS = 4;
const SAMPLE_COLUMNS = 6;
const SAMPLE_CELL = 18;

function cell(value: unknown): string {
	const text = value === null ? 'null' : typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	const flat = text.replace(/\s+/g, ' ');
	return flat.length > SAMPLE_CELL ? `${flat.slice(0, SAMPLE_CELL - 1)}…` : flat;
}

/** Rows affected per table, each with its sample rows as a small aligned table. */
function rowLines(rows: NonNullable<CallPreview['rows']>): PreviewLine[] {
	const lines: PreviewLine[] = [];
	for (const change of rows) {
		const color = change.operation === 'delete' || change.operation === 'truncate' ? THEME.error : THEME.warn;
		lines.push({text: `${change.operation} ${change.count.toLocaleString('en-US')} row${change.count === 1 ? '' : 's'} in ${change.table}`, color, bold: true});
		if (change.sample.length === 0) continue;
		const columns = [...new Set(change.sample.flatMap(row => Object.keys(row)))].slice(0, SAMPLE_COLUMNS);
		const cells = change.sample.map(row => columns.map(column => cell(row[column])));
		const widths = columns.map((column, i) => Math.max(column.length, ...cells.map(row => row[i]!.length)));
		const pad = (values: string[]) => `  ${values.map((v, i) => v.padEnd(widths[i]!)).join(' │ ')}`.trimEnd();
		lines.push({text: pad(columns), dim: true});
		for (const row of cells) lines.push({text: pad(row)});
		if (change.count > change.sample.length) lines.push({text: `  … and ${(change.count - change.sample.length).toLocaleString('en-US')} more`, dim: true});
	}
	return lines;
}

/** The fixed part above the scrolling body: summary, the error, the first hazards, as rows of `width` columns. */
export function previewHeaderLines(preview: CallPreview, width?: number): PreviewLine[] {
	return laidOut(preview, width).header;
}

/** The scrolling part: hazards beyond the pinned ones, the coloured diff, then the rows table, as rows of `width` columns. */
export function previewBodyLines(preview: CallPreview, width?: number): PreviewLine[] {
	return laidOut(preview, width).body;
}

// A preview is laid out once per width, not on every frame and every row count asked of it (a diff has thousands of lines).
const layouts = new WeakMap<CallPreview, Map<number, {header: PreviewLine[]; body: PreviewLine[]}>>();

function laidOut(preview: CallPreview, width: number | undefined): {header: PreviewLine[]; body: PreviewLine[]} {
	const byWidth = layouts.get(preview) ?? new Map<number, {header: PreviewLine[]; body: PreviewLine[]}>();
	layouts.set(preview, byWidth);
	const key = width ?? -1;
	const layout = byWidth.get(key) ?? {header: wrapped(headerLines(preview), width), body: wrapped(bodyLines(preview), width)};
	byWidth.set(key, layout);
	return layout;
}

function headerLines(preview: CallPreview): PreviewLine[] {
	const lines: PreviewLine[] = [{text: preview.summary, bold: true, ...(preview.kind === 'unavailable' ? {color: THEME.warn} : {})}];
	if (preview.error) lines.push({text: `✖ ${preview.error} · cannot be approved as is`, color: THEME.error, bold: true});
	const pinned = preview.hazards.slice(0, PINNED_HAZARDS);
	for (const hazard of pinned) lines.push({text: `⚠ ${hazard}`, color: THEME.destructive});
	if (preview.hazards.length > pinned.length) lines.push({text: `⚠ ${preview.hazards.length - pinned.length} more hazards below`, color: THEME.destructive});
	return lines;
}

function bodyLines(preview: CallPreview): PreviewLine[] {
	const lines: PreviewLine[] = preview.hazards.slice(PINNED_HAZARDS).map(hazard => ({text: `⚠ ${hazard}`, color: THEME.destructive}));
	for (const line of coloriseDiffLines(preview.diff ?? '')) {
		const color = DIFF_COLOR[line.kind];
		lines.push({text: line.text, ...(color ? {color} : {}), ...(line.kind === 'hunk' ? {bold: true} : {})});
	}
	if (preview.rows?.length) {
		if (lines.length > 0) lines.push({text: ''});
		lines.push(...rowLines(preview.rows));
	}
	return lines;
}

/** Rows of the scrolling body, so the parent can clamp `scroll`. */
export function previewLineCount(preview: CallPreview, width?: number): number {
	return previewBodyLines(preview, width).length;
}

/** Body rows that fit in `maxRows` (at least one), with one row kept for the scroll hint when the body overflows. */
export function previewBodyRows(preview: CallPreview, maxRows: number, width?: number): number {
	const free = Math.max(1, maxRows - previewHeaderLines(preview, width).length);
	return previewLineCount(preview, width) > free ? Math.max(1, free - 1) : free;
}

/** The largest useful `scroll` for this budget. */
export function previewMaxScroll(preview: CallPreview, maxRows: number, width?: number): number {
	return Math.max(0, previewLineCount(preview, width) - previewBodyRows(preview, maxRows, width));
}

/** The scroll keys, as the footer of a scrolling body names them. */
export const SCROLL_HINT = `${keyOf('scrollDown')}/${keyOf('scrollUp')} ${keyOf('pageUp')}/${keyOf('pageDown')} scroll`;

/** Where a scroll key moves a body of `maxScroll` scrollable rows showing `page` rows at a time. */
export function scrolled(action: ActionIn<'scroll'>, scroll: number, maxScroll: number, page: number): number {
	const step = action === 'scrollDown' ? 1 : action === 'scrollUp' ? -1 : action === 'pageDown' ? page : -page;
	return Math.max(0, Math.min(maxScroll, scroll + step));
}

export type DiffViewProps = {
	preview: CallPreview;
	/** Rows the view may use in all; it never renders more. */
	maxRows: number;
	/** First body line shown; the parent owns it (keys) and it is clamped here. */
	scroll: number;
	/** Columns of the view: lines wider than this wrap (without it, Ink cuts them). */
	width?: number;
};

function Row({line}: {line: PreviewLine}) {
	return (
		<Text wrap="truncate-end" {...(line.color ? {color: line.color} : {})} bold={line.bold ?? false} dimColor={line.dim ?? false}>
			{expandTabs(line.text) || ' '}
		</Text>
	);
}

/** A preview within a row budget: summary, error and hazards stay put, the diff and rows scroll. */
export function DiffView({preview, maxRows, scroll, width}: DiffViewProps) {
	const header = previewHeaderLines(preview, width).slice(0, Math.max(1, maxRows));
	const body = previewBodyLines(preview, width);
	const rows = previewBodyRows(preview, maxRows, width);
	const room = maxRows - header.length;
	const start = Math.min(Math.max(0, scroll), previewMaxScroll(preview, maxRows, width));
	const visible = room > 0 ? body.slice(start, start + rows) : [];
	const overflow = room > 1 && body.length > rows;
	return (
		<Box flexDirection="column" {...(width ? {width} : {})}>
			{header.map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: the header's lines have fixed places (summary, error, hazards).
				<Row key={`h${index}`} line={line} />
			))}
			{visible.map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: the line's number in the body is its identity, whatever the scroll.
				<Row key={start + index} line={line} />
			))}
			{overflow ? (
				<Text color={THEME.dim} wrap="truncate-end">
					lines {start + 1}–{start + visible.length} of {body.length} · {SCROLL_HINT}
				</Text>
			) : null}
		</Box>
	);
}
