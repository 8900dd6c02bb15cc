/** Expression trees: function calls, operators, nested reads and data-modifying CTEs. */
import type {HazardCode} from '../hazards.js';
import {isSafeOperator, judgeFunction} from '../sql-functions.js';
import type {JsonObject} from '../sql-parser.js';
import {asArray, isObject, rangeVarName, stringList} from '../sql-parser.js';
import {constantString, isTriviallyTrue} from './conditions.js';
import {atLeast, flag, type Judge} from './judge.js';

/** Supabase's API roles: switching to them only ever removes privileges. */
export const RLS_TEST_ROLES: ReadonlySet<string> = new Set(['anon', 'authenticated']);

type InspectOptions = {
	/** In a statement that is otherwise read-only, an unknown function makes it a write. */
	unknownIsWrite: boolean;
};

/** A statement that may be a proven read: anything unknown in it makes it a write. */
export const READS: InspectOptions = {unknownIsWrite: true};
/** A statement that writes anyway: only what is worse than a write is worth a label. */
export const RUNS_IN_WRITE: InspectOptions = {unknownIsWrite: false};

export function inspect(value: unknown, judge: Judge, options: InspectOptions): void {
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

export function visitNode(type: string, body: JsonObject, judge: Judge, options: InspectOptions): void {
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
		const deletes = asArray(body.mergeWhenClauses).some(
			clause => isObject(clause) && isObject(clause.MergeWhenClause) && clause.MergeWhenClause.commandType === 'CMD_DELETE',
		);
		if (deletes) {
			if (isTriviallyTrue(body.joinCondition))
				flag(judge, 'destructive', 'data_loss', `MERGE … DELETE with an always-true join condition removes every row of ${table}`, table);
			else flag(judge, 'write', 'data_loss', `MERGE deletes the matched rows of ${table}`, table);
		}
	}
}
