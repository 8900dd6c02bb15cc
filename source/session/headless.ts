/**
 * `pgpair -p "<prompt>"`: one turn without the TUI. Calls that would ask are denied (with the reason
 * on stderr) unless an --allow rule covers them, because nobody is there to press a key.
 */

import type {SessionEvent} from '../core/events.js';
import {textOf} from '../core/session-state.js';
import {parseMcpToolName} from '../tools/mcp-host.js';
import type {OutputFormat} from './options.js';
import type {Session} from './session.js';

export type HeadlessIo = {stdout: (text: string) => void; stderr: (text: string) => void};

/** Runs the prompt; resolves with the process exit code. */
export async function runHeadless(session: Session, prompt: string, format: OutputFormat, io: HeadlessIo): Promise<number> {
	if (!session.hasModel()) {
		io.stderr(`${session.setupMessage ?? 'No model is configured.'}\n`);
		return 2;
	}

	if (format === 'stream-json') await streamInit(session, io);
	const unsubscribe = format === 'stream-json' ? streamEvents(session, io) : () => undefined;
	await session.send(prompt);
	// The disk budget is checked after each checkpoint, off the call's path: what it dropped is said below too.
	await session.connected.then(c => c.checkpoints.settled()).catch(() => undefined);
	unsubscribe();

	const events = session.store.getEvents();
	const last = events.findLast(e => e.type === 'turn_completed');
	// This run's own events: a continued session's old warnings and denials were said when they happened.
	for (const event of events.slice(session.resumedEvents)) {
		// Nobody sees the chat: what pgpair warns about goes to stderr.
		if (event.type === 'notice_shown' && event.level !== 'info') io.stderr(`pgpair: ${event.text}\n`);
		if (event.type === 'checkpoints_dropped') io.stderr(`pgpair: ${event.reason}\n`);
		// Every denial nobody typed: headless (nobody to ask), a rule, or the permission mode (plan runs nothing).
		if (event.type === 'tool_call_decided' && event.decision === 'deny' && (event.by === 'headless' || event.by === 'rule' || event.by === 'mode')) {
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
	} else {
		// The last line of stream-json, and all of json: Claude Code's result (subtype, is_error, session_id) with ours.
		const usage = session.store.getState().usage;
		const result = {
			type: 'result',
			subtype: outcome === 'completed' ? 'success' : 'error',
			is_error: outcome !== 'completed',
			outcome,
			result: answer,
			session_id: session.id,
			sessionId: session.id,
			transcript: session.transcriptPath,
			usage,
			...(error ? {error} : {}),
		};
		io.stdout(`${JSON.stringify(result)}\n`);
	}

	if (outcome !== 'completed') io.stderr(`pgpair: ${error ?? outcome}\n`);
	// A database that could not be reached fails the run, even when the model went on and said "Done".
	const unreachable = unreachableDatabases(events.slice(session.resumedEvents));
	for (const {server, reason, calls} of unreachable) {
		io.stderr(`pgpair: ${server}: ${reason}; ${calls === 1 ? '1 database call' : `${calls} database calls`} did not run.\n`);
	}
	return outcome === 'completed' && unreachable.length === 0 ? 0 : 1;
}

/** Servers that were down, or whose database had failed, when calls to them failed: each with why and how many calls. */
export function unreachableDatabases(events: readonly SessionEvent[]): Array<{server: string; reason: string; calls: number}> {
	const found = new Map<string, {server: string; reason: string; calls: number}>();
	const failed = new Map<string, string>();
	const serverOf = new Map<string, string>();
	for (const event of events) {
		if (event.type === 'servers_changed') {
			for (const server of event.servers) {
				if (server.database?.state === 'failed') failed.set(server.name, `the database could not be reached (${server.database.reason})`);
				else if (server.state === 'failed') failed.set(server.name, `the tool server is down (${server.error ?? 'it failed to start'})`);
				else failed.delete(server.name);
			}
		} else if (event.type === 'tool_call_requested') {
			const server = parseMcpToolName(event.name)?.server;
			if (server) serverOf.set(event.callId, server);
		} else if (event.type === 'tool_call_completed' && event.isError) {
			const server = serverOf.get(event.callId);
			const reason = server === undefined ? undefined : failed.get(server);
			if (server === undefined || reason === undefined) continue;
			const entry = found.get(server) ?? {server, reason, calls: 0};
			entry.calls++;
			found.set(server, entry);
		}
	}
	return [...found.values()];
}

/** stream-json's first line, as Claude Code's: what this run is (session, model, the tools the model is offered). */
async function streamInit(session: Session, io: HeadlessIo): Promise<void> {
	const {toolHost} = await session.connected;
	await toolHost.ready();
	const init = {
		type: 'system',
		subtype: 'init',
		session_id: session.id,
		model: session.modelId,
		tools: toolHost.list().map(tool => tool.name),
		permissionMode: session.store.getState().mode,
		transcript: session.transcriptPath,
	};
	io.stdout(`${JSON.stringify(init)}\n`);
}

function streamEvents(session: Session, io: HeadlessIo): () => void {
	// Everything this run adds to the log, from its first event (a resumed session's old events are not news).
	let printed = session.resumedEvents;
	const print = () => {
		const events = session.store.getEvents();
		// Events are redacted as the store commits them: this prints what the transcript holds.
		for (; printed < events.length; printed++) io.stdout(`${JSON.stringify(events[printed])}\n`);
	};

	const unsubscribe = session.store.subscribe(print);
	return () => {
		unsubscribe();
		print();
	};
}

function nameOf(events: readonly SessionEvent[], callId: string): string {
	const requested = events.find(e => e.type === 'tool_call_requested' && e.callId === callId);
	return requested?.type === 'tool_call_requested' ? requested.name : callId;
}
