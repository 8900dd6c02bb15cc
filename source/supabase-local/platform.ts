/**
 * The seam between the MCP tools and a concrete Postgres engine. Tools only ever see a `DatabasePlatform`
 * (one database) and a `PlatformHost` (the server that can make more databases for branches), so the same tool
 * code runs on embedded PGlite and on a real Postgres reached through `DATABASE_URL`.
 */

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
	query(sql: string, params?: unknown[]): Promise<{rows: any[]}>;
	/** Any number of `;`-separated statements, no parameters; one result per statement. */
	exec(sql: string): Promise<QueryResult[]>;
};

export type TransactionOptions = {
	/** Run inside `BEGIN READ ONLY`: the database itself refuses every write. */
	readOnly?: boolean;
};

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
	close(): Promise<void>;
	/** True when the engine no longer answers even `select 1` (e.g. after a full disk): it must be reopened. */
	broken?(): boolean;
};

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
	) {
		super(message);
	}
}

/** Both PGlite's and node-postgres's errors carry the server's error fields; normalise them. */
export function toPostgresError(error: unknown): Error {
	if (error instanceof PostgresError) return error;
	if (!(error instanceof Error)) return new Error(String(error));
	const fields = error as Error & {code?: unknown; position?: unknown; detail?: unknown; hint?: unknown};
	if (typeof fields.code !== 'string' || !/^[0-9A-Z]{5}$/.test(fields.code)) return error;
	const position = fields.position === undefined ? undefined : Number(fields.position);
	return new PostgresError(
		error.message,
		fields.code,
		Number.isFinite(position) ? position : undefined,
		typeof fields.detail === 'string' && fields.detail ? fields.detail : undefined,
		typeof fields.hint === 'string' && fields.hint ? fields.hint : undefined,
	);
}
