/**
 * `pgpair export`: a session as Markdown (a readable record), JSON (the raw events) or one
 * self-contained HTML page. Every format passes through the redactor first: transcripts are redacted
 * when written, but an export may leave the machine, so secrets known now (the current environment)
 * are scrubbed again.
 */
import type {SessionEvent} from '../core/events.js';
import {
	type CallRecord,
	callInputs,
	describeDecision,
	formatClock,
	formatElapsed,
	formatTimestamp,
	lookUpFields,
	previewLines,
	type RecordItem,
	type SessionTotals,
	sessionRecord,
	toolInputView,
	truncateText,
	truncationNote,
	wasAllowed,
} from './export-record.js';
import type {TranscriptHeader} from './format.js';
import {createRedactor, type Redactor} from './redact.js';

export type ExportFormat = 'md' | 'json' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['md', 'json', 'html'];

export type ExportOptions = {
	/** Defaults to `createRedactor()`: built-in rules plus secrets in process.env. */
	redact?: Redactor;
	/** IANA time zone for times; the machine's zone when undefined. */
	timeZone?: string;
	/** Lines of a tool result kept in md/html (default 40; JSON always has everything). */
	resultLines?: number;
	resultChars?: number;
};

export function exportSession(format: ExportFormat, header: TranscriptHeader, events: readonly SessionEvent[], options: ExportOptions = {}): string {
	switch (format) {
		case 'md':
			return exportMarkdown(header, events, options);
		case 'json':
			return exportJson(header, events, options);
		case 'html':
			return exportHtml(header, events, options);
		default: {
			const unhandled: never = format;
			return unhandled;
		}
	}
}

function redacted(header: TranscriptHeader, events: readonly SessionEvent[], options: ExportOptions): {header: TranscriptHeader; events: SessionEvent[]} {
	const redact = options.redact ?? createRedactor();
	return {header: redact(header), events: events.map(event => redact(event))};
}

/** `{"header": …, "events": [...]}`, one event per line so the file stays greppable and diffable. */
export function exportJson(header: TranscriptHeader, events: readonly SessionEvent[], options: ExportOptions = {}): string {
	const clean = redacted(header, events, options);
	const lines = clean.events.map(event => `    ${JSON.stringify(event)}`);
	return `{\n  "header": ${JSON.stringify(clean.header)},\n  "events": [${lines.length > 0 ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

// Markdown

export function exportMarkdown(header: TranscriptHeader, events: readonly SessionEvent[], options: ExportOptions = {}): string {
	const clean = redacted(header, events, options);
	const {items, totals} = sessionRecord(clean.events);
	const tz = options.timeZone;
	const h = clean.header;
	const out: string[] = [
		`# pgpair session ${h.sessionId}`,
		'',
		`- **Agent:** ${h.agent.name} (${inlineCode(h.agent.model)}), from ${inlineCode(h.agent.source)}`,
		`- **Started:** ${formatTimestamp(Date.parse(h.createdAt), tz)}`,
		`- **Workspace:** ${inlineCode(h.cwd)}`,
		`- **Totals:** ${totalsText(totals)}`,
	];
	for (const item of items) out.push('', ...markdownItem(item, options));
	return `${out.join('\n')}\n`;
}

function markdownItem(item: RecordItem, options: ExportOptions): string[] {
	const tz = options.timeZone;
	switch (item.kind) {
		case 'prompt':
			return [`## Turn ${item.turn} · ${formatTimestamp(item.at, tz)}`, '', ...item.text.split('\n').map(line => `> ${line}`.trimEnd())];
		case 'answer':
			return item.partial ? ['*Streamed but never completed:*', '', item.text] : [item.text];
		case 'call':
			return markdownCall(item.call, options);
		case 'notice':
			return [`**${item.level === 'info' ? 'Note' : item.level === 'warning' ? 'Warning' : 'Error'}:** ${item.text}`];
		case 'retry':
			return [`*Retry ${item.attempt}/${item.maxAttempts} in ${formatElapsed(item.delayMs)}: ${item.reason}*`];
		case 'checklist':
			return [`${item.state === 'done' ? '☑' : '☐'} **Checklist:** ${item.text} (${item.by}: ${item.evidence})`];
		case 'lookup':
			return [`*internal_call_completed (${lookUpFields(item)}) at ${formatClock(item.at, tz)}.*`];
		case 'other':
			return [`*${item.type}${item.fields ? ` (${item.fields})` : ''} at ${formatClock(item.at, tz)}.*`];
		case 'turn_end':
			return [`*Turn ${item.turn} ${item.outcome} at ${formatClock(item.at, tz)}${item.error ? `: ${item.error}` : ''}.*`];
		default: {
			const unhandled: never = item;
			return unhandled;
		}
	}
}

