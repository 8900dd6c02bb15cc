/**
 * Messages between pgpair's MCP server and a PGlite engine worker. One worker is one PGlite instance: the live
 * database (file-backed), or a sandbox (a copy-on-write clone of a live data directory, or a database loaded from a
 * dump, in memory). Everything crosses the thread boundary by structured clone, so results stay plain data.
 */

export type EngineStorage =
	/** The live database: PGlite's own file system over a host directory (filled from a dump when new). */
	| {kind: 'directory'; dataDir: string; dump?: ArrayBuffer}
	/** A clone: the host directory read-only, every write kept in memory, nothing written back. */
	| {kind: 'overlay'; lowerDir: string}
	/** In memory from the start, optionally loaded from a dump (an uncompressed tarball of a data directory). */
	| {kind: 'memory'; dump?: ArrayBuffer};

/** A compiled WebAssembly.Module, typed opaquely (its declaration lives in the DOM lib, which we do not load). */
export type WasmModule = object;

export type OpenOptions = {
	storage: EngineStorage;
	/** The compiled pglite.wasm, compiled once by the parent and shared (a WebAssembly.Module clones cheaply). */
	wasmModule?: WasmModule;
	/** Extra `-c name=value` settings for the server (memory settings of a sandbox, say). */
	settings?: Record<string, string>;
};

export type WireError = {
	message: string;
	code?: string;
	position?: string | number;
	detail?: string;
	hint?: string;
	where?: string;
};

export type WireResult = {rows: Record<string, unknown>[]; command?: string; affectedRows?: number};

export type EngineRequest =
	| {type: 'open'; options: OpenOptions}
	| {type: 'query'; sql: string; params?: unknown[]}
	| {type: 'exec'; sql: string}
	| {type: 'dump'}
	/** Files written outside the database's own bookkeeping during a sandbox's life (overlay and memory only). */
	| {type: 'files-written'}
	/**
	 * From now on nothing this engine does reaches its data directory (live-fs.ts): it has become a sandbox and must
	 * be discarded afterwards. Only for `directory` storage.
	 */
	| {type: 'freeze'}
	| {type: 'close'};

export type EngineMessage = EngineRequest & {id: number};

export type EngineReply = {id: number; ok: true; value: unknown} | {id: number; ok: false; error: WireError};
