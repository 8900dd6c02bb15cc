/**
 * The approval gate's decision: allow, ask or deny one tool call, from its class, the permission
 * rules, the mode and what the person allowed for this session.
 *
 * Invariants:
 * - a deny rule always wins;
 * - plan mode never lets anything but a read through;
 * - a destructive call is auto-approved only by an allow rule that names the tool itself (not a
 *   server wildcard or a tool family) together with `explicitDestructiveOptIn`; no mode and no
 *   "allow for the session" covers it;
 * - a forbidden-action violation always reaches the person, who must type a confirmation;
 * - a write to a control file (control-files.ts) always reaches the person: no allow rule, session
 *   allow, mode or opt-in approves it (only a deny rule, or plan mode, can answer it instead).
 */
import type {DecisionSource} from '../core/events.js';
import type {PolicyCall} from './classify-call.js';
import {EDIT_TOOLS, READ_TOOLS} from './classify-call.js';
import type {Violation} from './forbidden.js';
import type {ToolCallClass} from './hazards.js';
import type {MatchContext, PermissionRules} from './rules.js';
import {findRule, isInsideWorkspace, namesToolExactly, ruleMatches, toolFilePath} from './rules.js';

export type PermissionMode = 'default' | 'acceptEdits' | 'plan';

/** Shift+Tab order, as in Claude Code. */
export const PERMISSION_MODES: readonly PermissionMode[] = ['default', 'acceptEdits', 'plan'];

export function nextMode(mode: PermissionMode): PermissionMode {
	const index = PERMISSION_MODES.indexOf(mode);
	return PERMISSION_MODES[(index + 1) % PERMISSION_MODES.length] ?? 'default';
}

export type DecideInput = {
	call: PolicyCall;
	/** `controlFile` is the warning when the call writes a control file (found at the edge, symlinks followed). */
	classification: {class: ToolCallClass; controlFile?: string};
	rules: PermissionRules;
	mode: PermissionMode;
	/** Tool names the person allowed "for the session". */
	sessionAllows?: ReadonlySet<string> | readonly string[];
	/** The named opt-in that lets an explicit allow rule cover destructive calls. */
	explicitDestructiveOptIn?: boolean;
	/** Workspace root (and home directory) for path rules and acceptEdits. */
	workspace: MatchContext;
	/** From `findForbidden`: any violation forces a typed confirmation. */
	violations?: readonly Violation[];
};

export type Decision = {
	action: 'allow' | 'ask' | 'deny';
	reason: string;
	/** The rule that decided, as written in the settings. */
	rule?: string;
	/** Who decided an allow or deny, in the event log's terms; absent for ask. */
	by?: Extract<DecisionSource, 'rule' | 'mode' | 'session'>;
	/** The person must type a confirmation, not just press a key. */
	typedConfirmation?: boolean;
};

export function decide(input: DecideInput): Decision {
	const {call, rules, mode, workspace} = input;
	const cls = input.classification.class;
	const matched = findRule(call, rules, workspace);

	if (matched?.list === 'deny') return {action: 'deny', reason: `Denied by the rule ${matched.raw}.`, rule: matched.raw, by: 'rule'};

	if (mode === 'plan' && cls !== 'read-only') {
		const what = cls === 'destructive' ? 'is destructive' : 'would change something';
		return {
			action: 'deny',
			reason: `Plan mode makes no changes and this call ${what}. Present the plan; the person switches mode (Shift+Tab) to carry it out.`,
			by: 'mode',
		};
	}

	const violations = input.violations ?? [];
	if (violations.length > 0) {
		return {action: 'ask', reason: `Forbidden by the agent's rules unless you confirm: ${violations.map(v => v.message).join(' ')}`, typedConfirmation: true};
	}

	// Control files decide what pgpair, the agent or git runs next; nothing below may approve them.
	const {controlFile} = input.classification;
	if (controlFile) return {action: 'ask', reason: `Writes a control file, which always needs your approval: ${controlFile}.`};

	if (matched?.list === 'ask') return {action: 'ask', reason: `The rule ${matched.raw} asks every time.`, rule: matched.raw};

	if (cls === 'destructive') return decideDestructive(input);

	if (matched?.list === 'allow') return {action: 'allow', reason: `Allowed by the rule ${matched.raw}.`, rule: matched.raw, by: 'rule'};

	if (sessionAllowed(input.sessionAllows, call.name)) return {action: 'allow', reason: `${call.name} was allowed for this session.`, by: 'session'};

	const filePath = toolFilePath(call);
	if (cls === 'read-only') {
		if (READ_TOOLS.has(call.name) && filePath !== undefined && !isInsideWorkspace(filePath, workspace)) {
			return {action: 'ask', reason: `${call.name} reads outside the workspace (${filePath}).`};
		}

		return {action: 'allow', reason: 'Read-only calls run without asking.', by: 'mode'};
	}

	if (mode === 'acceptEdits' && EDIT_TOOLS.has(call.name) && filePath !== undefined && isInsideWorkspace(filePath, workspace)) {
		return {action: 'allow', reason: 'Accept-edits mode allows file edits inside the workspace.', by: 'mode'};
	}

	return {action: 'ask', reason: 'This call changes something, so it needs your approval.'};
}

function decideDestructive(input: DecideInput): Decision {
	const {call, rules, workspace} = input;
	// A bare `Bash` rule covers every command, like a wildcard; only `Bash(<command>)` names one.
	const explicit = rules.allow.find(
		rule => namesToolExactly(rule, call.name) && (call.name !== 'Bash' || rule.specifier !== undefined) && ruleMatches(rule, call, workspace),
	);
	if (explicit && input.explicitDestructiveOptIn) {
		return {action: 'allow', reason: `Destructive, allowed by the rule ${explicit.raw} with the explicit destructive opt-in.`, rule: explicit.raw, by: 'rule'};
	}

	const broad = rules.allow.find(rule => ruleMatches(rule, call, workspace));
	let why = 'Destructive calls always need your approval.';
	if (explicit) why += ` The rule ${explicit.raw} names this tool, but the explicit destructive opt-in is off.`;
	else if (broad) why += ` The rule ${broad.raw} covers this tool only through a wildcard or a tool family.`;
	else if (sessionAllowed(input.sessionAllows, call.name)) why += ' "Allow for the session" never covers them.';
	return {action: 'ask', reason: why};
}

function sessionAllowed(allows: DecideInput['sessionAllows'], name: string): boolean {
	if (!allows) return false;
	return 'has' in allows ? allows.has(name) : allows.includes(name);
}
