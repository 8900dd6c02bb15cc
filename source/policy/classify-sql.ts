/**
 * Classifies SQL text as read-only, write or destructive with the real Postgres grammar.
 *
 * Read-only is a proof, not a guess: every statement must be a plain read (SELECT, VALUES, TABLE,
 * SHOW, EXPLAIN without ANALYZE) and every function or operator anywhere in its tree must be on the
 * allowlist in `sql-functions.ts`. Everything else writes; the destructive rules name the changes
 * that lose data, weaken security or cannot be checked. SQL that does not parse is destructive.
 *
 * `classifySql` is async (it loads the WASM parser on first use); `classifySqlSync` needs
 * `await loadSqlParser()` to have run and throws otherwise.
 */
import type {Hazard, HazardCode, ToolCallClass} from './hazards.js';
import {maxClass} from './hazards.js';
import {judgeFunction, isSafeOperator} from './sql-functions.js';
import type {JsonObject, SqlParseError} from './sql-parser.js';
import {
	asArray,
	isObject,
	loadSqlParser,
	onlyEntry,
	optionEnabled,
	optionString,
	parsePlPgSql,
	parseSql,
	rangeVarName,
	stringList,
} from './sql-parser.js';

export type StatementSummary = {
	/** What the statement is, in SQL words: `SELECT`, `DROP TABLE`, `EXPLAIN ANALYZE DELETE`, … */
	kind: string;
	class: ToolCallClass;
	text?: string;
};

export type SqlClassification = {
	class: ToolCallClass;
	hazards: Hazard[];
	statements: StatementSummary[];
	parseError?: SqlParseError;
};

export async function classifySql(sql: string): Promise<SqlClassification> {
	await loadSqlParser();
	return classifySqlSync(sql);
}

export function classifySqlSync(sql: string): SqlClassification {
	const parsed = parseSql(sql);
	if (!parsed.ok) {
		return {
			class: 'destructive',
			hazards: [{code: 'parse_error', message: `The SQL cannot be checked: ${parsed.error.message}`, statementIndex: 0}],
			statements: [],
			parseError: parsed.error,
		};
	}

	const prepared = new Map<string, Verdict>();
	const hazards: Hazard[] = [];
	const statements: StatementSummary[] = parsed.statements.map((statement, index) => {
		const judge = newJudge({index, prefix: '', prepared, depth: 0, text: statement.text});
		const kind = judgeStatement(statement.type, statement.body, judge);
		hazards.push(...judge.hazards);
		return {kind, class: judge.cls, text: statement.text};
	});
	return {class: maxClass(...statements.map(s => s.class)), hazards, statements};
}

// ---------------------------------------------------------------------------------------------
// The judge: one per statement, collecting the class and the hazards found in its tree.

type Verdict = {cls: ToolCallClass; hazards: Hazard[]};

type Scope = {
	index: number;
	/** Prepended to hazard messages of embedded code, e.g. "in the DO block: ". */
	prefix: string;
	/** PREPAREd statements of this SQL text, so a later EXECUTE can be judged. */
	prepared: Map<string, Verdict>;
	depth: number;
	/** Source text of the top-level statement (PL/pgSQL routines are re-parsed from it). */
	text: string;
};

type Judge = Verdict & {scope: Scope};

/** Embedded code nests (DO → statement → DO …); beyond this we stop and refuse to call it safe. */
const MAX_DEPTH = 6;

function newJudge(scope: Scope): Judge {
	return {cls: 'read-only', hazards: [], scope};
}

function atLeast(judge: Judge, cls: ToolCallClass): void {
	judge.cls = maxClass(judge.cls, cls);
}

function flag(judge: Judge, cls: ToolCallClass, code: HazardCode, message: string, object?: string): void {
	atLeast(judge, cls);
	const hazard: Hazard = {code, message: judge.scope.prefix + message, statementIndex: judge.scope.index};
	if (object) hazard.object = object;
	judge.hazards.push(hazard);
}

function absorb(judge: Judge, verdict: Verdict, {keepClass}: {keepClass: boolean}): void {
	if (keepClass) atLeast(judge, verdict.cls);
	judge.hazards.push(...verdict.hazards);
}

// ---------------------------------------------------------------------------------------------
// Expression trees: function calls, operators, nested reads and data-modifying CTEs.

type InspectOptions = {
	/** In a statement that is otherwise read-only, an unknown function makes it a write. */
	unknownIsWrite: boolean;
};

function inspect(value: unknown, judge: Judge, options: InspectOptions): void {
	if (Array.isArray(value)) {
		for (const item of value) inspect(item, judge, options);
		return;
	}

	if (!isObject(value)) return;
	for (const [key, child] of Object.entries(value)) {
		// Node wrappers are PascalCase (`FuncCall`, `A_Expr`); fields are lower-case.
		if (/^[A-Z]/.test(key) && isObject(child)) visitNode(key, child, judge, options);
		else inspect(child, judge, options);
	}
}

