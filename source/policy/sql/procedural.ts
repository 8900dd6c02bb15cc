/**
 * Procedural code: DO blocks run now; function bodies run later, so they only add hazards — except for code the
 * sandbox saw a call leave behind, which is judged by what it will do when it fires.
 */
import type {HazardCode} from '../hazards.js';
import type {JsonObject} from '../sql-parser.js';
import {asArray, isObject, onlyEntry, optionEnabled, optionString, parsePlPgSql, parseSql, stringList} from '../sql-parser.js';
import {absorb, atLeast, flag, type Judge, MAX_DEPTH, newJudge, shorten} from './judge.js';

export function judgeDo(body: JsonObject, judge: Judge): void {
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

export function judgeCreateFunction(body: JsonObject, judge: Judge): string {
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
		else if (type !== 'Unknown') judge.scope.statement(type, body, judge);
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
		inner.scope.statement(statement.type, statement.body, inner);
		absorb(judge, inner, {keepClass: true});
	}
}

function dollarTag(code: string): string {
	let tag = '$pgpair$';
	for (let i = 1; code.includes(tag); i++) tag = `$pgpair${i}$`;
	return tag;
}

export function securityDefiner(options: unknown): boolean {
	return optionEnabled(options, 'security');
}

/** Code that a call leaves behind to run later, as the sandbox measured it (see the preview report). */
export type LaterCode = {kind: 'function' | 'procedure' | 'rule' | 'event trigger'; name: string; language?: string; definition: string};

/**
 * What created code does when it fires — a trigger's function on the application's next insert, a rule, a default
 * or policy calling a function: judged now, by its body, because pgpair will not see it run. Event triggers fire
 * on every schema change and rules rewrite what writes do, so both count as destructive whatever they contain.
 */
export function judgeLaterCode(code: LaterCode, judge: Judge): void {
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
