/**
 * The approval gate of a session: the pure policy (source/policy) applied with what the session's log says — the
 * permission mode and the tools granted "for the session" — so a resumed session decides as the original did. In
 * headless mode an ask is a denial, because nobody can answer it.
 */
import os from 'node:os';
import {grantable} from '../core/classification.js';
import type {DecisionScope, ToolCallClassification} from '../core/events.js';
import {type Decision, decide} from '../policy/decide.js';
import type {PermissionRules} from '../policy/rules.js';
import type {ApprovalPolicy, PendingCall} from '../store/runner.js';
import type {SandboxStatus} from '../tools/local/sandbox.js';

export type GateOptions = {
	rules: PermissionRules;
	headless: boolean;
	workspaceRoot: string;
	/** The named opt-in (--allow-destructive-rules) that lets an explicit allow rule cover a destructive call. */
	explicitDestructiveOptIn?: boolean;
	/** Set when the OS sandbox for Bash was asked for: until it is ready, every shell command asks. */
	bashSandbox?: {status(): SandboxStatus};
};

export function createApprovalGate(options: GateOptions): ApprovalPolicy {
	const workspace = {workspaceRoot: options.workspaceRoot, homeDir: os.homedir()};

	return {
		decide(call: PendingCall, {mode, grants}) {
			const classification = call.classification ?? {class: 'destructive' as const, hazards: ['not classified']};
			const decideFor = (input: unknown) =>
				decide({
					call: {name: call.name, input},
					classification,
					rules: options.rules,
					mode,
					sessionAllows: grants,
					explicitDestructiveOptIn: options.explicitDestructiveOptIn === true,
					workspace,
					violations: (classification.violations ?? []).map(message => ({code: 'forbidden' as never, message})),
				});
			// The tools follow symbolic links, so a path is judged as named and where it leads; the stricter answer holds.
			const decision = strictest(
				decideFor(call.input),
				classification.resolvedPath === undefined ? undefined : decideFor(withFilePath(call.input, classification.resolvedPath)),
			);
			const unsandboxed = call.name === 'Bash' ? sandboxMissing(options.bashSandbox) : undefined;
			if (decision.action === 'allow' && unsandboxed) {
				// The person asked for the sandbox; a command that would run outside it needs their say.
				const reason = `${unsandboxed} Every shell command needs your approval.`;
				if (options.headless) return {decision: 'deny', by: 'headless', reason: `${reason} Nobody can approve it in headless mode.`};
				return 'ask';
			}

			if (decision.action === 'allow') return {decision: 'allow', by: decision.by ?? 'rule', reason: decision.reason};
			if (decision.action === 'deny') return {decision: 'deny', by: decision.by === 'session' ? 'rule' : (decision.by ?? 'rule'), reason: decision.reason};
			if (options.headless) {
				// Nobody sees a pane here, so the denial carries the hazards the pane would have shown.
				const hazards = classification.hazards.filter(hazard => !decision.reason.includes(hazard));
				const why = hazards.length > 0 ? ` Hazards: ${hazards.join('; ')}.` : '';
				const hint = headlessHint(classification, options.explicitDestructiveOptIn === true);
				return {decision: 'deny', by: 'headless', reason: `${decision.reason}${why} Nobody can approve it in headless mode${hint}.`};
			}
			return 'ask';
		},
		scope: (call: PendingCall, forSession: boolean): DecisionScope => (forSession && grantable(call.classification) ? 'session' : 'once'),
	};
}

/**
 * The fix a headless denial names, if there is one: a control-file write or a forbidden action can only be approved
 * by a person (the second needs their typed confirmation); a destructive call needs the named opt-in beside its rule.
 */
function headlessHint(classification: ToolCallClassification, destructiveOptIn: boolean): string {
	if (classification.controlFile) return '';
	if ((classification.violations ?? []).length > 0) return ': a forbidden action needs a typed confirmation in the TUI';
	if (classification.class === 'destructive' && !destructiveOptIn)
		return '; allow it with --allow <rule> and --allow-destructive-rules (an allow rule covers a destructive call only with that flag)';
	return '; allow it with --allow <rule>';
}

function sandboxMissing(sandbox: GateOptions['bashSandbox']): string | undefined {
	const status = sandbox?.status();
	if (!status || status.state === 'off' || status.state === 'ready') return undefined;
	if (status.state === 'starting') return 'The sandbox for shell commands has not started yet.';
	return `The sandbox for shell commands is unavailable (${status.reason}).`;
}

const SEVERITY: Record<Decision['action'], number> = {allow: 0, ask: 1, deny: 2};

function strictest(first: Decision, second: Decision | undefined): Decision {
	return second && SEVERITY[second.action] > SEVERITY[first.action] ? second : first;
}

/** The input with its file path (whichever key the tool uses) replaced. */
function withFilePath(input: unknown, filePath: string): unknown {
	if (typeof input !== 'object' || input === null) return input;
	const key = ['file_path', 'notebook_path', 'path'].find(name => typeof (input as Record<string, unknown>)[name] === 'string');
	return key ? {...input, [key]: filePath} : input;
}
