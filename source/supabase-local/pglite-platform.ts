import {existsSync} from 'node:fs';
import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {gzip} from 'node:zlib';
import type {PGlite, PGliteOptions, Transaction} from '@electric-sql/pglite';
import {
	toPostgresError,
	type DatabasePlatform,
	type PlatformHost,
	type QueryResult,
	type SqlRunner,
	type TransactionOptions,
} from './platform.js';
import {installShim, RESET_SESSION_SQL, SHIM_VERSION} from './shim.js';

export type PGliteHostOptions = {
	/** Directory holding `main/` and `branches/<ref>/`; omitted means everything lives in memory. */
	dataDir?: string;
	/**
	 * Where the base snapshot (an initialised database with the shim installed) is cached across workspaces;
	 * `null` disables the on-disk cache. Default: `$XDG_CACHE_HOME/pgpair` or `~/.cache/pgpair`.
	 */
	cacheDir?: string | null;
};

const INT8_OID = 20;
const gzipAsync = promisify(gzip);

/** int8 as a JSON-safe value: a number while exact, else the decimal string (the same rule as the pg back end). */
export function parseInt8(text: string): number | string {
	const n = Number(text);
	return Number.isSafeInteger(n) ? n : text;
}

function wrapRunner(db: PGlite | Transaction): SqlRunner {
	return {
		async query(sql, params) {
			try {
				return await db.query(sql, params);
			} catch (error) {
				throw toPostgresError(error);
			}
		},
		async exec(sql) {
			try {
				const results = await db.exec(sql);
				return results.map(
					(r): QueryResult => ({
						rows: r.rows as Record<string, unknown>[],
						command: (r as {command?: string}).command,
						affectedRows: r.affectedRows,
					}),
				);
			} catch (error) {
				throw toPostgresError(error);
			}
		},
	};
}

/** Serialises async work: each call starts when the previous one has settled. */
function createLock(): <T>(fn: () => Promise<T>) => Promise<T> {
	let tail: Promise<unknown> = Promise.resolve();
	return (fn) => {
		const run = tail.then(fn, fn);
		tail = run.catch(() => {});
		return run;
	};
}

/**
 * One PGlite is one session shared by every tool call, so a transaction or an agent's session must not interleave
 * with other calls: everything goes through one lock (PGlite itself only serialises single queries).
 */
