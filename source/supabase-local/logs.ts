import {randomUUID} from 'node:crypto';
import {mkdirSync} from 'node:fs';
import {appendFile, readFile, rename, stat} from 'node:fs/promises';
import path from 'node:path';

export const LOG_SERVICES = ['api', 'branch-action', 'postgres', 'edge-function', 'edge-function-runtime', 'auth', 'storage', 'realtime'] as const;
export type LogService = (typeof LOG_SERVICES)[number];

/** One entry, shaped like a row of Supabase's log explorer: `timestamp` in microseconds since the epoch. */
export type LogEntry = {
	id: string;
	timestamp: number;
	event_message: string;
	[field: string]: unknown;
};

/** An entry as it is kept: with the project and service it belongs to. */
export type StoredLogEntry = LogEntry & {project: string; service: LogService};

export type LogWindow = {start?: string; end?: string};

/** A log file grows to this size, then becomes the previous file (the one before that is dropped). */
export const DEFAULT_LOG_FILE_BYTES = 4 * 1024 * 1024;
/** One message longer than this is cut: a function printing a megabyte must not push every other entry out. */
export const MAX_MESSAGE_CHARS = 8 * 1024;
const MAX_ROWS = 100;
export const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

export type LogStoreOptions = {
	/** The log file; its previous generation is `<name>.1.jsonl` beside it. Without one, entries live in memory. */
	file?: string;
	/** When the file passes this size it is rotated. */
	maxFileBytes?: number;
};

/** `<workspace>/.pgpair/logs/server.jsonl`: beside the embedded database, ignored by git with the rest of `.pgpair/`. */
export function logFileOf(workspace: string): string {
	return path.join(workspace, '.pgpair', 'logs', 'server.jsonl');
}

