/**
 * Reading transcripts back: the tolerant full reader used by replay and resume, and the cheap
 * summaries behind `--list`, `--resume <id>` and `--continue`. A damaged line never stops a read;
 * it becomes a warning naming its line number. Only a missing or unreadable header is an error.
 */
import {existsSync} from 'node:fs';
import {readdir, readFile, stat} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import type {SessionEvent} from '../core/events.js';
import {
	type AgentInfo,
	checkEvent,
	parseHeader,
	parseTranscriptFileName,
	sessionIdTime,
	TranscriptError,
	type TranscriptHeader,
	upgradeEvent,
} from './format.js';
import {type Line, readFirstLineSync, readLines} from './lines.js';

export type Transcript = {
	header: TranscriptHeader;
	/** Valid events in file order, ready for `reduceSession`. */
	events: SessionEvent[];
	/** One per skipped or suspicious line, each starting `line <n>:`. */
	warnings: string[];
};

export async function readTranscript(path: string): Promise<Transcript> {
	let header: TranscriptHeader | undefined;
	const events: SessionEvent[] = [];
	const warnings: string[] = [];
	let lastSeq = 0;
	for await (const batch of readLines(path)) {
		for (const line of batch) {
			if (header === undefined) {
				header = withPath(path, () => parseHeader(line.text));
				continue;
			}

			const event = parseEventLine(line, header.version, warnings);
			if (event === undefined) continue;
			if (event.seq <= lastSeq) warnings.push(`line ${line.number}: seq ${event.seq} does not follow ${lastSeq} (two writers?)`);
			lastSeq = event.seq;
			events.push(event);
		}
	}

	if (header === undefined) throw new TranscriptError(`${path}: not a pgpair transcript: the file is empty`);
	return {header, events, warnings};
}

/** The event on this line, or undefined after recording why it was skipped. Blank lines are silent. */
function parseEventLine(line: Line, version: number, warnings: string[]): SessionEvent | undefined {
	if (line.text.trim() === '') return undefined;
	let raw: unknown;
	try {
		raw = JSON.parse(line.text);
	} catch {
		warnings.push(
			line.terminated
				? `line ${line.number}: not valid JSON (a write interrupted before a resume?), skipped: ${damagedLineContent(line.text)}`
				: `line ${line.number}: torn last line (no newline at the end: pgpair stopped mid-write), skipped: ${damagedLineContent(line.text)}`,
		);
		return undefined;
	}

	const check = checkEvent(upgradeEvent(version, raw));
	if (!check.ok) {
		warnings.push(`line ${line.number}: ${check.reason}, skipped`);
		return undefined;
	}

	return check.event;
}

/**
 * What a line that does not parse held, as far as it can be told: its event type and number are written first, so
 * they usually survive a torn write. Never the text itself, which may be half an escape sequence.
 */
