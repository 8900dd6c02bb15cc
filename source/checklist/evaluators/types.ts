import type {ChecklistItemState, SessionEvent} from '../../core/events.js';
import type {Evidence} from '../evidence.js';

export type EvaluationResult = {state: ChecklistItemState; evidence: string};

/**
 * Decides one known item from the session's events and what the database and workspace say now. The item's own words
 * come too: one key covers several wordings, and what an item asks for ("for security and for performance") is checked.
 */
export type Evaluator = (events: readonly SessionEvent[], evidence: Evidence, item?: {text: string}) => Promise<EvaluationResult>;

/**
 * Evidence text of an item whose subject does not exist (no edge functions, no migrations…). Such an item is
 * done: there is nothing left to check. The pane shows it as "n/a" rather than as a tick, so an empty session
 * does not look finished.
 */
export const NOT_APPLICABLE = 'not applicable: ';

export const done = (evidence: string): EvaluationResult => ({state: 'done', evidence});
export const open = (evidence: string): EvaluationResult => ({state: 'open', evidence});
export const notApplicable = (why: string): EvaluationResult => ({state: 'done', evidence: `${NOT_APPLICABLE}${why}`});

export function isNotApplicable(evidence: string): boolean {
	return evidence.startsWith(NOT_APPLICABLE);
}

/** A list for evidence text: the first few, then how many more. */
export function listed(items: readonly string[], max = 3): string {
	const shown = items.slice(0, max).join('; ');
	return items.length > max ? `${shown}; and ${items.length - max} more` : shown;
}

/** SQL shortened to one line for evidence text. */
export function shortSql(sql: string, max = 100): string {
	const line = sql.replace(/\s+/g, ' ').trim();
	return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
