import {explainRuns, lastChangeOf, type PlannedQuery, plannedQueries, schemaChanges, sqlParserFor, sqlRuns} from '../session-facts.js';
import {PLANNED_STATEMENTS} from '../sql-facts.js';
import {exposedTables} from './catalog.js';
import {done, type Evaluator, listed, notApplicable, open, shortSql} from './types.js';

/**
 * The "new queries" are the SELECT/UPDATE/DELETE/MERGE statements the session ran as itself (RLS tests run as
 * anon/authenticated are tests, not application queries) on tables in the exposed schemas, plus any it only
 * EXPLAINed. Each distinct query (constants aside) needs an EXPLAIN ANALYZE that ran after the last schema change
 * to its tables: an index added later changes the plan.
 */
export const queryPerformance: Evaluator = async (events, evidence) => {
	await sqlParserFor(events);
	const runs = sqlRuns(events);
	const explains = explainRuns(runs);
	const application = new Set((await exposedTables(evidence)).map(table => table.name));
	const queries = new Map<string, PlannedQuery>();
	const candidates: PlannedQuery[] = [
		...plannedQueries(runs, PLANNED_STATEMENTS),
		...explains.map(({seq, shape, text, tables}) => ({seq, shape, text, tables})),
	];
	for (const query of candidates) {
		const tables = new Set([...query.tables].filter(table => application.has(table)));
		// The first sighting names the query: the plain statement the agent wrote, not a later EXPLAIN of it.
		if (tables.size > 0 && !queries.has(query.shape)) queries.set(query.shape, {...query, tables});
	}
	if (queries.size === 0) return notApplicable('the session ran no queries on tables in the exposed schemas');

	const changes = schemaChanges(events);
	const missing: string[] = [];
	for (const query of queries.values()) {
		const changedAt = Math.max(...[...query.tables].map(table => lastChangeOf(changes, table)));
		const analyzed = explains.filter(run => run.analyze && run.shape === query.shape);
		if (analyzed.some(run => run.seq > changedAt)) continue;
		missing.push(analyzed.length > 0 ? `${shortSql(query.text)} (analyzed before its tables last changed)` : shortSql(query.text));
	}
	if (missing.length > 0) return open(`no EXPLAIN ANALYZE for ${listed(missing)}`);
	return done(`EXPLAIN ANALYZE ran for all ${queries.size} quer${queries.size === 1 ? 'y' : 'ies'} the session ran on application tables`);
};