/**
 * Secrets a statement may spell out in its text (a role's password, a connection string, a vault secret), replaced
 * before the statement is written to the log file. Patterns, not the parse tree: the server keeps no parser loaded
 * for this, and a false positive only hides a literal from a log line.
 */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
	// PASSWORD '…' / PASSWORD E'…' / PASSWORD $$…$$ (roles, user mappings), password=… inside connection strings.
	[/(\bpassword\s*(?:=\s*)?)(?:[eE]?'(?:[^'\\]|''|\\.)*'|\$([A-Za-z_]*)\$[\s\S]*?\$\2\$)/gi, "$1'[REDACTED]'"],
	[/(\bpassword\s*=\s*)(?!'\[REDACTED\]')[^\s'"]+/gi, '$1[REDACTED]'],
	// scheme://user:password@host
	[/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:)[^\s@'"]+@/gi, '$1[REDACTED]@'],
	// vault.create_secret('…') / update_secret(id, '…')
	[/(\bcreate_secret\s*\(\s*)[eE]?'(?:[^'\\]|''|\\.)*'/gi, "$1'[REDACTED]'"],
	[/(\bupdate_secret\s*\(\s*[^,()]+,\s*)[eE]?'(?:[^'\\]|''|\\.)*'/gi, "$1'[REDACTED]'"],
];

export function scrubSecrets(text: string): string {
	let result = text;
	for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
	return result;
}

/**
 * The server's own log of what it did, per project and service, kept on disk so it outlives the server: a session
 * resumed tomorrow can still read why yesterday's deploy failed. One JSON line per entry in `.pgpair/logs/`, not in
 * the database: a log line must not wake a sleeping engine, land in the user's Postgres (DATABASE_URL), be rolled
 * back by a rewind, or be copied into a branch; and a failed database start is worth logging too. Appends are batched
 * per tick; the file is rotated at `maxFileBytes`, so at most two files' worth is ever kept, however long the session.
 */
export class LogStore {
	readonly file: string | undefined;
	readonly #maxFileBytes: number;
	#lastMicros = 0;
	#pending: string[] = [];
	#flushing: Promise<void> = Promise.resolve();
	#scheduled = false;
	#size: number | undefined;
	/** Without a file: the lines themselves, in two generations like the files. */
	readonly #memory: {current: string[]; previous: string[]; bytes: number} = {current: [], previous: [], bytes: 0};

	constructor(options: LogStoreOptions = {}) {
		this.file = options.file;
		this.#maxFileBytes = options.maxFileBytes ?? DEFAULT_LOG_FILE_BYTES;
	}

	get previousFile(): string | undefined {
		return this.file?.replace(/\.jsonl$/, '.1.jsonl');
	}

	record(projectRef: string, service: LogService, message: string, fields: Record<string, unknown> = {}): void {
		// Strictly increasing timestamps keep "newest first" stable for entries written in the same millisecond.
		const micros = Math.max(Date.now() * 1000, this.#lastMicros + 1);
		this.#lastMicros = micros;
		const clipped =
			message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}… [${message.length - MAX_MESSAGE_CHARS} more characters]` : message;
		const entry: StoredLogEntry = {id: randomUUID(), timestamp: micros, project: projectRef, service, event_message: scrubSecrets(clipped), ...fields};
		this.#pending.push(`${JSON.stringify(entry)}\n`);
		if (!this.#scheduled) {
			this.#scheduled = true;
			setImmediate(() => {
				this.#scheduled = false;
				void this.flush();
			});
		}
	}

	/** Writes what is pending; resolves when everything recorded so far is on disk. */
	flush(): Promise<void> {
		const batch = this.#pending;
		this.#pending = [];
		if (batch.length > 0) this.#flushing = this.#flushing.then(() => this.#write(batch.join('')));
		return this.#flushing;
	}

	async #write(data: string): Promise<void> {
		if (!this.file) {
			this.#memory.current.push(data);
			this.#memory.bytes += Buffer.byteLength(data);
			if (this.#memory.bytes > this.#maxFileBytes) {
				this.#memory.previous = this.#memory.current;
				this.#memory.current = [];
				this.#memory.bytes = 0;
			}
			return;
		}
		try {
			if (this.#size === undefined) {
				mkdirSync(path.dirname(this.file), {recursive: true});
				this.#size = await stat(this.file).then(
					s => s.size,
					() => 0,
				);
			}
			await appendFile(this.file, data, {mode: 0o600});
			this.#size += Buffer.byteLength(data);
			if (this.#size > this.#maxFileBytes) {
				await rename(this.file, this.previousFile!);
				this.#size = 0;
			}
		} catch {
			// A full or read-only disk loses log lines, never a tool call.
			this.#size = undefined;
		}
	}

	/** Every entry of a project within the window (default: the last 24 hours; never wider than 24 hours), oldest first. */
	async entries(projectRef: string, window: LogWindow = {}): Promise<StoredLogEntry[]> {
		const {start, end} = resolveWindow(window);
		await this.flush();
		const texts = this.file
			? await Promise.all([this.previousFile!, this.file].map(file => readFile(file, 'utf8').catch(() => '')))
			: [this.#memory.previous.join(''), this.#memory.current.join('')];
		const result: StoredLogEntry[] = [];
		for (const text of texts) {
			for (const line of text.split('\n')) {
				if (!line) continue;
				let entry: StoredLogEntry;
				try {
					entry = JSON.parse(line) as StoredLogEntry;
				} catch {
					continue; // a line torn by a crash
				}
				const ms = entry.timestamp / 1000;
				if (entry.project === projectRef && ms >= start && ms <= end + 0.999) result.push(entry);
			}
		}
		return result.sort((a, b) => a.timestamp - b.timestamp);
	}

	/** get_logs: one service, newest first, at most 100, within the window. */
	async query(projectRef: string, service: LogService, window: LogWindow = {}): Promise<LogEntry[]> {
		const entries = (await this.entries(projectRef, window)).filter(entry => entry.service === service);
		return entries
			.slice(-MAX_ROWS)
			.reverse()
			.map(({project: _project, service: _service, ...entry}) => entry);
	}

	async close(): Promise<void> {
		await this.flush();
	}
}

/** The window in milliseconds: default the 24 hours before `end` (default now); refused when reversed or wider than 24 hours. */
export function resolveWindow(window: LogWindow, now = Date.now()): {start: number; end: number} {
	const end = window.end ? Date.parse(window.end) : now;
	const start = window.start ? Date.parse(window.start) : end - MAX_WINDOW_MS;
	if (Number.isNaN(start) || Number.isNaN(end)) throw new Error('Timestamps must be ISO 8601 date-times.');
	if (end < start) throw new Error('iso_timestamp_end must not be before iso_timestamp_start.');
	if (end - start > MAX_WINDOW_MS) throw new Error('The time window can be at most 24 hours.');
	return {start, end};
}
