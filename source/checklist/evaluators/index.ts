import type {KnownChecklistKey} from '../../agents/agent-sections.js';
import {advisorsRun} from './advisors-run.js';
import {edgeFunctionErrors} from './edge-function-errors.js';
import {indexes} from './indexes.js';
import {migrationReversible} from './migration-reversible.js';
import {queryPerformance} from './query-performance.js';
import {rlsTested} from './rls-tested.js';
import type {Evaluator} from './types.js';
import {typesRegenerated} from './types-regenerated.js';

export type {EvaluationResult, Evaluator} from './types.js';

/** One evaluator per checklist key pgpair knows; the agent file's wording maps to these keys. */
export const EVALUATORS: Readonly<Record<KnownChecklistKey, Evaluator>> = {
	migration_reversible: migrationReversible,
	rls_tested: rlsTested,
	indexes,
	types_regenerated: typesRegenerated,
	advisors_run: advisorsRun,
	query_performance: queryPerformance,
	edge_function_errors: edgeFunctionErrors,
};
