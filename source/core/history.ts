/**
 * The model's message history, derived from session events. The turn loop and the reducer both use
 * this one function, so what resume rebuilds from a transcript is exactly what the live loop sent.
 */
import type {ContentBlock, EventBody, ModelMessage} from './events.js';

export const DENIED_PREFIX = 'The user denied this tool call.';

export function deniedResultText(reason: string | undefined, feedback: string | undefined): string {
	const parts = [DENIED_PREFIX];
	if (reason) parts.push(`Reason: ${reason}`);
	if (feedback) parts.push(`Feedback from the user: ${feedback}`);
	return parts.join(' ');
}

/**
 * Returns a new history with the event applied (the input array is never mutated).
 * Only events that change what the model sees are handled; the rest return the same array.
 */
export function appendToHistory(messages: readonly ModelMessage[], event: EventBody): ModelMessage[] {
	switch (event.type) {
		case 'user_prompt_submitted': {
			const block: ContentBlock = {type: 'text', text: event.text};
			return appendUserBlocks(messages, [block]);
		}

		case 'assistant_message_completed': {
			// An empty assistant message (cancelled before any text) would be rejected by the API.
			if (event.content.length === 0) return messages as ModelMessage[];
			return [...messages, {role: 'assistant', content: event.content}];
		}

		case 'tool_call_completed': {
			const block: ContentBlock = {
				type: 'tool_result',
				tool_use_id: event.callId,
				content: event.content,
				...(event.isError ? {is_error: true} : {}),
			};
			return appendUserBlocks(messages, [block]);
		}

		case 'tool_call_decided': {
			if (event.decision === 'allow') return messages as ModelMessage[];
			const block: ContentBlock = {
				type: 'tool_result',
				tool_use_id: event.callId,
				content: deniedResultText(event.reason, event.feedback),
				is_error: true,
			};
			return appendUserBlocks(messages, [block]);
		}

		case 'conversation_cleared':
			return [];

		default:
			return messages as ModelMessage[];
	}
}

/**
 * All tool results of a round travel in one user message, and a prompt typed after an interrupted
 * round joins that message, because the API wants strictly alternating roles.
 */
function appendUserBlocks(messages: readonly ModelMessage[], blocks: ContentBlock[]): ModelMessage[] {
	const last = messages.at(-1);
	if (last?.role === 'user') {
		const existing: ContentBlock[] = typeof last.content === 'string' ? [{type: 'text', text: last.content}] : last.content;
		// tool_result blocks must come first in a user message; a prompt appended after them is fine.
		const merged =
			blocks[0]?.type === 'tool_result'
				? [...existing.filter(b => b.type === 'tool_result'), ...blocks, ...existing.filter(b => b.type !== 'tool_result')]
				: [...existing, ...blocks];
		return [...messages.slice(0, -1), {role: 'user', content: merged}];
	}

	return [...messages, {role: 'user', content: blocks}];
}