function visitNode(type: string, body: JsonObject, judge: Judge, options: InspectOptions): void {
	switch (type) {
		case 'FuncCall':
			judgeCall(stringList(body.funcname), body, judge, options);
			break;
		case 'A_Expr': {
			const names = stringList(body.name);
			if (!isSafeOperator(names, String(body.kind)) && options.unknownIsWrite) {
				flag(judge, 'write', 'unknown_function', `uses the operator ${names.join('.')}, which may run user-defined code`);
			}

			break;
		}

		case 'SelectStmt':
			if (body.intoClause) atLeast(judge, 'write');
			if (asArray(body.lockingClause).length > 0) flag(judge, 'write', 'row_lock', 'locks the rows it reads (FOR UPDATE / FOR SHARE)');
			break;
		case 'InsertStmt':
		case 'UpdateStmt':
		case 'DeleteStmt':
		case 'MergeStmt':
			judgeDataChange(type, body, judge);
			break;
		default:
			break;
	}

	inspect(body, judge, options);
}

function judgeCall(names: string[], call: JsonObject, judge: Judge, options: InspectOptions): void {
	const verdict = judgeFunction(names);
	const shown = `${names.filter(n => n !== 'pg_catalog').join('.')}()`;
	if (verdict.kind === 'safe') return;
	if (verdict.kind === 'unknown') {
		if (options.unknownIsWrite) flag(judge, 'write', 'unknown_function', `calls ${shown}, which is not known to be free of side effects`);
		return;
	}

	const {effect} = verdict;
	const setting = names.at(-1) === 'set_config' ? constantString(asArray(call.args)[0]) : undefined;
	const roleValue = setting === 'role' ? constantString(asArray(call.args)[1]) : undefined;
	if (roleValue !== undefined && RLS_TEST_ROLES.has(roleValue.toLowerCase())) {
		flag(judge, 'write', 'side_effect_function', `calls set_config('role', '${roleValue}', …) to act as Supabase's ${roleValue} role`);
		return;
	}

	if (setting === 'role' || setting === 'session_authorization') {
		flag(judge, 'destructive', 'role_change', `calls set_config('${setting}', …), which changes the role the session acts as`);
		return;
	}

	// In a statement that writes anyway, a write-level effect adds nothing worth a label.
	if (effect.class === 'destructive' || options.unknownIsWrite) flag(judge, effect.class, effect.code, `calls ${shown}, which ${effect.message}`);
}

function constantString(node: unknown): string | undefined {
	const [type, body] = onlyEntry(node);
	if (type === 'A_Const' && isObject(body.sval) && typeof body.sval.sval === 'string') return body.sval.sval.toLowerCase();
	if (type === 'TypeCast') return constantString(body.arg);
	return undefined;
}

function judgeDataChange(type: string, body: JsonObject, judge: Judge): void {
	atLeast(judge, 'write');
	const table = rangeVarName(body.relation) ?? 'the table';
	if (type === 'DeleteStmt' || type === 'UpdateStmt') {
		const verb = type === 'DeleteStmt' ? 'DELETE' : 'UPDATE';
		const effect = type === 'DeleteStmt' ? `removes every row of ${table}` : `changes every row of ${table}`;
		const code: HazardCode = type === 'DeleteStmt' ? 'data_loss' : 'unbounded_write';
		if (body.whereClause === undefined) flag(judge, 'destructive', code, `${verb} without WHERE ${effect}`, table);
		else if (isTriviallyTrue(body.whereClause)) flag(judge, 'destructive', code, `${verb} with an always-true WHERE ${effect}`, table);
		return;
	}

	if (type === 'MergeStmt') {
		const deletes = asArray(body.mergeWhenClauses).some(clause => isObject(clause) && isObject(clause.MergeWhenClause) && clause.MergeWhenClause.commandType === 'CMD_DELETE');
		if (deletes) {
			if (isTriviallyTrue(body.joinCondition)) flag(judge, 'destructive', 'data_loss', `MERGE … DELETE with an always-true join condition removes every row of ${table}`, table);
			else flag(judge, 'write', 'data_loss', `MERGE deletes the matched rows of ${table}`, table);
		}
	}
}

/** `WHERE true`, `WHERE 1 = 1`, `WHERE a = a`, `WHERE x OR true`, `WHERE NOT false`: conditions that filter nothing. */
export function isTriviallyTrue(node: unknown): boolean {
	const [type, body] = onlyEntry(node);
	if (type === 'A_Const') return isObject(body.boolval) && body.boolval.boolval === true;
	if (type === 'TypeCast') {
		const value = constantString(body.arg);
		const typeName = isObject(body.typeName) ? stringList(body.typeName.names).at(-1) : undefined;
		return (typeName === 'bool' || typeName === 'boolean') && value !== undefined && ['t', 'true', 'y', 'yes', 'on', '1'].includes(value);
	}

	if (type === 'BoolExpr') {
		const args = asArray(body.args);
		if (body.boolop === 'OR_EXPR') return args.some(isTriviallyTrue);
		if (body.boolop === 'AND_EXPR') return args.every(isTriviallyTrue);
		if (body.boolop === 'NOT_EXPR') return isTriviallyFalse(args[0]);
		return false;
	}

	if (type === 'A_Expr' && body.kind === 'AEXPR_OP' && stringList(body.name).at(-1) === '=') {
		const left = withoutLocations(body.lexpr);
		const sameSide = JSON.stringify(left) === JSON.stringify(withoutLocations(body.rexpr));
		const [leftType] = onlyEntry(body.lexpr);
		return sameSide && (leftType === 'A_Const' || leftType === 'ColumnRef');
	}

	return false;
}

