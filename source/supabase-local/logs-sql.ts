import type {LogService, StoredLogEntry} from './logs.js';

/**
 * query_logs's table, as Supabase's unified logs name things: one `logs` table, a `source` per kind of log, and
 * every other field of an entry as text in `log_attributes`.
 */
export const LOG_SOURCES: Readonly<Record<LogService, string>> = {
	api: 'edge_logs',
	postgres: 'postgres_logs',
	'edge-function': 'function_edge_logs',
	'edge-function-runtime': 'function_logs',
	auth: 'auth_logs',
	storage: 'storage_logs',
	realtime: 'realtime_logs',
	'branch-action': 'workflow_run_logs',
};

export const LOGS_TABLE_SQL = 'create table logs (id text, timestamp text, source text, event_message text, log_attributes text)';

export type UnifiedLogRow = {id: string; timestamp: string; source: string; event_message: string; log_attributes: string};

/** `2025-06-01 09:00:00.123456`: UTC, microseconds, sorts as text in time order. */
export function logTimestamp(micros: number): string {
	const iso = new Date(Math.floor(micros / 1000)).toISOString();
	const fraction = String(Math.floor(micros) % 1_000_000).padStart(6, '0');
	return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction}`;
}

/** An entry as a row of `logs`: attributes are text, like a ClickHouse Map(String, String), so `= '500'` matches 500. */
export function unifiedRow(entry: StoredLogEntry): UnifiedLogRow {
	const {id, timestamp, event_message, project: _project, service, ...fields} = entry;
	const attributes: Record<string, string> = {};
	for (const [key, value] of Object.entries(fields)) {
		if (value === null || value === undefined) continue;
		attributes[key] = typeof value === 'string' ? value : JSON.stringify(value);
	}
	return {id, timestamp: logTimestamp(timestamp), source: LOG_SOURCES[service], event_message, log_attributes: JSON.stringify(attributes)};
}

/**
 * Supabase's logs are read with `log_attributes['key']` (ClickHouse map access). SQLite reads `[…]` as a quoted name,
 * so each such access outside literals and comments becomes `json_extract(log_attributes, '$."key"')`, which gives
 * the same text back. Anything else in the SQL is left as written.
 */
export function rewriteMapAccess(sql: string): string {
	let out = '';
	let i = 0;
	while (i < sql.length) {
		const char = sql[i]!;
		const next = sql[i + 1];
		if (char === "'" || char === '"' || char === '`') {
			const end = closingQuote(sql, i, char);
			out += sql.slice(i, end);
			i = end;
		} else if (char === '-' && next === '-') {
			const end = sql.indexOf('\n', i);
			const stop = end === -1 ? sql.length : end;
			out += sql.slice(i, stop);
			i = stop;
		} else if (char === '/' && next === '*') {
			const end = sql.indexOf('*/', i + 2);
			const stop = end === -1 ? sql.length : end + 2;
			out += sql.slice(i, stop);
			i = stop;
		} else if (/[A-Za-z_]/.test(char) && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? '')) {
			const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))![0];
			const access = word.toLowerCase() === 'log_attributes' ? /^\s*\[\s*'((?:[^']|'')*)'\s*\]/.exec(sql.slice(i + word.length)) : null;
			if (access) {
				const key = access[1]!.replace(/''/g, "'");
				out += `json_extract(${word}, '$.${JSON.stringify(key).replace(/'/g, "''")}')`;
				i += word.length + access[0].length;
			} else {
				out += word;
				i += word.length;
			}
		} else {
			out += char;
			i++;
		}
	}
	return out;
}

/** Index just past the quote that closes the one at `start` (a doubled quote is an escaped one). */
function closingQuote(sql: string, start: number, quote: string): number {
	let i = start + 1;
	while (i < sql.length) {
		if (sql[i] === quote) {
			if (sql[i + 1] === quote) {
				i += 2;
				continue;
			}
			return i + 1;
		}
		i++;
	}
	return sql.length;
}