function markdownCall(call: CallRecord, options: ExportOptions): string[] {
	const cls = call.classification;
	const lines = [
		`### Tool call ${inlineCode(call.name)}${cls ? ` (${cls.class}${cls.hazards.length > 0 ? `; hazards: ${cls.hazards.join(', ')}` : ''})` : ''}`,
		'',
	];
	const {shown: input, edit} = callInputs(call);
	if (edit) lines.push(`*${edit.note}*`, '');
	if (input.arguments) lines.push(fenced(input.arguments, 'text'), '');
	if (input.sql !== undefined) lines.push(fenced(input.sql.trim(), 'sql'), '');
	if (edit) {
		const {proposed} = edit;
		lines.push('*The model proposed:*', '');
		if (proposed.arguments) lines.push(fenced(proposed.arguments, 'text'), '');
		if (proposed.sql !== undefined) lines.push(fenced(proposed.sql.trim(), 'sql'), '');
	}
	const violations = cls?.violations ?? [];
	if (violations.length > 0) lines.push("**Forbidden by the agent's rules:**", '', ...violations.map(v => `- ✖ ${v}`), '');
	const preview = previewLines(call);
	if (preview) {
		lines.push(...preview.lines.map(line => `*${line}*`), '');
		if (preview.diff) lines.push(fenced(preview.diff.trimEnd(), 'diff'), '');
	}

	lines.push(`**Decision:** ${describeDecision(call)}`);
	if (call.feedback) lines.push('', `**Feedback:** ${call.feedback}`);
	if (call.result !== undefined) {
		const cut = truncateText(call.result, options.resultLines ?? 40, options.resultChars ?? 8000);
		lines.push('', `**${call.status === 'failed' ? 'Error' : 'Result'}** (${formatElapsed(call.durationMs ?? 0)}):`, '', fenced(cut.text, 'text'));
		const note = truncationNote(cut);
		if (note) lines.push('', `*${note}*`);
	}

	return lines;
}

function fenced(text: string, language: string): string {
	const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map(run => run.length));
	const fence = '`'.repeat(Math.max(3, longest + 1));
	return `${fence}${language}\n${text}\n${fence}`;
}

function inlineCode(text: string): string {
	const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map(run => run.length));
	const ticks = '`'.repeat(longest + 1);
	const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
	return `${ticks}${pad}${text}${pad}${ticks}`;
}

function totalsText(totals: SessionTotals): string {
	return [
		`${totals.turns} turn${totals.turns === 1 ? '' : 's'}`,
		`${totals.toolCalls} tool call${totals.toolCalls === 1 ? '' : 's'} (${totals.allowed} allowed, ${totals.denied} denied, ${totals.failed} failed; ${totals.decidedByUser} decided by the user)`,
		`tokens ${totals.inputTokens.toLocaleString('en')} in / ${totals.outputTokens.toLocaleString('en')} out`,
		formatElapsed(totals.durationMs),
		`${totals.events.toLocaleString('en')} events`,
		...(totals.endsMidTurn ? ['ends inside a turn (pgpair stopped before it finished)'] : []),
	].join(' · ');
}