function isTriviallyFalse(node: unknown): boolean {
	const [type, body] = onlyEntry(node);
	if (type === 'A_Const') return isObject(body.boolval) && body.boolval.boolval !== true;
	if (type === 'BoolExpr' && body.boolop === 'NOT_EXPR') return isTriviallyTrue(asArray(body.args)[0]);
	return false;
}

function withoutLocations(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutLocations);
	if (!isObject(value)) return value;
	return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'location').map(([key, child]) => [key, withoutLocations(child)]));
}

// ---------------------------------------------------------------------------------------------
// Top-level statements.

const READS: InspectOptions = {unknownIsWrite: true};
const RUNS_IN_WRITE: InspectOptions = {unknownIsWrite: false};

/** Object types whose DROP takes rows with it. */
const DATA_OBJECTS = new Set(['OBJECT_TABLE', 'OBJECT_SCHEMA', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_EXTENSION', 'OBJECT_LARGEOBJECT']);

/** Judges one statement into `judge` and returns its kind. */
function judgeStatement(type: string, body: JsonObject, judge: Judge): string {
	switch (type) {
		case 'SelectStmt': {
			visitNode(type, body, judge, READS);
			if (asArray(body.valuesLists).length > 0) return 'VALUES';
			return body.intoClause ? 'SELECT INTO' : 'SELECT';
		}

		case 'VariableShowStmt':
			return 'SHOW';

		case 'ExplainStmt': {
			// Without ANALYZE the statement is only planned, never run.
			if (!optionEnabled(body.options, 'analyze')) return 'EXPLAIN';
			const [innerType, innerBody] = onlyEntry(body.query);
			return `EXPLAIN ANALYZE ${judgeStatement(innerType, innerBody, judge)}`;
		}

		case 'InsertStmt':
		case 'UpdateStmt':
		case 'DeleteStmt':
		case 'MergeStmt':
			visitNode(type, body, judge, RUNS_IN_WRITE);
			return type.replace('Stmt', '').toUpperCase();

		case 'CreateTableAsStmt': {
			atLeast(judge, 'write');
			inspect(body.query, judge, RUNS_IN_WRITE);
			if (body.objtype === 'OBJECT_MATVIEW') return 'CREATE MATERIALIZED VIEW';
			return body.is_select_into ? 'SELECT INTO' : 'CREATE TABLE AS';
		}

		case 'DropStmt':
			return judgeDrop(body, judge);

		case 'TruncateStmt': {
			const tables = asArray(body.relations).map(rangeVarName).filter(Boolean).join(', ');
			flag(judge, 'destructive', 'data_loss', `TRUNCATE removes every row of ${tables}`, tables);
			return 'TRUNCATE';
		}

		case 'AlterTableStmt':
			return judgeAlterTable(body, judge);

		case 'GrantStmt': {
			const verb = body.is_grant ? 'GRANT' : 'REVOKE';
			const privileges = asArray(body.privileges).map(p => (isObject(p) && isObject(p.AccessPriv) ? String(p.AccessPriv.priv_name ?? 'all') : 'all'));
			const grantees = asArray(body.grantees).map(roleName).join(', ');
			const what = privileges.length > 0 ? privileges.join(', ') : 'all privileges';
			flag(judge, 'destructive', 'privilege_change', `${verb} ${what} ${body.is_grant ? 'to' : 'from'} ${grantees}`);
			return verb;
		}

		case 'GrantRoleStmt':
			flag(judge, 'destructive', 'role_change', `${body.is_grant ? 'grants' : 'revokes'} role membership`);
			return body.is_grant ? 'GRANT ROLE' : 'REVOKE ROLE';

		case 'AlterDefaultPrivilegesStmt':
			flag(judge, 'destructive', 'privilege_change', 'changes the privileges future objects get');
			return 'ALTER DEFAULT PRIVILEGES';

		case 'CreateRoleStmt':
		case 'AlterRoleStmt':
		case 'AlterRoleSetStmt':
		case 'DropRoleStmt': {
			const kind = {CreateRoleStmt: 'CREATE ROLE', AlterRoleStmt: 'ALTER ROLE', AlterRoleSetStmt: 'ALTER ROLE SET', DropRoleStmt: 'DROP ROLE'}[type];
			flag(judge, 'destructive', 'role_change', `${kind} changes who can log in or what a role may do`);
			return kind;
		}

		case 'AlterOwnerStmt':
			flag(judge, 'destructive', 'privilege_change', `changes the owner to ${roleName(body.newowner)}`);
			return 'ALTER OWNER';

		case 'ReassignOwnedStmt':
			flag(judge, 'destructive', 'privilege_change', 'reassigns ownership of every object of a role');
			return 'REASSIGN OWNED';

		case 'DropOwnedStmt':
			flag(judge, 'destructive', 'data_loss', 'drops every object owned by a role');
			return 'DROP OWNED';

		case 'VariableSetStmt':
			return judgeSet(body, judge);

		case 'AlterSystemStmt':
			flag(judge, 'destructive', 'system_config', 'ALTER SYSTEM changes the server configuration file');
			return 'ALTER SYSTEM';

		case 'CopyStmt':
			return judgeCopy(body, judge);

		case 'LoadStmt':
			flag(judge, 'destructive', 'server_file_access', `LOAD loads the shared library ${String(body.filename)} into the server`);
			return 'LOAD';

		case 'DoStmt':
			judgeDo(body, judge);
			return 'DO';

		case 'CreateFunctionStmt':
			return judgeCreateFunction(body, judge);

		case 'CallStmt': {
			atLeast(judge, 'write');
			const call = isObject(body.funccall) ? body.funccall : {};
			inspect(call.args, judge, RUNS_IN_WRITE);
			return 'CALL';
		}

		case 'ViewStmt':
			atLeast(judge, 'write');
			if (body.replace) flag(judge, 'write', 'object_replaced', `replaces the view ${rangeVarName(body.view) ?? ''} if it exists`.trim(), rangeVarName(body.view));
			return body.replace ? 'CREATE OR REPLACE VIEW' : 'CREATE VIEW';

		case 'VacuumStmt': {
			atLeast(judge, 'write');
			if (!body.is_vacuumcmd) return 'ANALYZE';
			if (optionEnabled(body.options, 'full')) {
				const tables = vacuumTargets(body);
				flag(judge, 'write', 'table_rewrite', `VACUUM FULL rewrites ${tables}`, tables);
				flag(judge, 'write', 'exclusive_lock', `VACUUM FULL blocks all reads and writes of ${tables} while it runs`, tables);
				return 'VACUUM FULL';
			}

			return 'VACUUM';
		}

		case 'ClusterStmt': {
			const table = rangeVarName(body.relation) ?? 'every clustered table';
			flag(judge, 'write', 'table_rewrite', `CLUSTER rewrites ${table}`, table);
			flag(judge, 'write', 'exclusive_lock', `CLUSTER blocks all reads and writes of ${table} while it runs`, table);
			return 'CLUSTER';
		}

		case 'ReindexStmt': {
			atLeast(judge, 'write');
			if (!optionEnabled(body.params, 'concurrently')) {
				const target = rangeVarName(body.relation) ?? String(body.name ?? 'the indexes');
				flag(judge, 'write', 'exclusive_lock', `REINDEX blocks writes to ${target} (and reads using the index) while it rebuilds; CONCURRENTLY avoids that`, target);
			}

			return 'REINDEX';
		}

		case 'IndexStmt':
			atLeast(judge, 'write');
			return body.concurrent ? 'CREATE INDEX CONCURRENTLY' : 'CREATE INDEX';

		case 'RefreshMatViewStmt': {
			atLeast(judge, 'write');
			if (!body.concurrent) {
				const view = rangeVarName(body.relation);
				flag(judge, 'write', 'exclusive_lock', `REFRESH blocks reads of ${view} while it runs; CONCURRENTLY avoids that`, view);
			}

			return 'REFRESH MATERIALIZED VIEW';
		}

		case 'LockStmt':
			atLeast(judge, 'write');
			if (body.mode === 8) flag(judge, 'write', 'exclusive_lock', 'LOCK … ACCESS EXCLUSIVE blocks every other use of the table');
			return 'LOCK';

		case 'TransactionStmt': {
			const kind = String(body.kind ?? '').replace('TRANS_STMT_', '').replace('_', ' ');
			// Auto-approved SQL runs inside a read-only transaction; transaction control could step out of it.
			flag(judge, 'write', 'transaction_control', `${kind} changes the surrounding transaction`);
			return kind;
		}

		case 'PrepareStmt': {
			atLeast(judge, 'write');
			const [innerType, innerBody] = onlyEntry(body.query);
			const inner = newJudge(judge.scope);
			judgeStatement(innerType, innerBody, inner);
			judge.scope.prepared.set(String(body.name), {cls: inner.cls, hazards: inner.hazards});
			return 'PREPARE';
		}

		case 'ExecuteStmt': {
			const prepared = judge.scope.prepared.get(String(body.name));
			inspect(body.params, judge, READS);
			if (prepared) absorb(judge, prepared, {keepClass: true});
			else flag(judge, 'destructive', 'dynamic_sql', `EXECUTE runs the prepared statement ${String(body.name)}, defined outside this SQL`);
			return 'EXECUTE';
		}

		case 'DeclareCursorStmt':
			atLeast(judge, 'write');
			inspect(body.query, judge, RUNS_IN_WRITE);
			return 'DECLARE CURSOR';

		case 'DropdbStmt':
			flag(judge, 'destructive', 'data_loss', `drops the database ${String(body.dbname)}`, String(body.dbname));
			return 'DROP DATABASE';

		case 'DropTableSpaceStmt':
		case 'DropSubscriptionStmt':
		case 'DropUserMappingStmt': {
			const kind = {DropTableSpaceStmt: 'DROP TABLESPACE', DropSubscriptionStmt: 'DROP SUBSCRIPTION', DropUserMappingStmt: 'DROP USER MAPPING'}[type];
			flag(judge, 'destructive', 'object_removed', `${kind} removes an object`);
			return kind;
		}

		case 'AlterDomainStmt': {
			atLeast(judge, 'write');
			const domain = stringList(body.typeName).join('.');
			if (body.subtype === 'X') flag(judge, 'destructive', 'constraint_removed', `drops constraint ${String(body.name)} of domain ${domain}`, domain);
			if (body.subtype === 'N') flag(judge, 'destructive', 'constraint_removed', `drops NOT NULL of domain ${domain}`, domain);
			if (body.subtype === 'T' && body.def === undefined) flag(judge, 'destructive', 'object_removed', `drops the default of domain ${domain}`, domain);
			return 'ALTER DOMAIN';
		}

		case 'AlterExtensionContentsStmt':
			if (body.action === -1) flag(judge, 'destructive', 'object_removed', `removes an object from extension ${String(body.extname)}`);
			else atLeast(judge, 'write');
			return 'ALTER EXTENSION';

		case 'AlterPublicationStmt':
			if (body.action === 'AP_DropObjects') flag(judge, 'destructive', 'object_removed', `drops tables from publication ${String(body.pubname)}`);
			else atLeast(judge, 'write');
			return 'ALTER PUBLICATION';

		case 'AlterSubscriptionStmt':
			if (body.kind === 'ALTER_SUBSCRIPTION_DROP_PUBLICATION') flag(judge, 'destructive', 'object_removed', `drops publications from subscription ${String(body.subname)}`);
			else atLeast(judge, 'write');
			return 'ALTER SUBSCRIPTION';

		case 'AlterOpFamilyStmt':
			if (body.isDrop) flag(judge, 'destructive', 'object_removed', 'drops members of an operator family');
			else atLeast(judge, 'write');
			return 'ALTER OPERATOR FAMILY';

		case 'AlterTSConfigurationStmt':
			if (body.kind === 'ALTER_TSCONFIG_DROP_MAPPING') flag(judge, 'destructive', 'object_removed', 'drops a text search mapping');
			else atLeast(judge, 'write');
			return 'ALTER TEXT SEARCH CONFIGURATION';

		case 'AlterFunctionStmt':
			atLeast(judge, 'write');
			if (securityDefiner(body.actions)) flag(judge, 'write', 'security_definer', 'makes the function run with its owner\'s privileges (SECURITY DEFINER)');
			return 'ALTER FUNCTION';

		case 'RuleStmt':
		case 'CreateTrigStmt': {
			atLeast(judge, 'write');
			const kind = type === 'RuleStmt' ? 'RULE' : 'TRIGGER';
			if (body.replace) flag(judge, 'write', 'object_replaced', `replaces the ${kind.toLowerCase()} if it exists`);
			return `CREATE ${body.replace ? 'OR REPLACE ' : ''}${kind}`;
		}

		case 'DiscardStmt':
			flag(judge, 'write', 'session_state', `DISCARD ${String(body.target ?? '').replace('DISCARD_', '')} resets session state`);
			return 'DISCARD';

		case 'CreateStmt':
			atLeast(judge, 'write');
			return 'CREATE TABLE';

		default:
			// Anything not proven to read is a write.
			atLeast(judge, 'write');
			return kindFromType(type);
	}
}

function kindFromType(type: string): string {
	return type
		.replace(/Stmt$/, '')
		.replace(/([a-z])([A-Z])/g, '$1 $2')
		.toUpperCase();
}

function roleName(node: unknown): string {
	const spec = isObject(node) && isObject(node.RoleSpec) ? node.RoleSpec : isObject(node) ? node : {};
	if (typeof spec.rolename === 'string') return spec.rolename;
	return String(spec.roletype ?? 'a role').replace('ROLESPEC_', '').toLowerCase();
}

function objectLabel(objtype: unknown): string {
	const raw = String(objtype ?? 'OBJECT_UNKNOWN').replace('OBJECT_', '');
	const special: Record<string, string> = {MATVIEW: 'materialized view', FDW: 'foreign data wrapper', TABCONSTRAINT: 'constraint', DOMCONSTRAINT: 'domain constraint'};
	return special[raw] ?? raw.toLowerCase().replaceAll('_', ' ');
}

function objectName(node: unknown): string {
	const [type, body] = onlyEntry(node);
	if (type === 'List') return stringList(body.items).join('.');
	if (type === 'ObjectWithArgs') return stringList(body.objname).join('.');
	if (type === 'String' && typeof body.sval === 'string') return body.sval;
	if (type === 'TypeName') return stringList(body.names).join('.');
	return '?';
}

function judgeDrop(body: JsonObject, judge: Judge): string {
	const label = objectLabel(body.removeType);
	const cascade = body.behavior === 'DROP_CASCADE' ? ' with CASCADE, which also drops everything that depends on it' : '';
	for (const object of asArray(body.objects)) {
		if (body.removeType === 'OBJECT_POLICY') {
			const parts = isObject(object) && isObject(object.List) ? stringList(object.List.items) : [];
			const policy = parts.at(-1) ?? '?';
			const table = parts.slice(0, -1).join('.');
			flag(judge, 'destructive', 'policy_removed', `drops policy "${policy}" on ${table}: rows it guarded may become visible or writable`, table);
			continue;
		}

		const name = objectName(object);
		const code: HazardCode = DATA_OBJECTS.has(String(body.removeType)) ? 'data_loss' : 'object_removed';
		flag(judge, 'destructive', code, `drops ${label} ${name}${cascade}`, name);
	}

	atLeast(judge, 'destructive');
	return `DROP ${label.toUpperCase()}`;
}

function judgeAlterTable(body: JsonObject, judge: Judge): string {
	atLeast(judge, 'write');
	const target = rangeVarName(body.relation) ?? '?';
	const label = objectLabel(body.objtype);
	for (const item of asArray(body.cmds)) {
		const cmd = isObject(item) && isObject(item.AlterTableCmd) ? item.AlterTableCmd : {};
		const subtype = String(cmd.subtype);
		const column = typeof cmd.name === 'string' ? cmd.name : '?';
		switch (subtype) {
			case 'AT_DropColumn':
				flag(judge, 'destructive', 'data_loss', `drops column ${column} of ${target} and its data`, `${target}.${column}`);
				break;
			case 'AT_DropConstraint':
				flag(judge, 'destructive', 'constraint_removed', `drops constraint ${column} of ${target}`, target);
				break;
			case 'AT_DisableRowSecurity':
				flag(judge, 'destructive', 'rls_disabled', `disables row level security on ${target}: every role with table privileges sees and changes every row`, target);
				break;
			case 'AT_NoForceRowSecurity':
				flag(judge, 'destructive', 'rls_not_forced', `stops forcing row level security on ${target} for its owner`, target);
				break;
			case 'AT_ChangeOwner':
				flag(judge, 'destructive', 'privilege_change', `changes the owner of ${target} to ${roleName(cmd.newowner)}`, target);
				break;
			case 'AT_AlterColumnType':
				flag(judge, 'write', 'table_rewrite', `changing the type of ${target}.${column} may rewrite the whole table`, target);
				flag(judge, 'write', 'exclusive_lock', `holds an ACCESS EXCLUSIVE lock on ${target} during the change`, target);
				break;
			case 'AT_SetLogged':
			case 'AT_SetUnLogged':
			case 'AT_SetTableSpace':
			case 'AT_SetAccessMethod':
				flag(judge, 'write', 'table_rewrite', `rewrites ${target}`, target);
				flag(judge, 'write', 'exclusive_lock', `holds an ACCESS EXCLUSIVE lock on ${target} during the rewrite`, target);
				break;
			case 'AT_ColumnDefault':
				if (cmd.def === undefined) flag(judge, 'destructive', 'object_removed', `drops the default of ${target}.${column}`, target);
				break;
			default:
				if (subtype.startsWith('AT_Drop')) {
					const what = subtype.replace('AT_Drop', '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
					flag(judge, 'destructive', 'object_removed', `drops ${what}${cmd.name ? ` of ${target}.${column}` : ` of ${target}`}`, target);
				}
		}
	}

	return `ALTER ${label.toUpperCase()}`;
}

/** Supabase's API roles: switching to them only ever removes privileges. */
const RLS_TEST_ROLES: ReadonlySet<string> = new Set(['anon', 'authenticated']);

function judgeSet(body: JsonObject, judge: Judge): string {
	const name = String(body.name ?? '');
	const reset = body.kind === 'VAR_RESET';
	if (name === 'role' || name === 'session_authorization') {
		const words = name === 'role' ? 'ROLE' : 'SESSION AUTHORIZATION';
		const target = constantString(asArray(body.args)[0]);
		// Dropping to Supabase's unprivileged API roles is how RLS is tested; it can only lose privileges.
		if (name === 'role' && !reset && target !== undefined && RLS_TEST_ROLES.has(target.toLowerCase())) {
			atLeast(judge, 'write');
			return `SET ROLE ${target}`;
		}

		const to = reset ? 'back to the session user' : `to ${target ?? 'another role'}`;
		flag(judge, 'destructive', 'role_change', `${reset ? 'RESET' : 'SET'} ${words} switches the privileges this session acts with ${to}`);
		return `${reset ? 'RESET' : 'SET'} ${words}`;
	}

	atLeast(judge, 'write');
	if (name === 'TRANSACTION' || name === 'SESSION CHARACTERISTICS') return `SET ${name}`;
	return reset || body.kind === 'VAR_RESET_ALL' ? 'RESET' : 'SET';
}

function judgeCopy(body: JsonObject, judge: Judge): string {
	const direction = body.is_from ? 'FROM' : 'TO';
	if (body.is_program) {
		flag(judge, 'destructive', 'program_execution', `COPY … ${direction} PROGRAM runs a shell command on the database server: ${String(body.filename)}`);
	} else if (typeof body.filename === 'string') {
		flag(judge, 'destructive', 'server_file_access', `COPY … ${direction} '${body.filename}' ${body.is_from ? 'reads' : 'writes'} a file on the database server`);
	} else {
		atLeast(judge, 'write');
	}

	inspect(body.query, judge, RUNS_IN_WRITE);
	return `COPY ${direction}`;
}

function vacuumTargets(body: JsonObject): string {
	const names = asArray(body.rels).map(rel => (isObject(rel) && isObject(rel.VacuumRelation) ? rangeVarName(rel.VacuumRelation.relation) : undefined));
	const list = names.filter(Boolean).join(', ');
	return list || 'every table';
}

function securityDefiner(options: unknown): boolean {
	return optionEnabled(options, 'security');
}

// ---------------------------------------------------------------------------------------------
// Procedural code: DO blocks run now; function bodies run later, so they only add hazards.

function judgeDo(body: JsonObject, judge: Judge): void {
	atLeast(judge, 'write');
	const language = (optionString(body.args, 'language') ?? 'plpgsql').toLowerCase();
	if (language !== 'plpgsql') {
		flag(judge, 'destructive', 'unanalysable_code', `runs a DO block in ${language}, which cannot be analysed`);
		return;
	}

	const code = optionString(body.args, 'as') ?? '';
	const parsed = parsePlPgSql(`DO ${dollarTag(code)}${code}${dollarTag(code)}`);
	if (!parsed.ok) {
		flag(judge, 'destructive', plFailureCode(parsed.error.message), `the DO block cannot be analysed: ${parsed.error.message}`);
		return;
	}

	const inner = newJudge({...judge.scope, prefix: `${judge.scope.prefix}in the DO block: `, depth: judge.scope.depth + 1});
	judgePlPgSql(parsed.action, inner);
	absorb(judge, inner, {keepClass: true});
}

function judgeCreateFunction(body: JsonObject, judge: Judge): string {
	atLeast(judge, 'write');
	const name = stringList(body.funcname).join('.');
	const noun = body.is_procedure ? 'PROCEDURE' : 'FUNCTION';
	if (body.replace) flag(judge, 'write', 'object_replaced', `replaces ${noun.toLowerCase()} ${name} if it exists`, name);
	if (securityDefiner(body.options)) flag(judge, 'write', 'security_definer', `${name} runs with its owner's privileges (SECURITY DEFINER)`, name);

	// The body runs when called, not now: its findings are labelled but do not raise this statement's class.
	const language = (optionString(body.options, 'language') ?? 'sql').toLowerCase();
	const later = newJudge({...judge.scope, prefix: `${judge.scope.prefix}when ${name}() runs: `, depth: judge.scope.depth + 1});
	if (language === 'plpgsql') {
		const parsed = parsePlPgSql(judge.scope.text);
		if (parsed.ok) judgePlPgSql(parsed.action, later);
		else flag(later, 'write', plFailureCode(parsed.error.message), `the body cannot be analysed: ${parsed.error.message}`);
	} else if (language === 'sql') {
		if (body.sql_body !== undefined) judgeStatementList(body.sql_body, later);
		else judgeEmbeddedSql(optionString(body.options, 'as') ?? '', later);
	}

	absorb(judge, later, {keepClass: false});
	return `CREATE ${body.replace ? 'OR REPLACE ' : ''}${noun}`;
}

/**
 * The offline PL/pgSQL compiler has no catalog, so valid code using `%ROWTYPE` fields can fail
 * with "not a known variable": only a syntax error is reported as one.
 */
function plFailureCode(message: string): HazardCode {
	return message.startsWith('syntax error') ? 'parse_error' : 'unanalysable_code';
}

/** `BEGIN ATOMIC … END` bodies arrive already parsed, as nested lists of statements. */
function judgeStatementList(value: unknown, judge: Judge): void {
	for (const item of asArray(value)) {
		const [type, body] = onlyEntry(item);
		if (type === 'List') judgeStatementList(body.items, judge);
		else if (type !== 'Unknown') judgeStatement(type, body, judge);
	}
}

const DYNAMIC_PL_STATEMENTS = new Set(['PLpgSQL_stmt_dynexecute', 'PLpgSQL_stmt_dynfors']);

function judgePlPgSql(tree: unknown, judge: Judge): void {
	if (Array.isArray(tree)) {
		for (const item of tree) judgePlPgSql(item, judge);
		return;
	}

	if (!isObject(tree)) return;
	for (const [key, child] of Object.entries(tree)) {
		const dynamicCursor = (key === 'PLpgSQL_stmt_open' || key === 'PLpgSQL_stmt_return_query') && isObject(child) && child.dynquery !== undefined;
		if (DYNAMIC_PL_STATEMENTS.has(key) || dynamicCursor) {
			flag(judge, 'destructive', 'dynamic_sql', 'runs dynamic SQL (EXECUTE …), which cannot be checked before it runs');
		}

		if (key === 'PLpgSQL_expr' && isObject(child) && typeof child.query === 'string') {
			judgePlExpression(child.query, Number(child.parseMode ?? 0), judge);
			continue;
		}

		judgePlPgSql(child, judge);
	}
}

/**
 * parseMode follows Postgres' RawParseMode: 0 is a whole statement, 2 an expression, 3–5 an
 * assignment `target := expression`. Expressions are judged as `SELECT <expression>`.
 */
function judgePlExpression(query: string, parseMode: number, judge: Judge): void {
	let sql = query;
	if (parseMode === 2) sql = `SELECT ${query}`;
	if (parseMode >= 3 && parseMode <= 5) {
		const assignment = /^[^=]*?(:=|=)/.exec(query);
		sql = `SELECT ${assignment ? query.slice(assignment[0].length) : query}`;
	}

	judgeEmbeddedSql(sql, judge);
}

function judgeEmbeddedSql(sql: string, judge: Judge): void {
	if (judge.scope.depth > MAX_DEPTH) {
		flag(judge, 'destructive', 'unanalysable_code', 'nests code too deeply to analyse');
		return;
	}

	const parsed = parseSql(sql);
	if (!parsed.ok) {
		flag(judge, 'destructive', 'parse_error', `cannot analyse "${shorten(sql)}": ${parsed.error.message}`);
		return;
	}

	for (const statement of parsed.statements) {
		const inner = newJudge({...judge.scope, depth: judge.scope.depth + 1, text: statement.text});
		judgeStatement(statement.type, statement.body, inner);
		absorb(judge, inner, {keepClass: true});
	}
}

function dollarTag(code: string): string {
	let tag = '$pgpair$';
	for (let i = 1; code.includes(tag); i++) tag = `$pgpair${i}$`;
	return tag;
}

function shorten(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}

/** Code that a call leaves behind to run later, as the sandbox measured it (see the preview report). */
export type LaterCode = {kind: 'function' | 'procedure' | 'rule' | 'event trigger'; name: string; language?: string; definition: string};

/**
 * What created code does when it fires — a trigger's function on the application's next insert, a rule, a default
 * or policy calling a function: judged now, by its body, because pgpair will not see it run. Event triggers fire
 * on every schema change and rules rewrite what writes do, so both count as destructive whatever they contain.
 */
export function classifyLaterCodeSync(code: LaterCode): {class: ToolCallClass; hazards: Hazard[]} {
	const judge = newJudge({index: 0, prefix: `when ${code.name} runs: `, prepared: new Map(), depth: 1, text: code.definition});
	if (code.kind === 'event trigger') {
		flag(judge, 'destructive', 'unanalysable_code', `the event trigger ${code.name} runs on every schema change`);
	} else if (code.kind === 'rule') {
		flag(judge, 'destructive', 'object_replaced', `the rule ${code.name} changes what statements on its table do`);
	} else {
		const language = (code.language ?? 'sql').toLowerCase();
		if (language === 'plpgsql') {
			const tag = dollarTag(code.definition);
			const parsed = parsePlPgSql(`create function pgpair_body() returns void language plpgsql as ${tag}${code.definition}${tag}`);
			if (parsed.ok) {
				judgePlPgSql(parsed.action, judge);
				changesExistingRows(plQueries(parsed.action), judge);
			} else {
				flag(judge, 'destructive', plFailureCode(parsed.error.message), `the body cannot be analysed: ${parsed.error.message}`);
			}
		} else if (language === 'sql') {
			judgeEmbeddedSql(code.definition, judge);
			changesExistingRows([code.definition], judge);
		} else {
			flag(judge, 'destructive', 'unanalysable_code', `${code.name} is written in ${language}, which pgpair cannot analyse`);
		}
	}
	return {class: judge.cls, hazards: judge.hazards};
}

/** The SQL text of every expression and statement in a PL/pgSQL tree. */
function plQueries(tree: unknown, into: string[] = []): string[] {
	if (Array.isArray(tree)) for (const item of tree) plQueries(item, into);
	else if (isObject(tree)) {
		for (const [key, child] of Object.entries(tree)) {
			if (key === 'PLpgSQL_expr' && isObject(child) && typeof child.query === 'string') into.push(child.query);
			else plQueries(child, into);
		}
	}
	return into;
}

const CHANGES_EXISTING = new Set(['UpdateStmt', 'DeleteStmt', 'MergeStmt', 'TruncateStmt', 'DropStmt', 'AlterTableStmt']);

/**
 * Code that runs unseen later must not update or delete existing rows, however narrow its WHERE: when it fires,
 * nobody is asked. (Inserts, like an audit trigger's, stay writes.)
 */
function changesExistingRows(queries: string[], judge: Judge): void {
	for (const query of queries) {
		const parsed = parseSql(query);
		if (!parsed.ok) continue;
		for (const statement of parsed.statements) {
			if (CHANGES_EXISTING.has(statement.type) || JSON.stringify(statement.body).match(/"(UpdateStmt|DeleteStmt|MergeStmt)"/)) {
				flag(judge, 'destructive', 'data_loss', `it changes or deletes existing rows (${shorten(statement.text)})`);
				return;
			}
		}
	}
}
