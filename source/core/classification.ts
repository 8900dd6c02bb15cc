/**
 * One class per call, from two witnesses: what its syntax says (before anything runs) and what its preview measured
 * or proved. The stronger wins, and the hazards and forbidden-action findings of both are kept, so the pane, the
 * transcript and the gate all describe the same verdict.
 */
import type {MeasuredClass, ToolCallClass, ToolCallClassification} from './events.js';

const RANK: Record<ToolCallClass, number> = {'read-only': 0, write: 1, destructive: 2};

export function strongerClass(a: ToolCallClass, b: ToolCallClass): ToolCallClass {
	return RANK[a] >= RANK[b] ? a : b;
}

export function combineClassification(syntax: ToolCallClassification | undefined, measured: MeasuredClass | undefined): ToolCallClassification | undefined {
	if (!measured) return syntax;
	const base: ToolCallClassification = syntax ?? {class: 'destructive', hazards: ['not classified']};
	const cls = strongerClass(base.class, measured.class);
	const hazards = [...new Set([...base.hazards, ...measured.hazards])];
	const violations = [...new Set([...(base.violations ?? []), ...(measured.violations ?? [])])];
	const reason = RANK[measured.class] > RANK[base.class] ? measured.reason : base.reason ? `${base.reason} ${measured.reason}` : measured.reason;
	return {class: cls, hazards, ...(violations.length > 0 ? {violations} : {}), ...(reason ? {reason} : {})};
}

/**
 * Whether "allow for the session" may grant a call's tool: never for a destructive call, a forbidden action or a write
 * to a control file. The gate (source/session) grants by this rule and the approval pane offers the key by it, so what is offered is
 * what is granted.
 */
export function grantable(classification: Pick<ToolCallClassification, 'class' | 'violations' | 'controlFile'> | undefined): boolean {
	return (
		classification !== undefined && classification.class !== 'destructive' && !classification.controlFile && (classification.violations ?? []).length === 0
	);
}
