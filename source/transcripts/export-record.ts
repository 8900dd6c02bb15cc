/**
 * A transcript as a readable record: prompts, answers, tool calls with their decision and result,
 * notices and turn ends, plus totals. `replay --print` and the three exports all read this one
 * shape, so they can never disagree about what happened. Pure.
 */
import type {DecisionSource, EventOf, SessionEvent, TurnOutcome} from '../core/events.js';
import {textOf} from '../core/session-state.js';

export type CallRecord = {
	requested: EventOf<'tool_call_requested'>;
	/** What the person saw before deciding: schema diff, rows affected or file diff. */
	previewed?: EventOf<'tool_call_previewed'>;
	decided?: EventOf<'tool_call_decided'>;
	completed?: EventOf<'tool_call_completed'>;
};

export type RecordItem =
	| {kind: 'prompt'; turn: number; text: string; at: number}
	/** `partial`: text that streamed but whose message never completed (crash, cancel mid-stream). */
	| {kind: 'answer'; text: string; at: number; partial: boolean}
	| {kind: 'call'; call: CallRecord; at: number}
	| {kind: 'notice'; level: 'info' | 'warning' | 'error'; text: string; at: number}
	| {kind: 'retry'; attempt: number; maxAttempts: number; delayMs: number; reason: string; at: number}
	| {kind: 'turn_end'; turn: number; outcome: TurnOutcome; error?: string; at: number}
	| {kind: 'checklist'; text: string; state: 'open' | 'done'; by: string; evidence: string; at: number}
	/** An event type this record has no special view for (mode changes, types added later): its fields. */
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

export function sessionRecord(events: readonly SessionEvent[]): SessionRecordView {
	const items: RecordItem[] = [];
	const calls = new Map<string, CallRecord>();
	let turn = 0;
	let inTurn = false;
	let streamed = '';
	let streamedAt = 0;
	const totals: SessionTotals = {
		events: events.length,
		turns: 0,
		toolCalls: 0,
		allowed: 0,
		denied: 0,
		failed: 0,
		decidedByUser: 0,
		inputTokens: 0,
		outputTokens: 0,
		durationMs: 0,
		firstAt: events[0]?.at,
		lastAt: events.at(-1)?.at,
		endsMidTurn: false,
	};

	const flushPartial = () => {
		if (streamed) items.push({kind: 'answer', text: streamed, at: streamedAt, partial: true});
		streamed = '';
	};

	for (const event of events) {
		switch (event.type) {
			case 'user_prompt_submitted':
				flushPartial();
				turn++;
				inTurn = true;
				items.push({kind: 'prompt', turn, text: event.text, at: event.at});
				break;
			case 'model_request_started':
				flushPartial();
				break;
			case 'assistant_text_delta':
				if (!streamed) streamedAt = event.at;
				streamed += event.text;
				break;
			case 'assistant_message_completed': {
				streamed = '';
				const text = textOf(event.content);
				if (text) items.push({kind: 'answer', text, at: event.at, partial: false});
				totals.inputTokens += event.usage.inputTokens;
				totals.outputTokens += event.usage.outputTokens;
				break;
			}

			case 'model_retry_scheduled':
				items.push({kind: 'retry', attempt: event.attempt, maxAttempts: event.maxAttempts, delayMs: event.delayMs, reason: event.reason, at: event.at});
				break;
			case 'tool_call_requested': {
				const call: CallRecord = {requested: event};
				calls.set(event.callId, call);
				totals.toolCalls++;
				items.push({kind: 'call', call, at: event.at});
				break;
			}

			case 'tool_call_decided': {
				const call = calls.get(event.callId);
				if (!call || call.decided) break;
				call.decided = event;
				if (event.decision === 'allow') totals.allowed++;
				else totals.denied++;
				if (event.by === 'user') totals.decidedByUser++;
				break;
			}

			case 'tool_call_completed': {
				const call = calls.get(event.callId);
				if (!call || call.completed) break;
				call.completed = event;
				if (event.isError) totals.failed++;
				break;
			}

			case 'turn_completed':
				flushPartial();
				inTurn = false;
				items.push({kind: 'turn_end', turn, outcome: event.outcome, ...(event.error ? {error: event.error} : {}), at: event.at});
				break;
			case 'notice_shown':
				items.push({kind: 'notice', level: event.level, text: event.text, at: event.at});
				break;
			case 'tool_call_previewed': {
				const call = calls.get(event.callId);
				if (call) call.previewed = event;
				break;
			}

			case 'checklist_item_changed':
				items.push({kind: 'checklist', text: event.text, state: event.state, by: event.by, evidence: event.evidence, at: event.at});
				break;
			case 'tool_call_started':
				break;
			default:
				items.push({kind: 'other', type: (event as {type: string}).type, fields: otherFields(event), at: event.at});
		}
	}

	flushPartial();
	totals.turns = turn;
	totals.endsMidTurn = inTurn;
	totals.durationMs = totals.firstAt === undefined || totals.lastAt === undefined ? 0 : Math.max(0, totals.lastAt - totals.firstAt);
	return {items, totals};
}

function otherFields(event: SessionEvent): string {
	const {type: _type, seq: _seq, at: _at, ...fields} = event as Record<string, unknown>;
	return Object.entries(fields)
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
	return describeDecided(call.decided, call.requested.at);
}

export function describeDecided(decided: EventOf<'tool_call_decided'> | undefined, requestedAt: number): string {
	if (!decided) return 'not decided (the session ended first)';
	const verb = decided.decision === 'allow' ? 'allowed' : 'denied';
	const waited = decided.by === 'user' ? ` after ${formatElapsed(decided.at - requestedAt)}` : '';
	const why = decided.reason ? `: ${decided.reason}` : '';
	return `${verb} by ${BY_LABEL[decided.by] ?? decided.by}${waited}${why}`;
}

/** The outcome of a call in one word, for tables and markers. */
export function callStatus(call: CallRecord): 'allowed' | 'denied' | 'pending' | 'succeeded' | 'failed' | 'unfinished' {
	if (!call.decided) return 'pending';
	if (call.decided.decision === 'deny') return 'denied';
	if (!call.completed) return 'unfinished';
	return call.completed.isError ? 'failed' : 'succeeded';
}

export type ToolInputView = {
	/** The SQL of the call when its input has a `query` (or `sql`) string. */
	sql?: string;
	/** The other arguments as indented JSON; empty when there are none. */
	arguments: string;
};

/** SQL reads best as SQL; everything else as indented JSON. */
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
	const preview = call.previewed?.preview;
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
