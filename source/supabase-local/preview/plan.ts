/**
 * Turns SQL under preview into the statements the sandbox runs, one at a time: transaction control mapped to
 * savepoints (so the preview keeps one transaction to measure and roll back), a lone CONCURRENTLY statement in its
 * plain form, the few statements a transaction cannot hold set aside as "not previewed", and for each UPDATE,
 * DELETE or TRUNCATE the query that samples the rows it is about to change (built from the statement's own text
 * with the Postgres scanner).
 */
import {quoteIdent} from '../../sql/identifiers.js';
import type {DryRunError, DryRunMode} from '../../sql/preview-report.js';
import {prepareMigration} from '../migrations.js';
import {PostgresError, toPostgresError} from '../platform.js';
import {type LibPgQuery, libpgQuery} from '../sql-split.js';

export const SAMPLE_ROWS = 3;
const USER_TX = 'pgpair_user_tx';
/** Dumps print names schema-qualified and the same way every time. */
export const PINNED_PATH = `select set_config('search_path', 'pg_catalog, pg_temp', true)`;

export type Target = {
	op: 'update' | 'delete' | 'truncate';
	/** `"schema"."table"` as written, for to_regclass under the user's search_path. */
	regclass: string;
	/** The sample query, or undefined when the statement's shape does not allow one. */
	sample?: string;
};

export type Step = {
	sql: string;
	/** Character offset of `sql` in the submitted text, to turn Postgres's positions back into the user's. */
	offset: number;
	/** Set when the statement is not run as written (its error positions are not the user's). */
	rewritten?: boolean;
	/** A CONCURRENTLY statement run in its plain, blocking form: its locks say nothing about the real run. */
	unblocking?: boolean;
	/** Transaction control, run as the sandbox's own statement (a confined function cannot hold a savepoint). */
	control?: boolean;
	targets: Target[];
};

/**
 * `mentioned`: every name in the parse tree and the schemas it drops (undefined: the SQL did not parse), so that
 * only the tables it touches are counted exactly.
 */
export type Plan = {
	steps: Step[];
	notes: string[];
	/** Statements that were not run, and why: the preview says nothing about them. */
	notPreviewed: string[];
	error?: DryRunError;
	mentioned?: {names: Set<string>; schemas: Set<string>};
	/** Names in the statements that change definitions rather than rows (see `SandboxOptions.redefines`). */
	redefines: string[];
};

/** Names anywhere in a parse tree (tables, columns, constants alike); over-inclusion only costs a count. */
function namesIn(node: unknown, into: Set<string>): Set<string> {
	if (Array.isArray(node)) for (const item of node) namesIn(item, into);
	else if (node && typeof node === 'object') {
		for (const [key, value] of Object.entries(node)) {
			if ((key === 'relname' || key === 'sval') && typeof value === 'string') into.add(value);
			else namesIn(value, into);
		}
	}
	return into;
}

/**
 * Statements that change only rows, run code or set session state: what they need is a privilege, never ownership.
 * Everything else (CREATE, ALTER, DROP, GRANT, COMMENT, index builds, VACUUM, REFRESH…) may need to own its objects.
 */
const DATA_STATEMENTS = new Set([
	'SelectStmt',
	'InsertStmt',
	'UpdateStmt',
	'DeleteStmt',
	'MergeStmt',
	'CopyStmt',
	'CallStmt',
	'DoStmt',
	'ExplainStmt',
	'LockStmt',
	'TruncateStmt',
	'VariableSetStmt',
	'VariableShowStmt',
	'TransactionStmt',
	'NotifyStmt',
	'ListenStmt',
	'UnlistenStmt',
	'PrepareStmt',
	'ExecuteStmt',
	'DeallocateStmt',
	'DeclareCursorStmt',
	'FetchStmt',
	'ClosePortalStmt',
]);

function redefinedNames(entries: readonly {stmt?: Statement}[]): string[] {
	const names = new Set<string>();
	for (const entry of entries) {
		const [type, body] = Object.entries(entry.stmt ?? {})[0] ?? ['Unknown', {}];
		if (!DATA_STATEMENTS.has(type)) namesIn(body, names);
	}
	return [...names];
}

