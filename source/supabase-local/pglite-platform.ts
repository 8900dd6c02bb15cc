import {existsSync} from 'node:fs';
import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {gunzip, gzip} from 'node:zlib';
import {extract} from 'tar';
import {keepOutOfGit} from './checkpoints/git-ignored.js';
import {prepareRestore, recoverSwap, saveSnapshot} from './checkpoints/pglite-snapshot.js';
import {DeadlineError, EngineClient, EngineGoneError} from './engine/engine-client.js';
import type {EngineStorage, WireResult} from './engine/protocol.js';
import {becomeReaderSql, throwawayRoleName} from './least-privilege.js';
import {
	type DatabasePlatform,
	DEFAULT_DEADLINES,
	type Deadlines,
	type PlatformHost,
	type QueryResult,
	type Sandbox,
	type SleepState,
	type SqlRunner,
	type TransactionOptions,
	toPostgresError,
} from './platform.js';
import {installShim, RESET_SESSION_SQL, SESSION_SETTINGS_SQL, SHIM_VERSION} from './shim.js';

/**
 * Memory of an embedded engine. Postgres's defaults are sized for a server (128 MB of shared buffers, 64 MB for
 * index builds), and in WASM every page of them stays resident once touched; a development database of a few
 * hundred tables works in a fraction of that. What is not in the buffers is read from the OS's file cache.
 */
const ENGINE_MEMORY: Record<string, string> = {shared_buffers: '16MB', maintenance_work_mem: '16MB', work_mem: '4MB', temp_buffers: '4MB', wal_buffers: '1MB'};

export {parseInt8} from './platform.js';

export type PGliteHostOptions = {
	/** Directory holding `main/` and `branches/<ref>/`; omitted means everything lives in memory. */
	dataDir?: string;
	/**
	 * Where the base snapshot (an initialised database with the shim installed) is cached across workspaces;
	 * `null` disables the on-disk cache. Default: `$XDG_CACHE_HOME/pgpair` or `~/.cache/pgpair`.
	 */
	cacheDir?: string | null;
	deadlines?: Deadlines;
	/** After this long without a call a database's engine sleeps, giving its memory back (0 or absent: never). */
	idleMs?: number;
};

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Serialises async work: each call starts when the previous one has settled. */
function createLock(): <T>(fn: () => Promise<T>) => Promise<T> {
	let tail: Promise<unknown> = Promise.resolve();
	return fn => {
		const run = tail.then(fn, fn);
		tail = run.catch(() => {});
		return run;
	};
}

/** A point in time requests must finish by; each request gets what is left. */
class Deadline {
	readonly #at: number;
	constructor(readonly timeoutMs: number) {
		this.#at = performance.now() + timeoutMs;
	}
	left(): number {
		const left = this.#at - performance.now();
		if (left <= 0) throw new DeadlineError(this.timeoutMs, 'The call');
		return left;
	}
}

function engineRunner(engine: EngineClient, deadline: () => Deadline, what: string): SqlRunner {
	return {
		async query(sql, params) {
			try {
				return await engine.request<WireResult>({type: 'query', sql, ...(params ? {params} : {})}, deadline().left(), what);
			} catch (error) {
				throw toPostgresError(error);
			}
		},
		async exec(sql) {
			try {
				return (await engine.request<WireResult[]>({type: 'exec', sql}, deadline().left(), what)).map(
					(r): QueryResult => ({
						rows: r.rows,
						...(r.command ? {command: r.command} : {}),
						...(r.affectedRows === undefined ? {} : {affectedRows: r.affectedRows}),
					}),
				);
			} catch (error) {
				throw toPostgresError(error);
			}
		},
	};
}

type EngineDatabaseOptions = {
	engine: EngineClient;
	/** The host directory the live database sits in (absent: in memory), which a sandbox clones. */
	dataDir: string | undefined;
	deadlines: Deadlines;
	/** After this long without a call the engine is closed and its worker ended (see `EngineClient.sleep`); 0: never. */
	idleMs?: number;
};

