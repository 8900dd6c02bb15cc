/** What the real Postgres grammar says about a piece of SQL, without running it. */
export type ParsedSql = {
	/** Each statement's text, trimmed, without its terminating semicolon. */
	statements: string[];
	/** Node type per statement, e.g. `CreateStmt`, `TransactionStmt`. */
	kinds: string[];
	/** Each statement's parse tree (the node under its type). */
	bodies: Record<string, unknown>[];
};

export type LibPgQuery = typeof import('libpg-query');
let library: Promise<LibPgQuery> | undefined;

/** The server's one doorway to libpg-query: imported and its WASM loaded once, on first use. */
export function libpgQuery(): Promise<LibPgQuery> {
	library ??= import('libpg-query').then(async module => {
		await module.loadModule();
		return module;
	});
	library.catch(() => {
		library = undefined;
	});
	return library;
}

/** Loads the parser now, so the first `parseSql` does not wait for it. Never throws: `parseSql` will say. */
export function preloadSqlParser(): void {
	libpgQuery().catch(() => undefined);
}

/**
 * Splits SQL into statements with libpg-query. Returns `undefined` when the text does not parse: the caller then
 * lets the database reject it, because Postgres's own error (code, position) is the one the model should see.
 */
export async function parseSql(sql: string): Promise<ParsedSql | undefined> {
	const {parse} = await libpgQuery();
	let result: Awaited<ReturnType<typeof parse>>;
	try {
		result = await parse(sql);
	} catch {
		return undefined;
	}
	// Locations are byte offsets into the UTF-8 text.
	const bytes = Buffer.from(sql, 'utf8');
	const statements: string[] = [];
	const kinds: string[] = [];
	const bodies: Record<string, unknown>[] = [];
	for (const raw of result.stmts ?? []) {
		const entry = raw as {stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number};
		const start = entry.stmt_location ?? 0;
		const end = entry.stmt_len ? start + entry.stmt_len : bytes.length;
		const text = bytes.subarray(start, end).toString('utf8').trim().replace(/;\s*$/, '');
		if (!text) continue;
		statements.push(text);
		const [kind, body] = Object.entries(entry.stmt ?? {})[0] ?? ['Unknown', {}];
		kinds.push(kind);
		bodies.push((body ?? {}) as Record<string, unknown>);
	}
	return {statements, kinds, bodies};
}

/** BEGIN/COMMIT/ROLLBACK/SAVEPOINT inside our own transaction would end it early and break atomicity. */
export function transactionControlIn(parsed: ParsedSql | undefined): string | undefined {
	if (!parsed) return undefined;
	const index = parsed.kinds.indexOf('TransactionStmt');
	return index === -1 ? undefined : parsed.statements[index];
}
