/**
 * Runs SQL for real inside a transaction that is always rolled back, and reports what it would do: the schema
 * before and after (normalised dumps), the exclusive locks it takes, the rows it inserts, updates or deletes per
 * table with a few samples, and Postgres's error if it fails. Nothing survives the transaction but sequence values
 * (`nextval` is never rolled back by Postgres).
 *
 * How statements that a transaction cannot hold are handled, and why no branch clone is needed:
 * - `apply_migration` runs a migration in one transaction, so a `CREATE INDEX CONCURRENTLY` in a migration fails
 *   for real; the dry run lets it fail the same way, which is the honest preview.
 * - `execute_sql` sends its text as one simple query: several statements form one implicit transaction, where the
 *   same statements fail too (again shown as the error). Only a *single* `CREATE INDEX / DROP INDEX / REINDEX …
 *   CONCURRENTLY` or `DETACH PARTITION … CONCURRENTLY` can run; it is dry-run as its plain form, which leaves the
 *   same schema and meets the same data (a unique index over duplicates still fails), and its locks are not
 *   reported because the real statement does not block. `VACUUM` changes no schema and is skipped; statements that
 *   act outside the database's transactional state (ALTER SYSTEM, CREATE DATABASE, COPY … PROGRAM, …) are never
 *   run, and the result says so.
 *
 * Sample rows of an UPDATE, DELETE or TRUNCATE are read right before that statement runs (after the statements
 * before it) with `SELECT to_jsonb(target) FROM <its FROM/USING> WHERE <its condition> LIMIT 3`, built from the
 * statement's own text with the Postgres scanner; row counts come from `pg_stat_xact_user_tables` (a delta over the
 * transaction, so cascades and triggers are counted too).
 */
import {countRows, dumpSchema, estimateRows, listRelations, type RelationInfo, type TableRows} from './schema-dump.js';
import {prepareMigration} from './migrations.js';
import {PostgresError, toPostgresError, type DatabasePlatform, type SqlRunner} from './platform.js';

export type DryRunMode = 'migration' | 'sql';

export type DryRunInput = {
	query: string;
	/** `migration` behaves like apply_migration (one transaction, no transaction control); `sql` like execute_sql. */
	mode: DryRunMode;
	/** A down migration run after `query` in the same transaction, for the reversibility check. */
	rollbackQuery?: string;
};

export type DryRunError = {message: string; code?: string; position?: number; detail?: string; hint?: string};

export type RowChange = {
	table: string;
	operation: 'insert' | 'update' | 'delete' | 'truncate';
	count: number;
	sample: Record<string, unknown>[];
};

export type DryRunResult = {
	mode: DryRunMode;
	before: string;
	after: string;
	after_rollback?: string;
	error?: DryRunError;
	rollback_error?: DryRunError;
	/** ACCESS EXCLUSIVE locks taken on tables and views that existed before: they block every reader until commit. */
	locks: {relation: string; mode: string}[];
	rows: RowChange[];
	/** Row counts before the SQL ran (exact up to a limit, else estimated). */
	tables: TableRows[];
	/** Tables and views by oid before and after, so renames, drops and rewrites can be told apart. */
	relations: {before: RelationInfo[]; after: RelationInfo[]};
	/** What the dry run did differently from the real run, in plain words. */
	notes: string[];
	duration_ms: number;
};

const SAMPLE_ROWS = 3;
const SAMPLE_TEXT = 80;
const USER_TX = 'pgpair_user_tx';
/** Dumps print names schema-qualified and the same way every time. */
const PINNED_PATH = `select set_config('search_path', 'pg_catalog, pg_temp', true)`;

type Target = {
	op: 'update' | 'delete' | 'truncate';
	/** `"schema"."table"` as written, for to_regclass under the user's search_path. */
	regclass: string;
	/** The sample query, or undefined when the statement's shape does not allow one. */
	sample?: string;
};

type Step = {
	sql: string;
	/** Character offset of `sql` in the submitted text, to turn Postgres's positions back into the user's. */
	offset: number;
	/** Set when the statement is not run as written (its error positions are not the user's). */
	rewritten?: boolean;
	/** A CONCURRENTLY statement run in its plain, blocking form: its locks say nothing about the real run. */
	unblocking?: boolean;
	targets: Target[];
};

