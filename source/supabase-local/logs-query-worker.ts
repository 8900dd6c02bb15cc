/**
 * Runs one query_logs query in a worker thread of its own: an in-memory SQLite (sql.js) holding nothing but the
 * `logs` table for the requested window, made read-only before the query runs. The thread can be terminated at the
 * deadline, which a query running on the server's own thread could not be (SQLite offers sql.js no interrupt).
 */
import {parentPort, workerData} from 'node:worker_threads';
import initSqlJs from 'sql.js';
import {LOGS_TABLE_SQL, type UnifiedLogRow} from './logs-sql.js';

/** A compiled WebAssembly module (the lib this project compiles against has no WebAssembly types). */
export type WasmModule = object;
type Wasm = {instantiate(module: WasmModule, imports: unknown): Promise<unknown>};
const wasmApi = (globalThis as unknown as {WebAssembly: Wasm}).WebAssembly;

/** `wasm`: sql.js's module, compiled once by the server and handed to every worker. */
export type LogsQueryRequest = {rows: UnifiedLogRow[]; sql: string; maxRows: number; wasm: WasmModule};
export type LogsQueryReply = {ok: true; rows: Record<string, unknown>[]; truncated: boolean} | {ok: false; message: string};

async function run({rows, sql, maxRows, wasm}: LogsQueryRequest): Promise<LogsQueryReply> {
	const SQL = await initSqlJs({
		instantiateWasm(imports: unknown, done: (instance: unknown) => void) {
			void wasmApi.instantiate(wasm, imports).then(done);
			return {};
		},
	});
	const db = new SQL.Database();
	try {
		db.run(LOGS_TABLE_SQL);
		db.run('begin');
		const insert = db.prepare('insert into logs values (?, ?, ?, ?, ?)');
		for (const row of rows) insert.run([row.id, row.timestamp, row.source, row.event_message, row.log_attributes]);
		insert.free();
		db.run('commit');
		// From here the database refuses every write: the query can read the logs and nothing else.
		db.run('pragma query_only = 1');
		let result: Record<string, unknown>[] = [];
		let truncated = false;
		for (const statement of db.iterateStatements(sql)) {
			result = [];
			truncated = false;
			while (statement.step()) {
				if (result.length === maxRows) {
					truncated = true;
					break;
				}
				result.push(statement.getAsObject());
			}
			statement.free();
		}
		return {ok: true, rows: result, truncated};
	} catch (error) {
		return {ok: false, message: (error as Error).message};
	} finally {
		db.close();
	}
}

run(workerData as LogsQueryRequest).then(
	reply => parentPort!.postMessage(reply),
	(error: unknown) => parentPort!.postMessage({ok: false, message: (error as Error).message} satisfies LogsQueryReply),
);
