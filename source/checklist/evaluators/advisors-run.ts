import type {AdvisorLint} from '../evidence.js';
import {type CompletedCall, schemaChanges, sqlParserFor, succeeded} from '../session-facts.js';
import {parseToolJson} from '../tool-results.js';
import {done, type Evaluator, listed, notApplicable, open} from './types.js';

function lintsOf(call: CompletedCall): AdvisorLint[] {
	const body = parseToolJson(call.content) as {result?: {lints?: AdvisorLint[]}} | undefined;
	return body?.result?.lints ?? [];
}

function finding(lint: AdvisorLint): string {
	const objects = lint.findings.map(f => [f.metadata.schema, f.metadata.name].filter(part => typeof part === 'string').join('.')).filter(Boolean);
	return objects.length > 0 ? `${lint.name} (${listed(objects, 2)})` : lint.name;
}

/** Done when `get_advisors(security)` ran after the last schema change and reported no ERROR lint. */
export const advisorsRun: Evaluator = async events => {
	await sqlParserFor(events);
	const last = schemaChanges(events).at(-1);
	const run = succeeded(events, 'get_advisors')
		.filter(call => call.input.type === 'security')
		.at(-1);
	if (!run) {
		return last
			? open(`get_advisors(security) has not run since the schema changed (${last.label}, event ${last.seq})`)
			: notApplicable('no schema change in this session');
	}
	if (last && run.seq < last.seq) return open(`the schema changed (${last.label}, event ${last.seq}) after get_advisors(security) last ran (event ${run.seq})`);
	const lints = lintsOf(run);
	const errors = lints.filter(lint => lint.level === 'ERROR');
	if (errors.length > 0) {
		return open(
			`get_advisors(security) (event ${run.seq}) reports ${errors.length} ERROR lint${errors.length === 1 ? '' : 's'}: ${listed(errors.map(finding))}`,
		);
	}
	const levels = new Map<string, number>();
	for (const lint of lints) levels.set(lint.level, (levels.get(lint.level) ?? 0) + (lint.count ?? lint.findings.length));
	const others = levels.size > 0 ? ` (findings left: ${[...levels].map(([level, count]) => `${count} ${level}`).join(', ')})` : '';
	return done(`get_advisors(security) ran (event ${run.seq})${last ? ' after the last schema change' : ''} with no ERROR lints${others}`);
};