/** Schemas named by DROP SCHEMA: all their tables go. */
function droppedSchemas(entries: readonly {stmt?: Statement}[]): Set<string> {
	const schemas = new Set<string>();
	for (const entry of entries) {
		const drop = entry.stmt?.DropStmt;
		if (drop?.removeType === 'OBJECT_SCHEMA')
			for (const object of drop.objects ?? []) if (typeof object.String?.sval === 'string') schemas.add(object.String.sval);
	}
	return schemas;
}

/** A parsed statement: its type (`UpdateStmt`, …) as the one key, its body as the value. */
type Statement = Record<string, Node>;
/**
 * What this module reads of libpg-query's JSON tree, by the statement types that have each field. The parser
 * leaves out fields at their defaults, so all are optional; values the code tests with `typeof` stay `unknown`.
 */
type Node = {
	/** UPDATE, DELETE */
	relation?: RangeVar;
	withClause?: unknown;
	whereClause?: {CurrentOfExpr?: unknown};
	fromClause?: unknown;
	usingClause?: unknown;
	/** TRUNCATE */
	relations?: {RangeVar?: RangeVar}[];
	/** COPY */
	is_from?: boolean;
	filename?: string;
	is_program?: boolean;
	/** CREATE INDEX, DROP, REINDEX, ALTER TABLE … DETACH PARTITION */
	concurrent?: boolean;
	params?: unknown[];
	cmds?: {AlterTableCmd?: {def?: {PartitionCmd?: {concurrent?: boolean}}}}[];
	/** VACUUM */
	is_vacuumcmd?: boolean;
	/** Transaction control */
	kind?: string;
	/** DROP */
	removeType?: string;
	objects?: {String?: {sval?: unknown}}[];
	/** CREATE EXTENSION */
	extname?: unknown;
};
type RangeVar = {relname?: unknown; schemaname?: string; inh?: boolean; alias?: {aliasname?: string}};
type Token = {start: number; end: number; text: string; keywordKind: number};

function rangeVar(relation: RangeVar | undefined): {text: string; ref: string; regclass: string} | undefined {
	if (!relation || typeof relation.relname !== 'string') return undefined;
	const qualified = relation.schemaname ? `${quoteIdent(relation.schemaname)}.${quoteIdent(relation.relname)}` : quoteIdent(relation.relname);
	const alias = relation.alias?.aliasname;
	const only = relation.inh === false ? 'only ' : '';
	return {
		text: `${only}${qualified}${alias ? ` as ${quoteIdent(alias)}` : ''}`,
		ref: quoteIdent(alias ?? relation.relname),
		regclass: qualified,
	};
}

/** Tokens at parenthesis depth 0 with their keyword in lower case (quoted identifiers are never keywords). */
function topLevelKeywords(lib: LibPgQuery, text: string): {word: string; start: number; end: number}[] {
	const tokens = lib.scanSync(text).tokens as Token[];
	const result: {word: string; start: number; end: number}[] = [];
	let depth = 0;
	for (const token of tokens) {
		if (token.text === '(' || token.text === '[') depth++;
		else if (token.text === ')' || token.text === ']') depth--;
		else if (depth === 0 && token.keywordKind > 0) result.push({word: token.text.toLowerCase(), start: token.start, end: token.end});
	}
	return result;
}

/** Slices by the scanner's byte offsets. */
const byteSlice = (bytes: Buffer, start: number, end?: number) => bytes.subarray(start, end).toString('utf8').trim();