/**
 * One PGlite engine is one session shared by every tool call, so a transaction, an agent's session, a read or a
 * sandbox must not interleave with other calls: everything goes through one lock (PGlite only serialises single
 * queries). A deadline that passes restarts the engine; the next call finds it running again.
 */
export function engineDatabase({engine, dataDir, deadlines, idleMs = 0}: EngineDatabaseOptions): DatabasePlatform {
	const lock = createLock();
	// Idle: a timer armed after every call; when it fires with nothing running, the engine sleeps. The next call
	// wakes it (the engine reopens from its files: about half a second) and says so to whoever listens.
	const sleepListeners = new Set<(state: SleepState) => void>();
	const tell = (state: SleepState) => {
		for (const listener of sleepListeners) listener(state);
	};
	let idleTimer: NodeJS.Timeout | undefined;
	let asleep = false;
	let closed = false;
	const armIdle = () => {
		clearTimeout(idleTimer);
		if (idleMs <= 0 || closed) return;
		idleTimer = setTimeout(() => {
			void lock(async () => {
				if (closed || asleep || !engine.running) return;
				await engine.sleep();
				asleep = true;
				tell('asleep');
			});
		}, idleMs);
		idleTimer.unref();
	};
	const exclusive = <T>(fn: () => Promise<T>): Promise<T> =>
		lock(async () => {
			clearTimeout(idleTimer);
			const waking = asleep;
			if (waking) {
				asleep = false;
				tell('waking');
			}
			try {
				return await fn();
			} finally {
				if (waking) tell('awake');
				armIdle();
			}
		});
	const callDeadline = () => new Deadline(deadlines.callMs);
	const direct = engineRunner(engine, callDeadline, 'The statement');
	const resetSession = async (runner: SqlRunner) => {
		if (!engine.running) return;
		await runner.exec('rollback').catch(() => {});
		await runner.exec(RESET_SESSION_SQL).catch(() => {});
		// After some storage failures (a full disk) PGlite stays wedged; a restart recovers from what is on disk.
		await runner.exec('select 1').catch(() => engine.kill());
	};
	// A restarted engine would otherwise have no transaction to roll back, but is still a new session.
	const scoped = (timeoutMs: number | undefined): SqlRunner => {
		const deadline = new Deadline(timeoutMs ?? deadlines.callMs);
		return engineRunner(engine, () => deadline, 'The call');
	};
	const transaction = <T>(fn: (tx: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T> =>
		exclusive(async () => {
			const tx = scoped(options?.timeoutMs);
			try {
				// The SELECT takes the snapshot, after which Postgres refuses `SET TRANSACTION READ WRITE`.
				await tx.exec(options?.readOnly ? 'begin read only; select 1' : 'begin');
				const result = await fn(tx);
				await tx.exec('commit');
				return result;
			} catch (error) {
				throw toPostgresError(error);
			} finally {
				await resetSession(direct);
			}
		});

	/** An internal error (XX000) can leave PGlite unusable: the engine restarts from its files before the next call. */
	const wedged = async (error: unknown): Promise<never> => {
		if ((error as {code?: unknown}).code === 'XX000') await engine.kill();
		else await resetSession(direct);
		throw error;
	};

	/** An engine that nothing it does can reach the user's database from, as a sandbox: one open transaction. */
	const engineSandbox = async (kind: 'frozen' | 'clone', sandboxEngine: EngineClient, deadline: Deadline): Promise<Sandbox> => {
		const runner = engineRunner(sandboxEngine, () => deadline, 'The preview');
		await runner.exec('begin');
		return {
			kind,
			...runner,
			async runConfined(sql) {
				await runner.exec(sql);
			},
			async queryConfined(sql) {
				return (await runner.query(sql)).rows;
			},
			filesWritten: () => sandboxEngine.request<string[]>({type: 'files-written'}, deadline.left(), 'The preview'),
		};
	};

	/**
	 * The engine itself becomes the sandbox: everything it holds goes to disk (checkpoint), then it is frozen, so
	 * nothing it does from here reaches its data directory (live-fs.ts). It is warm, so a preview takes the time of
	 * its queries. Afterwards it is discarded and restarted from the untouched files in the background.
	 */
	const frozenSandbox = async <T>(deadline: Deadline, fn: (sandbox: Sandbox) => Promise<T>): Promise<T> => {
		await engine.request({type: 'exec', sql: 'checkpoint'}, deadline.left(), 'Preparing the preview');
		try {
			await engine.request({type: 'freeze'}, deadline.left(), 'Preparing the preview');
			return await fn(await engineSandbox('frozen', engine, deadline));
		} finally {
			await engine.kill();
			engine.start().catch(() => {
				// The next request starts it again and reports why it could not.
			});
		}
	};

	/** A database in memory has no files to freeze: its sandbox is a clone loaded from a dump, in a worker of its own. */
	const cloneSandbox = async <T>(deadline: Deadline, fn: (sandbox: Sandbox) => Promise<T>): Promise<T> => {
		const dump = await engine.request<ArrayBuffer>({type: 'dump'}, deadline.left(), 'Preparing the preview');
		const clone = new EngineClient({
			name: 'preview sandbox',
			open: {storage: {kind: 'memory', dump}, settings: ENGINE_MEMORY},
			openTimeoutMs: deadline.left(),
			afterOpen: SESSION_SETTINGS_SQL,
		});
		try {
			return await fn(await engineSandbox('clone', clone, deadline));
		} finally {
			await clone.kill();
		}
	};

	return {
		query: (sql, params) => exclusive(() => direct.query(sql, params).catch(async (error: unknown) => wedged(error))),
		exec: sql => exclusive(() => direct.exec(sql).catch(async (error: unknown) => wedged(error))),
		transaction,
		session(fn, options) {
			if (options?.readOnly) return transaction(fn, options);
			return exclusive(async () => {
				try {
					return await fn(scoped(options?.timeoutMs));
				} finally {
					await resetSession(direct);
				}
			});
		},
		readAsLeastPrivilege(fn, options) {
			return exclusive(async () => {
				const reader = scoped(options.timeoutMs);
				try {
					await reader.exec(`begin;\n${becomeReaderSql(throwawayRoleName('reader'), {bypassRls: true})}`);
					return await fn(reader);
				} finally {
					await resetSession(direct);
				}
			});
		},
		sandbox(fn, options) {
			// Nothing else runs on this engine while it is a sandbox; afterwards it is discarded and starts again.
			return exclusive(async () => {
				const deadline = new Deadline(options.timeoutMs);
				if (dataDir) return frozenSandbox(deadline, fn);
				return cloneSandbox(deadline, fn);
			});
		},
		async close() {
			closed = true;
			clearTimeout(idleTimer);
			await lock(() => engine.close());
		},
		...(dataDir
			? {
					snapshots: {
						// Under the engine's lock, so no statement runs while the files are read; CHECKPOINT first, so everything
						// committed is in them. An engine asleep (or not started) has closed cleanly: its files are at rest already.
						save: (target, previous) =>
							lock(async () => {
								if (!engine.running) return saveSnapshot(dataDir, target, previous);
								await engine.request({type: 'exec', sql: 'checkpoint'}, deadlines.callMs, 'Saving a checkpoint');
								// The WAL from the checkpoint's redo point to where the next record would go: all a start-up reads.
								const wal = await engine.request<WireResult>(
									{
										type: 'query',
										sql: `select r.file_name as redo, r.file_offset as redo_offset, i.file_name as current, i.file_offset as used
											from pg_catalog.pg_control_checkpoint() c, pg_catalog.pg_walfile_name_offset(c.redo_lsn) r,
												pg_catalog.pg_walfile_name_offset(pg_catalog.pg_current_wal_insert_lsn()) i`,
									},
									deadlines.callMs,
									'Saving a checkpoint',
								);
								const row = wal.rows[0] ?? {};
								const [redo, current] = [String(row['redo']), String(row['current'])];
								const walSegments =
									redo === current
										? [{name: current, fromBytes: Number(row['redo_offset']), usedBytes: Number(row['used'])}]
										: [{name: redo}, {name: current, usedBytes: Number(row['used'])}];
								return saveSnapshot(dataDir, target, previous, {walSegments});
							}),
						restore: from =>
							lock(async () => {
								clearTimeout(idleTimer);
								// The next engine's worker loads while the copy is made; the running one, idle under this lock, is stopped
								// only for the swap, and not closed: its files are replaced whole, so there is nothing to flush.
								engine.boot();
								const prepared = await prepareRestore(from, dataDir);
								await engine.kill();
								const {cleanup} = await prepared.swap();
								if (asleep) {
									asleep = false;
									tell('awake');
								}
								await engine.start();
								armIdle();
								void cleanup;
							}),
						async read(from, fn) {
							const reader = new EngineClient({name: 'checkpoint reader', open: {storage: {kind: 'overlay', lowerDir: from}, settings: ENGINE_MEMORY}});
							try {
								return await fn(engineRunner(reader, () => new Deadline(deadlines.readMs), 'Reading the checkpoint'));
							} finally {
								await reader.kill();
							}
						},
					},
				}
			: {}),
		broken: () => false,
		onSleep(listener) {
			sleepListeners.add(listener);
			return () => sleepListeners.delete(listener);
		},
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
 * PGlite back end. Each database (main, every branch) is its own PGlite engine (a worker thread) with its own data
 * directory, because one PGlite instance serves exactly one database. New databases start from a snapshot of a
 * database that already has the shim: loading it takes about a second where initdb takes several.
 */
export function createPGliteHost(options: PGliteHostOptions = {}): PlatformHost {
	const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
	const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
	const deadlines = options.deadlines ?? DEFAULT_DEADLINES;
	const open = new Map<string, DatabasePlatform>();
	/** The uncompressed tarball of a fresh database with the shim. */
	let snapshot: Promise<ArrayBuffer> | undefined;
	let snapshotFile: Promise<string | undefined> | undefined;
	/** The background write of the snapshot cache; `close` waits for it so a quick exit leaves no half file. */
	let caching: Promise<void> = Promise.resolve();

	function cachedSnapshotPath(): Promise<string | undefined> {
		snapshotFile ??= (async () => {
			if (!cacheDir) return undefined;
			return path.join(cacheDir, `pglite-base-${await pgliteVersion()}-${SHIM_VERSION}.tar.gz`);
		})();
		return snapshotFile;
	}

	async function readCachedSnapshot(): Promise<ArrayBuffer | undefined> {
		const file = await cachedSnapshotPath();
		if (!file || !existsSync(file)) return undefined;
		try {
			const raw = await gunzipAsync(await readFile(file));
			return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
		} catch {
			return undefined;
		}
	}

	/**
	 * The snapshot is needed again only for a branch, which is rare: once the cache file holds it, the copy in memory
	 * (a whole database, hundreds of MB with the engine's copies) is let go and a branch reads the file instead.
	 * Without a cache file (no cache directory, a read-only one) it stays, so branches still work.
	 */
	function releaseSnapshotOnceCached(): void {
		const held = snapshot;
		if (!held) return;
		void (async () => {
			await held.catch(() => undefined);
			await caching;
			const file = await cachedSnapshotPath();
			if (snapshot === held && file && existsSync(file)) snapshot = undefined;
		})();
	}

	/** Keeps a copy of the dump; compressing and writing the cache file happen off the boot path. */
	function rememberSnapshot(raw: ArrayBuffer): ArrayBuffer {
		const copy = raw.slice(0);
		caching = (async () => {
			const file = await cachedSnapshotPath();
			if (!file) return;
			const compressed = await gzipAsync(Buffer.from(copy));
			await mkdir(path.dirname(file), {recursive: true});
			// Written under a unique name and renamed, so concurrent first starts never see half a snapshot.
			const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
			await writeFile(temporary, compressed);
			await rename(temporary, file);
		})().catch(() => {
			// The cache only saves time; a read-only home directory must not stop the database.
		});
		return copy;
	}

	/** The base snapshot: from memory, else the cache file, else built once from a fresh in-memory database. */
	function baseSnapshot(): Promise<ArrayBuffer> {
		snapshot ??= (async () => {
			const cached = await readCachedSnapshot();
			if (cached) return cached;
			const engine = new EngineClient({name: 'base snapshot', open: {storage: {kind: 'memory'}}});
			try {
				await installShim(engineDatabase({engine, dataDir: undefined, deadlines}));
				return rememberSnapshot(await engine.request<ArrayBuffer>({type: 'dump'}, deadlines.callMs, 'Saving the base snapshot'));
			} finally {
				await engine.close();
			}
		})();
		snapshot.catch(() => {
			snapshot = undefined;
		});
		return snapshot;
	}

	async function startEngine(name: string, storage: EngineStorage, dir: string | undefined): Promise<{platform: DatabasePlatform; engine: EngineClient}> {
		// Session settings come after the shim has made what they name; a restart re-applies them.
		const engine = new EngineClient({name, open: {storage, settings: ENGINE_MEMORY}, afterOpen: SESSION_SETTINGS_SQL});
		// Only a database on disk may sleep: one in memory would lose everything.
		const platform = engineDatabase({engine, dataDir: dir, deadlines, ...(dir && options.idleMs ? {idleMs: options.idleMs} : {})});
		try {
			await installShim(platform);
		} catch (error) {
			await platform.close();
			if (error instanceof EngineGoneError || error instanceof DeadlineError) throw error;
			throw toPostgresError(error);
		}
		return {platform, engine};
	}

	/**
	 * A new database directory unpacked from the cached snapshot file straight onto disk, then opened like any other:
	 * handing PGlite the snapshot to load instead costs a copy of it per thread and grows the engine's WASM memory by
	 * its size, for good (about 300 MB more resident, and slower). Unpacked beside and renamed into place, so a crash
	 * never leaves half a database that looks whole. False when there is no cache file to unpack.
	 */
	async function unpackSnapshot(dir: string): Promise<boolean> {
		const file = await cachedSnapshotPath();
		if (!file || !existsSync(file)) return false;
		const partial = `${dir}.unpacking-${process.pid}`;
		await rm(partial, {recursive: true, force: true});
		await mkdir(partial, {recursive: true, mode: 0o700});
		try {
			// The archive's paths are the data directory's own, written from its root (`/PG_VERSION`, `/base/…`): made
			// relative here, so strict mode refuses only what is wrong (a damaged file, a path leaving the directory).
			await extract({
				file,
				cwd: partial,
				strict: true,
				onReadEntry: entry => {
					entry.path = entry.path.replace(/^\/+/, '');
				},
			});
			if (!existsSync(path.join(partial, 'PG_VERSION'))) throw new Error(`${file} holds no database`);
		} catch {
			// A damaged cache file: the snapshot in memory (or initdb) does it instead. (Retries: a failed extraction may
			// still be closing files as it rejects.)
			await rm(partial, {recursive: true, force: true, maxRetries: 5});
			return false;
		}
		await rm(dir, {recursive: true, force: true});
		await mkdir(path.dirname(dir), {recursive: true});
		await rename(partial, dir);
		return true;
	}

	/** A database directory that exists is opened; otherwise it is created from the base snapshot. */
	async function openAt(key: string, dir: string | undefined, fresh: boolean): Promise<DatabasePlatform> {
		let storage: EngineStorage;
		// A rewind killed half-way is finished or undone before anything opens the directory.
		if (dir) await recoverSwap(dir);
		if (!fresh && dir) {
			storage = {kind: 'directory', dataDir: dir};
		} else if (dir && (await unpackSnapshot(dir))) {
			storage = {kind: 'directory', dataDir: dir};
		} else if (dir) {
			await rm(dir, {recursive: true, force: true});
			await mkdir(dir, {recursive: true});
			// PGlite unpacks a loaded dump into its data directory on first open.
			storage = {kind: 'directory', dataDir: dir, dump: await baseSnapshot()};
		} else {
			storage = {kind: 'memory', dump: await baseSnapshot()};
		}
		const {platform} = await startEngine(key, storage, dir);
		open.set(key, platform);
		if (fresh) releaseSnapshotOnceCached();
		return platform;
	}

	const branchDir = (ref: string) => (dataDir ? path.join(dataDir, 'branches', ref) : undefined);

	return {
		kind: 'pglite',
		label: dataDir ? `PGlite (embedded) at ${dataDir}` : 'PGlite (embedded, in memory)',

		async openMain() {
			if (dataDir) await lockDataDir(dataDir);
			const dir = dataDir ? path.join(dataDir, 'main') : undefined;
			// Before looking for the database: a rewind killed between its two renames has moved it aside.
			if (dir) await recoverSwap(dir);
			if (dir && existsSync(path.join(dir, 'PG_VERSION'))) return openAt('main', dir, false);
			// A cache file is unpacked onto disk without reading it into memory; an in-memory snapshot serves otherwise.
			if (dir && !snapshot && existsSync((await cachedSnapshotPath()) ?? '')) return openAt('main', dir, true);
			const cached = snapshot ? undefined : await readCachedSnapshot();
			if (cached) snapshot = Promise.resolve(cached);
			if (snapshot) return openAt('main', dir, true);
			// First start on this machine: initialise in place, then keep the untouched database as the snapshot.
			if (dir) await mkdir(dir, {recursive: true});
			const {platform, engine} = await startEngine('main', dir ? {kind: 'directory', dataDir: dir} : {kind: 'memory'}, dir);
			snapshot = engine.request<ArrayBuffer>({type: 'dump'}, deadlines.callMs, 'Saving the base snapshot').then(rememberSnapshot);
			snapshot.catch(() => {
				snapshot = undefined;
			});
			open.set('main', platform);
			releaseSnapshotOnceCached();
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
			await Promise.allSettled([caching, ...all.map(db => db.close())]);
			if (dataDir) await unlockDataDir(dataDir);
		},
	};
}

/**
 * One process at a time on a data directory: two PGlite engines on the same files corrupt them, and a rewind swaps
 * the files under whoever has them open. The lock is a file naming the process; one whose process is gone (killed) is
 * taken over.
 */
async function lockDataDir(dataDir: string): Promise<void> {
	const file = path.join(dataDir, 'lock');
	// Not over a file of that name: writing the lock then fails with ENOTDIR, which says what is wrong.
	if (!existsSync(dataDir)) await mkdir(dataDir, {recursive: true});
	if (path.basename(path.dirname(dataDir)) === '.pgpair') await keepOutOfGit(path.dirname(dataDir));
	// A server started again right after the last one was closed finds it still closing: it waits that long, no more.
	const until = performance.now() + LOCK_WAIT_MS;
	for (;;) {
		try {
			await writeFile(file, String(process.pid), {flag: 'wx'});
			return;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
		if (holder === process.pid) return;
		if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
			if (performance.now() > until) throw new Error(`the embedded database in ${dataDir} is in use by another pgpair (process ${holder}); close it first`);
			await new Promise(resolve => setTimeout(resolve, 50));
			continue;
		}
		await rm(file, {force: true});
	}
}

/** Longer than a closing server's grace period (stdio-main.ts's SHUTDOWN_GRACE_MS). */
const LOCK_WAIT_MS = 3000;

async function unlockDataDir(dataDir: string): Promise<void> {
	const file = path.join(dataDir, 'lock');
	const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
	if (holder === process.pid) await rm(file, {force: true});
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, it is someone else's.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
