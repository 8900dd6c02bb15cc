import {createHash, randomInt} from 'node:crypto';
import type {DryRunReport} from '../sql/preview-report.js';
import {EdgeFunctionStore} from './edge-functions.js';
import {FunctionsRuntime, type FunctionsRuntimeOptions} from './functions-runtime/runtime.js';
import {LogStore, logFileOf} from './logs.js';
import {listMigrations, MigrationFiles} from './migrations.js';
import {type DatabasePlatform, DEFAULT_DEADLINES, type Deadlines, type PlatformHost} from './platform.js';

/** The database a tool call works on: main or one branch. */
export type ProjectHandle = {
	ref: string;
	isMain: boolean;
	db: DatabasePlatform;
	/** Only main's migrations are mirrored into the workspace. */
	files: MigrationFiles | undefined;
};

export type LocalSupabaseOptions = {
	host: PlatformHost;
	/** Directory holding `supabase/migrations` and `supabase/functions`; omitted means no workspace files. */
	workspace?: string;
	readOnly?: boolean;
	/** Deno binary, gateway port and cache directory of the edge-functions runtime. */
	functions?: FunctionsRuntimeOptions;
	/** How long calls, unasked reads and previews may take. */
	deadlines?: Deadlines;
};

/**
 * Where the main database is: not started yet (it starts on the first call that needs it), starting, ready, asleep
 * (idle long enough that its engine gave its memory back; the next call wakes it), or failed with the reason (the
 * next call tries again). The status line shows this, so a call that waits for the start waits visibly.
 */
export type DatabaseState = {state: 'idle' | 'starting' | 'ready' | 'asleep'} | {state: 'failed'; reason: string};

/** Lowercase letters, like the 20-character refs of hosted Supabase projects. */
export function newProjectRef(): string {
	let ref = '';
	for (let i = 0; i < 20; i++) ref += String.fromCharCode(97 + randomInt(26));
	return ref;
}

