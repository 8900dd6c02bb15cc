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

/** The word a person types to run a call that breaks the agent's rules (a forbidden action). */
export const CONFIRM_WORD = 'override';

/** What an allow carries, as far as the rule below needs to know. */
export type AllowRequest = {editedInput?: unknown; confirmation?: string};

/** The parts of a waiting call the rule reads: what the person was shown for it. */
export type ShownCall = {
	classification?: Pick<ToolCallClassification, 'violations'>;
	preview?: {input?: unknown; error?: string};
	previewPending?: boolean;
};

/**
 * Why an allow cannot be taken, or undefined when it can. The person approves what they saw: the call's preview (for
 * an edit, the edit's own preview, whose class, hazards and banner then describe the edit), never one that failed,
 * and a forbidden action only with the typed word. The runner enforces this for every allow whatever sent it, and the
 * approval pane offers its keys by the same facts, so no key the screen offers is refused and no way round the screen
 * runs what was not shown.
 */
export function allowRefusal(call: ShownCall, allow: AllowRequest, previews: boolean): string | undefined {
	// A call is previewed when one was announced (previewPending at its request); an edit always is, where previews exist.
	if (call.previewPending) return 'its preview is not on screen yet';
	const shown = call.preview;
	const edited = allow.editedInput !== undefined;
	if (edited && previews && (shown?.input === undefined || JSON.stringify(shown.input) !== JSON.stringify(allow.editedInput)))
		return 'the preview on screen is not of this edit';
	if (!edited && shown?.input !== undefined) return 'the preview on screen is of an edit, not of the call as proposed';
	if (shown?.error !== undefined) return 'its preview failed, so it cannot be approved as is';
	if ((call.classification?.violations ?? []).length > 0 && allow.confirmation !== CONFIRM_WORD)
		return `it breaks the agent's rules and needs "${CONFIRM_WORD}" typed to run`;
	return undefined;
}
