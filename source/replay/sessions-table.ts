/** `pgpair sessions`: saved sessions as a text table, newest first. Pure. */
import {formatBytes, formatElapsed, formatTimestamp} from '../transcripts/export-record.js';
import type {SessionSummary, UnreadableTranscript} from '../transcripts/reader.js';

export type SessionsTableOptions = {
	/** Terminal width; the first-prompt column takes what the others leave. */
	width?: number;
	timeZone?: string;
	/** Transcripts that cannot be read: each is a row of its own saying why, in its place by date. */
	unreadable?: readonly UnreadableTranscript[];
};

/** A session, or a file that should have been one. */
type Row = {kind: 'session'; session: SessionSummary; at: number} | {kind: 'unreadable'; file: UnreadableTranscript; at: number};

type Column = {title: string; align: 'left' | 'right'; session: (s: SessionSummary) => string; unreadable?: (u: UnreadableTranscript) => string; max?: number};

const UNKNOWN = '–';

const columnsFor = (timeZone: string | undefined): readonly Column[] => [
	{
		title: 'DATE',
		align: 'left',
		session: s => formatTimestamp(Date.parse(s.createdAt), timeZone).slice(0, 16),
		unreadable: u => (u.startedAt === undefined ? UNKNOWN : formatTimestamp(u.startedAt, timeZone).slice(0, 16)),
	},
	{title: 'ID', align: 'left', session: s => s.id, unreadable: u => u.id},
	{title: 'AGENT', align: 'left', session: s => s.agent.name, max: 20},
	{title: 'TURNS', align: 'right', session: s => String(s.turns)},
	{title: 'APPROVALS', align: 'left', session: s => approvalsText(s.approvals)},
	{title: 'DURATION', align: 'right', session: s => formatElapsed(s.durationMs)},
	{title: 'SIZE', align: 'right', session: s => formatBytes(s.sizeBytes), unreadable: u => (u.sizeBytes === undefined ? UNKNOWN : formatBytes(u.sizeBytes))},
];

const GAP = '  ';
const MIN_PROMPT = 12;

/** `3 allowed, 1 denied`, `2 allowed`, `1 denied`, or `–` when nothing was decided. */
export function approvalsText({allowed, denied}: SessionSummary['approvals']): string {
	const parts = [allowed > 0 ? `${allowed} allowed` : '', denied > 0 ? `${denied} denied` : ''].filter(Boolean);
	return parts.length > 0 ? parts.join(', ') : UNKNOWN;
}

export function newestFirst(sessions: readonly SessionSummary[]): SessionSummary[] {
	return [...sessions].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1));
}

export function renderSessionsTable(sessions: readonly SessionSummary[], options: SessionsTableOptions = {}): string {
	const unreadable = options.unreadable ?? [];
	if (sessions.length === 0 && unreadable.length === 0) return 'No saved sessions.\n';
	const rows: Row[] = [
		...newestFirst(sessions).map(session => ({kind: 'session' as const, session, at: Date.parse(session.createdAt)})),
		...unreadable.map(file => ({kind: 'unreadable' as const, file, at: file.startedAt ?? Number.NEGATIVE_INFINITY})),
	];
	// Stable: sessions keep their order among themselves, an unreadable file goes where its date puts it.
	rows.sort((a, b) => b.at - a.at);
	const columns = columnsFor(options.timeZone);
	const cells = rows.map(row =>
		columns.map(column => {
			const value = row.kind === 'session' ? column.session(row.session) : (column.unreadable?.(row.file) ?? UNKNOWN);
			return clip(value, column.max ?? Number.POSITIVE_INFINITY);
		}),
	);
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
	for (const [r, row] of rows.entries()) {
		// The reason is the point of an unreadable row: it is never cut.
		const last = row.kind === 'session' ? clip(oneLine(row.session.firstPrompt ?? '(no prompt)'), promptWidth) : `cannot be read: ${oneLine(row.file.reason)}`;
		out.push(line(cells[r]!, last));
	}

	return `${out.join('\n')}\n`;
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