/**
 * `mentioned`: every name in the parse tree and the schemas it drops (undefined: the SQL did not parse), so that
 * only the tables it touches are counted exactly.
 */
type Plan = {steps: Step[]; notes: string[]; error?: DryRunError; mentioned?: {names: Set<string>; schemas: Set<string>}};

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

/** Schemas named by DROP SCHEMA: all their tables go. */
function droppedSchemas(entries: readonly {stmt?: Node}[]): Set<string> {
	const schemas = new Set<string>();
	for (const entry of entries) {
		const drop = entry.stmt?.DropStmt as Node | undefined;
		if (drop?.removeType === 'OBJECT_SCHEMA') for (const object of (drop.objects ?? []) as Node[]) if (typeof object.String?.sval === 'string') schemas.add(object.String.sval);
	}
	return schemas;
}

type LibPgQuery = typeof import('libpg-query');
let library: Promise<LibPgQuery> | undefined;

function libpgQuery(): Promise<LibPgQuery> {
	library ??= import('libpg-query').then(async (module) => {
		await module.loadModule();
		return module;
	});
	return library;
}

type Node = Record<string, any>;
type Token = {start: number; end: number; text: string; keywordKind: number};

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

function rangeVar(relation: Node | undefined): {text: string; ref: string; regclass: string} | undefined {
	if (!relation || typeof relation.relname !== 'string') return undefined;
	const qualified = relation.schemaname ? `${quoteIdent(relation.schemaname)}.${quoteIdent(relation.relname)}` : quoteIdent(relation.relname);
	const alias = relation.alias?.aliasname as string | undefined;
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
		return ((body.relations ?? []) as Node[]).flatMap((node) => {
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
	const where = words.find((w) => w.word === 'where');
	const returning = words.find((w) => w.word === 'returning');
	const fromWord = type === 'UpdateStmt' ? words.find((w) => w.word === 'from') : words.find((w) => w.word === 'using');
	const whereText = where ? byteSlice(bytes, where.end, returning?.start) : undefined;
	const fromText = fromWord ? byteSlice(bytes, fromWord.end, where?.start ?? returning?.start) : undefined;
	if ((body.whereClause && !whereText) || ((body.fromClause || body.usingClause) && !fromText)) return [{op, regclass: target.regclass}];
	const sample =
		`select to_jsonb(${target.ref}.*) as row from ${target.text}${fromText ? `, ${fromText}` : ''}` +
		`${whereText ? ` where ${whereText}` : ''} limit ${SAMPLE_ROWS}`;
	return [{op, regclass: target.regclass, sample}];
}

/** Statements that act outside the transaction: never run in a preview. */
function outsideTransaction(type: string, body: Node): string | undefined {
	if (type === 'CopyStmt' && body.is_program) return 'COPY … PROGRAM runs a shell command on the database server';
	if (type === 'CopyStmt' && typeof body.filename === 'string') return 'COPY with a server file reads or writes that file';
	if (type === 'LoadStmt') return 'LOAD loads a library into the server';
	if (type === 'AlterSystemStmt') return 'ALTER SYSTEM changes the server configuration';
	if (type === 'CreatedbStmt' || type === 'DropdbStmt') return `${type === 'CreatedbStmt' ? 'CREATE' : 'DROP'} DATABASE acts on the whole server`;
	if (type === 'CreateTableSpaceStmt' || type === 'DropTableSpaceStmt') return 'tablespaces live outside the database';
	if (type === 'CreateSubscriptionStmt' || type === 'AlterSubscriptionStmt' || type === 'DropSubscriptionStmt') return 'subscriptions connect to other servers';
	return undefined;
}

/**
 * Functions whose effect a rollback does not undo (files, other sessions, other servers, the server's own state).
 * A statement calling one is not dry-run: the preview runs before anyone approved anything. Calls hidden inside
 * function bodies or DO blocks cannot be seen here.
 */
const NON_TRANSACTIONAL_FUNCTIONS = new Set([
	'lo_export',
	'lo_import',
	'pg_file_write',
	'pg_file_rename',
	'pg_file_unlink',
	'pg_terminate_backend',
	'pg_cancel_backend',
	'pg_reload_conf',
	'pg_rotate_logfile',
	'pg_promote',
	'pg_switch_wal',
	'pg_create_restore_point',
	'pg_create_physical_replication_slot',
	'pg_create_logical_replication_slot',
	'pg_drop_replication_slot',
	'pg_logical_emit_message',
	'dblink',
	'dblink_exec',
	'dblink_connect',
	'dblink_connect_u',
	'dblink_send_query',
	'http_get',
	'http_post',
	'http',
]);

function nonTransactionalCall(node: unknown): string | undefined {
	if (Array.isArray(node)) {
		for (const item of node) {
			const found = nonTransactionalCall(item);
			if (found) return found;
		}
	} else if (node && typeof node === 'object') {
		const call = (node as Node).FuncCall as Node | undefined;
		const name = call ? ((call.funcname ?? []) as Node[]).at(-1)?.String?.sval : undefined;
		if (typeof name === 'string' && NON_TRANSACTIONAL_FUNCTIONS.has(name.toLowerCase())) return name;
		for (const value of Object.values(node)) {
			const found = nonTransactionalCall(value);
			if (found) return found;
		}
	}
	return undefined;
}

/** A lone statement that must not run inside a transaction: what to dry-run in its place. */
function standaloneRewrite(lib: LibPgQuery, type: string, body: Node, text: string): {sql?: string; note: string} | undefined {
	const concurrently =
		(type === 'IndexStmt' && body.concurrent) ||
		(type === 'DropStmt' && body.concurrent) ||
		(type === 'ReindexStmt' && JSON.stringify(body.params ?? []).includes('"concurrently"')) ||
		(type === 'AlterTableStmt' && ((body.cmds ?? []) as Node[]).some((cmd) => cmd.AlterTableCmd?.def?.PartitionCmd?.concurrent));
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
		return {sql: out, note: 'The CONCURRENTLY statement was dry-run in its plain form inside the rolled-back transaction (same resulting schema); the real statement does not block writers, so its locks are not reported.'};
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
			return {steps: [], notes: [], error: toDryRunError(error)};
		}
	}
	const lib = await libpgQuery();
	let tree: {stmts?: {stmt?: Node; stmt_location?: number; stmt_len?: number}[]};
	try {
		tree = (await lib.parse(query)) as typeof tree;
	} catch {
		// Postgres parses the whole text before running any of it: it will refuse it with its own error and position.
		return {steps: [{sql: query, offset: 0, targets: []}], notes: []};
	}
	const bytes = Buffer.from(query, 'utf8');
	const entries = tree.stmts ?? [];
	const steps: Step[] = [];
	const notes: string[] = [];
	const open = {value: false};
	for (const entry of entries) {
		const [type, body] = Object.entries(entry.stmt ?? {})[0] ?? ['Unknown', {}];
		const start = entry.stmt_location ?? 0;
		const end = entry.stmt_len ? start + entry.stmt_len : bytes.length;
		const sql = bytes.subarray(start, end).toString('utf8');
		const offset = bytes.subarray(0, start).toString('utf8').length;
		const text = sql.trim();
		const called = nonTransactionalCall(body);
		const outside = outsideTransaction(type, body as Node) ?? (called ? `${called}() acts outside the transaction` : undefined);
		if (outside) {
			notes.push(`Not dry-run, and it would act for real: ${outside} ("${shorten(text)}").`);
			continue;
		}
		if (type === 'TransactionStmt') {
			const mapped = transactionStep(body as Node, open);
			if (mapped.note) notes.push(mapped.note);
			if (mapped.sql) steps.push({sql: mapped.sql, offset, rewritten: true, targets: []});
			else if (!mapped.note && ['TRANS_STMT_SAVEPOINT', 'TRANS_STMT_RELEASE', 'TRANS_STMT_ROLLBACK_TO'].includes(String((body as Node).kind))) {
				steps.push({sql, offset, targets: []});
			}
			continue;
		}
		if (mode === 'sql' && entries.length === 1) {
			const rewrite = standaloneRewrite(lib, type, body as Node, sql);
			if (rewrite) {
				notes.push(rewrite.note);
				if (rewrite.sql) steps.push({sql: rewrite.sql, offset, rewritten: true, unblocking: true, targets: []});
				continue;
			}
		}
		steps.push({sql, offset, targets: sampleTargets(lib, type, body as Node, sql)});
	}
	return {steps, notes, mentioned: {names: namesIn(entries, new Set()), schemas: droppedSchemas(entries)}};
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

/** Long values would flood the pane; samples only need to be recognisable. */
function clipValue(value: unknown): unknown {
	if (typeof value === 'string') return value.length > SAMPLE_TEXT ? `${value.slice(0, SAMPLE_TEXT)}…` : value;
	if (value !== null && typeof value === 'object') return clipValue(JSON.stringify(value));
	return value;
}

function clipRow(row: unknown): Record<string, unknown> {
	const object = (typeof row === 'string' ? JSON.parse(row) : row) as Record<string, unknown>;
	return Object.fromEntries(Object.entries(object ?? {}).map(([key, value]) => [key, clipValue(value)]));
}

type Stat = {oid: number; name: string; ins: number; upd: number; del: number};

async function tupleStats(tx: SqlRunner): Promise<Map<number, Stat>> {
	const {rows} = await tx.query(
		`select relid::int8 as oid, format('%I.%I', schemaname, relname) as name, n_tup_ins::int8 as ins, n_tup_upd::int8 as upd, n_tup_del::int8 as del
		from pg_catalog.pg_stat_xact_user_tables where n_tup_ins + n_tup_upd + n_tup_del > 0`,
	);
	return new Map(rows.map((r) => [Number(r.oid), {oid: Number(r.oid), name: String(r.name), ins: Number(r.ins), upd: Number(r.upd), del: Number(r.del)}]));
}

/** Runs `fn` in a savepoint so that its failure leaves the dry run's transaction usable. */
async function guarded<T>(tx: SqlRunner, fn: () => Promise<T>): Promise<T | undefined> {
	await tx.exec('savepoint pgpair_guard');
	try {
		const result = await fn();
		await tx.exec('release savepoint pgpair_guard');
		return result;
	} catch {
		await tx.exec('rollback to savepoint pgpair_guard; release savepoint pgpair_guard');
		return undefined;
	}
}

type Samples = Map<string, {oid: number; op: Target['op']; rows: Record<string, unknown>[]}>;

/** Runs the steps in order, sampling before each; stops at the first error as Postgres would. */
async function runSteps(tx: SqlRunner, steps: Step[], userPath: string, samples: Samples): Promise<{error?: DryRunError; unblocking: boolean}> {
	const unblocking = steps.some((step) => step.unblocking);
	await tx.query(`select set_config('search_path', $1, true)`, [userPath]);
	for (const step of steps) {
		for (const target of step.targets) {
			const found = await guarded(tx, async () => {
				const {rows} = await tx.query('select to_regclass($1)::oid::int8 as oid', [target.regclass]);
				const oid = rows[0]?.oid == null ? undefined : Number(rows[0].oid);
				if (oid === undefined) return undefined;
				const sampled = target.sample ? (await tx.query(target.sample)).rows.map((r) => clipRow(r.row)) : [];
				return {oid, sampled};
			});
			if (!found) continue;
			const key = `${found.oid}:${target.op}`;
			const entry = samples.get(key) ?? {oid: found.oid, op: target.op, rows: []};
			entry.rows.push(...found.sampled.slice(0, SAMPLE_ROWS - entry.rows.length));
			samples.set(key, entry);
		}
		try {
			await tx.exec(step.sql);
		} catch (error) {
			return {error: toDryRunError(error, step.rewritten ? 0 : step.offset), unblocking};
		}
	}
	// Whatever role or path the SQL switched to, the collection below runs as the session's own user.
	await tx.exec('reset role');
	await tx.query(PINNED_PATH);
	return {unblocking};
}

class RolledBack extends Error {
	constructor(readonly result: DryRunResult) {
		super('dry run rolled back');
	}
}

/**
 * The dry run itself. The caller holds the project's write lock, so no migration interleaves; the platform's
 * transaction resets the session (role, settings) afterwards, as every other tool's does.
 */
export async function dryRun(db: DatabasePlatform, input: DryRunInput): Promise<DryRunResult> {
	const started = performance.now();
	const plan = await planDryRun(input.query, input.mode);
	const rollbackPlan = input.rollbackQuery === undefined ? undefined : await planDryRun(input.rollbackQuery, 'migration');
	try {
		await db.transaction(async (tx) => {
			const userPath = String((await tx.query(`select current_setting('search_path') as path`)).rows[0]?.path ?? 'public');
			await tx.query(PINNED_PATH);
			const relationsBefore = await listRelations(tx);
			const before = await dumpSchema(tx);
			const mentioned = plan.mentioned;
			// The hazards that need exact counts (dropped, truncated, rewritten, NOT NULL) all name their tables.
			const exact = relationsBefore.filter((r) => !mentioned || mentioned.names.has(r.table) || mentioned.schemas.has(r.schema));
			const tables = (await guarded(tx, () => countRows(tx, exact))) ?? (await estimateRows(tx));
			const result: DryRunResult = {
				mode: input.mode,
				before,
				after: before,
				locks: [],
				rows: [],
				tables,
				relations: {before: relationsBefore, after: relationsBefore},
				notes: [...plan.notes],
				duration_ms: 0,
			};
			const finish = () => {
				result.duration_ms = Math.round(performance.now() - started);
				return new RolledBack(result);
			};
			if (plan.error) {
				result.error = plan.error;
				throw finish();
			}
			const baseline = await tupleStats(tx);
			const samples: Samples = new Map();
			const run = await runSteps(tx, plan.steps, userPath, samples);
			if (run.error) {
				result.error = run.error;
				throw finish();
			}

			const names = new Map(relationsBefore.map((r) => [r.oid, r.name]));
			if (!run.unblocking) {
				const {rows} = await tx.query(
					`select distinct relation::int8 as oid, mode from pg_catalog.pg_locks
					where pid = pg_backend_pid() and locktype = 'relation' and mode = 'AccessExclusiveLock' and granted`,
				);
				result.locks = rows
					.filter((r) => names.has(Number(r.oid)))
					.map((r) => ({relation: names.get(Number(r.oid))!, mode: String(r.mode)}))
					.sort((a, b) => (a.relation < b.relation ? -1 : 1));
			}
			result.rows = rowChanges(baseline, await tupleStats(tx), samples, tables, names);
			result.relations.after = await listRelations(tx);
			result.after = await dumpSchema(tx);

			if (rollbackPlan) {
				if (rollbackPlan.error) {
					result.rollback_error = rollbackPlan.error;
				} else {
					result.notes.push(...rollbackPlan.notes);
					const down = await runSteps(tx, rollbackPlan.steps, userPath, new Map());
					if (down.error) result.rollback_error = down.error;
					else result.after_rollback = await dumpSchema(tx);
				}
			}
			throw finish();
		});
	} catch (error) {
		if (error instanceof RolledBack) return error.result;
		throw error;
	}
	throw new Error('The dry run ended without rolling back.');
}

const OPERATION_ORDER = {insert: 0, update: 1, delete: 2, truncate: 3} as const;

function rowChanges(baseline: Map<number, Stat>, now: Map<number, Stat>, samples: Samples, tables: TableRows[], names: Map<number, string>): RowChange[] {
	const changes: RowChange[] = [];
	const sampleOf = (oid: number, op: RowChange['operation']) => samples.get(`${oid}:${op}`)?.rows ?? [];
	for (const stat of now.values()) {
		const base = baseline.get(stat.oid);
		const delta = {insert: stat.ins - (base?.ins ?? 0), update: stat.upd - (base?.upd ?? 0), delete: stat.del - (base?.del ?? 0)};
		for (const op of ['insert', 'update', 'delete'] as const) {
			if (delta[op] > 0) changes.push({table: stat.name, operation: op, count: delta[op], sample: sampleOf(stat.oid, op)});
		}
	}
	const counts = new Map(tables.map((t) => [t.name, t.rows]));
	for (const entry of samples.values()) {
		if (entry.op !== 'truncate') continue;
		const name = names.get(entry.oid);
		if (name) changes.push({table: name, operation: 'truncate', count: counts.get(name) ?? 0, sample: entry.rows});
	}
	return changes.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : OPERATION_ORDER[a.operation] - OPERATION_ORDER[b.operation]));
}
