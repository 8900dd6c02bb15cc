/**
 * The MCP server's handle on one PGlite worker. Every request carries a deadline; when it passes, the worker (and
 * with it the running statement) is terminated — the only way to stop PGlite mid-statement — and the next request
 * starts a fresh worker on the same storage. For a file-backed database that is a crash restart: Postgres replays
 * its WAL, committed work stays, the interrupted transaction is gone.
 */
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import type {EngineReply, EngineRequest, OpenOptions, WasmModule, WireError} from './protocol.js';

/** A request ran past its deadline; the engine was stopped. */
export class DeadlineError extends Error {
	override readonly name = 'DeadlineError';
	readonly code = 'PGPAIR_DEADLINE';
	constructor(
		readonly timeoutMs: number,
		what: string,
	) {
		super(`${what} did not finish within ${formatSeconds(timeoutMs)}; pgpair stopped it.`);
	}
}

/** The engine went away under a request (killed, crashed, out of memory). */
export class EngineGoneError extends Error {
	override readonly name = 'EngineGoneError';
}

export function formatSeconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

let compiled: Promise<WasmModule> | undefined;
const wasm = (globalThis as unknown as {WebAssembly: {compile(bytes: Uint8Array): Promise<WasmModule>}}).WebAssembly;

/** pglite.wasm compiled once per process and handed to every worker, so a clone does not compile it again. */
export function pgliteWasmModule(): Promise<WasmModule> {
	compiled ??= (async () => {
		const file = fileURLToPath(import.meta.resolve('@electric-sql/pglite/pglite.wasm'));
		return wasm.compile(await readFile(file));
	})();
	compiled.catch(() => {
		compiled = undefined;
	});
	return compiled;
}

/** The worker script: beside the bundle in dist/, or the TypeScript source when running from sources (tests). */
function startWorker(name: string): Worker {
	const bundled = new URL('./engine-worker.js', import.meta.url);
	if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, {name});
	const source = new URL('./engine-worker.ts', import.meta.url).href;
	const bootstrap = `import('tsx/esm/api').then(({register}) => { register(); return import(${JSON.stringify(source)}); })`;
	return new Worker(bootstrap, {eval: true, name});
}

type Pending = {resolve: (value: unknown) => void; reject: (error: Error) => void; timer?: NodeJS.Timeout};

export type EngineClientOptions = {
	/** For thread names and messages, e.g. "live main" or "sandbox". */
	name: string;
	open: Omit<OpenOptions, 'wasmModule'>;
	/** How long opening (and crash recovery) may take. */
	openTimeoutMs?: number;
	/** Run after every open, restarts included: a restarted engine is a new session that needs its settings again. */
	afterOpen?: string;
};

export const DEFAULT_OPEN_TIMEOUT_MS = 120_000;

/** Turns a worker's error back into an Error with Postgres's fields, so callers see what PGlite threw. */
function revive(wire: WireError): Error {
	const error = new Error(wire.message) as Error & Record<string, unknown>;
	for (const [key, value] of Object.entries(wire)) if (key !== 'message') error[key] = value;
	return error;
}

export class EngineClient {
	#options: EngineClientOptions;
	#worker: Worker | undefined;
	/** A worker started ahead of `start` (see `boot`), loading PGlite's code while the caller still works on the files. */
	#booted: Worker | undefined;
	#ready: Promise<void> | undefined;
	readonly #pending = new Map<number, Pending>();
	#nextId = 1;
	#closed = false;
	/** How many times a deadline or a crash stopped the engine (for tests and status lines). */
	restarts = 0;

	constructor(options: EngineClientOptions) {
		this.#options = options;
	}

	get running(): boolean {
		return this.#worker !== undefined;
	}

