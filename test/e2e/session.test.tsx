import fs from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {readTranscript} from '../../source/transcripts/reader.js';
import {App} from '../../source/ui/app.js';
import {pressUntil} from '../helpers/keys.js';
import type {SessionSetup} from '../helpers/open-session.js';
import {startScriptedSession} from '../helpers/scripted-session.js';
import {lastSentBlock, sentBlocks, sentMessages} from '../helpers/sent-messages.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const scriptedSession = async (script: object) => startScriptedSession(script, cleanups);

/** The live app on a session, as a person sees it. */
function renderApp(setup: SessionSetup) {
	const view = render(<App session={setup} meta={{agent: 'backend-engineer', model: setup.modelId, sessionId: setup.sessionId}} onExit={() => undefined} />);
	cleanups.push(() => view.unmount());
	return view;
}

describe('a supervised session end to end', () => {
	it('streams a scripted answer with a tool call, waits for approval, returns the result, renders the final answer and writes every event', async () => {
		const {setup, server} = await scriptedSession({
			turns: [
				{text: 'Let me note that for you.', chunk: 5, tool_calls: [{name: 'mcp__fixture__write_note', input: {line: 'hello from the model'}}]},
				{text: 'The note is written. All done.', chunk: 7},
			],
		});
		const view = renderApp(setup);

		view.stdin.write('please note');
		await waitFor(() => view.lastFrame()?.includes('please note'), 'the typed prompt');
		view.stdin.write('\r');

		await waitFor(() => view.lastFrame()?.includes('mcp__fixture__write_note') && view.lastFrame()?.includes('y allow once'), 'the approval prompt');
		view.stdin.write('zzz');
		await new Promise(resolve => setImmediate(resolve));
		// Typing while a call waits must not answer it: the chat box is inactive.
		expect(setup.store.getState().openCalls[0]?.status).toBe('awaiting_approval');
		view.stdin.write('y');

		await waitFor(() => view.frames.join('\n').includes('The note is written. All done.'), 'the final answer');
		await waitFor(() => setup.store.getState().activity === 'idle', 'the turn to end');

		// The model received the tool result in the second request.
		const lastMessage = sentMessages(server.requests[1]?.body).at(-1);
		expect(lastMessage?.role).toBe('user');
		expect(sentBlocks(lastMessage)[0]).toMatchObject({type: 'tool_result', content: 'noted'});

		setup.store.flush();
		const transcript = await readTranscript(setup.transcriptPath);
		expect(transcript.warnings).toEqual([]);
		const types = transcript.events.map(e => e.type);
		// The checklist's own evidence events interleave with the turn; the turn's sequence is exact.
		expect(
			types.filter(
				t =>
					t !== 'assistant_text_delta' && t !== 'checklist_item_changed' && t !== 'notice_shown' && t !== 'internal_call_completed' && t !== 'servers_changed',
			),
		).toEqual([
			'user_prompt_submitted',
			'model_request_started',
			'assistant_message_completed',
			'tool_call_requested',
			'tool_call_previewed',
			'tool_call_decided',
			'tool_call_started',
			'tool_call_completed',
			'model_request_started',
			'assistant_message_completed',
			'turn_completed',
		]);
		const deltas = transcript.events
			.filter(e => e.type === 'assistant_text_delta')
			.map(e => (e as {text: string}).text)
			.join('');
		expect(deltas).toBe('Let me note that for you.The note is written. All done.');
		expect(transcript.events.find(e => e.type === 'tool_call_decided')).toMatchObject({decision: 'allow', by: 'user'});
		expect(transcript.events.find(e => e.type === 'tool_call_requested')).toMatchObject({classification: {class: 'write'}});
		expect(transcript.events.map(e => e.seq)).toEqual(transcript.events.map((_, i) => i + 1));
		expect(fs.readFileSync(setup.transcriptPath, 'utf8')).not.toContain('sk-ant-test-key');
	});

	it('runs a read-only call without asking and records that the mode allowed it', async () => {
		const {setup, server} = await scriptedSession({
			turns: [{text: 'Echoing.', tool_calls: [{name: 'mcp__fixture__echo', input: {text: 'ping'}}]}, {text: 'Echoed.'}],
		});
		await setup.toolHost.ready();
		await setup.runner!.submitPrompt('echo ping');
		expect(lastSentBlock(server.requests[1])).toMatchObject({type: 'tool_result', content: 'echo: ping'});
		expect(setup.store.getEvents().find(e => e.type === 'tool_call_decided')).toMatchObject({decision: 'allow', by: 'mode'});
	});

	it('allows with y: the write happens exactly once', async () => {
		const {setup, server, dir} = await scriptedSession({
			turns: [{text: 'Writing a note.', tool_calls: [{name: 'mcp__fixture__write_note', input: {line: 'approved line'}}]}, {text: 'Written.'}],
		});
		const view = renderApp(setup);
		view.stdin.write('write a note');
		view.stdin.write('\r');
		await waitFor(() => view.lastFrame()?.includes('y allow once'), 'the approval prompt');
		await pressUntil(view.stdin, 'y', () => setup.store.getEvents().some(e => e.type === 'tool_call_decided'), 'the call allowed');
		await waitFor(() => setup.store.getState().activity === 'idle' && server.requests.length === 2, 'the turn to end');
		expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('approved line\n');
	});

	it('denies with n: the model is told and the tool never runs', async () => {
		const {setup, server, dir} = await scriptedSession({
			turns: [
				{text: 'Writing a note.', tool_calls: [{name: 'mcp__fixture__write_note', input: {line: 'should not exist'}}]},
				{text: 'Understood, I will not write it.'},
			],
		});
		const view = renderApp(setup);
		view.stdin.write('write a note');
		view.stdin.write('\r');
		await waitFor(() => view.lastFrame()?.includes('y allow once'), 'the approval prompt');
		await pressUntil(view.stdin, 'n', () => setup.store.getEvents().some(e => e.type === 'tool_call_decided'), 'the call denied');
		await waitFor(() => setup.store.getState().activity === 'idle' && server.requests.length === 2, 'the turn to end');
		expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(false);
		const result = lastSentBlock(server.requests[1]);
		expect(result).toMatchObject({type: 'tool_result', is_error: true});
		expect(result.content).toContain('The user denied this tool call.');
	});

	it('shows a retry the person can see, then the answer, after the API answers 529', async () => {
		const {setup, server} = await scriptedSession({
			turns: [{error: {status: 529, type: 'overloaded_error', message: 'Overloaded'}}, {text: 'Answered after the retry.'}],
		});
		const view = renderApp(setup);
		view.stdin.write('hello');
		view.stdin.write('\r');
		await waitFor(() => view.frames.some(frame => /Retrying \(2\/\d\) in/.test(frame)), 'the retry notice', 20_000);
		await waitFor(() => view.frames.join('\n').includes('Answered after the retry.'), 'the answer', 20_000);
		expect(server.requests).toHaveLength(2);
		expect(setup.store.getEvents().filter(e => e.type === 'model_retry_scheduled')).toHaveLength(1);
	});

	it('cancels a streaming turn with Esc: the partial answer stays, the turn is marked cancelled', async () => {
		const {setup} = await scriptedSession({turns: [{text: 'word '.repeat(400), chunk: 5, delay_ms: 10}]});
		const view = renderApp(setup);
		view.stdin.write('talk');
		view.stdin.write('\r');
		await waitFor(() => setup.store.getState().liveText.length > 50, 'some streamed text');
		view.stdin.write('\u001B');
		await waitFor(() => setup.store.getState().activity === 'idle', 'the turn to stop');
		const events = setup.store.getEvents();
		expect(events.findLast(e => e.type === 'turn_completed')).toMatchObject({type: 'turn_completed', outcome: 'cancelled'});
		const partial = events.find(e => e.type === 'assistant_message_completed');
		expect(partial?.type === 'assistant_message_completed' && partial.content[0]?.type === 'text' && partial.content[0].text.length).toBeGreaterThan(50);
		expect(partial?.type === 'assistant_message_completed' && partial.content[0]?.type === 'text' && partial.content[0].text.length).toBeLessThan(2000);
		await waitFor(() => view.lastFrame()?.includes('Turn cancelled.'), 'the cancelled marker');
	});
});
