/** `pgpair sessions`: saved sessions as a text table, newest first. Pure. */
import {formatBytes, formatElapsed, formatTimestamp} from '../transcripts/export-record.js';
import type {SessionSummary} from '../transcripts/reader.js';

export type SessionsTableOptions = {
	/** Terminal width; the first-prompt column takes what the others leave. */
	width?: number;
	timeZone?: string;
};

type Column = {title: string; align: 'left' | 'right'; value: (s: SessionSummary) => string; max?: number};

const columnsFor = (timeZone: string | undefined): readonly Column[] => [
	{title: 'DATE', align: 'left', value: s => formatTimestamp(Date.parse(s.createdAt), timeZone).slice(0, 16)},
	{title: 'ID', align: 'left', value: s => s.id},
	{title: 'AGENT', align: 'left', value: s => s.agent.name, max: 20},
	{title: 'TURNS', align: 'right', value: s => String(s.turns)},
	{title: 'APPROVALS', align: 'right', value: s => String(s.approvals)},
	{title: 'DURATION', align: 'right', value: s => formatElapsed(s.durationMs)},
	{title: 'SIZE', align: 'right', value: s => formatBytes(s.sizeBytes)},
];

const GAP = '  ';
const MIN_PROMPT = 12;

export function newestFirst(sessions: readonly SessionSummary[]): SessionSummary[] {
	return [...sessions].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1));
}

export function renderSessionsTable(sessions: readonly SessionSummary[], options: SessionsTableOptions = {}): string {
	if (sessions.length === 0) return 'No saved sessions.\n';
	const rows = newestFirst(sessions);
	const columns = columnsFor(options.timeZone);
	const cells = rows.map(row => columns.map(column => clip(column.value(row), column.max ?? Number.POSITIVE_INFINITY)));
	const widths = columns.map((column, i) => Math.max(column.title.length, ...cells.map(cell => cell[i]!.length)));
	const fixed = widths.reduce((sum, w) => sum + w + GAP.length, 0);
	const promptWidth = Math.max(MIN_PROMPT, (options.width ?? 120) - fixed);
	const line = (values: readonly string[], prompt: string) =>
		(values.map((value, i) => (columns[i]!.align === 'right' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!))).join(GAP) + GAP + prompt).trimEnd();

	const out = [
		line(
			columns.map(c => c.title),
			'FIRST PROMPT',
		),
	];
	for (const [r, row] of rows.entries()) out.push(line(cells[r]!, clip(oneLine(row.firstPrompt ?? '(no prompt)'), promptWidth)));
	return `${out.join('\n')}\n`;
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