// HTML

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --dim: #656d76; --user: #0969da; --tool: #8250df; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --code: #f6f8fa; --line: #d0d7de; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --dim: #8d96a0; --user: #4493f8; --tool: #ab7df8; --ok: #3fb950; --bad: #f85149; --warn: #d29922; --code: #161b22; --line: #30363d; } }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); max-width: 60rem; margin: 2rem auto; padding: 0 1rem; overflow-wrap: anywhere; }
h1 { font-size: 1.4rem; margin-bottom: .25rem; }
h2 { font-size: 1.1rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; color: var(--dim); }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.prompt { border-left: 3px solid var(--user); padding: .25rem .75rem; color: var(--user); white-space: pre-wrap; }
.answer { white-space: pre-wrap; margin: .75rem 0; }
.partial { color: var(--warn); font-style: italic; }
.call { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: .75rem 0; }
.call .name { color: var(--tool); font-family: ui-monospace, monospace; font-weight: 600; }
.class { color: var(--dim); }
.allowed { color: var(--ok); }
.denied, .error { color: var(--bad); }
.notice { color: var(--dim); }
.notice.warning { color: var(--warn); }
.notice.error { color: var(--bad); }
.turn-end { color: var(--dim); font-style: italic; }
details.lookup { color: var(--dim); margin: .5rem 0; }
details.lookup summary { cursor: pointer; }
pre.diff .added { color: var(--ok); }
pre.diff .removed { color: var(--bad); }
pre.diff .hunk { color: var(--dim); }
pre { background: var(--code); padding: .5rem .75rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
footer { margin-top: 2rem; color: var(--dim); border-top: 1px solid var(--line); padding-top: .5rem; }
`;

export function escapeHtml(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/**
 * One page with its CSS inline and a Content-Security-Policy that loads nothing: no scripts, no
 * external URLs, so opening an exported session can never reach the network.
 */
export function exportHtml(header: TranscriptHeader, events: readonly SessionEvent[], options: ExportOptions = {}): string {
	const clean = redacted(header, events, options);
	const {items, totals} = sessionRecord(clean.events);
	const tz = options.timeZone;
	const h = clean.header;
	const body = items.map(item => htmlItem(item, options)).join('\n');
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pgpair session ${escapeHtml(h.sessionId)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>pgpair session ${escapeHtml(h.sessionId)}</h1>
<dl class="meta">
<dt>Agent</dt><dd>${escapeHtml(`${h.agent.name} (${h.agent.model}), from ${h.agent.source}`)}</dd>
<dt>Started</dt><dd>${escapeHtml(formatTimestamp(Date.parse(h.createdAt), tz))}</dd>
<dt>Workspace</dt><dd>${escapeHtml(h.cwd)}</dd>
</dl>
${body}
<footer>${escapeHtml(totalsText(totals))}</footer>
</body>
</html>
`;
}

function htmlItem(item: RecordItem, options: ExportOptions): string {
	const tz = options.timeZone;
	switch (item.kind) {
		case 'prompt':
			return `<h2>Turn ${item.turn} · ${escapeHtml(formatTimestamp(item.at, tz))}</h2>\n<div class="prompt">${escapeHtml(item.text)}</div>`;
		case 'answer':
			return item.partial
				? `<div class="answer"><span class="partial">Streamed but never completed:</span>\n${escapeHtml(item.text)}</div>`
				: `<div class="answer">${escapeHtml(item.text)}</div>`;
		case 'call':
			return htmlCall(item.call, options);
		case 'notice':
			return `<p class="notice ${item.level}">${item.level === 'info' ? 'ℹ' : '⚠'} ${escapeHtml(item.text)}</p>`;
		case 'retry':
			return `<p class="notice warning">↻ Retry ${item.attempt}/${item.maxAttempts} in ${escapeHtml(formatElapsed(item.delayMs))}: ${escapeHtml(item.reason)}</p>`;
		case 'checklist':
			return `<p class="checklist ${item.state === 'done' ? 'allowed' : 'notice warning'}">${item.state === 'done' ? '☑' : '☐'} Checklist: ${escapeHtml(`${item.text} (${item.by}: ${item.evidence})`)}</p>`;
		case 'lookup':
			return htmlLookUp(item, tz);
		case 'other':
			return `<p class="notice">${escapeHtml(`${item.type}${item.fields ? ` (${item.fields})` : ''} at ${formatClock(item.at, tz)}`)}</p>`;
		case 'turn_end':
			return `<p class="turn-end">Turn ${item.turn} ${escapeHtml(item.outcome)} at ${escapeHtml(formatClock(item.at, tz))}${item.error ? `: ${escapeHtml(item.error)}` : ''}.</p>`;
		default: {
			const unhandled: never = item;
			return unhandled;
		}
	}
}

/**
 * Each line of a unified diff in a span of its kind, so added and removed lines read as in the terminal. The
 * `---`/`+++` file lines come only before the first hunk: after it, `--- x` is a removed line `-- x`.
 */
