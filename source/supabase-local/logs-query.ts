import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import type {LogStore, LogWindow} from './logs.js';
import type {LogsQueryReply, LogsQueryRequest, WasmModule} from './logs-query-worker.js';
import {rewriteMapAccess, type UnifiedLogRow, unifiedRow} from './logs-sql.js';

/** At most this many rows come back; a query that would give more says it was cut. */
export const MAX_QUERY_ROWS = 1000;

let compiled: Promise<WasmModule> | undefined;
const wasmApi = (globalThis as unknown as {WebAssembly: {compile(bytes: Uint8Array): Promise<WasmModule>}}).WebAssembly;

/** sql.js's WASM, compiled once per process: a query then pays only for starting its worker. */
function sqlJsWasm(): Promise<WasmModule> {
	compiled ??= readFile(createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm')).then(bytes => wasmApi.compile(bytes));
	compiled.catch(() => {
		compiled = undefined;
	});
	return compiled;
}

/** The worker script: beside the bundle in dist/, or the TypeScript source when running from sources (tests). */
function startWorker(request: LogsQueryRequest): Worker {
	const options = {workerData: request, name: 'pgpair logs query', resourceLimits: {maxOldGenerationSizeMb: 256}};
	const bundled = new URL('./logs-query-worker.js', import.meta.url);
	if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, options);
	const source = new URL('./logs-query-worker.ts', import.meta.url).href;
	const bootstrap = `import('tsx/esm/api').then(({register}) => { register(); return import(${JSON.stringify(source)}); })`;
	return new Worker(bootstrap, {...options, eval: true});
}

/** Runs `sql` over `rows` in a worker that is terminated when `timeoutMs` passes. */
export async function runLogsQuery(rows: UnifiedLogRow[], sql: string, timeoutMs: number): Promise<{rows: Record<string, unknown>[]; truncated: boolean}> {
	const wasm = await sqlJsWasm();
	return new Promise((resolve, reject) => {
		const worker = startWorker({rows, sql: rewriteMapAccess(sql), maxRows: MAX_QUERY_ROWS, wasm});
		let settled = false;
		const settle = (outcome: () => void) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			void worker.terminate();
			outcome();
		};
		const timer = setTimeout(() => settle(() => reject(new Error(`The logs query did not finish within ${timeoutMs / 1000} s and was stopped.`))), timeoutMs);
		worker.once('message', (reply: LogsQueryReply) =>
			settle(() => (reply.ok ? resolve({rows: reply.rows, truncated: reply.truncated}) : reject(new Error(`The logs query failed: ${reply.message}`)))),
		);
		worker.once('error', error => settle(() => reject(new Error(`The logs query failed: ${error.message}`))));
		worker.once('exit', code => settle(() => reject(new Error(`The logs query stopped unexpectedly (exit code ${code}).`))));
	});
}

/** query_logs: the project's entries in the window, as the `logs` table, queried with `sql`. */
export async function queryLogs(
	logs: LogStore,
	projectRef: string,
	sql: string,
	window: LogWindow,
	timeoutMs: number,
): Promise<{rows: Record<string, unknown>[]; truncated: boolean}> {
	const entries = await logs.entries(projectRef, window);
	return runLogsQuery(entries.map(unifiedRow), sql, timeoutMs);
}
