/**
 * A transcript that ends mid-turn (crash, kill -9) is closed before the session goes on: calls that
 * were waiting are denied by interruption and calls that were running are reported as unknown, so
 * nothing ever runs twice and the model's history stays valid for the API.
 */
import type {EventBody, SessionEvent} from './events.js';

export const INTERRUPTED_REASON = 'The session ended before this call was decided; it did not run.';
export const INTERRUPTED_RUNNING = 'The session ended while this call was running; whether it took effect is unknown. Check before retrying.';

export function eventsToCloseInterruptedTurn(events: readonly SessionEvent[]): EventBody[] {
	let lastTurnStart = -1;
	let turnOpen = false;
	for (let i = 0; i < events.length; i++) {
		const event = events[i]!;
		if (event.type === 'user_prompt_submitted') {
			lastTurnStart = i;
			turnOpen = true;
		} else if (event.type === 'turn_completed') {
			turnOpen = false;
		}
	}

	if (!turnOpen) return [];

	const requested = new Map<string, string>();
	const decided = new Set<string>();
	const completed = new Set<string>();
	const allowed = new Set<string>();
	for (const event of events.slice(lastTurnStart)) {
		// A crash between the assistant message and its tool_call_requested lines leaves tool_use
		// blocks that were never requested; they need a denial too, or the history is invalid.
		if (event.type === 'assistant_message_completed') {
			for (const block of event.content) if (block.type === 'tool_use' && !requested.has(block.id)) requested.set(block.id, block.name);
		}

		if (event.type === 'tool_call_requested') requested.set(event.callId, event.name);
		if (event.type === 'tool_call_decided') {
			decided.add(event.callId);
			if (event.decision === 'allow') allowed.add(event.callId);
		}

		if (event.type === 'tool_call_completed') completed.add(event.callId);
	}

	const closing: EventBody[] = [];
	const last = events.at(-1);
	// Text that streamed before the crash was seen by the person; keep it in the history.
	if (last && (last.type === 'assistant_text_delta' || last.type === 'model_request_started')) {
		const text = streamedTextSinceRequest(events);
		closing.push({
			type: 'assistant_message_completed',
			content: text ? [{type: 'text', text}] : [],
			stopReason: null,
			usage: {inputTokens: 0, outputTokens: 0},
		});
	}

	for (const callId of requested.keys()) {
		if (!decided.has(callId)) {
			closing.push({type: 'tool_call_decided', callId, decision: 'deny', by: 'interrupted', reason: INTERRUPTED_REASON});
		} else if (allowed.has(callId) && !completed.has(callId)) {
			closing.push({type: 'tool_call_completed', callId, isError: true, content: INTERRUPTED_RUNNING, durationMs: 0});
		}
	}

	closing.push({type: 'turn_completed', outcome: 'cancelled', error: 'The session was interrupted during this turn.'});
	return closing;
}

function streamedTextSinceRequest(events: readonly SessionEvent[]): string {
	let text = '';
	for (let i = events.length - 1; i >= 0; i--) {
		const event = events[i]!;
		if (event.type === 'model_request_started') break;
		if (event.type === 'assistant_text_delta') text = event.text + text;
	}

	return text;
}
