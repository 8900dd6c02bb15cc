/**
 * The runner turns UI intents (submitPrompt, resolveApproval, cancelTurn) into turns of the core loop
 * and feeds every event the loop yields into the store. The UI never talks to the model or tools.
 */

import {allowRefusal, combineClassification} from '../core/classification.js';
import type {DecisionScope, ToolCallClassification} from '../core/events.js';
import type {ApprovalDecision, ApproverPort, CheckpointPort, ClockPort, ModelPort, ToolCall, ToolPort} from '../core/ports.js';
import type {SessionState} from '../core/session-state.js';
import {errorMessage, runTurn} from '../core/turn-loop.js';
import {restoreRedacted} from '../transcripts/restore-redacted.js';
import type {EventStore} from './event-store.js';

export type PendingCall = ToolCall & {classification?: ToolCallClassification};

export type ApprovalPolicy = {
	/**
	 * Decides a call without asking (rules, modes, headless); `ask` hands it to the person. `session` is the folded
	 * log: the permission mode and the tools granted for the session live there, not in the policy.
	 */
	decide(call: PendingCall, session: Pick<SessionState, 'mode' | 'grants'>): ApprovalDecision | 'ask';
	/** How far the person's allow reaches: asked for the session, it may still be refused a grant (destructive calls). */
	scope(call: PendingCall, forSession: boolean): DecisionScope;
};

export type ToolHost = ToolPort & {
	/** Resolves when the tool servers have started (or failed to); turns wait for it, the first frame never does. */
	ready(): Promise<void>;
};

export type RunnerOptions = {
	store: EventStore;
	model: ModelPort;
	tools: ToolHost;
	clock: ClockPort;
	agent: {systemPrompt: string; model: string};
	policy: ApprovalPolicy;
	maxRounds?: number;
	/** Saves what an allowed change touches before it runs (see `CheckpointPort`); absent: no checkpoints. */
	checkpoints?: CheckpointPort;
};

export type UserDecision = {decision: 'allow'; editedInput?: unknown; forSession?: boolean; confirmation?: string} | {decision: 'deny'; feedback?: string};

export type Runner = {
	/** Runs one turn; resolves when it has ended. Refuses a prompt while a turn runs. */
	submitPrompt(text: string): Promise<void>;
	resolveApproval(callId: string, decision: UserDecision): void;
	/** Recomputes the preview of a waiting call for an edited input (the pane shows what will run). */
	previewEdit(callId: string, input: unknown): Promise<void>;
	cancelTurn(): void;
	isBusy(): boolean;
};

function toApproval(decision: UserDecision, scope: DecisionScope): ApprovalDecision {
	if (decision.decision === 'allow') {
		return {
			decision: 'allow',
			by: 'user',
			scope,
			...(scope === 'session'
				? {reason: 'allowed for the rest of this session'}
				: decision.confirmation
					? {reason: `confirmed by typing "${decision.confirmation}"`}
					: {}),
			...(decision.editedInput === undefined ? {} : {editedInput: decision.editedInput}),
		};
	}

	return {decision: 'deny', by: 'user', ...(decision.feedback ? {feedback: decision.feedback} : {})};
}