/** A stable UUID for the main branch, derived from its ref (the main project has no branch row). */
export function mainBranchId(ref: string): string {
	const hex = createHash('sha256').update(`pgpair-main-branch:${ref}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What a preview of some SQL came to: its report, or why it could not be made. */
export type PreviewOutcome = {report?: DryRunReport; error?: string; at: number};

type Booted = {main: DatabasePlatform; mainRef: string; functions: EdgeFunctionStore; files: MigrationFiles | undefined};

/**
 * Everything the tools share: the host, the main database (booted in the background so the MCP handshake never
 * waits for it), open branch databases, logs and a lock that keeps changes to the database structure in order.
 */
export class LocalSupabase {
	readonly host: PlatformHost;
	readonly workspace: string | undefined;
	readonly readOnly: boolean;
	readonly deadlines: Deadlines;
	/** On disk in `.pgpair/logs/` when there is a workspace (see LogStore). */
	readonly logs: LogStore;
	/** Serves deployed edge functions over HTTP on loopback; nothing runs until the first request or URL lookup. */
	readonly functionsRuntime: FunctionsRuntime;
	readonly #branchDatabases = new Map<string, Promise<DatabasePlatform>>();
	#boot: Promise<Booted> | undefined;
	#lock: Promise<unknown> = Promise.resolve();
	/** The newest migration version this server issued; see `applyMigration`. */
	versionFloor: string | undefined;
	#state: DatabaseState = {state: 'idle'};
	/** The latest previews, by project, mode and SQL (see `rememberPreview`). */
	readonly #previews = new Map<string, PreviewOutcome>();
	readonly #stateListeners = new Set<(state: DatabaseState) => void>();

	constructor(options: LocalSupabaseOptions) {
		this.host = options.host;
		this.workspace = options.workspace;
		this.readOnly = options.readOnly ?? false;
		this.deadlines = options.deadlines ?? DEFAULT_DEADLINES;
		this.logs = new LogStore(this.workspace ? {file: logFileOf(this.workspace)} : {});
		this.functionsRuntime = new FunctionsRuntime(this, options.functions);
	}

	/** Starts the database without waiting for it; a failure is kept and reported by the first tool that needs it. */
	start(): void {
		if (this.#boot) return;
		const boot = this.#startDatabase();
		this.#boot = boot;
		this.#setState({state: 'starting'});
		boot.then(
			() => this.#boot === boot && this.#setState({state: 'ready'}),
			(error: unknown) => this.#boot === boot && this.#setState({state: 'failed', reason: (error as Error).message}),
		);
	}

	get databaseState(): DatabaseState {
		return this.#state;
	}

	/** Calls `listener` with every change of the database's state; returns the unsubscribe. */
	onDatabaseState(listener: (state: DatabaseState) => void): () => void {
		this.#stateListeners.add(listener);
		return () => this.#stateListeners.delete(listener);
	}

	#setState(state: DatabaseState): void {
		const previous = this.#state;
		if (state.state === previous.state && (state.state !== 'failed' || (previous.state === 'failed' && previous.reason === state.reason))) return;
		this.#state = state;
		for (const listener of this.#stateListeners) listener(state);
	}

	async #startDatabase(): Promise<Booted> {
		const main = await this.host.openMain();
		main.onSleep?.(sleep => this.#setState({state: sleep === 'asleep' ? 'asleep' : sleep === 'waking' ? 'starting' : 'ready'}));
		try {
			let {rows} = await main.query('select ref from pgpair.project');
			if (!rows[0]) {
				await main.query('insert into pgpair.project (ref) values ($1) on conflict do nothing', [newProjectRef()]);
				({rows} = await main.query('select ref from pgpair.project'));
			}
			const mainRef = String(rows[0]!.ref);
			const files = this.workspace ? new MigrationFiles(this.workspace) : undefined;
			// The ledger is the truth; a workspace that lost files (a fresh clone, a cleaned folder) gets them back.
			if (files && !this.readOnly) await files.restoreMissing(await listMigrations(main));
			return {main, mainRef, files, functions: new EdgeFunctionStore(main, this.workspace, mainRef)};
		} catch (error) {
			await main.close().catch(() => {});
			throw error;
		}
	}

	async ready(): Promise<Booted> {
		this.start();
		try {
			const booted = await this.#boot!;
			if (booted.main.broken?.()) {
				// A wedged engine (after a full disk, say) is reopened; what was committed is still on disk.
				this.#boot = undefined;
				await booted.main.close().catch(() => {});
				return await this.ready();
			}

			return booted;
		} catch (error) {
			// A failed start is tried again on the next call (the disk may have room now, the dir may be writable).
			this.#boot = undefined;
			throw new Error(`The local database (${this.host.label}) failed to start: ${(error as Error).message}`);
		}
	}

	/** Resolves `project_id` (main's ref, a branch's ref or a branch's id; omitted means main). */
	async project(projectId?: string): Promise<ProjectHandle> {
		const booted = await this.ready();
		if (!projectId || projectId === booted.mainRef) {
			return {ref: booted.mainRef, isMain: true, db: booted.main, files: booted.files};
		}
		const branch = await this.findBranch(projectId);
		if (!branch) {
			throw new Error(`Unknown project_id "${projectId}": use the main project's ref or a branch's project_ref from list_branches.`);
		}
		return {ref: branch.project_ref, isMain: false, db: await this.branchDatabase(branch.project_ref), files: undefined};
	}

	async findBranch(idOrRef: string): Promise<{id: string; name: string; project_ref: string} | undefined> {
		const {main} = await this.ready();
		const {rows} = await main.query('select id::text as id, name, project_ref from pgpair.branches where project_ref = $1 or id::text = $1', [idOrRef]);
		return rows[0] as {id: string; name: string; project_ref: string} | undefined;
	}

	branchDatabase(ref: string): Promise<DatabasePlatform> {
		let db = this.#branchDatabases.get(ref);
		if (!db) {
			db = this.host.openBranchDatabase(ref);
			this.#branchDatabases.set(ref, db);
			db.catch(() => this.#branchDatabases.delete(ref));
		}
		return db;
	}

	setBranchDatabase(ref: string, db: DatabasePlatform | undefined): void {
		if (db) this.#branchDatabases.set(ref, Promise.resolve(db));
		else this.#branchDatabases.delete(ref);
	}

	/**
	 * Whether the least-privilege reader skips row-level security here: only a superuser connection may grant
	 * BYPASSRLS (PGlite's is one). Otherwise the read proof also checks the code of the policies a query meets.
	 */
	async canBypassRls(db: DatabasePlatform): Promise<boolean> {
		return (await this.capabilities(db)).superuser;
	}

	/**
	 * What this connection lets pgpair do safely: a sandbox for previews and a least-privilege reader both need a
	 * superuser connection on Postgres (to make roles, grant pg_read_all_data, revoke EXECUTE for a transaction).
	 * PGlite's single user is one.
	 */
	async capabilities(db: DatabasePlatform): Promise<{superuser: boolean; sandbox: boolean; reader: boolean; reason?: string}> {
		if (this.host.kind === 'pglite') return {superuser: true, sandbox: true, reader: true};
		const {rows} = await db.query('select rolsuper from pg_catalog.pg_roles where rolname = current_user');
		const superuser = rows[0]?.rolsuper === true;
		return superuser
			? {superuser, sandbox: true, reader: true}
			: {
					superuser,
					sandbox: false,
					reader: false,
					reason: 'the DATABASE_URL role is not a superuser, so pgpair cannot make the confined roles it previews and reads with',
				};
	}

	/** Runs changes to migrations, branches and functions one at a time, so a merge never races an apply. */
	exclusive<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.#lock.then(fn, fn);
		this.#lock = run.catch(() => {});
		return run;
	}

	/**
	 * A preview's outcome, kept for the checkpoint of the same call: on a Postgres server the checkpoint saves the
	 * tables the preview found, without running the SQL in the sandbox a second time (and a preview that failed, or
	 * timed out, is not tried again there). Only the newest few are kept, each for ten minutes.
	 */
	rememberPreview(key: {ref: string; mode: string; query: string}, outcome: Omit<PreviewOutcome, 'at'>): void {
		const id = JSON.stringify([key.ref, key.mode, key.query]);
		this.#previews.delete(id);
		this.#previews.set(id, {...outcome, at: Date.now()});
		while (this.#previews.size > 16) this.#previews.delete(this.#previews.keys().next().value!);
	}

	takePreview(key: {ref: string; mode: string; query: string}): PreviewOutcome | undefined {
		const id = JSON.stringify([key.ref, key.mode, key.query]);
		const outcome = this.#previews.get(id);
		this.#previews.delete(id);
		return outcome && Date.now() - outcome.at < 10 * 60_000 ? outcome : undefined;
	}

	async close(): Promise<void> {
		await this.functionsRuntime.close();
		const boot = this.#boot;
		this.#boot = undefined;
		await boot?.catch(() => undefined);
		await this.host.close();
		await this.logs.close();
	}
}
