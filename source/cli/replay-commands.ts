/**
 * The `replay`, `sessions` and `export` subcommands: each parses its own flags and returns an exit
 * code (0 ok, 1 failed, 2 usage). They read transcripts and nothing else; Ink and React are loaded
 * only when an interactive screen is actually shown, so `--print`, the table and exports stay light.
 */
import {existsSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {parseArgs} from 'node:util';
import type {SessionEvent} from '../core/events.js';
import {renderTranscriptText} from '../replay/print.js';
import {renderSessionsTable} from '../replay/sessions-table.js';
import {EXPORT_FORMATS, type ExportFormat, exportSession} from '../transcripts/export.js';
import {TranscriptError, type TranscriptHeader} from '../transcripts/format.js';
import {collectKnownSecrets} from '../transcripts/known-secrets.js';
import {findSession, listTranscripts, readTranscript, type SessionSummary, type Transcript} from '../transcripts/reader.js';
import {createRedactor, type Redactor} from '../transcripts/redact.js';

export type CommandIo = {
	/** Relative paths and the default `./sessions` are resolved against it. */
	cwd: string;
	stdout: {write(text: string): unknown; isTTY?: boolean; columns?: number};
	stderr: {write(text: string): unknown};
	/** For redaction of secrets known now (with the workspace's `.mcp.json` and settings); defaults to process.env. */
	env?: Record<string, string | undefined>;
	/** The terminal for interactive screens; defaults to process.stdin / process.stdout. */
	terminal?: {stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream};
};

export const REPLAY_USAGE = `pgpair replay <file|id> [--print] [--color] [--sessions-dir <dir>]
  Replays a saved session in the TUI without running anything. --print (or a stdout that is not a
  terminal) writes the whole session as text instead; --color keeps ANSI colours in that text.`;

export const SESSIONS_USAGE = `pgpair sessions [--sessions-dir <dir>] [--json] [--pick]
  Lists saved sessions, newest first. --json prints the summaries as JSON; --pick opens a picker
  in the terminal.`;

export const EXPORT_USAGE = `pgpair export <id> [--format md|json|html] [--output <file>] [--sessions-dir <dir>]
  Writes a session as Markdown (default), raw JSON events, or one self-contained HTML page.`;

class CommandUsageError extends Error {
	override name = 'CommandUsageError';
}

type Parsed = ReturnType<typeof parseArgs>;

function parse(argv: readonly string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options']): Parsed {
	try {
		return parseArgs({args: [...argv], options: {...options, help: {type: 'boolean', short: 'h'}}, allowPositionals: true, strict: true});
	} catch (error) {
		throw new CommandUsageError((error as Error).message);
	}
}

async function guard(io: CommandIo, usage: string, body: () => Promise<number>): Promise<number> {
	try {
		return await body();
	} catch (error) {
		if (error instanceof CommandUsageError) {
			io.stderr.write(`pgpair: ${error.message}\n\n${usage}\n`);
			return 2;
		}

		if (error instanceof TranscriptError) {
			io.stderr.write(`pgpair: ${error.message}\n`);
			return 1;
		}

		throw error;
	}
}

function sessionsDirOf(io: CommandIo, value: unknown): string {
	return path.resolve(io.cwd, typeof value === 'string' ? value : 'sessions');
}

function onePositional(positionals: readonly string[], what: string): string {
	if (positionals.length === 0) throw new CommandUsageError(`${what} is missing`);
	if (positionals.length > 1) throw new CommandUsageError(`one ${what} only (got ${positionals.join(' ')})`);
	return positionals[0]!;
}

/** A path (relative to the working directory), a file name in the sessions folder, or an id prefix. */
export async function loadTranscript(query: string, sessionsDir: string, cwd: string): Promise<Transcript & {path: string}> {
	const asPath = path.resolve(cwd, query);
	const file =
		(query.includes('/') || query.includes('\\') || query.endsWith('.jsonl')) && existsSync(asPath) ? asPath : (await findSession(sessionsDir, query)).path;
	return {...(await readTranscript(file)), path: file};
}

/**
 * Times are shown in the zone named by TZ when it is an IANA name Intl knows (CI pins `UTC`), else
 * in the machine's zone.
 */
function timeZoneOf(io: CommandIo): string | undefined {
	const tz = (io.env ?? process.env)['TZ'];
	if (!tz) return undefined;
	try {
		new Intl.DateTimeFormat('en-US', {timeZone: tz});
		return tz;
	} catch {
		return undefined;
	}
}

function optionalTimeZone(io: CommandIo): {timeZone?: string} {
	const timeZone = timeZoneOf(io);
	return timeZone ? {timeZone} : {};
}

/**
 * Transcripts are redacted as events are committed; what leaves through print and export is scrubbed
 * once more with the secrets known now, for transcripts written before a secret or a rule existed.
 */
function currentRedactor(io: CommandIo): Redactor {
	const env = io.env ?? process.env;
	return createRedactor({env, known: collectKnownSecrets({cwd: io.cwd, env})});
}

function redacted(io: CommandIo, header: TranscriptHeader, events: readonly SessionEvent[]): {header: TranscriptHeader; events: SessionEvent[]} {
	const redact = currentRedactor(io);
	return {header: redact(header), events: events.map(event => redact(event))};
}

export async function runReplay(argv: readonly string[], io: CommandIo): Promise<number> {
	return guard(io, REPLAY_USAGE, async () => {
		const {values, positionals} = parse(argv, {print: {type: 'boolean'}, color: {type: 'boolean'}, 'sessions-dir': {type: 'string'}});
		if (values['help']) {
			io.stdout.write(`${REPLAY_USAGE}\n`);
			return 0;
		}

		const query = onePositional(positionals, 'a transcript file or session id');
		const transcript = await loadTranscript(query, sessionsDirOf(io, values['sessions-dir']), io.cwd);
		const interactive = values['print'] !== true && io.stdout.isTTY === true;
		if (!interactive) {
			// The warnings head the text; written to a file or a pipe, they are said on the terminal as well.
			if (io.stdout.isTTY !== true) for (const warning of transcript.warnings) io.stderr.write(`pgpair: ${warning}\n`);
			const clean = redacted(io, transcript.header, transcript.events);
			io.stdout.write(
				renderTranscriptText(clean.header, clean.events, {color: values['color'] === true, warnings: transcript.warnings, ...optionalTimeZone(io)}),
			);
			return 0;
		}

		// The transcript was redacted when written; the screen shows it as stored.
		const [{render}, React, {ReplayApp}, {createReplay}] = await Promise.all([
			import('ink'),
			import('react').then(loadedReact),
			import('../ui/replay/replay-app.js'),
			import('../replay/replay-model.js'),
		]);
		for (const warning of transcript.warnings) io.stderr.write(`pgpair: ${warning}\n`);
		const replay = createReplay(transcript.events);
		const instance = render(React.createElement(ReplayApp, {header: transcript.header, replay, warnings: transcript.warnings, ...optionalTimeZone(io)}), {
			exitOnCtrlC: false,
			...(io.terminal ? {stdin: io.terminal.stdin, stdout: io.terminal.stdout} : {}),
		});
		await instance.waitUntilExit();
		return 0;
	});
}

export type SessionsOptions = {
	/** What Enter in the picker does; by default the chosen id is printed (for `$(pgpair sessions --pick)`). */
	onChoose?: (session: SessionSummary) => Promise<number> | number;
};

export async function runSessions(argv: readonly string[], io: CommandIo, options: SessionsOptions = {}): Promise<number> {
	return guard(io, SESSIONS_USAGE, async () => {
		const {values, positionals} = parse(argv, {'sessions-dir': {type: 'string'}, json: {type: 'boolean'}, pick: {type: 'boolean'}});
		if (values['help']) {
			io.stdout.write(`${SESSIONS_USAGE}\n`);
			return 0;
		}

		if (positionals.length > 0) throw new CommandUsageError(`unexpected argument ${positionals[0]}`);
		const {sessions, unreadable} = await listTranscripts(sessionsDirOf(io, values['sessions-dir']));
		if (values['json']) {
			// The JSON stays a list of summaries (scripts read its fields); what cannot be read is said beside it.
			for (const file of unreadable) io.stderr.write(`pgpair: ${path.relative(io.cwd, file.path) || file.path} cannot be read: ${file.reason}\n`);
			io.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
			return 0;
		}

		if (values['pick'] && io.stdout.isTTY === true && sessions.length > 0) {
			for (const file of unreadable) io.stderr.write(`pgpair: ${path.relative(io.cwd, file.path) || file.path} cannot be read: ${file.reason}\n`);
			const chosen = await pick(sessions, io);
			if (!chosen) return 1;
			if (options.onChoose) return options.onChoose(chosen);
			io.stdout.write(`${chosen.id}\n`);
			return 0;
		}

		io.stdout.write(renderSessionsTable(sessions, {width: io.stdout.columns ?? 120, unreadable, ...optionalTimeZone(io)}));
		return 0;
	});
}

async function pick(sessions: readonly SessionSummary[], io: CommandIo): Promise<SessionSummary | undefined> {
	const [{render}, React, {SessionPicker}] = await Promise.all([import('ink'), import('react').then(loadedReact), import('../ui/replay/session-picker.js')]);
	let chosen: SessionSummary | undefined;
	const instance = render(
		React.createElement(SessionPicker, {
			sessions,
			onChoose(session) {
				chosen = session;
				instance.unmount();
			},
			onCancel: () => instance.unmount(),
		}),
		{exitOnCtrlC: false, ...(io.terminal ? {stdin: io.terminal.stdin, stdout: io.terminal.stdout} : {})},
	);
	await instance.waitUntilExit();
	return chosen;
}

export async function runExport(argv: readonly string[], io: CommandIo): Promise<number> {
	return guard(io, EXPORT_USAGE, async () => {
		const {values, positionals} = parse(argv, {format: {type: 'string', short: 'f'}, output: {type: 'string', short: 'o'}, 'sessions-dir': {type: 'string'}});
		if (values['help']) {
			io.stdout.write(`${EXPORT_USAGE}\n`);
			return 0;
		}

		const format = (values['format'] ?? 'md') as string;
		if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new CommandUsageError(`--format must be ${EXPORT_FORMATS.join(', ')} (got ${format})`);
		const query = onePositional(positionals, 'a session id or transcript file');
		const transcript = await loadTranscript(query, sessionsDirOf(io, values['sessions-dir']), io.cwd);
		for (const warning of transcript.warnings) io.stderr.write(`pgpair: ${warning}\n`);
		const text = exportSession(format as ExportFormat, transcript.header, transcript.events, {redact: currentRedactor(io), ...optionalTimeZone(io)});
		const output = values['output'];
		if (typeof output === 'string') {
			const file = path.resolve(io.cwd, output);
			await writeFile(file, text);
			io.stderr.write(`pgpair: wrote ${path.relative(io.cwd, file) || file}\n`);
		} else {
			io.stdout.write(text);
		}

		return 0;
	});
}

/** React is CommonJS: in the bundle a dynamic import gives its exports under `default` only. */
function loadedReact(module: typeof import('react')): typeof import('react') {
	return (module as {default?: typeof import('react')}).default ?? module;
}
