/** Top-level statements: what each kind of statement does, and the hazards in its clauses. */
import {type HazardCode, rlsDisabledHazard} from '../hazards.js';
import type {JsonObject} from '../sql-parser.js';
import {asArray, isObject, onlyEntry, optionEnabled, rangeVarName, stringList} from '../sql-parser.js';
import {constantString} from './conditions.js';
import {inspect, READS, RLS_TEST_ROLES, RUNS_IN_WRITE, visitNode} from './expressions.js';
import {absorb, atLeast, flag, type Judge, newJudge} from './judge.js';
import {judgeCreateFunction, judgeDo, securityDefiner} from './procedural.js';

/** Object types whose DROP takes rows with it. */
const DATA_OBJECTS = new Set([
	'OBJECT_TABLE',
	'OBJECT_SCHEMA',
	'OBJECT_MATVIEW',
	'OBJECT_SEQUENCE',
	'OBJECT_FOREIGN_TABLE',
	'OBJECT_EXTENSION',
	'OBJECT_LARGEOBJECT',
]);

/** Judges one statement into `judge` and returns its kind. */
export function judgeStatement(type: string, body: JsonObject, judge: Judge): string {
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
			if (body.replace)
				flag(judge, 'write', 'object_replaced', `replaces the view ${rangeVarName(body.view) ?? ''} if it exists`.trim(), rangeVarName(body.view));
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
				flag(
					judge,
					'write',
					'exclusive_lock',
					`REINDEX blocks writes to ${target} (and reads using the index) while it rebuilds; CONCURRENTLY avoids that`,
					target,
				);
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
			const kind = String(body.kind ?? '')
				.replace('TRANS_STMT_', '')
				.replace('_', ' ');
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
			if (body.kind === 'ALTER_SUBSCRIPTION_DROP_PUBLICATION')
				flag(judge, 'destructive', 'object_removed', `drops publications from subscription ${String(body.subname)}`);
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
			if (securityDefiner(body.actions)) flag(judge, 'write', 'security_definer', "makes the function run with its owner's privileges (SECURITY DEFINER)");
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
	return String(spec.roletype ?? 'a role')
		.replace('ROLESPEC_', '')
		.toLowerCase();
}

function objectLabel(objtype: unknown): string {
	const raw = String(objtype ?? 'OBJECT_UNKNOWN').replace('OBJECT_', '');
	const special: Record<string, string> = {
		MATVIEW: 'materialized view',
		FDW: 'foreign data wrapper',
		TABCONSTRAINT: 'constraint',
		DOMCONSTRAINT: 'domain constraint',
	};
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
				flag(judge, 'destructive', 'rls_disabled', rlsDisabledHazard(target), target);
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
					const what = subtype
						.replace('AT_Drop', '')
						.replace(/([a-z])([A-Z])/g, '$1 $2')
						.toLowerCase();
					flag(judge, 'destructive', 'object_removed', `drops ${what}${cmd.name ? ` of ${target}.${column}` : ` of ${target}`}`, target);
				}
		}
	}

	return `ALTER ${label.toUpperCase()}`;
}

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
		flag(
			judge,
			'destructive',
			'server_file_access',
			`COPY … ${direction} '${body.filename}' ${body.is_from ? 'reads' : 'writes'} a file on the database server`,
		);
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
