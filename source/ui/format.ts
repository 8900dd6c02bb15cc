/** Pure text helpers for the panes: truncation, durations, tabs. (Word wrap is in wrap.ts.) */
import type {CheckpointRecord} from '../core/events.js';
import type {ChatEntry} from '../core/session-state.js';
import {formatBytes} from '../transcripts/export-record.js';

/**
 * Whether the chat has a line for an entry. The others are on the record (exports, `replay --print`) and have their
 * own place on screen: a retry its live line, a checklist change the checklist pane.
 */
export function shownInChat(entry: ChatEntry): boolean {
	switch (entry.kind) {
		case 'retry':
		case 'checklist':
			return false;
		case 'turn_end':
			return entry.outcome !== 'completed';
		default:
			return true;
	}
}

const MODE_TEXT = {
	default: 'default (every change asks)',
	acceptEdits: 'accept edits (file edits in the workspace run unasked)',
	plan: 'plan (nothing that changes anything runs)',
} as const;

/** The chat's line for a mode change. */
export function modeLine(mode: keyof typeof MODE_TEXT): string {
	return `Permission mode: ${MODE_TEXT[mode]}`;
}

/** The chat's line where `/clear` started the conversation again (the first line of the chat after it). */
export const CLEARED_LINE = 'Conversation cleared: the next prompt starts afresh (what came before stays in the transcript).';

/** The chat's line for a model change (replay draws it too, and never loads the model's modules: no alias look-up). */
export function modelLine(model: string): string {
	return `Model: ${model} from the next request on`;
}

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

/** A tool as a person names it: `execute_sql` for `mcp__supabase__execute_sql`; pgpair's own tools (`Write`) as they are. */
export function shortToolName(name: string): string {
	return name.replace(/^mcp__[^_]+(?:_[^_]+)*?__/, '');
}

/** `HH:MM:SS` in the machine's time zone. */
export function clockTime(at: number): string {
	const date = new Date(at);
	return [date.getHours(), date.getMinutes(), date.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
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
	return text.includes('\t')
		? text
				.split('\n')
				.map(line => expandTabs(line))
				.join('\n')
		: text;
}

/** `⟲ checkpoint cp-1a2b3c4d: database, 1 file (12 MB)`: what was saved before a call, in one line. */
export function checkpointLine(checkpoint: CheckpointRecord): string {
	const parts: string[] = [];
	if (checkpoint.database && checkpoint.database.kind !== 'none')
		parts.push(checkpoint.database.kind === 'snapshot' ? 'database' : `${checkpoint.database.tables?.length ?? 0} tables`);
	if (checkpoint.files.length > 0) parts.push(checkpoint.files.length === 1 ? checkpoint.files[0]! : `${checkpoint.files.length} files`);
	const what = parts.length > 0 ? parts.join(', ') : 'nothing to save';
	return `  ⟲ checkpoint ${checkpoint.id}: ${what} (${formatBytes(checkpoint.bytes)}) · /rewind to go back`;
}