	/** Starts the worker and opens the database (once; again after a kill). */
	start(): Promise<void> {
		if (this.#closed) return Promise.reject(new EngineGoneError(`The ${this.#options.name} database is closed.`));
		this.#ready ??= (async () => {
			// The worker boots (and loads PGlite's code) while this thread compiles the WASM it will be handed.
			const worker = this.#booted ?? startWorker(`pgpair ${this.#options.name}`);
			this.#booted = undefined;
			this.#worker = worker;
			worker.on('message', (reply: EngineReply) => this.#settle(reply));
			worker.on('error', error => this.#lost(worker, new EngineGoneError(`The ${this.#options.name} database engine failed: ${error.message}`)));
			worker.on('exit', () => this.#lost(worker, new EngineGoneError(`The ${this.#options.name} database engine stopped.`)));
			const timeoutMs = this.#options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
			let wasmModule: WasmModule;
			try {
				wasmModule = await pgliteWasmModule();
			} catch (error) {
				this.#worker = undefined;
				await worker.terminate();
				throw error;
			}
			await this.#send(worker, {type: 'open', options: {...this.#options.open, wasmModule}}, timeoutMs, 'Opening the database');
			const storage = this.#options.open.storage;
			// A directory filled from a dump holds the database now: a restart opens it as it is.
			if (storage.kind === 'directory' && storage.dump)
				this.#options = {...this.#options, open: {...this.#options.open, storage: {kind: 'directory', dataDir: storage.dataDir}}};
			if (this.#options.afterOpen) await this.#send(worker, {type: 'exec', sql: this.#options.afterOpen}, timeoutMs, 'Opening the database');
		})();
		this.#ready.catch(() => {
			this.#ready = undefined;
		});
		return this.#ready;
	}

	/**
	 * Starts a worker now, opening nothing: it loads PGlite's code meanwhile, and the next `start` (after a kill, if one
	 * runs now) only opens the database in it. For a restart whose data directory is still being put in place (a rewind).
	 */
	boot(): void {
		if (this.#closed || this.#booted) return;
		const worker = startWorker(`pgpair ${this.#options.name}`);
		this.#booted = worker;
		// A worker that fails before it is used is simply not used: `start` makes another.
		worker.on('error', () => undefined);
		worker.once('exit', () => {
			if (this.#booted === worker) this.#booted = undefined;
		});
	}

	/** Sends one request under a deadline; past it the worker is terminated and the promise rejects. */
	async request<T>(request: EngineRequest, timeoutMs: number, what = 'The statement'): Promise<T> {
		await this.start();
		const worker = this.#worker;
		if (!worker) throw new EngineGoneError(`The ${this.#options.name} database engine is not running.`);
		return (await this.#send(worker, request, timeoutMs, what)) as T;
	}

	#send(worker: Worker, request: EngineRequest, timeoutMs: number, what: string): Promise<unknown> {
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			const pending: Pending = {resolve, reject};
			if (Number.isFinite(timeoutMs)) {
				pending.timer = setTimeout(() => {
					this.#pending.delete(id);
					reject(new DeadlineError(timeoutMs, what));
					void this.kill();
				}, timeoutMs);
			}
			this.#pending.set(id, pending);
			worker.postMessage({...request, id});
		});
	}

	#settle(reply: EngineReply): void {
		const pending = this.#pending.get(reply.id);
		if (!pending) return;
		this.#pending.delete(reply.id);
		clearTimeout(pending.timer);
		if (reply.ok) pending.resolve(reply.value);
		else pending.reject(revive(reply.error));
	}

	#lost(worker: Worker, error: Error): void {
		if (this.#worker !== worker) return;
		this.#worker = undefined;
		this.#ready = undefined;
		for (const [id, pending] of this.#pending) {
			clearTimeout(pending.timer);
			pending.reject(error);
			this.#pending.delete(id);
		}
	}

	/** Stops the engine at once (running statement included); the next request starts it again. */
	async kill(): Promise<void> {
		const worker = this.#worker;
		if (!worker) return;
		this.restarts++;
		this.#lost(worker, new EngineGoneError(`The ${this.#options.name} database engine was stopped.`));
		await worker.terminate();
	}

	/**
	 * Closes the database cleanly and ends its worker, giving back the engine's memory; unlike `close`, the next
	 * request opens it again. The caller makes sure no request is running.
	 */
	async sleep(timeoutMs = 10_000): Promise<void> {
		const worker = this.#worker;
		if (!worker || this.#closed) return;
		try {
			await this.#send(worker, {type: 'close'}, timeoutMs, 'Putting the database to sleep');
		} catch {
			// Stopping the thread below is the fallback; the data directory recovers on the next open.
		}
		this.#lost(worker, new EngineGoneError(`The ${this.#options.name} database went to sleep.`));
		await worker.terminate();
	}

	/** Closes the database cleanly if it answers within `timeoutMs`, then ends the worker either way. */
	async close(timeoutMs = 10_000): Promise<void> {
		this.#closed = true;
		const booted = this.#booted;
		this.#booted = undefined;
		await booted?.terminate();
		const worker = this.#worker;
		if (!worker) return;
		try {
			await this.#send(worker, {type: 'close'}, timeoutMs, 'Closing the database');
		} catch {
			// Stopping the thread below is the fallback; the data directory recovers on the next open.
		}
		this.#lost(worker, new EngineGoneError(`The ${this.#options.name} database is closed.`));
		await worker.terminate();
	}
}
