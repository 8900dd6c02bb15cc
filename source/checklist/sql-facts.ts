// What the evaluators need to know about SQL text, read from the real Postgres grammar (libpg-query via policy).
import {asArray, isObject, type JsonObject, onlyEntry, type ParsedStatement, parseSql, stringList} from '../policy/sql-parser.js';

/** Unqualified names resolve here: Supabase's default `search_path` puts `public` first. */
export const DEFAULT_SCHEMA = 'public';

export function parseStatements(sql: string): ParsedStatement[] | undefined {
	const parsed = parseSql(sql);
	return parsed.ok ? parsed.statements : undefined;
}

/** `schema.table` for a RangeVar-like node (`relname`, optional `schemaname`). */
function qualified(node: JsonObject): string | undefined {
	if (typeof node.relname !== 'string') return undefined;
	const schema = typeof node.schemaname === 'string' ? node.schemaname : DEFAULT_SCHEMA;
	return `${schema}.${node.relname}`;
}

/**
 * Every relation a statement names, qualified. CTE names come along too (they look like relations to the
 * grammar); callers match the result against real tables, so they fall out there.
 */
export function relationsIn(node: unknown, into = new Set<string>()): Set<string> {
	if (Array.isArray(node)) {
		for (const item of node) relationsIn(item, into);
	} else if (isObject(node)) {
		const name = qualified(node);
		if (name && 'relpersistence' in node) into.add(name);
		for (const value of Object.values(node)) relationsIn(value, into);
	}
	return into;
}

/** Statements that only read, write rows, or steer the session: everything else changes the schema. */
const NOT_SCHEMA: ReadonlySet<string> = new Set([
	'SelectStmt',
	'InsertStmt',
	'UpdateStmt',
	'DeleteStmt',
	'MergeStmt',
	'ExplainStmt',
	'TransactionStmt',
	'VariableSetStmt',
	'VariableShowStmt',
	'CopyStmt',
	'PrepareStmt',
	'ExecuteStmt',
	'DeallocateStmt',
	'LockStmt',
	'ListenStmt',
	'UnlistenStmt',
	'NotifyStmt',
	'VacuumStmt',
	'CheckPointStmt',
	'DiscardStmt',
	'DeclareCursorStmt',
	'FetchStmt',
	'ClosePortalStmt',
]);

export function changesSchema(statement: ParsedStatement): boolean {
	return !NOT_SCHEMA.has(statement.type);
}

const TABLE_DROPS: ReadonlySet<string> = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE']);
const ON_TABLE_DROPS: ReadonlySet<string> = new Set(['OBJECT_POLICY', 'OBJECT_TRIGGER', 'OBJECT_RULE']);

function nameToTable(parts: string[]): string | undefined {
	if (parts.length === 0) return undefined;
	return parts.length === 1 ? `${DEFAULT_SCHEMA}.${parts[0]}` : `${parts.at(-2)}.${parts.at(-1)}`;
}

/**
 * The tables a schema-changing statement affects, or 'all' when it cannot be tied to tables (a new function may
 * be what a policy calls). Comments change no behaviour, so they touch nothing.
 */
export function tablesChangedBy(statement: ParsedStatement): ReadonlySet<string> | 'all' {
	if (statement.type === 'CommentStmt') return new Set();
	if (statement.type === 'DropStmt') {
		const removeType = String(statement.body.removeType ?? '');
		const objects = asArray(statement.body.objects).map(object => {
			const [type, body] = onlyEntry(object);
			return type === 'List' ? stringList(body.items) : [];
		});
		if (TABLE_DROPS.has(removeType)) return new Set(objects.flatMap(parts => nameToTable(parts) ?? []));
		if (ON_TABLE_DROPS.has(removeType)) return new Set(objects.flatMap(parts => nameToTable(parts.slice(0, -1)) ?? []));
		return 'all';
	}
	const tables = relationsIn(statement.body);
	return tables.size > 0 ? tables : 'all';
}

/** Location-free, constant-free shape of a statement: two runs of "the same query" with other values match. */
export function fingerprint(node: unknown): string {
	return JSON.stringify(node, (key, value: unknown) => {
		if (key === 'location' || key === 'stmt_location' || key === 'stmt_len') return undefined;
		if (isObject(value) && isObject(value.A_Const)) return {A_Const: '?'};
		return value;
	});
}

