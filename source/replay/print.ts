/**
 * `pgpair replay --print`: a whole session as plain text, for CI logs and pipes. No ANSI codes unless
 * asked for, so the output diffs cleanly against a golden file.
 */
import type {SessionEvent} from '../core/events.js';
import {
	type CallRecord,
	callInputs,
	callStatus,
	describeDecision,
	formatClock,
	formatElapsed,
	formatTimestamp,
	lookUpFields,
	previewLines,
	type RecordItem,
	type SessionTotals,
	sessionRecord,
	truncateText,
	truncationNote,
	wasAllowed,
} from '../transcripts/export-record.js';
import type {TranscriptHeader} from '../transcripts/format.js';

export type PrintOptions = {
	/** ANSI colours (`--color`). */
	color?: boolean;
	/** IANA time zone for times; the machine's zone when undefined (tests pin `UTC`). */
	timeZone?: string;
	/** Reader warnings (skipped lines), listed after the header. */
	warnings?: readonly string[];
	/** Lines of a tool result shown before it is cut (default 12). */
	resultLines?: number;
	/** Characters of a tool result shown before it is cut (default 2000). */
	resultChars?: number;
};

type Paint = (text: string) => string;
type Palette = Record<'bold' | 'dim' | 'user' | 'tool' | 'ok' | 'warn' | 'error', Paint>;

const plain: Paint = text => text;
const ansi =
	(open: number, close: number): Paint =>
	text =>
		text ? `\u001B[${open}m${text}\u001B[${close}m` : text;
const PLAIN: Palette = {bold: plain, dim: plain, user: plain, tool: plain, ok: plain, warn: plain, error: plain};
const COLOR: Palette = {
	bold: ansi(1, 22),
	dim: ansi(90, 39),
	user: ansi(36, 39),
	tool: ansi(35, 39),
	ok: ansi(32, 39),
	warn: ansi(33, 39),
	error: ansi(31, 39),
};

const RULE_WIDTH = 72;

export function renderTranscriptText(header: TranscriptHeader, events: readonly SessionEvent[], options: PrintOptions = {}): string {
	const paint = options.color ? COLOR : PLAIN;
	const {items, totals} = sessionRecord(events);
	const out: string[] = [];
	const tz = options.timeZone;

	out.push(paint.bold(`pgpair session ${header.sessionId}`));
	out.push(`agent    ${header.agent.name} (${header.agent.model}) from ${header.agent.source}`);
	out.push(`started  ${formatTimestamp(Date.parse(header.createdAt), tz)}`);
	out.push(`cwd      ${header.cwd}`);
	for (const warning of options.warnings ?? []) out.push(paint.warn(`warning  ${warning}`));

	for (const item of items) out.push('', ...renderItem(item, paint, options));

	out.push('', paint.dim('═'.repeat(RULE_WIDTH)), footer(totals));
	return `${out.join('\n')}\n`;
}

function renderItem(item: RecordItem, paint: Palette, options: PrintOptions): string[] {
	const tz = options.timeZone;
	switch (item.kind) {
		case 'prompt': {
			const title = `━━ turn ${item.turn} · ${formatTimestamp(item.at, tz)} `;
			return [paint.bold(title.padEnd(RULE_WIDTH, '━')), ...prefixLines(item.text, '> ', '  ').map(line => paint.user(line))];
		}

		case 'answer':
			return item.partial ? [paint.warn('(streamed, never completed)'), item.text] : [item.text];
		case 'call':
			return renderCall(item.call, paint, options);
		case 'notice': {
			const mark = item.level === 'info' ? 'ℹ' : '⚠';
			const color = item.level === 'error' ? paint.error : item.level === 'warning' ? paint.warn : paint.dim;
			return [color(`${mark} ${item.text}`)];
		}

		case 'retry':
			return [paint.warn(`↻ retry ${item.attempt}/${item.maxAttempts} in ${formatElapsed(item.delayMs)}: ${item.reason}`)];
		case 'turn_end': {
			const text = item.outcome === 'completed' ? `turn ${item.turn} completed` : `turn ${item.turn} ${item.outcome}${item.error ? `: ${item.error}` : ''}`;
			const color = item.outcome === 'completed' ? paint.dim : item.outcome === 'cancelled' ? paint.warn : paint.error;
			return [color(`── ${text} · ${formatClock(item.at, tz)}`)];
		}

		case 'checklist':
			return [(item.state === 'done' ? paint.ok : paint.warn)(`${item.state === 'done' ? '☑' : '☐'} checklist: ${item.text} (${item.by}: ${item.evidence})`)];
		case 'lookup':
			return [paint.dim(`· internal_call_completed (${lookUpFields(item)}) · ${formatClock(item.at, tz)}`)];
		case 'other':
			return [paint.dim(`· ${item.type}${item.fields ? ` (${item.fields})` : ''} · ${formatClock(item.at, tz)}`)];
		default: {
			const unhandled: never = item;
			return unhandled;
		}
	}
}

