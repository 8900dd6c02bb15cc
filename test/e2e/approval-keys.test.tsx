import fs from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../source/ui/app.js';
import type {SessionSetup} from '../helpers/open-session.js';
import {type Cleanups, startScriptedSession} from '../helpers/scripted-session.js';
import {lastSentBlock} from '../helpers/sent-messages.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Cleanups = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function renderApp(setup: SessionSetup) {
	const view = render(<App session={setup} meta={{agent: 'a', model: 'm', sessionId: setup.sessionId}} onExit={() => undefined} />);
	cleanups.push(() => view.unmount());
	return view;
}

const note = (line: string) => ({name: 'mcp__fixture__write_note', input: {line}});
const frameHas = (view: ReturnType<typeof renderApp>, text: string) => () => view.lastFrame()?.includes(text);
/** Keys wait for the preview, so a test waits for the keys line before pressing one. */
const keysShown = (view: ReturnType<typeof renderApp>) => frameHas(view, 'y allow once');

/** Types into a field that has just appeared; a busy machine may attach its key handler a moment later. */
async function typeInto(view: ReturnType<typeof renderApp>, text: string) {
	for (let attempt = 0; attempt < 4; attempt++) {
		view.stdin.write(text);
		const seen = await waitFor(frameHas(view, text), 'the typed text', 1500).then(
			() => true,
			() => false,
		);
		if (seen) return;
	}

	throw new Error(`"${text}" never appeared in the field`);
}

async function prompt(view: ReturnType<typeof renderApp>, text: string) {
	view.stdin.write(text);
	await waitFor(frameHas(view, text), 'the typed prompt');
	view.stdin.write('\r');
}

describe('the approval pane keys', () => {
	it('denies with d and feedback: the model receives the feedback and nothing runs', async () => {
		const {setup, server, dir} = await startScriptedSession({turns: [{text: 'Noting.', tool_calls: [note('not wanted')]}, {text: 'Understood.'}]}, cleanups);
		const view = renderApp(setup);
		await prompt(view, 'note it');
		await waitFor(keysShown(view), 'the approval keys');
		view.stdin.write('d');
		await waitFor(frameHas(view, 'Why not?'), 'the feedback field');
		await typeInto(view, 'use the notes table instead');
		view.stdin.write('\r');
		await waitFor(() => server.requests.length === 2 && setup.store.getState().activity === 'idle', 'the turn to end');
		const result = lastSentBlock(server.requests[1]);
		expect(result).toMatchObject({type: 'tool_result', is_error: true});
		expect(result.content).toContain('Feedback from the user: use the notes table instead');
		expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(false);
		expect(setup.store.getEvents().find(e => e.type === 'tool_call_decided')).toMatchObject({
			decision: 'deny',
			by: 'user',
			feedback: 'use the notes table instead',
		});
	});

	it('edits the arguments with e: the edited call is what runs, and the model is told', async () => {
		const {setup, server, dir} = await startScriptedSession({turns: [{text: 'Noting.', tool_calls: [note('first draft')]}, {text: 'Noted.'}]}, cleanups);
		const view = renderApp(setup);
		await prompt(view, 'note it');
		await waitFor(keysShown(view), 'the approval keys');
		view.stdin.write('e');
		await waitFor(frameHas(view, 'Edit the arguments (JSON)'), 'the editor');
		view.stdin.write('\u0015'); // Ctrl+U clears the field
		await typeInto(view, '{"line": "edited by the person"}');
		view.stdin.write('\u0013'); // Ctrl+S saves; the preview is recomputed for the edited call
		await waitFor(keysShown(view), 'the keys again, for the edited call');
		view.stdin.write('y');
		await waitFor(() => server.requests.length === 2 && setup.store.getState().activity === 'idle', 'the turn to end');
		expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('edited by the person\n');
		expect(setup.store.getEvents().find(e => e.type === 'tool_call_decided')).toMatchObject({decision: 'allow', editedInput: {line: 'edited by the person'}});
		expect(lastSentBlock(server.requests[1]).content).toContain('the user edited the input before it ran');
	});

	it('allows a tool for the session with a: the next call of it runs unasked, a destructive call still asks', async () => {
		const {setup, server, dir} = await startScriptedSession(
			{
				turns: [
					{text: 'First note.', tool_calls: [note('one')]},
					{text: 'Second note.', tool_calls: [note('two')]},
					{text: 'Clearing.', tool_calls: [{name: 'mcp__fixture__clear_notes', input: {}}]},
					{text: 'Done.'},
				],
			},
			cleanups,
		);
		const view = renderApp(setup);
		await prompt(view, 'notes');
		await waitFor(keysShown(view), 'the approval keys');
		expect(view.lastFrame()).toContain('a allow for session');
		view.stdin.write('a');
		// The second write_note runs without a prompt; the destructive clear_notes asks, without the "a" key.
		await waitFor(
			() => setup.store.getState().openCalls.some(c => c.name === 'mcp__fixture__clear_notes' && c.status === 'awaiting_approval' && c.previewPending !== true),
			'the destructive call to wait',
		);
		await waitFor(() => keysShown(view)() && view.lastFrame()?.includes('mcp__fixture__clear_notes'), 'the approval keys for the destructive call');
		expect(view.lastFrame()).toContain('DESTRUCTIVE');
		expect(view.lastFrame()).not.toContain('a allow for session');
		expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('one\ntwo\n');
		const decided = setup.store.getEvents().filter(e => e.type === 'tool_call_decided');
		expect(decided.map(e => e.type === 'tool_call_decided' && e.by)).toEqual(['user', 'session']);
		view.stdin.write('n');
		await waitFor(() => server.requests.length === 4 && setup.store.getState().activity === 'idle', 'the turn to end');
		expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(true);
	});

	it('queues the calls of a round in order, "1 of 3", and runs them in that order', async () => {
		const {setup, dir} = await startScriptedSession(
			{turns: [{text: 'Three notes.', tool_calls: [note('alpha'), note('beta'), note('gamma')]}, {text: 'All three.'}]},
			cleanups,
		);
		const view = renderApp(setup);
		await prompt(view, 'three notes');
		for (const [index, line] of ['alpha', 'beta', 'gamma'].entries()) {
			await waitFor(() => keysShown(view)() && view.lastFrame()?.includes(line), `the call for ${line}`);
			if (index === 0) expect(view.lastFrame()).toContain('Tool call 1 of 3');
			if (index === 1) expect(view.lastFrame()).toContain('Tool call 1 of 2');
			view.stdin.write('y');
			await waitFor(
				() => fs.existsSync(path.join(dir, 'notes.txt')) && fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8').includes(line),
				`${line} to be written`,
			);
		}

		await waitFor(() => setup.store.getState().activity === 'idle', 'the turn to end');
		expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('alpha\nbeta\ngamma\n');
	});
});
