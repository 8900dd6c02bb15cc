/**
 * A transcript as a readable record: prompts, answers, tool calls with their decision and result, notices and turn
 * ends, plus totals. `replay --print` and the three exports read this shape, and it is built from the one fold of the
 * log that the live view, replay and resume read (`foldSession`): a call shows the class, preview and input the
 * approval pane showed, and nothing is counted twice in two ways. Pure.
 */
import type {DecisionSource, SessionEvent, TurnOutcome} from '../core/events.js';
import {foldSession} from '../core/session-fold.js';
import type {ChatEntry, ToolCallView} from '../core/session-state.js';

/** A call as the session folded it: the class and preview it was decided on, its decision and its result. */
export type CallRecord = ToolCallView;

export type RecordItem =
	| {kind: 'prompt'; turn: number; text: string; at: number}
	/** `partial`: text that streamed but whose message never completed (crash, kill mid-stream). */
	| {kind: 'answer'; text: string; at: number; partial: boolean}
	| {kind: 'call'; call: CallRecord; at: number}
	| {kind: 'notice'; level: 'info' | 'warning' | 'error'; text: string; at: number}
	| {kind: 'retry'; attempt: number; maxAttempts: number; delayMs: number; reason: string; at: number}
	| {kind: 'turn_end'; turn: number; outcome: TurnOutcome; error?: string; at: number}
	| {kind: 'checklist'; text: string; state: 'open' | 'done'; by: string; evidence: string; at: number}
	/** pgpair's own call to a server (the checklist's reads): not the model's, never asked about. */
	| {kind: 'lookup'; purpose: string; server: string; tool: string; input: unknown; isError: boolean; durationMs: number; at: number}
	/** Facts with no view of their own (a mode change, a checkpoint): their fields. */
	| {kind: 'other'; type: string; fields: string; at: number};

export type SessionTotals = {
	events: number;
	turns: number;
	toolCalls: number;
	allowed: number;
	denied: number;
	failed: number;
	/** Calls the person decided in the approval pane. */
	decidedByUser: number;
	inputTokens: number;
	outputTokens: number;
	/** First to last event; 0 for an empty session. */
	durationMs: number;
	firstAt: number | undefined;
	lastAt: number | undefined;
	/** The file ends inside a turn (crash or kill): it was never closed. */
	endsMidTurn: boolean;
};

export type SessionRecordView = {items: RecordItem[]; totals: SessionTotals};

export function sessionRecord(events: Parameters<typeof foldSession>[0]): SessionRecordView {
	const state = foldSession(events);
	const items = withLookUps(state.entries, events);
	// A file that ends mid-turn: calls still waiting or running, and text that streamed but never completed.
	for (const call of state.openCalls) items.push({kind: 'call', call, at: call.requestedAt});
	if (state.liveText) items.push({kind: 'answer', text: state.liveText, at: events.at(-1)?.at ?? 0, partial: true});
	const calls = items.flatMap(item => (item.kind === 'call' ? [item.call] : []));
	const firstAt = events[0]?.at;
	const lastAt = events.at(-1)?.at;
	const totals: SessionTotals = {
		events: events.length,
		turns: state.turns,
		toolCalls: calls.length,
		allowed: calls.filter(call => call.decidedBy !== undefined && call.status !== 'denied').length,
		denied: calls.filter(call => call.status === 'denied').length,
		failed: calls.filter(call => call.status === 'failed').length,
		decidedByUser: calls.filter(call => call.decidedBy === 'user').length,
		inputTokens: state.usage.inputTokens,
		outputTokens: state.usage.outputTokens,
		durationMs: firstAt === undefined || lastAt === undefined ? 0 : Math.max(0, lastAt - firstAt),
		firstAt,
		lastAt,
		endsMidTurn: state.turns > 0 && !state.entries.some(entry => entry.kind === 'turn_end' && entry.turn === state.turns),
	};
	return {items, totals};
}

function recordItem(entry: ChatEntry): RecordItem {
	switch (entry.kind) {
		case 'user':
			return {kind: 'prompt', turn: entry.turn, text: entry.text, at: entry.at};
		case 'assistant':
			return {kind: 'answer', text: entry.text, at: entry.at, partial: false};
		case 'tool':
			return {kind: 'call', call: entry.call, at: entry.call.requestedAt};
		case 'notice':
			return {kind: 'notice', level: entry.level, text: entry.text, at: entry.at};
		case 'turn_end':
			return {kind: 'turn_end', turn: entry.turn, outcome: entry.outcome, ...(entry.error ? {error: entry.error} : {}), at: entry.at};
		case 'retry':
			return {kind: 'retry', attempt: entry.attempt, maxAttempts: entry.maxAttempts, delayMs: entry.delayMs, reason: entry.reason, at: entry.at};
		case 'checklist':
			return {kind: 'checklist', text: entry.text, state: entry.state, by: entry.by, evidence: entry.evidence, at: entry.at};
		case 'mode':
			return {kind: 'other', type: 'permission_mode_changed', fields: `mode: ${entry.mode}`, at: entry.at};
		case 'cleared':
			return {kind: 'other', type: 'conversation_cleared', fields: 'the model is sent nothing of the conversation before this', at: entry.at};
		case 'model':
			return {kind: 'other', type: 'model_changed', fields: `model: ${entry.model}`, at: entry.at};
		case 'checkpoint': {
			const {id, tool, label, database, files, bytes} = entry.checkpoint;
			const saved = [
				...(database ? [database.kind === 'none' ? `database not saved: ${database.note ?? 'not possible here'}` : `database (${database.kind})`] : []),
				...files,
			];
			return {
				kind: 'other',
				type: 'checkpoint_created',
				fields: `${id} before ${tool}: ${label} · saved: ${saved.join(', ') || 'nothing'} · ${formatBytes(bytes)}`,
				at: entry.at,
			};
		}
		case 'checkpoints_dropped':
			return {kind: 'other', type: 'checkpoints_dropped', fields: entry.reason, at: entry.at};
		case 'rewind':
			return {
				kind: 'other',
				type: 'rewound',
				fields: `to ${entry.checkpointId} by ${entry.by === 'user' ? 'the user' : 'pgpair rewind'}: ${entry.report.join(' ')}`,
				at: entry.at,
			};
	}
}

