import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createReplay} from '../../source/replay/replay-model.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {App} from '../../source/ui/app.js';
import {ReplayApp} from '../../source/ui/replay/replay-app.js';
import {pressUntil} from '../helpers/keys.js';
import {startScriptedSession} from '../helpers/scripted-session.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const lines = (frame: string) => frame.split('\n').map(line => line.trimEnd());

/** Lines above the live prompt box (its top border is the last `╭` line once no approval is open). */
function liveChat(frame: string): string {
	const all = lines(frame);
	const promptTop = all.findLastIndex(line => line.startsWith('╭'));
	return trimBlankEdges(all.slice(0, promptTop)).join('\n');
}

/** Lines above the replay bar. */
function replayChat(frame: string): string {
	const all = lines(frame);
	const bar = all.findLastIndex(line => /^(▶ playing|❚❚ paused)/.test(line));
	return trimBlankEdges(all.slice(0, bar)).join('\n');
}

function trimBlankEdges(all: string[]): string[] {
	let start = 0;
	let end = all.length;
	while (start < end && all[start] === '') start++;
	while (end > start && all[end - 1] === '') end--;
	return all.slice(start, end);
}

describe('live session and its replay', () => {
	it('end on the same frame', async () => {
		const {setup, server} = await startScriptedSession(
			{
				turns: [
					{text: 'I will note that, then echo it.', chunk: 6, tool_calls: [{name: 'mcp__fixture__write_note', input: {line: 'first note'}}]},
					{text: 'Echoing now.', tool_calls: [{name: 'mcp__fixture__echo', input: {text: 'round two'}}]},
					{text: 'Noted and echoed. Anything else?', chunk: 4},
					{text: 'Writing a second note.', tool_calls: [{name: 'mcp__fixture__write_note', input: {line: 'second note'}}]},
					{text: 'Understood: no second note.'},
				],
			},
			cleanups,
		);
		const live = render(<App session={setup} meta={{agent: 'backend-engineer', model: setup.modelId, sessionId: setup.sessionId}} onExit={() => undefined} />);
		cleanups.push(() => live.unmount());
		const frame = () => live.lastFrame() ?? '';

		live.stdin.write('please note it');
		await waitFor(() => frame().includes('please note it'), 'the typed prompt');
		live.stdin.write('\r');
		await waitFor(() => frame().includes('y allow once'), 'the first approval');
		const decisions = () => setup.store.getEvents().filter(e => e.type === 'tool_call_decided' && e.by === 'user').length;
		await pressUntil(live.stdin, 'y', () => decisions() === 1, 'the first call allowed');
		await waitFor(() => setup.store.getState().activity === 'idle' && server.requests.length === 3, 'the first turn to end');

		live.stdin.write('one more note');
		await waitFor(() => frame().includes('one more note'), 'the second prompt');
		live.stdin.write('\r');
		await waitFor(() => frame().includes('y allow once'), 'the second approval');
		await pressUntil(live.stdin, 'n', () => decisions() === 2, 'the second call denied');
		await waitFor(() => setup.store.getState().activity === 'idle' && server.requests.length === 5, 'the second turn to end');
		setup.store.flush();
		await waitFor(() => frame().includes('Understood: no second note.') && frame().includes('ready'), 'the final live frame');

		const transcript = await readTranscript(setup.transcriptPath);
		expect(transcript.warnings).toEqual([]);
		const replay = createReplay(transcript.events);
		// Tall enough for the whole session: live keeps every entry in <Static>, replay draws a window.
		const view = render(<ReplayApp header={transcript.header} replay={replay} size={{columns: 100, rows: 200}} />);
		cleanups.push(() => view.unmount());
		view.stdin.write('G');
		await waitFor(() => view.lastFrame()?.includes(`event ${replay.length} of ${replay.length}`), 'the replay to reach the end');

		const liveText = liveChat(frame());
		const replayText = replayChat(view.lastFrame() ?? '');
		// The session really is in the frame: both prompts, the allowed and the denied call, the last answer.
		for (const text of [
			'> please note it',
			'✓ mcp__fixture__write_note',
			'⎿ noted',
			'✓ mcp__fixture__echo',
			'⊘ mcp__fixture__write_note',
			'> one more note',
			'Understood: no second note.',
		])
			expect(liveText).toContain(text);
		expect(replayText).toBe(liveText);
		// The checklist's own look-ups may still be landing after the file was read: compare up to the file's end.
		const lastSeq = transcript.events.at(-1)!.seq;
		expect(replay.stateAt(replay.length).entries).toEqual(setup.store.getState().entries.filter(entry => Number(entry.id.slice(1)) <= lastSeq));
	});
});