export function damagedLineContent(text: string): string {
	const type = /^\{"type":"([a-z_]+)"/.exec(text)?.[1];
	const seq = /"seq":(\d+)/.exec(text)?.[1];
	const size = `${Buffer.byteLength(text, 'utf8').toLocaleString('en')} bytes`;
	if (!type) return `${size} with no event type left to read`;
	return `part of a${/^[aeiou]/.test(type) ? 'n' : ''} ${type} event (${seq === undefined ? '' : `seq ${seq}, `}${size})`;
}

function withPath<T>(path: string, read: () => T): T {
	try {
		return read();
	} catch (error) {
		if (error instanceof TranscriptError) throw new TranscriptError(`${path}: ${error.message}`);
		throw error;
	}
}

export type SessionSummary = {
	id: string;
	path: string;
	/** ISO 8601, from the header. */
	createdAt: string;
	cwd: string;
	agent: AgentInfo;
	/** The first prompt, cut to FIRST_PROMPT_CHARS; undefined if none was submitted. */
	firstPrompt: string | undefined;
	turns: number;
	/**
	 * The decisions the transcript records, allowed and denied, by anyone (the person, a rule, headless mode, a
	 * cancelled turn), except the calls the permission mode let run unasked (reads; edits in acceptEdits).
	 */
	approvals: {allowed: number; denied: number};
	/** From the header's createdAt to the last event's time. */
	durationMs: number;
	sizeBytes: number;
};

export const FIRST_PROMPT_CHARS = 200;
const LIST_CONCURRENCY = 16;

/** A file named like a transcript whose header cannot be read: listed with the reason, never silently left out. */
export type UnreadableTranscript = {
	/** From the file name. */
	id: string;
	path: string;
	/** Why it cannot be read, without the path: "not a pgpair transcript: the file is empty", "permission denied". */
	reason: string;
	/** When the session started as far as its name tells (its id, to the minute; else its day), ms since the epoch. */
	startedAt: number | undefined;
	/** Undefined when the file cannot even be looked at. */
	sizeBytes: number | undefined;
};

export type TranscriptListing = {
	/** Newest first. */
	sessions: SessionSummary[];
	/** Newest first. */
	unreadable: UnreadableTranscript[];
};

/** Sessions in `dir`, newest first, and the transcripts in it that cannot be read, each with the reason. */
export async function listTranscripts(dir: string): Promise<TranscriptListing> {
	const paths = await transcriptPaths(dir);
	const sessions: SessionSummary[] = [];
	const unreadable: UnreadableTranscript[] = [];
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < paths.length) {
			const path = paths[next++]!;
			try {
				sessions.push(await summarize(path));
			} catch (error) {
				unreadable.push(await unreadableTranscript(path, error));
			}
		}
	};

	await Promise.all(Array.from({length: Math.min(LIST_CONCURRENCY, paths.length)}, worker));
	return {sessions: sessions.sort(newestFirst), unreadable: unreadable.sort((a, b) => basename(b.path).localeCompare(basename(a.path)))};
}

/** The readable sessions in `dir`, newest first (see listTranscripts for the others). */
export async function listSessions(dir: string): Promise<SessionSummary[]> {
	return (await listTranscripts(dir)).sessions;
}

async function unreadableTranscript(path: string, error: unknown): Promise<UnreadableTranscript> {
	const name = parseTranscriptFileName(basename(path));
	const size = await stat(path).then(
		info => (info.isFile() ? info.size : undefined),
		() => undefined,
	);
	return {
		id: name?.id ?? basename(path),
		path,
		reason: unreadableReason(path, error),
		startedAt: name ? (sessionIdTime(name.id) ?? localDay(name.date)) : undefined,
		sizeBytes: size,
	};
}

function localDay(date: string): number | undefined {
	const at = new Date(`${date}T00:00:00`).getTime();
	return Number.isNaN(at) ? undefined : at;
}