function sampleTargets(lib: LibPgQuery, type: string, body: Node, text: string): Target[] {
	if (type === 'TruncateStmt') {
		return (body.relations ?? []).flatMap(node => {
			const target = rangeVar(node.RangeVar);
			if (!target) return [];
			return [{op: 'truncate' as const, regclass: target.regclass, sample: `select to_jsonb(${target.ref}.*) as row from ${target.text} limit ${SAMPLE_ROWS}`}];
		});
	}
	if (type !== 'UpdateStmt' && type !== 'DeleteStmt') return [];
	const target = rangeVar(body.relation);
	if (!target) return [];
	const op = type === 'UpdateStmt' ? 'update' : 'delete';
	// A data-modifying CTE would run twice; WHERE CURRENT OF needs the user's cursor.
	if (body.withClause || body.whereClause?.CurrentOfExpr) return [{op, regclass: target.regclass}];
	const bytes = Buffer.from(text, 'utf8');
	const words = topLevelKeywords(lib, text);
	const where = words.find(w => w.word === 'where');
	const returning = words.find(w => w.word === 'returning');
	const fromWord = type === 'UpdateStmt' ? words.find(w => w.word === 'from') : words.find(w => w.word === 'using');
	const whereText = where ? byteSlice(bytes, where.end, returning?.start) : undefined;
	const fromText = fromWord ? byteSlice(bytes, fromWord.end, where?.start ?? returning?.start) : undefined;
	if ((body.whereClause && !whereText) || ((body.fromClause || body.usingClause) && !fromText)) return [{op, regclass: target.regclass}];
	const sample =
		`select to_jsonb(${target.ref}.*) as row from ${target.text}${fromText ? `, ${fromText}` : ''}` +
		`${whereText ? ` where ${whereText}` : ''} limit ${SAMPLE_ROWS}`;
	return [{op, regclass: target.regclass, sample}];
}

/**
 * Statements a preview cannot run: they cannot run inside the preview's transaction, or they need data the
 * preview does not have. Whatever else the SQL does runs in the sandbox, where its effects are measured (a COPY to
 * a server file, say, lands in the clone's memory, or is refused by the confined role).
 */
function outsideTransaction(type: string, body: Node): string | undefined {
	if (type === 'CopyStmt' && body.is_from && !body.filename && !body.is_program) return 'COPY … FROM STDIN needs data only the real run has';
	if (type === 'CreatedbStmt' || type === 'DropdbStmt') return `${type === 'CreatedbStmt' ? 'CREATE' : 'DROP'} DATABASE acts on the whole server`;
	if (type === 'CreateTableSpaceStmt' || type === 'DropTableSpaceStmt') return 'tablespaces live outside the database';
	if (type === 'CreateSubscriptionStmt' || type === 'AlterSubscriptionStmt' || type === 'DropSubscriptionStmt') return 'subscriptions connect to other servers';
	if (type === 'AlterSystemStmt') return 'ALTER SYSTEM cannot run inside a transaction';
	return undefined;
}

/** A lone statement that must not run inside a transaction: what to dry-run in its place. */
function standaloneRewrite(lib: LibPgQuery, type: string, body: Node, text: string): {sql?: string; note: string} | undefined {
	const concurrently =
		(type === 'IndexStmt' && body.concurrent) ||
		(type === 'DropStmt' && body.concurrent) ||
		(type === 'ReindexStmt' && JSON.stringify(body.params ?? []).includes('"concurrently"')) ||
		(type === 'AlterTableStmt' && (body.cmds ?? []).some(cmd => cmd.AlterTableCmd?.def?.PartitionCmd?.concurrent));
	if (concurrently) {
		const tokens = lib.scanSync(text).tokens as Token[];
		const bytes = Buffer.from(text, 'utf8');
		let depth = 0;
		let out = '';
		let cursor = 0;
		for (const token of tokens) {
			if (token.text === '(') depth++;
			else if (token.text === ')') depth--;
			else if (token.text.toLowerCase() === 'concurrently') {
				// In an option list `(CONCURRENTLY)` the option is switched off; as a keyword it is dropped.
				out += bytes.subarray(cursor, token.start).toString('utf8') + (depth > 0 ? 'concurrently false' : '');
				cursor = token.end;
			}
		}
		out += bytes.subarray(cursor).toString('utf8');
		return {
			sql: out,
			note: 'The CONCURRENTLY statement was dry-run in its plain form inside the rolled-back transaction (same resulting schema); the real statement does not block writers, so its locks are not reported.',
		};
	}
	if (type === 'VacuumStmt' && body.is_vacuumcmd) return {note: 'VACUUM was not dry-run: it cannot run in a transaction and changes no schema.'};
	return undefined;
}

