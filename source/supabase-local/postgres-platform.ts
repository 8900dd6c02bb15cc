import type {PoolClient} from 'pg';
import {quoteIdent} from '../sql/identifiers.js';
import {DeadlineError} from './engine/engine-client.js';
import {becomeReaderSql, throwawayRoleName} from './least-privilege.js';
import {
	type DatabasePlatform,
	DEFAULT_DEADLINES,
	type Deadlines,
	type PlatformHost,
	PostgresError,
	parseInt8,
	type QueryResult,
	type SqlRunner,
	toPostgresError,
} from './platform.js';
import {confine} from './postgres-sandbox.js';
import {installShim, RESET_SESSION_SQL, SHIM_VERSION} from './shim.js';

export type PostgresHostOptions = {
	/** A libpq-style URL; its password is never shown anywhere. */
	url: string;
	deadlines?: Deadlines;
};

/**
 * Given at the start of every connection pgpair opens (so `reset all` keeps it): a backend busy in a long statement
 * notices within a second that its client has gone (Postgres 14+), so killing pgpair never leaves a query running.
 */
const CHECK_CLIENT = '-c client_connection_check_interval=1000';

/**
 * The URL with pgpair's startup options joined to any the URL carries (node-postgres lets the URL's own
 * `options` win over a separate setting, so they must travel in the URL). Older servers reject the setting.
 */
export function withConnectionSettings(url: string, supported: boolean): string {
	if (!supported) return url;
	try {
		const parsed = new URL(url);
		const existing = parsed.searchParams.get('options');
		parsed.searchParams.set('options', existing ? `${existing} ${CHECK_CLIENT}` : CHECK_CLIENT);
		return parsed.toString();
	} catch {
		return url;
	}
}

/** Whether the server knows client_connection_check_interval (Postgres 14+); asked once per server. */
const settingSupport = new Map<string, Promise<boolean>>();
async function supportsConnectionSettings(url: string): Promise<boolean> {
	const key = (() => {
		try {
			const u = new URL(url);
			return `${u.hostname}:${u.port}`;
		} catch {
			return url;
		}
	})();
	let known = settingSupport.get(key);
	if (!known) {
		known = (async () => {
			const {default: pg} = await import('pg');
			const client = new pg.Client({connectionString: url});
			client.on('error', () => {});
			try {
				await client.connect();
				const {rows} = await client.query(`select count(*)::int as n from pg_catalog.pg_settings where name = 'client_connection_check_interval'`);
				return rows[0]?.n === 1;
			} catch {
				return false;
			} finally {
				await client.end().catch(() => {});
			}
		})();
		settingSupport.set(key, known);
	}
	return known;
}

/** After a cancel, how long a statement may take to stop before its backend is terminated. */
const CANCEL_GRACE_MS = 2_000;

/** Removes the password from a connection URL so it can be shown to the model or logged. */
export function redactDatabaseUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString();
	} catch {
		return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
	}
}

function urlForDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${encodeURIComponent(database)}`;
	return parsed.toString();
}

function databaseOf(url: string): string {
	const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
	return name || process.env['PGDATABASE'] || 'postgres';
}

type PgModule = typeof import('pg');
type Pool = InstanceType<PgModule['Pool']>;
type Client = InstanceType<PgModule['Client']>;

/** Scrubs the password out of driver messages too (e.g. a failed connection may echo parts of the URL). */
function scrubber(url: string): (error: unknown) => Error {
	let secret = '';
	try {
		secret = decodeURIComponent(new URL(url).password);
	} catch {}
	return error => {
		const normal = toPostgresError(error);
		if (secret && normal.message.includes(secret)) normal.message = normal.message.replaceAll(secret, '***');
		return normal;
	};
}

function toResults(result: unknown): QueryResult[] {
	const list = (Array.isArray(result) ? result : [result]) as {rows?: unknown[]; command?: string; rowCount?: number | null}[];
	return list.map(r => ({
		rows: (r.rows ?? []) as Record<string, unknown>[],
		command: r.command,
		affectedRows: r.rowCount ?? undefined,
	}));
}

async function pgTypes() {
	const {default: pg} = await import('pg');
	return {
		getTypeParser: ((oid: number, format?: string) =>
			oid === 20 ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
	};
}

async function createPool(url: string): Promise<Pool> {
	const {default: pg} = await import('pg');
	const connectionString = withConnectionSettings(url, await supportsConnectionSettings(url));
	const pool = new pg.Pool({connectionString, max: 4, types: await pgTypes(), idleTimeoutMillis: 10_000});
	// An idle client losing its connection must not crash the server; the next query reconnects.
	pool.on('error', () => {});
	return pool;
}

/** A connection of its own, outside the pool (the sandbox, the shim, administration). */
async function dedicatedClient(url: string, scrub: (error: unknown) => Error): Promise<Client> {
	const {default: pg} = await import('pg');
	const client = new pg.Client({connectionString: withConnectionSettings(url, await supportsConnectionSettings(url)), types: await pgTypes()});
	client.on('error', () => {});
	try {
		await client.connect();
	} catch (error) {
		throw scrub(error);
	}
	return client;
}

/**
 * Keeps a connection's work within a deadline: Postgres's statement_timeout for each statement, and, for the whole
 * piece of work, a timer that cancels the running statement and then terminates the backend if it does not stop.
 */
async function withDeadline<T>(client: PoolClient | Client, admin: () => Promise<SqlRunner>, timeoutMs: number, work: () => Promise<T>): Promise<T> {
	const pid = Number((await client.query('select pg_backend_pid() as pid')).rows[0]?.pid);
	await client.query(`set statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`);
	let expired = false;
	const timers: NodeJS.Timeout[] = [];
	timers.push(
		setTimeout(() => {
			expired = true;
			void admin()
				.then(a => a.query('select pg_cancel_backend($1)', [pid]))
				.catch(() => {});
			timers.push(
				setTimeout(() => {
					void admin()
						.then(a => a.query('select pg_terminate_backend($1)', [pid]))
						.catch(() => {});
				}, CANCEL_GRACE_MS),
			);
		}, timeoutMs),
	);
	try {
		return await work();
	} catch (error) {
		if (expired || (toPostgresError(error) as {code?: string}).code === '57014') throw new DeadlineError(timeoutMs, 'The statement');
		throw error;
	} finally {
		for (const timer of timers) clearTimeout(timer);
		await client.query('set statement_timeout = 0').catch(() => {});
	}
}

function clientRunner(client: Pool | PoolClient | Client, scrub: (error: unknown) => Error): SqlRunner {
	return {
		async query(sql, params) {
			try {
				return await client.query(sql, params as unknown[] | undefined);
			} catch (error) {
				throw scrub(error);
			}
		},
		async exec(sql) {
			try {
				// Without parameters node-postgres uses the simple protocol, which runs several statements at once.
				return toResults(await client.query(sql));
			} catch (error) {
				throw scrub(error);
			}
		},
	};
}

async function openDatabase(url: string, deadlines: Deadlines = DEFAULT_DEADLINES): Promise<DatabasePlatform> {
	const scrub = scrubber(url);
	// The shim runs on a connection of its own before the pool exists, so pooled sessions start with its settings.
	{
		const {default: pg} = await import('pg');
		const client = new pg.Client({connectionString: withConnectionSettings(url, await supportsConnectionSettings(url))});
		client.on('error', () => {});
		try {
			await client.connect();
		} catch (error) {
			throw scrub(error);
		}
		try {
			await installShim(singleClientPlatform(client, scrub));
		} finally {
			await client.end().catch(() => {});
		}
	}
	const pool = await createPool(url);
	const admin = async () => clientRunner(pool, scrub);
	// Connections in use, so that closing does not wait for a statement that may run for minutes.
	const busy = new Set<PoolClient | Client>();
	const checkout = async () => {
		try {
			const client = await pool.connect();
			busy.add(client);
			return client;
		} catch (error) {
			throw scrub(error);
		}
	};
	// One call's work on a connection, within its deadline: a timeout stays a DeadlineError, any other error loses the
	// password; `release` runs however the work ended.
	const onClient = async <T>(client: PoolClient | Client, timeoutMs: number, work: () => Promise<T>, release: () => Promise<void>): Promise<T> => {
		try {
			return await withDeadline(client, admin, timeoutMs, work);
		} catch (error) {
			throw error instanceof DeadlineError ? error : scrub(error);
		} finally {
			await release();
		}
	};
	// Returns the connection clean: nothing left open, no role or setting changed by the SQL that ran on it.
	const giveBack = async (client: PoolClient) => {
		busy.delete(client);
		let broken = false;
		await client.query('rollback').catch(() => {
			broken = true;
		});
		if (!broken)
			await client.query(RESET_SESSION_SQL).catch(() => {
				broken = true;
			});
		client.release(broken);
	};
	return {
		...clientRunner(pool, scrub),
		async transaction(fn, options) {
			const client = await checkout();
			return onClient(
				client,
				options?.timeoutMs ?? deadlines.callMs,
				async () => {
					await client.query(options?.readOnly ? 'begin read only; select 1' : 'begin');
					const result = await fn(clientRunner(client, scrub));
					await client.query('commit');
					return result;
				},
				() => giveBack(client),
			);
		},
		async session(fn, options) {
			const client = await checkout();
			return onClient(
				client,
				options?.timeoutMs ?? deadlines.callMs,
				async () => {
					if (options?.readOnly) await client.query('begin read only; select 1');
					return await fn(clientRunner(client, scrub));
				},
				() => giveBack(client),
			);
		},
		async readAsLeastPrivilege(fn, options) {
			const client = await checkout();
			return onClient(
				client,
				options.timeoutMs,
				async () => {
					const {rows} = await client.query(`select rolsuper from pg_catalog.pg_roles where rolname = current_user`);
					await client.query(`begin;\n${becomeReaderSql(throwawayRoleName('reader'), {bypassRls: rows[0]?.rolsuper === true})}`);
					return await fn(clientRunner(client, scrub));
				},
				async () => {
					// Whatever the reader did (advisory locks included) ends with its session state here.
					await client.query('select pg_advisory_unlock_all()').catch(() => {});
					await giveBack(client);
				},
			);
		},
		async sandbox(fn, options) {
			const client = await dedicatedClient(url, scrub);
			busy.add(client);
			return onClient(
				client,
				options.timeoutMs,
				async () => {
					await client.query('begin');
					const runner = clientRunner(client, scrub);
					const confined = await confine(runner, {redefines: options.redefines ?? []});
					return await fn({
						...confined,
						async runConfined(sql) {
							try {
								await confined.runConfined(sql);
							} catch (error) {
								throw withInternalPosition(error, sql);
							}
						},
						async queryConfined(sql) {
							try {
								return await confined.queryConfined(sql);
							} catch (error) {
								throw withInternalPosition(error, sql);
							}
						},
						filesWritten: async () => undefined,
					});
				},
				async () => {
					// Never committed; closing the connection also ends session-level locks and settings.
					busy.delete(client);
					await client.query('rollback').catch(() => {});
					await client.end().catch(() => {});
				},
			);
		},
		async close() {
			// A statement still running is cut off: its socket closes, and the backend notices (client check) and ends.
			for (const client of busy) (client as unknown as {connection?: {stream?: {destroy(): void}}}).connection?.stream?.destroy();
			busy.clear();
			await pool.end().catch(() => {});
		},
	};
}

/** An error inside the confined wrapper points into the SQL it ran (Postgres's internal position): report that. */
function withInternalPosition(error: unknown, sql: string): unknown {
	// statement_timeout cancelled it: the preview's deadline, not an error of the SQL.
	if (error instanceof PostgresError && error.code === '57014') return error;
	if (error instanceof PostgresError && error.position === undefined && error.internal?.query === sql) {
		return new PostgresError(error.message, error.code, error.internal.position, error.detail, error.hint);
	}
	return error;
}

function singleClientPlatform(client: PoolClient | Client, scrub: (error: unknown) => Error): DatabasePlatform {
	const runner = clientRunner(client as PoolClient, scrub);
	return {
		...runner,
		async transaction(fn) {
			await runner.exec('begin');
			try {
				const result = await fn(runner);
				await runner.exec('commit');
				return result;
			} catch (error) {
				await runner.exec('rollback').catch(() => {});
				throw error;
			}
		},
		session: fn => fn(runner),
		readAsLeastPrivilege: () => Promise.reject(new Error('Not available on an administration connection.')),
		sandbox: () => Promise.reject(new Error('Not available on an administration connection.')),
		async close() {},
	};
}

/**
 * A real Postgres server. Main is the database named in the URL; each branch is a separate database on the same
 * server, copied with `CREATE DATABASE … TEMPLATE` from a base database that already has the shim.
 */
export function createPostgresHost(options: PostgresHostOptions): PlatformHost {
	const url = options.url;
	const deadlines = options.deadlines ?? DEFAULT_DEADLINES;
	const scrub = scrubber(url);
	const mainName = databaseOf(url);
	const templateName = `pgpair_base_${SHIM_VERSION}`;
	const open = new Map<string, DatabasePlatform>();
	let main: DatabasePlatform | undefined;
	let template: Promise<void> | undefined;

	// Truncated so that the name stays within Postgres's 63-byte identifier limit.
	const branchDatabase = (ref: string) => `${mainName.slice(0, 30)}_branch_${ref}`;

	async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
		const {default: pg} = await import('pg');
		const client = new pg.Client({connectionString: withConnectionSettings(url, await supportsConnectionSettings(url))});
		client.on('error', () => {});
		try {
			await client.connect();
			return await fn(client);
		} catch (error) {
			throw scrub(error);
		} finally {
			await client.end().catch(() => {});
		}
	}

	/** Builds the template under a private name and renames it into place, so racing processes never share one. */
	function ensureTemplate(): Promise<void> {
		template ??= (async () => {
			const exists = await admin(c => c.query('select 1 from pg_database where datname = $1', [templateName]));
			if (exists.rows.length > 0) return;
			const building = `${templateName}_${process.pid}_${Date.now() % 100000}`;
			await admin(c => c.query(`create database ${quoteIdent(building)} template template0`));
			try {
				const db = await openDatabase(urlForDatabase(url, building));
				await db.close();
				await admin(c => c.query(`alter database ${quoteIdent(building)} rename to ${quoteIdent(templateName)}`));
			} catch (error) {
				await admin(c => c.query(`drop database if exists ${quoteIdent(building)}`)).catch(() => {});
				if ((toPostgresError(error) as {code?: string}).code !== '42P04') throw error;
			}
		})();
		template.catch(() => {
			template = undefined;
		});
		return template;
	}

	return {
		kind: 'postgres',
		label: `Postgres at ${redactDatabaseUrl(url)}`,

		async openMain() {
			main = await openDatabase(url, deadlines);
			return main;
		},

		async createBranchDatabase(ref) {
			await ensureTemplate();
			const name = branchDatabase(ref);
			await admin(async c => {
				await c.query(`drop database if exists ${quoteIdent(name)}`);
				await c.query(`create database ${quoteIdent(name)} template ${quoteIdent(templateName)}`);
			});
			// Database-level settings are not copied from a template; the shim's quick path restores them.
			const db = await openDatabase(urlForDatabase(url, name), deadlines);
			open.set(ref, db);
			return db;
		},

		async openBranchDatabase(ref) {
			const db = await openDatabase(urlForDatabase(url, branchDatabase(ref)), deadlines);
			open.set(ref, db);
			return db;
		},

		async dropBranchDatabase(ref) {
			await open.get(ref)?.close();
			open.delete(ref);
			await admin(c => c.query(`drop database if exists ${quoteIdent(branchDatabase(ref))} with (force)`));
		},

		async close() {
			const all = [...open.values(), ...(main ? [main] : [])];
			open.clear();
			main = undefined;
			await Promise.allSettled(all.map(db => db.close()));
		},
	};
}