/**
 * The record in the log's order: the fold's entries, and pgpair's own look-ups, which the fold does not carry (they
 * are many and nothing on screen shows them), merged in by sequence number.
 */
function withLookUps(entries: readonly ChatEntry[], events: readonly SessionEvent[]): RecordItem[] {
	const items: RecordItem[] = [];
	let next = 0;
	const lookUps = events.filter(event => event.type === 'internal_call_completed');
	for (const entry of entries) {
		const seq = Number(entry.id.slice(1));
		for (; next < lookUps.length && lookUps[next]!.seq < seq; next++) items.push(lookUpItem(lookUps[next]!));
		items.push(recordItem(entry));
	}
	for (; next < lookUps.length; next++) items.push(lookUpItem(lookUps[next]!));
	return items;
}

function lookUpItem(event: SessionEvent): RecordItem {
	const {purpose, server, tool, input, isError, durationMs} = event as Extract<SessionEvent, {type: 'internal_call_completed'}>;
	return {kind: 'lookup', purpose, server, tool, input, isError, durationMs, at: event.at};
}

/** A look-up as one line of `key: value` fields, for the text records. */
export function lookUpFields(item: Extract<RecordItem, {kind: 'lookup'}>): string {
	const {purpose, server, tool, input, isError, durationMs} = item;
	return Object.entries({purpose, server, tool, input, isError, durationMs})
		.map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
		.join(', ');
}

const BY_LABEL: Record<DecisionSource, string> = {
	user: 'the user',
	rule: 'an allow rule',
	mode: 'the permission mode',
	session: 'an always-allow for the session',
	headless: 'headless mode (nobody to ask)',
	interrupted: 'interruption',
};

/** "allowed by the user after 7.4s", "denied by an allow rule: …", "not decided (the session ended)". */
export function describeDecision(call: CallRecord): string {
	const decided =
		call.decidedBy === undefined || call.decidedAt === undefined
			? undefined
			: {
					decision: call.status === 'denied' ? ('deny' as const) : ('allow' as const),
					by: call.decidedBy,
					at: call.decidedAt,
					...(call.reason ? {reason: call.reason} : {}),
				};
	return describeDecided(decided, call.requestedAt);
}

/** A decision as the log records it; replay hands in the event itself. */
export type Decided = {decision: 'allow' | 'deny'; by: DecisionSource; at: number; reason?: string};

export function describeDecided(decided: Decided | undefined, requestedAt: number): string {
	if (!decided) return 'not decided (the session ended first)';
	const verb = decided.decision === 'allow' ? 'allowed' : 'denied';
	const waited = decided.by === 'user' ? ` after ${formatElapsed(decided.at - requestedAt)}` : '';
	const why = decided.reason ? `: ${decided.reason}` : '';
	return `${verb} by ${BY_LABEL[decided.by] ?? decided.by}${waited}${why}`;
}

/** The outcome of a call in one word, for tables and markers. */
export function callStatus(call: CallRecord): 'denied' | 'pending' | 'succeeded' | 'failed' | 'unfinished' {
	switch (call.status) {
		case 'awaiting_approval':
			return 'pending';
		case 'running':
			// Allowed, and the log ends before its result: whether it took effect is unknown.
			return 'unfinished';
		default:
			return call.status;
	}
}

/** Whether the call was allowed to run (by anyone). */
export function wasAllowed(call: CallRecord): boolean {
	return call.decidedBy !== undefined && call.status !== 'denied';
}

export type ToolInputView = {
	/** The SQL of the call when its input has a `query` (or `sql`) string. */
	sql?: string;
	/** The other arguments as indented JSON; empty when there are none. */
	arguments: string;
};

/** SQL reads best as SQL; everything else as indented JSON. */
/**
 * A call's input as the record shows it. The preview, hazards and banner the person decided on describe the edited
 * call once there is an edit, so the edited input leads (with what happened to it) and the model's proposal follows.
 */
