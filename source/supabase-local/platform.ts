/**
 * The seam between the MCP tools and a concrete Postgres engine. Tools only ever see a `DatabasePlatform`
 * (one database) and a `PlatformHost` (the server that can make more databases for branches), so the same tool
 * code runs on embedded PGlite and on a real Postgres reached through `DATABASE_URL`.
 */
import type {SandboxKind} from '../sql/preview-report.js';
import type {SnapshotSaved} from './checkpoints/pglite-snapshot.js';

/** One statement's result. `rows` is empty for statements that return nothing. */
export type QueryResult = {
	rows: Record<string, unknown>[];
	command?: string;
	affectedRows?: number;
};

/**
 * The smallest query surface. Its shape is also what the advisors and type generator take
 * (`{query(sql, params?) → {rows}}`), so any platform or transaction can be handed to them directly.
 */
export type SqlRunner = {
	/** One statement, optionally with `$1`-style parameters. */
	query(sql: string, params?: unknown[]): Promise<{rows: Record<string, unknown>[]}>;
	/** Any number of `;`-separated statements, no parameters; one result per statement. */
	exec(sql: string): Promise<QueryResult[]>;
};

export type TransactionOptions = {
	/** Run inside `BEGIN READ ONLY`: the database itself refuses every write. */
	readOnly?: boolean;
	/**
	 * The whole transaction or session ends within this time (default: the call deadline). Past it the statement is
	 * stopped — Postgres cancels it; PGlite, which cannot cancel, has its engine restarted — and the call fails.
	 */
	timeoutMs?: number;
};

/**
 * A throwaway place to run SQL nobody has approved yet, so that its effect can be measured. On PGlite it is a
 * copy-on-write clone of the live database in a worker of its own (nothing it does reaches the live data directory
 * or the host); on Postgres it is a transaction that is always rolled back, in which the SQL runs as a throwaway
 * role without superuser, file or program privileges (see postgres-sandbox.ts for exactly what that does and does
 * not cover).
 */
export type Sandbox = SqlRunner & {
	readonly kind: SandboxKind;
	/** Runs the SQL under test the way this sandbox confines it (measurement queries use `query`/`exec`). */
	runConfined(sql: string): Promise<void>;
	/** Rows of a query under test, confined the same way (sample rows of an UPDATE's target, say). */
	queryConfined(sql: string): Promise<Record<string, unknown>[]>;
	/** Files written outside the database's own files while the sandbox lived (only a clone can tell). */
	filesWritten(): Promise<string[] | undefined>;
	/** What the sandbox had to leave out (code it would not run); the preview is then incomplete. */
	notes?: string[];
};

export type SandboxOptions = {
	timeoutMs: number;
	/**
	 * Names the SQL changes the definition of (DDL, GRANT, index builds…), not merely the rows of. On Postgres the
	 * sandbox needs ownership of such an object when the bootstrap superuser owns it (see postgres-sandbox.ts).
	 */
	redefines?: readonly string[];
};

/** How long a call may take, per kind, from the environment (milliseconds). */
export type Deadlines = {
	/** An approved call (`PGPAIR_CALL_TIMEOUT_MS`, default 10 minutes). */
	callMs: number;
	/** A read that runs without asking (`PGPAIR_READ_TIMEOUT_MS`, default 30 s). */
	readMs: number;
	/** A preview in the sandbox (`PGPAIR_PREVIEW_TIMEOUT_MS`, default 20 s). */
	previewMs: number;
};

export const DEFAULT_DEADLINES: Deadlines = {callMs: 600_000, readMs: 30_000, previewMs: 20_000};

export function deadlinesFromEnv(env: NodeJS.ProcessEnv = process.env): Deadlines {
	const read = (name: string, fallback: number) => {
		const value = Number(env[name]);
		return Number.isFinite(value) && value > 0 ? value : fallback;
	};
	return {
		callMs: read('PGPAIR_CALL_TIMEOUT_MS', DEFAULT_DEADLINES.callMs),
		readMs: read('PGPAIR_READ_TIMEOUT_MS', DEFAULT_DEADLINES.readMs),
		previewMs: read('PGPAIR_PREVIEW_TIMEOUT_MS', DEFAULT_DEADLINES.previewMs),
	};
}

/** int8 as a JSON-safe value: a number while exact, else the decimal string (both back ends use this rule). */
export function parseInt8(text: string): number | string {
	const n = Number(text);
	return Number.isSafeInteger(n) ? n : text;
}

