/**
 * Classes and hazards shared by every classifier in this folder. A hazard is a labelled reason the
 * approval pane shows beside the preview; the class is what the gate acts on.
 */
import type {ToolCallClass} from '../core/events.js';

export type {ToolCallClass};

export type HazardCode =
	| 'parse_error'
	| 'data_loss'
	| 'unbounded_write'
	| 'object_removed'
	| 'object_replaced'
	| 'constraint_removed'
	| 'policy_removed'
	| 'rls_disabled'
	| 'rls_not_forced'
	| 'privilege_change'
	| 'role_change'
	| 'security_definer'
	| 'table_rewrite'
	| 'exclusive_lock'
	| 'row_lock'
	| 'dynamic_sql'
	| 'unanalysable_code'
	| 'side_effect_function'
	| 'unknown_function'
	| 'server_file_access'
	| 'program_execution'
	| 'system_config'
	| 'transaction_control'
	| 'session_state'
	// Measured in the sandbox (see source/preview/measured.ts):
	| 'rows_overwritten'
	| 'access_weakened'
	| 'later_code'
	| 'file_written'
	| 'sequence_moved'
	| 'large_object_removed'
	| 'not_previewed'
	| 'not_null_without_default'
	| 'file_write'
	| 'control_file';

export type Hazard = {
	code: HazardCode;
	message: string;
	/** Index of the top-level SQL statement it comes from; absent for non-SQL calls. */
	statementIndex?: number;
	/** The object concerned, e.g. `public.profiles`, when there is one. */
	object?: string;
};

/**
 * The words for RLS being turned off, one wording whether the SQL's syntax predicts it or the sandbox measured it,
 * so the pane lists the fact once (the two sets are merged as text) and the banner names it once.
 */
export const rlsDisabledHazard = (table: string) => `disables row level security on ${table}: every role with table privileges sees and changes every row`;
export const rlsDisabledViolation = (table: string) => `This disables row level security on ${table}, which may hold user data.`;

const RANK: Record<ToolCallClass, number> = {'read-only': 0, write: 1, destructive: 2};

export function maxClass(...classes: ToolCallClass[]): ToolCallClass {
	let max: ToolCallClass = 'read-only';
	for (const cls of classes) if (RANK[cls] > RANK[max]) max = cls;
	return max;
}

export function classAtLeast(cls: ToolCallClass, floor: ToolCallClass): boolean {
	return RANK[cls] >= RANK[floor];
}
