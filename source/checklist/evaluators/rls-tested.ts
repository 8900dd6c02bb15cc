import {impersonatedQueries, lastChangeOf, schemaChanges, sqlParserFor, sqlRuns} from '../session-facts.js';
import {exposedTables} from './catalog.js';
import {done, type Evaluator, listed, notApplicable, open} from './types.js';

/**
 * Done when every exposed table has RLS on and at least one policy, every policy has a comment, and the session
 * queried the table as `anon` or `authenticated` after the table's last schema change (so the test saw the
 * policies as they are now).
 */
export const rlsTested: Evaluator = async (events, evidence) => {
	await sqlParserFor(events);
	const tables = await exposedTables(evidence);
	if (tables.length === 0) return notApplicable('no tables in the exposed schemas');
	const changes = schemaChanges(events);
	const tests = impersonatedQueries(sqlRuns(events));
	const problems: string[] = [];
	const proofs: string[] = [];
	for (const table of tables) {
		const issues: string[] = [];
		if (!table.rls) issues.push('RLS is off');
		else if (table.policies.length === 0) issues.push('RLS is on but there are no policies');
		const uncommented = table.policies.filter(policy => !policy.comment?.trim()).map(policy => `"${policy.name}"`);
		if (uncommented.length > 0) issues.push(`policy ${uncommented.join(', ')} has no comment`);
		const changedAt = lastChangeOf(changes, table.name);
		const test = tests.filter(query => query.tables.has(table.name) && query.seq > changedAt).at(-1);
		if (!test) {
			const earlier = tests.some(query => query.tables.has(table.name));
			issues.push(earlier ? 'not queried as anon or authenticated since its last change' : 'never queried as anon or authenticated');
		}
		if (issues.length > 0) problems.push(`${table.name}: ${issues.join(', ')}`);
		else
			proofs.push(
				`${table.name} (${table.policies.length} commented polic${table.policies.length === 1 ? 'y' : 'ies'}, tested as ${test!.role} at event ${test!.seq})`,
			);
	}
	if (problems.length > 0) return open(listed(problems));
	return done(`RLS on with commented policies, tested: ${listed(proofs)}`);
};