function transactionStep(body: Node, open: {value: boolean}): {sql?: string; note?: string} {
	switch (body.kind) {
		case 'TRANS_STMT_BEGIN':
		case 'TRANS_STMT_START':
			open.value = true;
			return {sql: `savepoint ${USER_TX}`};
		case 'TRANS_STMT_COMMIT':
			if (!open.value) return {};
			open.value = false;
			return {sql: `release savepoint ${USER_TX}`};
		case 'TRANS_STMT_ROLLBACK':
			if (!open.value) return {};
			open.value = false;
			return {sql: `rollback to savepoint ${USER_TX}; release savepoint ${USER_TX}`};
		case 'TRANS_STMT_SAVEPOINT':
		case 'TRANS_STMT_RELEASE':
		case 'TRANS_STMT_ROLLBACK_TO':
			return {};
		default:
			return {note: `Two-phase commit statements were not dry-run.`};
	}
}

/** Turns the submitted SQL into the statements the dry run sends, with what to sample before each. */
export async function planDryRun(query: string, mode: DryRunMode): Promise<Plan> {
	if (mode === 'migration') {
		try {
			await prepareMigration('dry_run', query);
		} catch (error) {
			return {steps: [], notes: [], notPreviewed: [], redefines: [], error: toDryRunError(error)};
		}
	}
	const lib = await libpgQuery();
	let tree: {stmts?: {stmt?: Statement; stmt_location?: number; stmt_len?: number}[]};
	try {
		tree = (await lib.parse(query)) as typeof tree;
	} catch {
		// Postgres parses the whole text before running any of it: it will refuse it with its own error and position.
		return {steps: [{sql: query, offset: 0, targets: []}], notes: [], notPreviewed: [], redefines: []};
	}
	const bytes = Buffer.from(query, 'utf8');
	const entries = tree.stmts ?? [];
	const steps: Step[] = [];
	const notes: string[] = [];
	const notPreviewed: string[] = [];
	const open = {value: false};
	for (const entry of entries) {
		const [type, body] = Object.entries(entry.stmt ?? {})[0] ?? ['Unknown', {}];
		const start = entry.stmt_location ?? 0;
		const end = entry.stmt_len ? start + entry.stmt_len : bytes.length;
		const sql = bytes.subarray(start, end).toString('utf8');
		const offset = bytes.subarray(0, start).toString('utf8').length;
		const text = sql.trim();
		const outside = outsideTransaction(type, body);
		if (outside) {
			notPreviewed.push(`${outside} ("${shorten(text)}")`);
			continue;
		}
		if (type === 'TransactionStmt') {
			const mapped = transactionStep(body, open);
			if (mapped.note) notPreviewed.push(mapped.note);
			if (mapped.sql) steps.push({sql: mapped.sql, offset, rewritten: true, control: true, targets: []});
			else if (!mapped.note && ['TRANS_STMT_SAVEPOINT', 'TRANS_STMT_RELEASE', 'TRANS_STMT_ROLLBACK_TO'].includes(String(body.kind))) {
				steps.push({sql, offset, control: true, targets: []});
			}
			continue;
		}
		if (mode === 'sql' && entries.length === 1) {
			const rewrite = standaloneRewrite(lib, type, body, sql);
			if (rewrite) {
				notes.push(rewrite.note);
				if (rewrite.sql) steps.push({sql: rewrite.sql, offset, rewritten: true, unblocking: true, targets: []});
				continue;
			}
		}
		steps.push({sql, offset, targets: sampleTargets(lib, type, body, sql)});
	}
	return {
		steps,
		notes,
		notPreviewed,
		redefines: redefinedNames(entries),
		mentioned: {names: namesIn(entries, new Set()), schemas: droppedSchemas(entries)},
	};
}

function shorten(text: string): string {
	const flat = text.replace(/\s+/g, ' ');
	return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}

export function toDryRunError(error: unknown, offset = 0): DryRunError {
	const cause = toPostgresError(error);
	const result: DryRunError = {message: cause.message};
	if (cause instanceof PostgresError) {
		if (cause.code) result.code = cause.code;
		if (cause.position !== undefined) result.position = cause.position + offset;
		if (cause.detail) result.detail = cause.detail;
		if (cause.hint) result.hint = cause.hint;
	}
	return result;
}