function renderCall(call: CallRecord, paint: Palette, options: PrintOptions): string[] {
	const status = callStatus(call);
	const cls = call.classification;
	const lines = [
		`${paint.tool(`▸ ${call.name}`)}${cls ? ` [${cls.class}${cls.hazards.length > 0 ? `; hazards: ${cls.hazards.join(', ')}` : ''}]` : ''} · ${formatClock(call.requestedAt, options.timeZone)}`,
	];
	const {shown: input, edit} = callInputs(call);
	if (edit) lines.push(paint.warn(`    ${edit.note}`));
	if (input.arguments) lines.push(...indent(input.arguments, '    '));
	if (input.sql !== undefined) lines.push('    SQL:', ...indent(input.sql.trim(), '      '));
	if (edit) {
		const {proposed} = edit;
		lines.push(paint.dim('    the model proposed:'));
		if (proposed.arguments) lines.push(...indent(proposed.arguments, '      ').map(line => paint.dim(line)));
		if (proposed.sql !== undefined) lines.push(...indent(proposed.sql.trim(), '      ').map(line => paint.dim(line)));
	}
	const violations = cls?.violations ?? [];
	if (violations.length > 0) lines.push(paint.error("    forbidden by the agent's rules:"), ...violations.map(v => paint.error(`      ✖ ${v}`)));
	const preview = previewLines(call);
	if (preview) {
		lines.push(...preview.lines.map(line => paint.warn(`    ${line}`)));
		if (preview.diff)
			lines.push(
				...indent(preview.diff.trimEnd(), '      ').map(line => (/^\s+\+/.test(line) ? paint.ok(line) : /^\s+-/.test(line) ? paint.error(line) : line)),
			);
	}

	const decisionColor = status === 'denied' || status === 'pending' ? paint.error : paint.ok;
	lines.push(decisionColor(`  ${wasAllowed(call) ? '✓' : '⊘'} ${describeDecision(call)}`));
	if (call.feedback) lines.push(`    feedback: ${call.feedback}`);

	if (call.result !== undefined) {
		const failed = call.status === 'failed';
		const cut = truncateText(call.result, options.resultLines ?? 12, options.resultChars ?? 2000);
		const color = failed ? paint.error : plain;
		lines.push(...prefixLines(cut.text, failed ? '  ✗ ' : '  ⎿ ', '    ').map(line => color(line)));
		const note = truncationNote(cut);
		if (note) lines.push(paint.dim(`    ${note}`));
		lines.push(paint.dim(`    ${formatElapsed(call.durationMs ?? 0)}`));
	} else if (status === 'unfinished') {
		lines.push(paint.warn('  … no result recorded (the session ended while it ran)'));
	}

	return lines;
}

function footer(totals: SessionTotals): string {
	const parts = [
		`${totals.turns} turn${totals.turns === 1 ? '' : 's'}`,
		`${totals.toolCalls} tool call${totals.toolCalls === 1 ? '' : 's'} (${totals.allowed} allowed, ${totals.denied} denied, ${totals.failed} failed; ${totals.decidedByUser} decided by the user)`,
		`tokens ${totals.inputTokens.toLocaleString('en')} in / ${totals.outputTokens.toLocaleString('en')} out`,
		formatElapsed(totals.durationMs),
		`${totals.events.toLocaleString('en')} events`,
	];
	return `${parts.join(' · ')}${totals.endsMidTurn ? '\nThe transcript ends inside a turn (pgpair stopped before it finished).' : ''}`;
}

function indent(text: string, prefix: string): string[] {
	return text.split('\n').map(line => `${prefix}${line}`);
}

/** The first line gets `first`, the rest `rest`: a marker followed by aligned continuation lines. */
function prefixLines(text: string, first: string, rest: string): string[] {
	return text.split('\n').map((line, i) => `${i === 0 ? first : rest}${line}`);
}