/** One database: the main project or one branch. */
export type DatabasePlatform = SqlRunner & {
	/**
	 * Commits when `fn` resolves, rolls back when it throws. Inside `fn` use only `tx`: the database may be
	 * reserved for the transaction. Session state (role, settings) is reset afterwards.
	 */
	transaction<T>(fn: (tx: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T>;
	/**
	 * A session of its own for SQL the agent wrote: its statements decide about transactions (read-only wraps them in
	 * `BEGIN READ ONLY`). Afterwards anything left open is rolled back and roles and settings are reset, so a
	 * `set role anon` cannot leak into later calls. Inside `fn` use only the given runner.
	 */
	session<T>(fn: (session: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T>;
	/**
	 * Runs SQL that was proven read-only as a least-privilege role (all tables readable, RLS bypassed, nothing
	 * else: no superuser, no files, no other sessions) in a read-only transaction that is rolled back, under a
	 * deadline. Rejects when the role cannot be made on this connection.
	 */
	readAsLeastPrivilege<T>(fn: (reader: SqlRunner) => Promise<T>, options: {timeoutMs: number}): Promise<T>;
	/**
	 * Measures SQL in a sandbox (see `Sandbox`); `fn` runs inside an open transaction that is never committed.
	 * Rejects, with the reason, when this database cannot provide one.
	 */
	sandbox<T>(fn: (sandbox: Sandbox) => Promise<T>, options: SandboxOptions): Promise<T>;
	close(): Promise<void>;
	/** True when the engine no longer answers even `select 1` (e.g. after a full disk): it must be reopened. */
	broken?(): boolean;
	/**
	 * An engine that gives its memory back when idle (PGlite) says when it went to sleep, when a call wakes it and
	 * when it is awake again; returns the unsubscribe.
	 */
	onSleep?(listener: (state: SleepState) => void): () => void;
	/**
	 * The whole database saved to a directory and put back from one (PGlite on disk; see
	 * checkpoints/pglite-snapshot.ts). Absent where that cannot be done: a Postgres server, a database in memory.
	 */
	snapshots?: {
		/** `previous`: an earlier snapshot of this database, whose unchanged files are shared rather than copied. */
		save(target: string, previous?: string): Promise<SnapshotSaved>;
		/** Closes the engine, swaps the snapshot in, opens it again. */
		restore(from: string): Promise<void>;
		/** Reads a saved snapshot in an engine of its own, copy-on-write: nothing reaches the snapshot's files. */
		read<T>(from: string, fn: (db: SqlRunner) => Promise<T>): Promise<T>;
	};
};

export type SleepState = 'asleep' | 'waking' | 'awake';

export type BackendKind = 'pglite' | 'postgres';

/** A database server that holds the main database and can create, open and drop branch databases. */
export type PlatformHost = {
	readonly kind: BackendKind;
	/** A description safe to show to the model and in logs: never contains a password. */
	readonly label: string;
	/** Opens the main database with the platform shim installed. */
	openMain(): Promise<DatabasePlatform>;
	/** A new, empty branch database with the shim installed, started from a cached base when possible. */
	createBranchDatabase(ref: string): Promise<DatabasePlatform>;
	/** Reopens an existing branch database (after a restart). */
	openBranchDatabase(ref: string): Promise<DatabasePlatform>;
	/** Closes (if open) and removes a branch database; removing one that does not exist is not an error. */
	dropBranchDatabase(ref: string): Promise<void>;
	close(): Promise<void>;
};

/** A Postgres error reduced to what the model needs to fix its SQL. */
export class PostgresError extends Error {
	override readonly name = 'PostgresError';
	constructor(
		message: string,
		readonly code: string | undefined,
		/** 1-based character offset into the submitted SQL, as Postgres reports it. */
		readonly position: number | undefined,
		readonly detail: string | undefined,
		readonly hint: string | undefined,
		/** Where an error inside a function's own query is, and that query (PL/pgSQL EXECUTE, SQL functions). */
		readonly internal?: {position: number; query: string},
	) {
		super(message);
	}
}

/** Both PGlite's and node-postgres's errors carry the server's error fields; normalise them. */
export function toPostgresError(error: unknown): Error {
	if (error instanceof PostgresError) return error;
	if (!(error instanceof Error)) return new Error(String(error));
	const fields = error as Error & {code?: unknown; position?: unknown; detail?: unknown; hint?: unknown; internalPosition?: unknown; internalQuery?: unknown};
	if (typeof fields.code !== 'string' || !/^[0-9A-Z]{5}$/.test(fields.code)) return error;
	const position = fields.position === undefined ? undefined : Number(fields.position);
	const internalPosition = Number(fields.internalPosition);
	return new PostgresError(
		error.message,
		fields.code,
		Number.isFinite(position) ? position : undefined,
		typeof fields.detail === 'string' && fields.detail ? fields.detail : undefined,
		typeof fields.hint === 'string' && fields.hint ? fields.hint : undefined,
		Number.isFinite(internalPosition) && typeof fields.internalQuery === 'string' ? {position: internalPosition, query: fields.internalQuery} : undefined,
	);
}
