import type {PoolClient} from 'pg';
import {parseInt8} from './pglite-platform.js';
import {
	toPostgresError,
	type DatabasePlatform,
	type PlatformHost,
	type QueryResult,
	type SqlRunner,
} from './platform.js';
import {installShim, RESET_SESSION_SQL, SHIM_VERSION} from './shim.js';

export type PostgresHostOptions = {
	/** A libpq-style URL; its password is never shown anywhere. */
	url: string;
};

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

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Scrubs the password out of driver messages too (e.g. a failed connection may echo parts of the URL). */
function scrubber(url: string): (error: unknown) => Error {
	let secret = '';
	try {
		secret = decodeURIComponent(new URL(url).password);
	} catch {}
	return (error) => {
		const normal = toPostgresError(error);
		if (secret && normal.message.includes(secret)) normal.message = normal.message.replaceAll(secret, '***');
		return normal;
	};
}

function toResults(result: unknown): QueryResult[] {
	const list = (Array.isArray(result) ? result : [result]) as {rows?: unknown[]; command?: string; rowCount?: number | null}[];
	return list.map((r) => ({
		rows: (r.rows ?? []) as Record<string, unknown>[],
		command: r.command,
		affectedRows: r.rowCount ?? undefined,
	}));
}

async function createPool(url: string): Promise<Pool> {
	const {default: pg} = await import('pg');
	const types = {
		getTypeParser: ((oid: number, format?: string) =>
			oid === 20 ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
	};
	const pool = new pg.Pool({connectionString: url, max: 4, types, idleTimeoutMillis: 10_000});
	// An idle client losing its connection must not crash the server; the next query reconnects.
	pool.on('error', () => {});
	return pool;
}

function clientRunner(client: Pool | PoolClient, scrub: (error: unknown) => Error): SqlRunner {
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

async function openDatabase(url: string): Promise<DatabasePlatform> {
	const scrub = scrubber(url);
	// The shim runs on a connection of its own before the pool exists, so pooled sessions start with its settings.
	{
		const {default: pg} = await import('pg');
		const client = new pg.Client({connectionString: url});
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
	const checkout = async () => {
		try {
			return await pool.connect();
		} catch (error) {
			throw scrub(error);
		}
	};
	// Returns the connection clean: nothing left open, no role or setting changed by the SQL that ran on it.
	const giveBack = async (client: PoolClient) => {
		let broken = false;
		await client.query('rollback').catch(() => {
			broken = true;
		});
		if (!broken) await client.query(RESET_SESSION_SQL).catch(() => {
			broken = true;
		});
		client.release(broken);
	};
	return {
		...clientRunner(pool, scrub),
		async transaction(fn, options) {
			const client = await checkout();
			try {
				await client.query(options?.readOnly ? 'begin read only; select 1' : 'begin');
				const result = await fn(clientRunner(client, scrub));
				await client.query('commit');
				return result;
			} catch (error) {
				throw scrub(error);
			} finally {
				await giveBack(client);
			}
		},
		async session(fn, options) {
			const client = await checkout();
			try {
				if (options?.readOnly) await client.query('begin read only; select 1');
				return await fn(clientRunner(client, scrub));
			} catch (error) {
				throw scrub(error);
			} finally {
				await giveBack(client);
			}
		},
		async close() {
			await pool.end();
		},
	};
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
		session: (fn) => fn(runner),
		async close() {},
	};
}

/**
 * A real Postgres server. Main is the database named in the URL; each branch is a separate database on the same
 * server, copied with `CREATE DATABASE … TEMPLATE` from a base database that already has the shim.
 */
export function createPostgresHost(options: PostgresHostOptions): PlatformHost {
	const url = options.url;
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
		const client = new pg.Client({connectionString: url});
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
			const exists = await admin((c) => c.query('select 1 from pg_database where datname = $1', [templateName]));
			if (exists.rows.length > 0) return;
			const building = `${templateName}_${process.pid}_${Date.now() % 100000}`;
			await admin((c) => c.query(`create database ${quoteIdent(building)} template template0`));
			try {
				const db = await openDatabase(urlForDatabase(url, building));
				await db.close();
				await admin((c) => c.query(`alter database ${quoteIdent(building)} rename to ${quoteIdent(templateName)}`));
			} catch (error) {
				await admin((c) => c.query(`drop database if exists ${quoteIdent(building)}`)).catch(() => {});
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
			main = await openDatabase(url);
			return main;
		},

		async createBranchDatabase(ref) {
			await ensureTemplate();
			const name = branchDatabase(ref);
			await admin(async (c) => {
				await c.query(`drop database if exists ${quoteIdent(name)}`);
				await c.query(`create database ${quoteIdent(name)} template ${quoteIdent(templateName)}`);
			});
			// Database-level settings are not copied from a template; the shim's quick path restores them.
			const db = await openDatabase(urlForDatabase(url, name));
			open.set(ref, db);
			return db;
		},

		async openBranchDatabase(ref) {
			const db = await openDatabase(urlForDatabase(url, branchDatabase(ref)));
			open.set(ref, db);
			return db;
		},

		async dropBranchDatabase(ref) {
			await open.get(ref)?.close();
			open.delete(ref);
			await admin((c) => c.query(`drop database if exists ${quoteIdent(branchDatabase(ref))} with (force)`));
		},

		async close() {
			const all = [...open.values(), ...(main ? [main] : [])];
			open.clear();
			main = undefined;
			await Promise.allSettled(all.map((db) => db.close()));
		},
	};
}