export type CallInputs = {shown: ToolInputView; edit?: {note: string; proposed: ToolInputView}};

export function callInputs(call: CallRecord): CallInputs {
	if (call.editedInput !== undefined)
		return {
			shown: toolInputView(call.editedInput),
			edit: {note: 'Edited by the user before allowing; this is what was decided and ran.', proposed: toolInputView(call.input)},
		};
	// An edit that was previewed and then denied: the preview is the edit's, so the edit is what is shown beside it.
	if (call.preview?.input !== undefined && call.decidedBy !== undefined)
		return {
			shown: toolInputView(call.preview.input),
			edit: {note: 'Edited by the user and previewed, then not allowed; nothing of it ran.', proposed: toolInputView(call.input)},
		};
	return {shown: toolInputView(call.input)};
}

export function toolInputView(input: unknown): ToolInputView {
	if (input && typeof input === 'object' && !Array.isArray(input)) {
		const record = input as Record<string, unknown>;
		const key = typeof record['query'] === 'string' ? 'query' : typeof record['sql'] === 'string' ? 'sql' : undefined;
		if (key) {
			const rest = Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
			return {sql: record[key] as string, arguments: argumentsText(rest)};
		}

		return {arguments: argumentsText(record)};
	}

	return {arguments: safeJson(input)};
}

/** `name: value` lines when every value fits on one short line (the usual case), else indented JSON. */
function argumentsText(record: Record<string, unknown>): string {
	const inline = Object.entries(record).map(([key, value]) => [key, typeof value === 'string' ? value : oneLineJson(value)] as const);
	if (inline.every(([, text]) => text !== undefined && !text.includes('\n') && text.length <= 200))
		return inline.map(([key, text]) => `${key}: ${text}`).join('\n');
	return safeJson(record);
}

function oneLineJson(value: unknown): string | undefined {
	try {
		return JSON.stringify(value);
	} catch {
		return undefined;
	}
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value, null, 2) ?? String(value);
	} catch {
		return String(value);
	}
}

/** The preview of a call as lines of text: summary, hazards, rows affected or the error, then the diff. */
export function previewLines(call: CallRecord): {lines: string[]; diff?: string} | undefined {
	const preview = call.preview;
	if (!preview) return undefined;
	const lines = [`preview: ${preview.summary}`];
	if (preview.hazards.length > 0) lines.push(`hazards: ${preview.hazards.join('; ')}`);
	if (preview.error) lines.push(`dry run failed: ${preview.error}`);
	for (const row of preview.rows ?? []) lines.push(`${row.operation} ${row.table}: ${row.count} row${row.count === 1 ? '' : 's'}`);
	return preview.diff ? {lines, diff: preview.diff} : {lines};
}

export type Truncated = {text: string; hiddenLines: number; hiddenChars: number};

/** A long tool result cut to its first lines and characters, with what was left out counted. */
export function truncateText(text: string, maxLines: number, maxChars: number): Truncated {
	let lines = text.split('\n');
	let hiddenLines = 0;
	if (lines.length > maxLines) {
		hiddenLines = lines.length - maxLines;
		lines = lines.slice(0, maxLines);
	}

	let kept = lines.join('\n');
	let hiddenChars = 0;
	if (kept.length > maxChars) {
		hiddenChars = kept.length - maxChars;
		kept = kept.slice(0, maxChars);
	}

	return {text: kept, hiddenLines, hiddenChars};
}

export function truncationNote({hiddenLines, hiddenChars}: Truncated): string | undefined {
	const parts = [
		hiddenLines > 0 ? `${hiddenLines} more line${hiddenLines === 1 ? '' : 's'}` : '',
		hiddenChars > 0 ? `${hiddenChars.toLocaleString('en')} more characters` : '',
	].filter(Boolean);
	return parts.length > 0 ? `… ${parts.join(', ')}` : undefined;
}

export function formatElapsed(ms: number): string {
	const value = Math.max(0, ms);
	if (value < 1000) return `${Math.round(value)}ms`;
	if (value < 60_000) return `${(value / 1000).toFixed(1)}s`;
	const totalSeconds = Math.round(value / 1000);
	const hours = Math.floor(totalSeconds / 3600);
	const minutes = Math.floor((totalSeconds % 3600) / 60);
	const seconds = totalSeconds % 60;
	return hours > 0 ? `${hours}h ${String(minutes).padStart(2, '0')}m` : `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `YYYY-MM-DD HH:MM:SS` in `timeZone` (an IANA name; the machine's zone when undefined). Built from
 * parts so the output does not depend on the locale's punctuation.
 */
export function formatTimestamp(at: number, timeZone?: string): string {
	const key = timeZone ?? '';
	let formatter = formatters.get(key);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
			...(timeZone ? {timeZone} : {}),
		});
		formatters.set(key, formatter);
	}

	const parts: Record<string, string> = {};
	for (const part of formatter.formatToParts(at)) parts[part.type] = part.value;
	return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}:${parts['second']}`;
}

/** `HH:MM:SS`: the time of day of an event. */
export function formatClock(at: number, timeZone?: string): string {
	return formatTimestamp(at, timeZone).slice(11);
}