export type RoleChange = {role: string; local: boolean} | {reset: true};

const SESSION_ROLE = 'postgres';

/** A `set [local] role x`, `reset role` or `select set_config('role', 'x', …)`; undefined for anything else. */
export function roleChange(statement: ParsedStatement): RoleChange | undefined {
	const {type, body} = statement;
	if (type === 'VariableSetStmt') {
		if (body.kind === 'VAR_RESET_ALL') return {reset: true};
		if (body.name !== 'role') return undefined;
		if (body.kind !== 'VAR_SET_VALUE') return {reset: true};
		const role = constantString(asArray(body.args)[0]);
		if (role === undefined || role === 'none') return {reset: true};
		return {role, local: body.is_local === true};
	}
	if (type === 'SelectStmt') {
		let found: RoleChange | undefined;
		visit(body, node => {
			if (!isObject(node.FuncCall)) return;
			const call = node.FuncCall;
			if (stringList(call.funcname).at(-1) !== 'set_config') return;
			const args = asArray(call.args);
			if (constantString(args[0]) !== 'role') return;
			const role = constantString(args[1]);
			if (role) found = {role, local: constantBool(args[2]) === true};
		});
		return found;
	}
	return undefined;
}

function constantString(node: unknown): string | undefined {
	if (!isObject(node) || !isObject(node.A_Const)) return undefined;
	const sval = node.A_Const.sval;
	return isObject(sval) && typeof sval.sval === 'string' ? sval.sval : undefined;
}

function constantBool(node: unknown): boolean | undefined {
	if (!isObject(node) || !isObject(node.A_Const)) return undefined;
	const boolval = node.A_Const.boolval;
	return isObject(boolval) ? boolval.boolval === true : undefined;
}

function visit(node: unknown, fn: (node: JsonObject) => void): void {
	if (Array.isArray(node)) for (const item of node) visit(item, fn);
	else if (isObject(node)) {
		fn(node);
		for (const value of Object.values(node)) visit(value, fn);
	}
}

export type RunStatement = {
	statement: ParsedStatement;
	/** The role the statement ran as, after the `set role`s before it in the same call. */
	role: string;
	/** False when a later ROLLBACK (or the server's rollback of an open transaction) undid it. */
	kept: boolean;
};

/**
 * Replays one execute_sql call's statements to learn the role each ran as and which of them were undone: the
 * server rolls back a transaction left open, so `begin; create table …` without a commit changes nothing.
 */
export function runStatements(statements: readonly ParsedStatement[]): RunStatement[] {
	const runs: RunStatement[] = [];
	let role = SESSION_ROLE;
	let localRole = false;
	let inTransaction = false;
	let transactionStart = 0;
	for (const statement of statements) {
		if (statement.type === 'TransactionStmt') {
			const kind = String(statement.body.kind ?? '');
			if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
				inTransaction = true;
				transactionStart = runs.length;
			} else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') {
				if (kind === 'TRANS_STMT_ROLLBACK') for (let i = transactionStart; i < runs.length; i++) runs[i]!.kept = false;
				if (localRole || kind === 'TRANS_STMT_ROLLBACK') role = SESSION_ROLE;
				localRole = false;
				inTransaction = false;
			}
			runs.push({statement, role, kept: true});
			continue;
		}
		const change = roleChange(statement);
		runs.push({statement, role, kept: true});
		if (change && 'reset' in change) {
			role = SESSION_ROLE;
			localRole = false;
		} else if (change) {
			role = change.role;
			localRole = change.local;
		}
	}
	if (inTransaction) for (let i = transactionStart; i < runs.length; i++) runs[i]!.kept = false;
	return runs;
}

/** Statements whose performance matters: reads and writes that plan a scan, not inserts of literal rows. */
export const PLANNED_STATEMENTS: ReadonlySet<string> = new Set(['SelectStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** The statement inside an EXPLAIN, as a parsed statement. */
export function explained(statement: ParsedStatement): ParsedStatement | undefined {
	if (statement.type !== 'ExplainStmt') return undefined;
	const [type, body] = onlyEntry(statement.body.query);
	return type === 'Unknown' ? undefined : {type, body, text: statement.text};
}
