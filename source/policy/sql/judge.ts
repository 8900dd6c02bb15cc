/**
 * The judge: one per statement, collecting the class and the hazards found in its tree. Embedded code (DO blocks,
 * function bodies, PREPAREd statements) is judged by a judge of its own whose findings the outer one absorbs.
 */
import type {Hazard, HazardCode, ToolCallClass} from '../hazards.js';
import {maxClass} from '../hazards.js';
import type {JsonObject} from '../sql-parser.js';

/** Judges one statement into `judge` and returns its kind (`SELECT`, `DROP TABLE`, …). */
export type StatementJudge = (type: string, body: JsonObject, judge: Judge) => string;

export type Verdict = {cls: ToolCallClass; hazards: Hazard[]};

export type Scope = {
	index: number;
	/** Prepended to hazard messages of embedded code, e.g. "in the DO block: ". */
	prefix: string;
	/** PREPAREd statements of this SQL text, so a later EXECUTE can be judged. */
	prepared: Map<string, Verdict>;
	depth: number;
	/** Source text of the top-level statement (PL/pgSQL routines are re-parsed from it). */
	text: string;
	/** How a statement found inside embedded code is judged: the statement judge, passed down so that the
	 * procedural-code judges need not import it back. */
	statement: StatementJudge;
};

export type Judge = Verdict & {scope: Scope};

/** Embedded code nests (DO → statement → DO …); beyond this we stop and refuse to call it safe. */
export const MAX_DEPTH = 6;

export function newJudge(scope: Scope): Judge {
	return {cls: 'read-only', hazards: [], scope};
}

export function atLeast(judge: Judge, cls: ToolCallClass): void {
	judge.cls = maxClass(judge.cls, cls);
}

export function flag(judge: Judge, cls: ToolCallClass, code: HazardCode, message: string, object?: string): void {
	atLeast(judge, cls);
	const hazard: Hazard = {code, message: judge.scope.prefix + message, statementIndex: judge.scope.index};
	if (object) hazard.object = object;
	judge.hazards.push(hazard);
}

export function absorb(judge: Judge, verdict: Verdict, {keepClass}: {keepClass: boolean}): void {
	if (keepClass) atLeast(judge, verdict.cls);
	judge.hazards.push(...verdict.hazards);
}

export function shorten(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}