export function wrapPGlite(db: PGlite): DatabasePlatform {
	const exclusive = createLock();
	const direct = wrapRunner(db);
	let broken = false;
	const resetSession = async () => {
		await db.exec('rollback').catch(() => {});
		await db.exec(RESET_SESSION_SQL).catch(() => {});
		// After some storage failures (a full disk) PGlite stays wedged until reopened: notice it here.
		await db.exec('select 1').then(() => {
			broken = false;
		}, () => {
			broken = true;
		});
	};
	const transaction = <T>(fn: (tx: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T> =>
		exclusive(async () => {
			try {
				return await db.transaction(async (tx) => {
					if (options?.readOnly) {
						// The SELECT takes the snapshot, after which Postgres refuses `SET TRANSACTION READ WRITE`.
						await tx.exec('set transaction read only; select 1');
					}
					return fn(wrapRunner(tx));
				});
			} catch (error) {
				throw toPostgresError(error);
			} finally {
				await resetSession();
			}
		});
	return {
		query: (sql, params) => exclusive(() => direct.query(sql, params)),
		exec: (sql) => exclusive(() => direct.exec(sql)),
		transaction,
		session(fn, options) {
			if (options?.readOnly) return transaction(fn, options);
			return exclusive(async () => {
				try {
					return await fn(direct);
				} finally {
					await resetSession();
				}
			});
		},
		async close() {
			await exclusive(async () => {
				if (!db.closed) await db.close().catch(() => {});
			});
		},
		broken: () => broken,
	};
}

async function pgliteVersion(): Promise<string> {
	const entry = new URL(import.meta.resolve('@electric-sql/pglite'));
	let dir = path.dirname(entry.pathname);
	while (dir !== path.dirname(dir)) {
		const file = path.join(dir, 'package.json');
		if (existsSync(file)) {
			const pkg = JSON.parse(await readFile(file, 'utf8')) as {name?: string; version?: string};
			if (pkg.name === '@electric-sql/pglite') return pkg.version ?? 'unknown';
		}
		dir = path.dirname(dir);
	}
	return 'unknown';
}

function defaultCacheDir(): string {
	return path.join(process.env['XDG_CACHE_HOME'] || path.join(homedir(), '.cache'), 'pgpair');
}

/**
 * PGlite back end. Each database (main, every branch) is its own PGlite instance with its own data directory,
 * because one PGlite instance serves exactly one database. New databases start from a gzip snapshot of a database
 * that already has the shim: loading it takes about a second where initdb takes several.
 */
export function createPGliteHost(options: PGliteHostOptions = {}): PlatformHost {
	const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
	const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
	const open = new Map<string, DatabasePlatform>();
	let snapshot: Promise<Blob> | undefined;
	let snapshotFile: Promise<string | undefined> | undefined;
	/** The background write of the snapshot cache; `close` waits for it so a quick exit leaves no half file. */
	let caching: Promise<void> = Promise.resolve();

	async function newPGlite(extra: Partial<PGliteOptions>): Promise<PGlite> {
		const [{PGlite}, {vector}, {pgcrypto}, {uuid_ossp}, {pg_trgm}] = await Promise.all([
			import('@electric-sql/pglite'),
			import('@electric-sql/pglite-pgvector'),
			import('@electric-sql/pglite/contrib/pgcrypto'),
			import('@electric-sql/pglite/contrib/uuid_ossp'),
			import('@electric-sql/pglite/contrib/pg_trgm'),
		]);
		return PGlite.create({
			extensions: {vector, pgcrypto, uuid_ossp, pg_trgm},
			parsers: {[INT8_OID]: parseInt8},
			...extra,
		});
	}

	function cachedSnapshotPath(): Promise<string | undefined> {
		snapshotFile ??= (async () => {
			if (!cacheDir) return undefined;
			return path.join(cacheDir, `pglite-base-${await pgliteVersion()}-${SHIM_VERSION}.tar.gz`);
		})();
		return snapshotFile;
	}

	async function readCachedSnapshot(): Promise<Blob | undefined> {
		const file = await cachedSnapshotPath();
		if (!file || !existsSync(file)) return undefined;
		try {
			return new Blob([await readFile(file)]);
		} catch {
			return undefined;
		}
	}

	/**
	 * Keeps `db` (untouched but for the shim) as the base snapshot. The uncompressed dump is quick and serves at
	 * once; compressing and writing the cache file happen off the boot path, on zlib's thread pool.
	 */
	async function rememberSnapshot(db: PGlite): Promise<Blob> {
		const raw: Blob = await db.dumpDataDir('none');
		caching = (async () => {
			const compressed = new Blob([await gzipAsync(Buffer.from(await raw.arrayBuffer()))]);
			snapshot = Promise.resolve(compressed);
			const file = await cachedSnapshotPath();
			if (!file) return;
			await mkdir(path.dirname(file), {recursive: true});
			// Written under a unique name and renamed, so concurrent first starts never see half a snapshot.
			const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
			await writeFile(temporary, Buffer.from(await compressed.arrayBuffer()));
			await rename(temporary, file);
		})().catch(() => {
			// The cache only saves time; a read-only home directory must not stop the database.
		});
		return raw;
	}

	/** The base snapshot: from memory, else the cache file, else built once from a fresh in-memory database. */
	function baseSnapshot(): Promise<Blob> {
		snapshot ??= (async () => {
			const cached = await readCachedSnapshot();
			if (cached) return cached;
			const db = await newPGlite({});
			try {
				await installShim(wrapPGlite(db));
				return await rememberSnapshot(db);
			} finally {
				await db.close();
			}
		})();
		snapshot.catch(() => {
			snapshot = undefined;
		});
		return snapshot;
	}

	async function openAt(key: string, dir: string | undefined, fresh: boolean): Promise<DatabasePlatform> {
		let db: PGlite;
		if (!fresh) {
			db = await newPGlite({dataDir: dir});
		} else {
			if (dir) {
				await rm(dir, {recursive: true, force: true});
				await mkdir(dir, {recursive: true});
			}
			db = await newPGlite({dataDir: dir, loadDataDir: await baseSnapshot()});
		}
		const platform = wrapPGlite(db);
		try {
			await installShim(platform);
		} catch (error) {
			await platform.close();
			throw error;
		}
		open.set(key, platform);
		return platform;
	}

	const branchDir = (ref: string) => (dataDir ? path.join(dataDir, 'branches', ref) : undefined);

	return {
		kind: 'pglite',
		label: dataDir ? `PGlite (embedded) at ${dataDir}` : 'PGlite (embedded, in memory)',

		async openMain() {
			const dir = dataDir ? path.join(dataDir, 'main') : undefined;
			if (dir && existsSync(path.join(dir, 'PG_VERSION'))) return openAt('main', dir, false);
			const cached = snapshot ? undefined : await readCachedSnapshot();
			if (cached) {
				snapshot = Promise.resolve(cached);
				return openAt('main', dir, true);
			}
			// First start on this machine: initialise in place, then keep the untouched database as the snapshot.
			if (dir) await mkdir(dir, {recursive: true});
			const db = await newPGlite({dataDir: dir});
			const platform = wrapPGlite(db);
			try {
				await installShim(platform);
				snapshot = Promise.resolve(await rememberSnapshot(db));
			} catch (error) {
				await platform.close();
				throw error;
			}
			open.set('main', platform);
			return platform;
		},

		createBranchDatabase(ref) {
			return openAt(ref, branchDir(ref), true);
		},

		async openBranchDatabase(ref) {
			const dir = branchDir(ref);
			if (dir && !existsSync(path.join(dir, 'PG_VERSION'))) {
				throw new Error(`The database of branch ${ref} is missing from ${dir}.`);
			}
			if (!dir) throw new Error(`The in-memory database of branch ${ref} is gone.`);
			return openAt(ref, dir, false);
		},

		async dropBranchDatabase(ref) {
			await open.get(ref)?.close();
			open.delete(ref);
			const dir = branchDir(ref);
			if (dir) await rm(dir, {recursive: true, force: true});
		},

		async close() {
			const all = [...open.values()];
			open.clear();
			await Promise.allSettled([caching, ...all.map((db) => db.close())]);
		},
	};
}
