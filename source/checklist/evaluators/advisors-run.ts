import type {AdvisorLint} from '../evidence.js';
import {type CompletedCall, schemaChanges, sqlParserFor, succeeded} from '../session-facts.js';
import {parseToolJson} from '../tool-results.js';
import {done, type EvaluationResult, type Evaluator, listed, notApplicable, open} from './types.js';

type AdvisorType = 'security' | 'performance';

function lintsOf(call: CompletedCall): AdvisorLint[] {
	const body = parseToolJson(call.content) as {result?: {lints?: AdvisorLint[]}} | undefined;
	return body?.result?.lints ?? [];
}

function finding(lint: AdvisorLint): string {
	const objects = lint.findings.map(f => [f.metadata.schema, f.metadata.name].filter(part => typeof part === 'string').join('.')).filter(Boolean);
	return objects.length > 0 ? `${lint.name} (${listed(objects, 2)})` : lint.name;
}

/**
 * The advisor types an item asks for, from its words: "Security advisors run" asks for security; "ran for security and
 * for performance" asks for both. An item that names neither asks for security, the advisors that guard data.
 */
export function advisorTypesAsked(text: string): AdvisorType[] {
	const types: AdvisorType[] = [];
	if (/securit/i.test(text)) types.push('security');
	if (/perform/i.test(text)) types.push('performance');
	return types.length > 0 ? types : ['security'];
}

/**
 * Done when every advisor type the item asks for ran after the last schema change, and security reported no ERROR
 * lint. The evidence names each run (type and event), so "for security and for performance" is shown, not assumed.
 */
export const advisorsRun: Evaluator = async (events, _evidence, item) => {
	await sqlParserFor(events);
	const last = schemaChanges(events).at(-1);
	const runs = succeeded(events, 'get_advisors');
	const results = advisorTypesAsked(item?.text ?? '').map(type => judge(type, runs.filter(call => call.input.type === type).at(-1), last));
	const opened = results.filter(result => result.state === 'open');
	if (opened.length > 0) return open(opened.map(result => result.evidence).join('; '));
	if (!last && runs.length === 0) return notApplicable('no schema change in this session');
	return done(results.map(result => result.evidence).join('; '));
};

function judge(type: AdvisorType, run: CompletedCall | undefined, last: {label: string; seq: number} | undefined): EvaluationResult {
	if (!run)
		return last
			? open(`get_advisors(${type}) has not run since the schema changed (${last.label}, event ${last.seq})`)
			: done(`get_advisors(${type}) not needed: no schema change`);
	if (last && run.seq < last.seq) return open(`the schema changed (${last.label}, event ${last.seq}) after get_advisors(${type}) last ran (event ${run.seq})`);
	const lints = lintsOf(run);
	const errors = lints.filter(lint => lint.level === 'ERROR');
	if (type === 'security' && errors.length > 0) {
		return open(
			`get_advisors(security) (event ${run.seq}) reports ${errors.length} ERROR lint${errors.length === 1 ? '' : 's'}: ${listed(errors.map(finding))}`,
		);
	}
	const levels = new Map<string, number>();
	for (const lint of lints) levels.set(lint.level, (levels.get(lint.level) ?? 0) + (lint.count ?? lint.findings.length));
	const left = levels.size > 0 ? ` (findings left: ${[...levels].map(([level, count]) => `${count} ${level}`).join(', ')})` : '';
	const clean = type === 'security' ? ' with no ERROR lints' : '';
	return done(`get_advisors(${type}) ran (event ${run.seq})${last ? ' after the last schema change' : ''}${clean}${left}`);
}