export function createRunner(options: RunnerOptions): Runner {
	const {store} = options;
	const waiting = new Map<string, {call: PendingCall; resolve: (decision: ApprovalDecision) => void}>();
	const earlyDecisions = new Map<string, UserDecision>();
	const editsToPreview = new Map<string, unknown>();
	let controller: AbortController | undefined;

	/** An edit of a call as the pane showed it (secrets redacted), with the secrets put back. */
	const unredacted = (call: PendingCall, decision: UserDecision): UserDecision => {
		if (decision.decision !== 'allow' || decision.editedInput === undefined) return decision;
		const shown = store.getState().openCalls.find(c => c.callId === call.callId)?.input;
		return shown === undefined ? decision : {...decision, editedInput: restoreRedacted(decision.editedInput, shown, call.input)};
	};

	/** The person's decision as the loop takes it: secrets of an edit put back, and the reach of an allow settled. */
	const approval = (call: PendingCall, decision: UserDecision): ApprovalDecision => {
		const restored = unredacted(call, decision);
		return toApproval(restored, options.policy.scope(call, restored.decision === 'allow' && restored.forSession === true));
	};

	const approver: ApproverPort = {
		decide(call, signal) {
			const automatic = options.policy.decide(call, store.getState());
			if (automatic !== 'ask') return Promise.resolve(automatic);
			// A key pressed while the loop was still preparing this call (previewing it) is not lost.
			const pressed = earlyDecisions.get(call.callId);
			if (pressed) {
				earlyDecisions.delete(call.callId);
				return Promise.resolve(approval(call, pressed));
			}

			return new Promise<ApprovalDecision>(resolve => {
				const onAbort = () => {
					waiting.delete(call.callId);
					resolve({decision: 'deny', by: 'interrupted', reason: 'The turn was cancelled before this call ran.'});
				};

				signal.addEventListener('abort', onAbort, {once: true});
				const edit = editsToPreview.get(call.callId);
				editsToPreview.delete(call.callId);
				if (edit !== undefined) queueMicrotask(() => void runner.previewEdit(call.callId, edit));
				waiting.set(call.callId, {
					call,
					resolve: decision => {
						signal.removeEventListener('abort', onAbort);
						waiting.delete(call.callId);
						resolve(decision);
					},
				});
			});
		},
	};

	const runner: Runner = {
		async submitPrompt(text) {
			if (controller) {
				store.append({type: 'notice_shown', level: 'warning', text: 'A turn is still running: wait for it, or press Esc to cancel it.'});
				return;
			}

			const turnController = new AbortController();
			controller = turnController;
			try {
				await options.tools.ready();
				const turn = runTurn({
					// The model chosen during the session (`/model`, a fact in the log) wins over the one it started with.
					model: store.getState().model ?? options.agent.model,
					system: options.agent.systemPrompt,
					history: store.getState().messages,
					prompt: text,
					...(options.maxRounds === undefined ? {} : {maxRounds: options.maxRounds}),
					signal: turnController.signal,
					ports: {
						model: options.model,
						tools: options.tools,
						approver,
						clock: options.clock,
						...(options.checkpoints ? {checkpoints: options.checkpoints} : {}),
					},
				});
				for await (const event of turn) {
					// The SQL parser loads only once an event holds SQL worth parsing for secrets: a session of
					// plain answers never pays for it, and no event is committed before its redaction is whole.
					const loading = store.prepare(event);
					if (loading) await loading;
					store.append(event);
				}
			} catch (error) {
				// The loop turns expected failures into events; this is the last line of defence.
				store.append({type: 'turn_completed', outcome: 'failed', error: errorMessage(error)});
			} finally {
				controller = undefined;
				store.flush();
			}
		},

		resolveApproval(callId, decision) {
			if (decision.decision === 'allow') {
				// The same rule the pane offers its keys by, enforced here for whatever sent the allow.
				const shown = store.getState().openCalls.find(c => c.callId === callId);
				const refusal = shown && allowRefusal(shown, decision, options.tools.preview !== undefined);
				if (refusal) {
					store.append({type: 'notice_shown', level: 'warning', text: `That allow was not taken: ${refusal}. Nothing ran; the call still waits.`});
					return;
				}
			}

			const pending = waiting.get(callId);
			if (!pending) {
				// Only calls the store shows as waiting can be decided ahead of the loop.
				if (store.getState().openCalls.some(c => c.callId === callId && c.status === 'awaiting_approval')) earlyDecisions.set(callId, decision);
				return;
			}

			pending.resolve(approval(pending.call, decision));
		},

		async previewEdit(callId, input) {
			const pending = waiting.get(callId);
			if (!options.tools.preview) return;
			if (!pending) {
				// Saved while the proposed call was still being previewed: previewed as soon as the call waits.
				if (store.getState().openCalls.some(c => c.callId === callId && c.status === 'awaiting_approval')) editsToPreview.set(callId, input);
				return;
			}
			const edited = {callId: pending.call.callId, name: pending.call.name, input};
			try {
				// Always an answer for the edited input, even "nothing to preview", so the pane never waits forever.
				// Previewed and judged with the secrets the pane could not show; recorded with the input as the pane has it.
				// The edited call is judged afresh, whole: its own syntax and its own preview, so banner, hazards and
				// preview all describe what will run.
				const real = unredacted(pending.call, {decision: 'allow', editedInput: input});
				const runnable = {...edited, input: real.decision === 'allow' ? real.editedInput : input};
				const preview = (await options.tools.preview(runnable, controller?.signal ?? new AbortController().signal)) ?? {
					kind: 'unavailable' as const,
					summary: 'No preview for this kind of call.',
					hazards: [],
				};
				const syntax = await options.tools.classify?.(runnable).catch(() => undefined);
				const classification = combineClassification(syntax, preview.measured);
				if (waiting.has(callId)) store.append({type: 'tool_call_previewed', callId, preview: {...preview, input}, ...(classification ? {classification} : {})});
			} catch (error) {
				const hazards = ['not previewed: the preview could not be made'];
				store.append({
					type: 'tool_call_previewed',
					callId,
					preview: {
						kind: 'unavailable',
						summary: 'No preview for the edited call.',
						hazards,
						error: errorMessage(error),
						input,
						measured: {class: 'destructive', hazards, reason: 'Not previewed, so it counts as destructive.'},
					},
				});
			}
		},

		cancelTurn() {
			controller?.abort();
		},

		isBusy: () => controller !== undefined,
	};
	return runner;
}
