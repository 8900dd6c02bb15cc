/**
 * `pgpair -p "<prompt>"`: one turn without the TUI. Calls that would ask are denied (with the reason
 * on stderr) unless an --allow rule covers them, because nobody is there to press a key.
 */

import type {SessionEvent} from '../core/events.js';
import {textOf} from '../core/session-state.js';
import type {OutputFormat} from './args.js';
import type {SessionSetup} from './session-setup.js';

export type HeadlessIo = {stdout: (text: string) => void; stderr: (text: string) => void};

/** Runs the prompt; resolves with the process exit code. */
export async function runHeadless(setup: SessionSetup, prompt: string, format: OutputFormat, io: HeadlessIo): Promise<number> {
	const runner = setup.runner;
	if (!runner) {
		io.stderr(`${setup.setupMessage ?? 'No model is configured.'}\n`);
		return 2;
	}

	const unsubscribe = format === 'stream-json' ? streamEvents(setup, io) : () => undefined;
	await runner.submitPrompt(prompt);
	unsubscribe();

	const events = setup.store.getEvents();
	const last = events.findLast(e => e.type === 'turn_completed');
	for (const event of events) {
		// Nobody sees the chat: what pgpair warns about goes to stderr.
		if (event.type === 'notice_shown' && event.level !== 'info') io.stderr(`pgpair: ${event.text}\n`);
		if (event.type === 'tool_call_decided' && event.decision === 'deny' && event.by === 'headless') {
			io.stderr(`pgpair: denied ${nameOf(events, event.callId)}: ${event.reason ?? 'no rule allows it'}\n`);
		}
	}

	const answer =
		events
			.filter(e => e.type === 'assistant_message_completed')
			.map(e => textOf(e.content))
			.filter(Boolean)
			.at(-1) ?? '';
	const outcome = last?.type === 'turn_completed' ? last.outcome : 'failed';
	const error = last?.type === 'turn_completed' ? last.error : 'The turn did not finish.';
	if (format === 'text') {
		if (answer) io.stdout(`${answer}\n`);
	} else if (format === 'json') {
		const usage = setup.store.getState().usage;
		io.stdout(
			`${JSON.stringify({type: 'result', outcome, result: answer, sessionId: setup.sessionId, transcript: setup.transcriptPath, usage, ...(error ? {error} : {})})}\n`,
		);
	}

	if (outcome !== 'completed') io.stderr(`pgpair: ${error ?? outcome}\n`);
	return outcome === 'completed' ? 0 : 1;
}

function streamEvents(setup: SessionSetup, io: HeadlessIo): () => void {
	let printed = setup.store.getEvents().length;
	const print = () => {
		const events = setup.store.getEvents();
		// Events are redacted as the store commits them: this prints what the transcript holds.
		for (; printed < events.length; printed++) io.stdout(`${JSON.stringify(events[printed])}\n`);
	};

	const unsubscribe = setup.store.subscribe(print);
	return () => {
		unsubscribe();
		print();
	};
}

function nameOf(events: readonly SessionEvent[], callId: string): string {
	const requested = events.find(e => e.type === 'tool_call_requested' && e.callId === callId);
	return requested?.type === 'tool_call_requested' ? requested.name : callId;
}
