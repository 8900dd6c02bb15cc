/**
 * The one doorway to libpg-query (the real Postgres 18 grammar, compiled to WASM).
 * The WASM module loads asynchronously once; after `await loadSqlParser()` every parse in this
 * folder is synchronous, so the classifier and the guard stay plain functions.
 */
// The module itself is imported on first use: its WASM loader is large, and the TUI's first frame
// must not wait for it.
type LibPgQuery = typeof import('libpg-query');
let lib: LibPgQuery | undefined;

export type JsonObject = Record<string, unknown>;

export type ParsedStatement = {
	/** Node type of the statement, e.g. `SelectStmt`. */
	type: string;
	body: JsonObject;
	/** The statement's own source text, trimmed. */
	text: string;
};

export type SqlParseError = {message: string; position?: number};

export type SqlParseResult = {ok: true; statements: ParsedStatement[]} | {ok: false; error: SqlParseError};

let loading: Promise<void> | undefined;
let loaded = false;

/** Loads the WASM parser. Idempotent; call it once at start-up, off the first frame. */
export async function loadSqlParser(): Promise<void> {
	loading ??= import('libpg-query').then(async module => {
		await module.loadModule();
		lib = module;
		loaded = true;
	});
	return loading;
}

export function isSqlParserLoaded(): boolean {
	return loaded;
}

function assertLoaded(): void {
	if (!loaded) throw new Error('The SQL parser is not loaded yet: await loadSqlParser() before classifying synchronously.');
}

/** Parses SQL into top-level statements. Never throws on bad SQL: the error comes back as data. */
export function parseSql(sql: string): SqlParseResult {
	assertLoaded();
	if (sql.trim() === '') return {ok: false, error: {message: 'The SQL is empty.'}};
	let tree: {stmts?: Array<{stmt?: JsonObject; stmt_location?: number; stmt_len?: number}>};
	try {
		tree = lib!.parseSync(sql) as typeof tree;
	} catch (error) {
		return {ok: false, error: toParseError(error, sql)};
	}

	const raw = tree.stmts ?? [];
	if (raw.length === 0) return {ok: false, error: {message: 'The SQL holds only comments: there is no statement.'}};
	// Statement locations are byte offsets into the UTF-8 text, not string indexes.
	const bytes = Buffer.from(sql, 'utf8');
	const statements: ParsedStatement[] = [];
	for (const entry of raw) {
		const [type, body] = onlyEntry(entry.stmt);
		const start = entry.stmt_location ?? 0;
		const end = entry.stmt_len ? start + entry.stmt_len : bytes.length;
		statements.push({type, body, text: bytes.subarray(start, end).toString('utf8').trim()});
	}

	return {ok: true, statements};
}

/** Parses one PL/pgSQL routine (a `DO` block or `CREATE FUNCTION … LANGUAGE plpgsql`); returns its `action` tree. */
export function parsePlPgSql(sql: string): {ok: true; action: unknown} | {ok: false; error: SqlParseError} {
	assertLoaded();
	try {
		const tree = lib!.parsePlPgSQLSync(sql) as unknown as {plpgsql_funcs?: Array<{PLpgSQL_function?: {action?: unknown}}>};
		const action = tree.plpgsql_funcs?.[0]?.PLpgSQL_function?.action;
		if (action === undefined) return {ok: false, error: {message: 'The PL/pgSQL body could not be read.'}};
		return {ok: true, action};
	} catch (error) {
		return {ok: false, error: toParseError(error, sql)};
	}
}

function toParseError(error: unknown, sql: string): SqlParseError {
	const message = error instanceof Error ? error.message : String(error);
	// libpg-query already reports a 0-based character index (not Postgres' 1-based byte offset).
	const position = (error as {sqlDetails?: {cursorPosition?: number}}).sqlDetails?.cursorPosition;
	if (typeof position !== 'number' || position < 0 || position > sql.length) return {message};
	return {message, position};
}

/** A parse-tree node is `{TypeName: {...fields}}`; this unwraps it. */
export function onlyEntry(node: unknown): [string, JsonObject] {
	if (node && typeof node === 'object' && !Array.isArray(node)) {
		const entries = Object.entries(node);
		const first = entries[0];
		if (entries.length === 1 && first && first[1] && typeof first[1] === 'object') return [first[0], first[1] as JsonObject];
	}

	return ['Unknown', {}];
}

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

/** The names in a list of `String` nodes, e.g. a qualified function name. */
export function stringList(value: unknown): string[] {
	return asArray(value).flatMap(item => {
		const sval = isObject(item) && isObject(item.String) ? item.String.sval : undefined;
		return typeof sval === 'string' ? [sval] : [];
	});
}

/** `schema.name` of a RangeVar, as written. */
export function rangeVarName(value: unknown): string | undefined {
	if (!isObject(value) || typeof value.relname !== 'string') return undefined;
	return typeof value.schemaname === 'string' ? `${value.schemaname}.${value.relname}` : value.relname;
}

/** Options such as `EXPLAIN (ANALYZE off)` and `VACUUM (FULL)`: true when named and not switched off. */
export function optionEnabled(options: unknown, name: string): boolean {
	for (const option of asArray(options)) {
		const element = isObject(option) && isObject(option.DefElem) ? option.DefElem : undefined;
		if (!element || element.defname !== name) continue;
		if (element.arg === undefined) return true;
		const [type, arg] = onlyEntry(element.arg);
		if (type === 'String' || type === 'Boolean') {
			const value = String(type === 'String' ? arg.sval : arg.boolval).toLowerCase();
			return !['false', 'off', '0', 'no', 'undefined'].includes(value);
		}

		if (type === 'Integer') return arg.ival !== undefined && arg.ival !== 0;
		return true;
	}

	return false;
}

/** The string argument of a `DefElem` option, e.g. `LANGUAGE plpgsql`. */
export function optionString(options: unknown, name: string): string | undefined {
	for (const option of asArray(options)) {
		const element = isObject(option) && isObject(option.DefElem) ? option.DefElem : undefined;
		if (!element || element.defname !== name) continue;
		const [type, arg] = onlyEntry(element.arg);
		if (type === 'String' && typeof arg.sval === 'string') return arg.sval;
		if (type === 'List') return stringList(arg.items).join('\n');
	}

	return undefined;
}
