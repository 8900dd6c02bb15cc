/**
 * Worker-thread entry: one PGlite instance, driven by messages (protocol.ts). PGlite cannot cancel a running
 * statement, so a deadline is kept by the parent terminating this thread; that is why every database pgpair runs
 * lives in a worker of its own and never on the MCP server's main thread.
 */
import {parentPort} from 'node:worker_threads';
import type {PGlite, PGliteOptions} from '@electric-sql/pglite';
import {offeredExtensionFiles, writeExtensionFiles} from './extensions.js';
import {LiveFilesystem} from './live-fs.js';
import {OverlayFilesystem} from './overlay-fs.js';
import type {EngineMessage, EngineReply, OpenOptions, WireError, WireResult} from './protocol.js';

const INT8_OID = 20;

/** int8 as a JSON-safe value: a number while exact, else the decimal string (the same rule as the pg back end). */
function parseInt8(text: string): number | string {
	const n = Number(text);
	return Number.isSafeInteger(n) ? n : text;
}

/** Paths of PGlite's own in-memory tree that are not the data directory: scanned for files a sandbox wrote. */
const SCANNED_ROOTS = ['/tmp', '/home'];

type EmscriptenFS = {readdir(path: string): string[]; stat(path: string): {mode: number}; isDir(mode: number): boolean};

let db: PGlite | undefined;
let overlay: OverlayFilesystem | undefined;
let live: LiveFilesystem | undefined;
let memoryFilesAtOpen = new Set<string>();

function memoryFiles(fs: EmscriptenFS): Set<string> {
	const found = new Set<string>();
	const walk = (dir: string, depth: number) => {
		let names: string[];
		try {
			names = fs.readdir(dir);
		} catch {
			return;
		}
		for (const name of names) {
			if (name === '.' || name === '..') continue;
			const full = `${dir}/${name}`;
			try {
				if (fs.isDir(fs.stat(full).mode)) {
					if (depth < 8) walk(full, depth + 1);
				} else {
					found.add(full);
				}
			} catch {
				// A file that vanished while we looked is not one that was written.
			}
		}
	};
	for (const root of SCANNED_ROOTS) walk(root, 0);
	return found;
}

// PGlite's code loads as soon as the worker runs, while the parent compiles the WASM it sends with `open`.
const pglite = import('@electric-sql/pglite');
pglite.catch(() => undefined);

async function open(options: OpenOptions): Promise<void> {
	// Read (and unzipped) while PGlite starts; written into its file system once it runs (extensions.ts).
	const extensionFiles = offeredExtensionFiles();
	extensionFiles.catch(() => undefined);
	const {PGlite} = await pglite;
	const settings = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
	const base: PGliteOptions = {
		parsers: {[INT8_OID]: parseInt8},
		...(options.wasmModule ? {pgliteWasmModule: options.wasmModule as PGliteOptions['pgliteWasmModule']} : {}),
		...(settings.length > 0 ? {startParams: [...(PGlite as unknown as {defaultStartParams: string[]}).defaultStartParams, ...settings]} : {}),
	};
	const storage = options.storage;
	if (storage.kind === 'directory') {
		live = new LiveFilesystem(storage.dataDir);
		db = await PGlite.create({...base, fs: live, ...(storage.dump ? {loadDataDir: new Blob([storage.dump])} : {})});
	} else if (storage.kind === 'overlay') {
		overlay = new OverlayFilesystem(storage.lowerDir);
		db = await PGlite.create({...base, fs: overlay});
	} else {
		db = await PGlite.create({...base, ...(storage.dump ? {loadDataDir: new Blob([storage.dump])} : {})});
	}
	const module = (db as unknown as {Module: {FS: EmscriptenFS & Parameters<typeof writeExtensionFiles>[0]; WASM_PREFIX: string}}).Module;
	writeExtensionFiles(module.FS, module.WASM_PREFIX, await extensionFiles);
	if (storage.kind !== 'directory') memoryFilesAtOpen = memoryFiles(module.FS);
}

function wireError(error: unknown): WireError {
	if (!(error instanceof Error)) return {message: String(error)};
	const fields = error as Error & Partial<Record<'code' | 'position' | 'detail' | 'hint' | 'where', unknown>>;
	const out: WireError = {message: error.message};
	for (const key of ['code', 'detail', 'hint', 'where'] as const) if (typeof fields[key] === 'string' && fields[key]) out[key] = fields[key] as string;
	if (typeof fields.position === 'string' || typeof fields.position === 'number') out.position = fields.position;
	return out;
}

function requireDb(): PGlite {
	if (!db) throw new Error('The database is not open.');
	return db;
}

async function handle(message: EngineMessage): Promise<unknown> {
	switch (message.type) {
		case 'open':
			await open(message.options);
			return undefined;
		case 'query': {
			const result = await requireDb().query(message.sql, message.params);
			return {rows: result.rows as Record<string, unknown>[], affectedRows: result.affectedRows} satisfies WireResult;
		}
		case 'exec': {
			const results = await requireDb().exec(message.sql);
			return results.map(
				(r): WireResult => ({rows: r.rows as Record<string, unknown>[], command: (r as {command?: string}).command, affectedRows: r.affectedRows}),
			);
		}
		case 'dump': {
			const blob = await requireDb().dumpDataDir('none');
			return await blob.arrayBuffer();
		}
		case 'freeze':
			if (!live) throw new Error('Only a database on disk can be frozen.');
			live.freeze();
			memoryFilesAtOpen = memoryFiles((requireDb() as unknown as {Module: {FS: EmscriptenFS}}).Module.FS);
			return undefined;
		case 'files-written': {
			const inData = (overlay?.writtenOutsidePostgres() ?? live?.writtenSinceFreeze() ?? []).map(p => `/pglite/data${p}`);
			const now = db ? memoryFiles((db as unknown as {Module: {FS: EmscriptenFS}}).Module.FS) : new Set<string>();
			const inMemory = [...now].filter(p => !memoryFilesAtOpen.has(p));
			return [...inData, ...inMemory].sort();
		}
		case 'close':
			if (db && !db.closed) await db.close();
			await overlay?.closeFs();
			return undefined;
	}
}

parentPort!.on('message', (message: EngineMessage) => {
	handle(message).then(
		value => {
			const transfer = value instanceof ArrayBuffer ? [value] : [];
			parentPort!.postMessage({id: message.id, ok: true, value} satisfies EngineReply, transfer);
		},
		(error: unknown) => parentPort!.postMessage({id: message.id, ok: false, error: wireError(error)} satisfies EngineReply),
	);
});
