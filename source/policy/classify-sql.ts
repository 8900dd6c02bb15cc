/**
 * Classifies SQL text as read-only, write or destructive with the real Postgres grammar.
 *
 * Read-only is a proof, not a guess: every statement must be a plain read (SELECT, VALUES, TABLE,
 * SHOW, EXPLAIN without ANALYZE) and every function or operator anywhere in its tree must be on the
 * allowlist in `sql-functions.ts`. Everything else writes; the destructive rules name the changes
 * that lose data, weaken security or cannot be checked. SQL that does not parse is destructive.
 *
 * The judging lives in `sql/`: statements, expressions, conditions and procedural code, on one judge.
 *
 * `classifySql` is async (it loads the WASM parser on first use); `classifySqlSync` needs
 * `await loadSqlParser()` to have run and throws otherwise.
 */
import type {Hazard, ToolCallClass} from './hazards.js';
import {maxClass} from './hazards.js';
import {newJudge, type Verdict} from './sql/judge.js';
import {judgeLaterCode, type LaterCode} from './sql/procedural.js';
import {judgeStatement} from './sql/statements.js';
import type {SqlParseError} from './sql-parser.js';
import {loadSqlParser, parseSql} from './sql-parser.js';

export type {LaterCode} from './sql/procedural.js';

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
		const judge = newJudge({index, prefix: '', prepared, depth: 0, text: statement.text, statement: judgeStatement});
		const kind = judgeStatement(statement.type, statement.body, judge);
		hazards.push(...judge.hazards);
		return {kind, class: judge.cls, text: statement.text};
	});
	return {class: maxClass(...statements.map(s => s.class)), hazards, statements};
}

/**
 * What created code does when it fires, judged by its body (see `judgeLaterCode`): the sandbox saw the call leave
 * it behind, and pgpair will not see it run.
 */
export function classifyLaterCodeSync(code: LaterCode): {class: ToolCallClass; hazards: Hazard[]} {
	const judge = newJudge({index: 0, prefix: `when ${code.name} runs: `, prepared: new Map(), depth: 1, text: code.definition, statement: judgeStatement});
	judgeLaterCode(code, judge);
	return {class: judge.cls, hazards: judge.hazards};
}
