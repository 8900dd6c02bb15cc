/**
 * One turn of the conversation as an async generator of events: stream the model's answer, put every
 * tool_use through the approver and the tool host, send all results of a round back in one message,
 * and loop until the model ends its turn, the round cap, cancellation or an error.
 */
import type {CallPreview, ContentBlock, EventBody, ModelMessage, StopReason, Usage} from './events.js';
import {appendToHistory} from './history.js';
import type {ApproverPort, ClockPort, ModelPort, ToolCall, ToolPort} from './ports.js';

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
	ports: {model: ModelPort; tools: ToolPort; approver: ApproverPort; clock: ClockPort};
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
				yield record({type: 'tool_call_decided', callId: call.callId, decision: 'deny', by: 'interrupted', reason: 'The turn was cancelled before this call ran.'});
				continue;
			}

			// Previewed right before its own decision, after the calls before it ran, so it shows the state it will meet.
			if (ports.tools.preview && call.classification?.class !== 'read-only') {
				// Always an event, so the pane stops waiting even for a tool that has nothing to preview.
				const preview = (await previewSafely(ports.tools, call, signal)) ?? {kind: 'unavailable' as const, summary: 'No preview for this kind of call.', hazards: []};
				yield {type: 'tool_call_previewed', callId: call.callId, preview};
			}

			let decision;
			try {
				decision = await ports.approver.decide(call, signal);
			} catch (error) {
				// Fail closed: an approver that breaks never lets a call through.
				decision = {decision: 'deny' as const, by: (signal.aborted ? 'interrupted' : 'user') as 'interrupted' | 'user', reason: signal.aborted ? 'The turn was cancelled before this call ran.' : `Approval failed: ${errorMessage(error)}`};
			}

			if (decision.decision === 'deny') {
				yield record({type: 'tool_call_decided', callId: call.callId, decision: 'deny', by: decision.by, ...(decision.reason ? {reason: decision.reason} : {}), ...(decision.feedback ? {feedback: decision.feedback} : {})});
				continue;
			}

			const edited = decision.editedInput !== undefined;
			yield record({type: 'tool_call_decided', callId: call.callId, decision: 'allow', by: decision.by, ...(decision.reason ? {reason: decision.reason} : {}), ...(edited ? {editedInput: decision.editedInput} : {})});
			yield {type: 'tool_call_started', callId: call.callId};
			const started = ports.clock.now();
			let result;
			try {
				result = await ports.tools.call({...call, input: edited ? decision.editedInput : call.input}, signal);
			} catch (error) {
				result = {isError: true, content: `Tool call failed: ${errorMessage(error)}`};
			}

			const content = edited ? `Note: the user edited the input before it ran; it ran with ${JSON.stringify(decision.editedInput)}.\n${result.content}` : result.content;
			yield record({type: 'tool_call_completed', callId: call.callId, isError: result.isError, content, durationMs: ports.clock.now() - started});
		}

		if (signal.aborted) {
			yield {type: 'turn_completed', outcome: 'cancelled'};
			return;
		}
	}
}

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
		return await tools.preview!(call, signal);
	} catch (error) {
		// No preview is not a reason to run blind: the pane says so and the person still decides.
		return {kind: 'unavailable', summary: 'No preview: the dry run could not be made.', hazards: [], error: errorMessage(error)};
	}
}

export function errorMessage(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}