function htmlDiff(diff: string): string {
	let inHunk = false;
	return diff
		.split('\n')
		.map(line => {
			if (line.startsWith('@@')) inHunk = true;
			const header = line.startsWith('@@') || (!inHunk && (line.startsWith('---') || line.startsWith('+++')));
			const kind = header ? 'hunk' : line.startsWith('+') ? 'added' : line.startsWith('-') ? 'removed' : '';
			return kind ? `<span class="${kind}">${escapeHtml(line)}</span>` : escapeHtml(line);
		})
		.join('\n');
}

/**
 * pgpair's own look-ups (the checklist's reads) outnumber the conversation and carry long SQL: folded to one line
 * each, opened on a click (no script needed).
 */
function htmlLookUp(item: Extract<RecordItem, {kind: 'lookup'}>, tz: string | undefined): string {
	const outcome = `${item.isError ? 'failed' : 'ran'} in ${formatElapsed(item.durationMs)}`;
	const summary = `pgpair's own look-up for the ${item.purpose}: ${item.server} ${item.tool}, ${outcome}, at ${formatClock(item.at, tz)}`;
	const input = toolInputView(item.input);
	const body = [input.sql?.trim(), input.arguments].filter(text => text !== undefined && text !== '').join('\n\n');
	return `<details class="lookup"><summary>${escapeHtml(summary)}</summary>\n<pre>${escapeHtml(body || '(no arguments)')}</pre></details>`;
}

function htmlCall(call: CallRecord, options: ExportOptions): string {
	const cls = call.classification;
	const parts = [
		`<section class="call">`,
		`<div><span class="name">${escapeHtml(call.name)}</span>${cls ? ` <span class="class">[${escapeHtml(cls.class)}${cls.hazards.length > 0 ? `; hazards: ${escapeHtml(cls.hazards.join(', '))}` : ''}]</span>` : ''}</div>`,
	];
	const {shown: input, edit} = callInputs(call);
	if (edit) parts.push(`<p class="notice warning">${escapeHtml(edit.note)}</p>`);
	if (input.arguments) parts.push(`<pre class="arguments">${escapeHtml(input.arguments)}</pre>`);
	if (input.sql !== undefined) parts.push(`<pre class="sql">${escapeHtml(input.sql.trim())}</pre>`);
	if (edit) {
		const {proposed} = edit;
		parts.push('<details class="proposed" open><summary>The model proposed</summary>');
		if (proposed.arguments) parts.push(`<pre class="arguments">${escapeHtml(proposed.arguments)}</pre>`);
		if (proposed.sql !== undefined) parts.push(`<pre class="sql">${escapeHtml(proposed.sql.trim())}</pre>`);
		parts.push('</details>');
	}
	const violations = cls?.violations ?? [];
	if (violations.length > 0)
		parts.push(
			`<div class="forbidden"><p class="denied">Forbidden by the agent's rules:</p><ul>${violations.map(v => `<li>✖ ${escapeHtml(v)}</li>`).join('')}</ul></div>`,
		);
	const preview = previewLines(call);
	if (preview) {
		parts.push(...preview.lines.map(line => `<p class="notice warning">${escapeHtml(line)}</p>`));
		if (preview.diff) parts.push(`<pre class="diff">${htmlDiff(preview.diff.trimEnd())}</pre>`);
	}
	parts.push(`<p class="decision ${wasAllowed(call) ? 'allowed' : 'denied'}">${escapeHtml(describeDecision(call))}</p>`);
	if (call.feedback) parts.push(`<p>Feedback: ${escapeHtml(call.feedback)}</p>`);
	if (call.result !== undefined) {
		const failed = call.status === 'failed';
		const cut = truncateText(call.result, options.resultLines ?? 40, options.resultChars ?? 8000);
		const note = truncationNote(cut);
		parts.push(
			`<pre class="result${failed ? ' error' : ''}">${escapeHtml(cut.text)}</pre>`,
			`<p class="class">${escapeHtml(`${failed ? 'failed' : 'succeeded'} in ${formatElapsed(call.durationMs ?? 0)}${note ? ` · ${note}` : ''}`)}</p>`,
		);
	}

	parts.push('</section>');
	return parts.join('\n');
}