/** The reason alone: the path is shown beside it. */
function unreadableReason(path: string, error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	if (code === 'EISDIR') return 'a directory, not a file';
	const message = error instanceof Error ? error.message : String(error);
	return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/**
 * `--continue` found a newer transcript than the session it would continue, and cannot read it. Continuing the
 * older one in its place would go on from the wrong conversation without saying so; the caller says what to do.
 */
export class NewestSessionUnreadableError extends TranscriptError {
	override name = 'NewestSessionUnreadableError';
	constructor(
		readonly newest: UnreadableTranscript,
		/** The newest readable session of the workspace, older than `newest`. */
		readonly older: SessionSummary | undefined,
	) {
		super(`the newest session in ${dirname(newest.path)}, ${basename(newest.path)}, cannot be read: ${newest.reason}`);
	}
}

/** A saved session as a picker lists it: summarised, or unreadable (no valid header) with the reason. */
export type SessionListing =
	| {kind: 'readable'; summary: SessionSummary}
	/** `startedAt`: from the id's time part, when the file's name holds a pgpair id (ms since the epoch). */
	| {kind: 'unreadable'; id: string; path: string; startedAt: number | undefined; error: string};

/**
 * The sessions of the workspace `cwd` in `dir`, newest first: those whose header names `cwd` (as `--continue` picks
 * from), and the files whose header cannot be read, which cannot say where they belong and are listed so that a
 * session does not silently vanish from the list.
 */
export async function listWorkspaceSessions(dir: string, cwd: string): Promise<SessionListing[]> {
	const wanted = resolve(cwd);
	const {sessions, unreadable} = await listTranscripts(dir);
	const listings: Array<SessionListing & {time: number}> = [
		...sessions.filter(summary => resolve(summary.cwd) === wanted).map(summary => ({kind: 'readable' as const, summary, time: Date.parse(summary.createdAt)})),
		...unreadable.map(file => ({
			kind: 'unreadable' as const,
			id: file.id,
			path: file.path,
			startedAt: file.startedAt,
			error: file.reason,
			time: file.startedAt ?? 0,
		})),
	];
	return listings.sort((a, b) => b.time - a.time || (pathOf(a) < pathOf(b) ? 1 : -1)).map(({time: _time, ...listing}) => listing as SessionListing);
}

function pathOf(listing: SessionListing): string {
	return listing.kind === 'readable' ? listing.summary.path : listing.path;
}

/**
 * Resolves what a person typed after `--resume`: a path to a file, a file name in `dir`, or a
 * prefix of a session id. Throws TranscriptError when nothing or more than one session matches.
 */
export async function findSession(dir: string, idOrPath: string): Promise<SessionSummary> {
	const query = idOrPath.trim();
	if (query === '') throw new TranscriptError('no session id given');
	if (query.includes('/') || query.includes('\\') || query.endsWith('.jsonl')) {
		const path = [resolve(query), resolve(dir, query)].find(candidate => existsSync(candidate));
		if (!path) throw new TranscriptError(`no transcript at ${query}`);
		return summarize(path);
	}

	const paths = await transcriptPaths(dir);
	const matches = paths.filter(path => {
		const name = basename(path);
		return parseTranscriptFileName(name)?.id.startsWith(query) || name.startsWith(query);
	});
	if (matches.length === 0) throw new TranscriptError(`no session matching "${query}" in ${dir}`);
	if (matches.length > 1) {
		const names = matches
			.slice(0, 5)
			.map(path => basename(path))
			.join(', ');
		throw new TranscriptError(`"${query}" matches ${matches.length} sessions (${names}${matches.length > 5 ? ', …' : ''}); type more of the id`);
	}

	return summarize(matches[0]!);
}

/**
 * The most recently started session whose header cwd is `cwd`, for `--continue`. Throws NewestSessionUnreadableError
 * when a transcript named as started later cannot be read: whose it is cannot be told, so it may be the one meant.
 */
export async function latestSession(dir: string, cwd: string): Promise<SessionSummary | undefined> {
	const wanted = resolve(cwd);
	let best: {path: string; createdAt: number} | undefined;
	let newestUnreadable: {path: string; error: unknown} | undefined;
	// Headers only: one small read per file. File names sort by start (the date, then the id's minutes).
	for (const path of await transcriptPaths(dir)) {
		let header: TranscriptHeader;
		try {
			header = parseHeader(readFirstLineSync(path));
		} catch (error) {
			newestUnreadable = {path, error};
			continue;
		}

		const createdAt = Date.parse(header.createdAt);
		if (resolve(header.cwd) === wanted && (!best || createdAt > best.createdAt)) best = {path, createdAt};
	}

	const summary = best ? await summarize(best.path) : undefined;
	if (newestUnreadable && (!best || basename(newestUnreadable.path) > basename(best.path))) {
		throw new NewestSessionUnreadableError(await unreadableTranscript(newestUnreadable.path, newestUnreadable.error), summary);
	}

	return summary;
}

/**
 * The prompts of the sessions started in `cwd` (each file but `exclude`, this session's own), oldest first: the
 * `limit` most recent of them, for ↑ in the prompt. Newest sessions first, one header read per file to pick them,
 * then only the lines that hold a prompt are parsed, and reading stops once `limit` prompts are found or
 * `maxFiles` sessions were read. A file that cannot be read is left out.
 */
export async function recentPrompts(dir: string, cwd: string, options: {exclude?: string; limit?: number; maxFiles?: number} = {}): Promise<string[]> {
	const {limit = 100, maxFiles = 50} = options;
	const wanted = resolve(cwd);
	const excluded = options.exclude === undefined ? undefined : resolve(options.exclude);
	const sessions: {path: string; createdAt: number}[] = [];
	for (const path of await transcriptPaths(dir)) {
		if (resolve(path) === excluded) continue;
		try {
			const header = parseHeader(readFirstLineSync(path));
			if (resolve(header.cwd) === wanted) sessions.push({path, createdAt: Date.parse(header.createdAt)});
		} catch {
			// Not a transcript of ours, or unreadable: nothing to recall from it.
		}
	}

	sessions.sort((a, b) => b.createdAt - a.createdAt);
	const newestFirst: string[][] = [];
	let found = 0;
	for (const {path} of sessions.slice(0, maxFiles)) {
		if (found >= limit) break;
		const prompts = await promptsOf(path).catch(() => []);
		newestFirst.push(prompts);
		found += prompts.length;
	}

	return newestFirst.reverse().flat().slice(-limit);
}

const PROMPT_TYPE = '"user_prompt_submitted"';

async function promptsOf(path: string): Promise<string[]> {
	const prompts: string[] = [];
	for await (const batch of readLines(path)) {
		for (const line of batch) {
			if (!line.text.includes(PROMPT_TYPE)) continue;
			let event: {type?: unknown; text?: unknown};
			try {
				event = JSON.parse(line.text);
			} catch {
				continue;
			}

			if (event?.type === 'user_prompt_submitted' && typeof event.text === 'string') prompts.push(event.text);
		}
	}

	return prompts;
}

async function transcriptPaths(dir: string): Promise<string[]> {
	let names: string[];
	try {
		names = await readdir(dir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}

	return names
		.filter(name => parseTranscriptFileName(name))
		.sort()
		.map(name => join(dir, name));
}

function newestFirst(a: SessionSummary, b: SessionSummary): number {
	return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.path < b.path ? 1 : -1);
}

const NEWLINE = 0x0a;
const PROMPT_TOKEN = Buffer.from('"user_prompt_submitted"');
const DECIDED_TOKEN = Buffer.from('"tool_call_decided"');

/**
 * Summarises one file without parsing every event: the type names are searched as bytes (a JSON
 * string value equal to the token cannot occur inside another string, where quotes are escaped),
 * and only the lines that contain them, the header and the last event are parsed.
 */
async function summarize(path: string): Promise<SessionSummary> {
	const bytes = await readFile(path);
	const headerEnd = bytes.indexOf(NEWLINE);
	const header = withPath(path, () => parseHeader(bytes.subarray(0, headerEnd === -1 ? bytes.length : headerEnd).toString('utf8')));

	let turns = 0;
	let firstPrompt: string | undefined;
	for (const event of eventsContaining(bytes, PROMPT_TOKEN)) {
		if (event['type'] !== 'user_prompt_submitted') continue;
		turns++;
		if (firstPrompt === undefined && typeof event['text'] === 'string') firstPrompt = truncate(event['text'], FIRST_PROMPT_CHARS);
	}

	const approvals = {allowed: 0, denied: 0};
	for (const event of eventsContaining(bytes, DECIDED_TOKEN)) {
		if (event['type'] !== 'tool_call_decided') continue;
		if (event['decision'] === 'deny') approvals.denied++;
		else if (event['decision'] === 'allow' && event['by'] !== 'mode') approvals.allowed++;
	}

	const createdAt = Date.parse(header.createdAt);
	const lastAt = lastEventTime(bytes, headerEnd);
	return {
		id: header.sessionId,
		path,
		createdAt: header.createdAt,
		cwd: header.cwd,
		agent: header.agent,
		firstPrompt,
		turns,
		approvals,
		durationMs: lastAt === undefined ? 0 : Math.max(0, lastAt - createdAt),
		sizeBytes: bytes.length,
	};
}

function* eventsContaining(bytes: Buffer, token: Buffer): Generator<Record<string, unknown>> {
	let lineEnd = -1;
	for (let hit = bytes.indexOf(token); hit !== -1; hit = bytes.indexOf(token, Math.max(hit + 1, lineEnd + 1))) {
		const start = bytes.lastIndexOf(NEWLINE, hit) + 1;
		lineEnd = bytes.indexOf(NEWLINE, hit);
		if (lineEnd === -1) lineEnd = bytes.length;
		const event = parseObject(bytes.subarray(start, lineEnd));
		if (event) yield event;
	}
}

/** The `at` of the last line that parses: a torn last line falls back to the one before. */
function lastEventTime(bytes: Buffer, headerEnd: number): number | undefined {
	let end = bytes.length;
	while (end > headerEnd + 1) {
		const start = bytes.lastIndexOf(NEWLINE, end - 1) + 1;
		const event = parseObject(bytes.subarray(start, end));
		if (event && typeof event['at'] === 'number') return event['at'];
		end = start - 1;
	}

	return undefined;
}

function parseObject(line: Buffer): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(line.toString('utf8'));
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

function truncate(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
