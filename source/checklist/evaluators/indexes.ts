import type {Evidence} from '../evidence.js';
import {type ExplainRun, explainRuns, lastChangeOf, schemaChanges, seqScannedRelations, sqlParserFor, sqlRuns} from '../session-facts.js';
import {DEFAULT_SCHEMA} from '../sql-facts.js';
import {quoteQualified} from './catalog.js';
import {done, type Evaluator, listed, open, shortSql} from './types.js';

/** A sequential scan of a table with more rows than this is a missing index (below it, a scan is the right plan). */
export const LARGE_TABLE_ROWS = 1000;

/** The latest EXPLAIN of each distinct query: an older plan of the same query is superseded. */
function latestPerQuery(explains: readonly ExplainRun[]): ExplainRun[] {
	const latest = new Map<string, ExplainRun>();
	for (const run of explains) latest.set(run.shape, run);
	return [...latest.values()];
}

/** Plans name relations without schema (text format); the query's own relations say which one it was. */
function qualify(relation: string, run: ExplainRun): string {
	if (relation.includes('.')) return relation;
	return [...run.tables].find(table => table.endsWith(`.${relation}`)) ?? `${DEFAULT_SCHEMA}.${relation}`;
}

/** Rows now, counted only up to the threshold so a huge table costs no more than a small one. */
async function isLarge(evidence: Evidence, table: string): Promise<boolean | undefined> {
	try {
		const [row] = await evidence.query(`select count(*)::int as n from (select 1 from ${quoteQualified(table)} limit ${LARGE_TABLE_ROWS + 1}) as probe`);
		return Number(row?.n) > LARGE_TABLE_ROWS;
	} catch {
		// The table is gone (dropped or renamed since the EXPLAIN): its plan no longer says anything.
		return undefined;
	}
}

/**
 * Done when the performance advisor finds no unindexed foreign keys and the latest EXPLAIN of every query the
 * session explained shows no sequential scan on a table of more than LARGE_TABLE_ROWS rows.
 */
export const indexes: Evaluator = async (events, evidence) => {
	await sqlParserFor(events);
	const problems: string[] = [];
	const lints = await evidence.advisors('performance');
	const unindexed = lints.find(lint => lint.name === 'unindexed_foreign_keys')?.findings ?? [];
	for (const finding of unindexed) {
		const table = [finding.metadata.schema, finding.metadata.name].filter(part => typeof part === 'string').join('.');
		const key = typeof finding.metadata.fkey_name === 'string' ? finding.metadata.fkey_name : 'a foreign key';
		problems.push(`${table}: foreign key ${key} has no index`);
	}

	const changes = schemaChanges(events);
	const explains = latestPerQuery(explainRuns(sqlRuns(events)));
	for (const run of explains) {
		for (const relation of seqScannedRelations(run.plan)) {
			const table = qualify(relation, run);
			if ((await isLarge(evidence, table)) !== true) continue;
			const stale = lastChangeOf(changes, table) > run.seq ? ' (planned before the last change to the table: run EXPLAIN again)' : '';
			problems.push(`sequential scan on ${table} (over ${LARGE_TABLE_ROWS.toLocaleString('en-US')} rows) in ${shortSql(run.text)}${stale}`);
		}
	}

	if (problems.length > 0) return open(listed(problems));
	const plans =
		explains.length > 0
			? `the EXPLAIN plans of ${explains.length} quer${explains.length === 1 ? 'y' : 'ies'} show no sequential scan on a table over ${LARGE_TABLE_ROWS.toLocaleString('en-US')} rows`
			: 'no EXPLAIN ran yet, so no plan shows a sequential scan';
	return done(`every foreign key has an index; ${plans}`);
};
