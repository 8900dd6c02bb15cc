/**
 * One turn of the conversation as an async generator of events: stream the model's answer, put every
 * tool_use through the approver and the tool host, send all results of a round back in one message,
 * and loop until the model ends its turn, the round cap, cancellation or an error.
 */

import {combineClassification} from './classification.js';
import type {CallPreview, ContentBlock, EventBody, ModelMessage, StopReason, Usage} from './events.js';
import {appendToHistory} from './history.js';
import type {ApprovalDecision, ApproverPort, CheckpointPort, ClockPort, ModelPort, ToolCall, ToolPort, ToolResult} from './ports.js';

export const DEFAULT_MAX_ROUNDS = 100;
export const DEFAULT_MAX_TOKENS = 8192;

export type TurnOptions = {
	model: string;
	system: string;
	/** History before this turn; not mutated. */
	history: readonly ModelMessage[];
	prompt: string;
	maxRounds?: number;
	maxTokens?: number;
	signal: AbortSignal;
	ports: {model: ModelPort; tools: ToolPort; approver: ApproverPort; clock: ClockPort; checkpoints?: CheckpointPort};
};

export async function* runTurn(options: TurnOptions): AsyncGenerator<EventBody, void, undefined> {
	const {ports, signal} = options;
	const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
	let history: ModelMessage[] = [...options.history];

	// Every event passes through here so the loop's own view of history is the reducer's view.
	function record<E extends EventBody>(event: E): E {
		history = appendToHistory(history, event);
		return event;
	}

	yield record({type: 'user_prompt_submitted', text: options.prompt});

	for (let round = 1; ; round++) {
		if (round > maxRounds) {
			yield {type: 'turn_completed', outcome: 'max_rounds', error: `Stopped after ${maxRounds} model rounds (--max-turns).`};
			return;
		}

		yield {type: 'model_request_started', round, model: options.model};

		let partialText = '';
		let message: {content: ContentBlock[]; stopReason: StopReason | null; usage: Usage} | undefined;
		try {
			const stream = ports.model.stream({
				model: options.model,
				system: options.system,
				messages: history,
				tools: ports.tools.list(),
				maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
				signal,
			});
			for await (const part of stream) {
				if (part.type === 'text_delta') {
					partialText += part.text;
					yield {type: 'assistant_text_delta', text: part.text};
				} else if (part.type === 'retry') {
					yield {type: 'model_retry_scheduled', attempt: part.attempt, maxAttempts: part.maxAttempts, delayMs: part.delayMs, reason: part.reason};
				} else if (part.type === 'tool_use_started') {
					ports.tools.warm?.(part.name);
				} else {
					message = {content: part.content, stopReason: part.stopReason, usage: part.usage};
				}
			}
		} catch (error) {
			// Keep what was already shown: the partial answer becomes part of the history.
			const content: ContentBlock[] = partialText ? [{type: 'text', text: partialText}] : [];
			yield record({type: 'assistant_message_completed', content, stopReason: null, usage: {inputTokens: 0, outputTokens: 0}});
			if (signal.aborted) {
				yield {type: 'turn_completed', outcome: 'cancelled'};
			} else {
				yield {type: 'turn_completed', outcome: 'failed', error: errorMessage(error)};
			}

			return;
		}

		if (!message) {
			// Text already shown stays in the history, as when the stream fails.
			const content: ContentBlock[] = partialText ? [{type: 'text', text: partialText}] : [];
			yield record({type: 'assistant_message_completed', content, stopReason: null, usage: {inputTokens: 0, outputTokens: 0}});
			yield {type: 'turn_completed', outcome: 'failed', error: 'The model stream ended without a message.'};
			return;
		}

		yield record({type: 'assistant_message_completed', ...message});

		const calls: ToolCall[] = message.content
			.filter((block): block is Extract<ContentBlock, {type: 'tool_use'}> => block.type === 'tool_use')
			.map(block => ({callId: block.id, name: block.name, input: block.input}));

		if (calls.length === 0) {
			yield {type: 'turn_completed', outcome: 'completed'};
			return;
		}

		// Announce the whole round first so the approval pane can show its queue ("1 of 3").
		const classified = [];
		for (const call of calls) {
			const classification = await classifySafely(ports.tools, call);
			classified.push({...call, classification});
			const previewPending = ports.tools.preview !== undefined && classification?.class !== 'read-only';
			yield record({type: 'tool_call_requested', ...call, ...(classification ? {classification} : {}), ...(previewPending ? {previewPending} : {})});
		}

		for (const call of classified) {
			if (signal.aborted) {
				yield record({
					type: 'tool_call_decided',
					callId: call.callId,
					decision: 'deny',
					by: 'interrupted',
					reason: 'The turn was cancelled before this call ran.',
				});
				continue;
			}

			// Previewed right before its own decision, after the calls before it ran, so it shows the state it will meet.
			// A read is previewed too: that is where it is proven read-only (or not) before it may run unasked.
			if (ports.tools.preview) {
				const announced = call.classification?.class !== 'read-only';
				const preview =
					(await previewSafely(ports.tools, call, signal)) ??
					(announced ? {kind: 'unavailable' as const, summary: 'No preview for this kind of call.', hazards: []} : undefined);
				if (preview) {
					// From here the call is judged by the stronger of its syntax and what the preview measured.
					const classification = combineClassification(call.classification, preview.measured);
					if (classification) call.classification = classification;
					// Always an event for an announced preview, so the pane stops waiting even when there is nothing to show.
					yield {type: 'tool_call_previewed', callId: call.callId, preview, ...(classification ? {classification} : {})};
				}
			}

			// A call whose server is down or missing (the preview just tried it) is not put to anyone: "this changes
			// something" would be a wrong reason to refuse a read, and there is nothing to approve. It is refused with why,
			// as a decision, so every call in the log has one.
			const down = ports.tools.preview ? ports.tools.unavailable?.(call.name) : undefined;
			if (down) {
				const reason = `${NOT_RUN}${down}. Nothing was asked or run; the status line shows the server's state.`;
				yield record({type: 'tool_call_decided', callId: call.callId, decision: 'deny', by: 'rule', reason});
				continue;
			}

			let decision: ApprovalDecision;
			try {
				decision = await ports.approver.decide(call, signal);
			} catch (error) {
				// Fail closed: an approver that breaks never lets a call through.
				decision = {
					decision: 'deny' as const,
					by: (signal.aborted ? 'interrupted' : 'user') as 'interrupted' | 'user',
					reason: signal.aborted ? 'The turn was cancelled before this call ran.' : `Approval failed: ${errorMessage(error)}`,
				};
			}

			// The decision as the log records it: every field the approver gave, and nothing it did not.
			const {decision: verdict, ...details} = decision;
			yield record({type: 'tool_call_decided', callId: call.callId, decision: verdict, ...withoutUndefined(details)} as EventBody);
			if (decision.decision === 'deny') continue;

			const edited = decision.editedInput !== undefined;
			// Whatever an allowed change will touch is saved first, so the person can take the approval back.
			if (ports.checkpoints && call.classification?.class !== 'read-only') {
				const started = ports.clock.now();
				try {
					const checkpoint = await ports.checkpoints.before({...call, input: edited ? decision.editedInput : call.input}, signal);
					if (checkpoint) yield {type: 'checkpoint_created', checkpoint, durationMs: ports.clock.now() - started};
				} catch (error) {
					const content = `pgpair could not save a checkpoint before this call, so it did not run (nothing could have been rewound): ${errorMessage(error)}`;
					yield record({type: 'tool_call_completed', callId: call.callId, isError: true, content, durationMs: ports.clock.now() - started});
					continue;
				}
			}

			yield {type: 'tool_call_started', callId: call.callId};
			const started = ports.clock.now();
			// A call that runs as read-only goes through the read-only route (a least-privilege role, a read deadline);
			// an edited call is what the person approved, not what was proven, so it runs as approved.
			const readOnly = !edited && call.classification?.class === 'read-only';
			let result: ToolResult;
			try {
				result = await ports.tools.call(
					{callId: call.callId, name: call.name, input: edited ? decision.editedInput : call.input, ...(readOnly ? {readOnly: true} : {})},
					signal,
				);
			} catch (error) {
				result = {isError: true, content: `Tool call failed: ${errorMessage(error)}`};
			}

			const content = edited
				? `Note: the user edited the input before it ran; it ran with ${JSON.stringify(decision.editedInput)}.\n${result.content}`
				: result.content;
			yield record({type: 'tool_call_completed', callId: call.callId, isError: result.isError, content, durationMs: ports.clock.now() - started});
		}

		if (signal.aborted) {
			yield {type: 'turn_completed', outcome: 'cancelled'};
			return;
		}
	}
}

/** How the answer to a call that could not be put to anyone begins (see `ToolPort.unavailable`). */
export const NOT_RUN = 'Not run: ';

async function classifySafely(tools: ToolPort, call: ToolCall) {
	if (!tools.classify) return undefined;
	try {
		return await tools.classify(call);
	} catch {
		// A classifier failure must not make a call look harmless.
		return {class: 'destructive' as const, hazards: ['classification failed']};
	}
}

async function previewSafely(tools: ToolPort, call: ToolCall, signal: AbortSignal): Promise<CallPreview | undefined> {
	try {
		return await tools.preview!({callId: call.callId, name: call.name, input: call.input}, signal);
	} catch (error) {
		// No preview is not a reason to run blind, nor to run unasked: the pane says so, and the call counts as destructive.
		const hazards = ['not previewed: the preview could not be made'];
		return {
			kind: 'unavailable',
			summary: 'No preview: the dry run could not be made.',
			hazards,
			error: errorMessage(error),
			measured: {class: 'destructive', hazards, reason: 'Not previewed, so it counts as destructive.'},
		};
	}
}

export function errorMessage(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined && field !== '')) as Partial<T>;
}
