import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {EventBody} from '../../source/core/events.js';
import {createReplay} from '../../source/replay/replay-model.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {actionFor} from '../../source/ui/keys/bindings.js';
import {replayContexts} from '../../source/ui/keys/focus.js';
import {ReplayApp} from '../../source/ui/replay/replay-app.js';
import {REPO_ROOT} from '../helpers/paths.js';
import {stamp, testHeader, turnBodies} from '../helpers/transcript-events.js';
import {waitFor} from '../helpers/wait-for.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/transcripts/v1-basic.jsonl');
const KEY = {right: '\u001B[C', left: '\u001B[D', up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B'};
const SIZE = {columns: 100, rows: 40};

const views: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const view of views.splice(0)) view.unmount();
});

async function open(events = 'fixture' as 'fixture' | ReturnType<typeof stamp>, initialPosition = 0) {
	const transcript = events === 'fixture' ? await readTranscript(FIXTURE) : {header: testHeader(), events};
	const replay = createReplay(transcript.events);
	let exited = false;
	const view = render(
		<ReplayApp header={transcript.header} replay={replay} size={SIZE} timeZone="UTC" initialPosition={initialPosition} onExit={() => (exited = true)} />,
	);
	views.push(view);
	const frame = () => view.lastFrame() ?? '';
	const press = async (keys: string, expected: string | RegExp) => {
		view.stdin.write(keys);
		await waitFor(
			() => (typeof expected === 'string' ? frame().includes(expected) : expected.test(frame())),
			`"${String(expected)}" after ${JSON.stringify(keys)}\n${frame()}`,
			3000,
		);
	};

	const until = (check: () => boolean, what: string) => waitFor(check, `${what}\n${frame()}`, 5000);
	return {view, frame, press, until, replay, exited: () => exited};
}

const eventNumber = (frame: string): number => Number(/event (\d+) of/.exec(frame)?.[1] ?? Number.NaN);

/** Two turns: the first asks and is allowed, the second is denied with feedback. */
function twoTurns() {
	const denied: EventBody[] = [
		{type: 'user_prompt_submitted', text: 'Now drop the orders table'},
		{type: 'model_request_started', round: 1, model: 'm'},
		{
			type: 'assistant_message_completed',
			content: [
				{type: 'text', text: 'Dropping it.'},
				{type: 'tool_use', id: 'toolu_drop', name: 'mcp__supabase__execute_sql', input: {query: 'drop table orders;'}},
			],
			stopReason: 'tool_use',
			usage: {inputTokens: 1, outputTokens: 1},
		},
		{
			type: 'tool_call_requested',
			callId: 'toolu_drop',
			name: 'mcp__supabase__execute_sql',
			input: {query: 'drop table orders;'},
			classification: {class: 'destructive', hazards: ['deletes data']},
		},
		{type: 'tool_call_decided', callId: 'toolu_drop', decision: 'deny', by: 'user', feedback: 'keep the orders'},
		{type: 'model_request_started', round: 2, model: 'm'},
		{
			type: 'assistant_message_completed',
			content: [{type: 'text', text: 'Understood, the table stays.'}],
			stopReason: 'end_turn',
			usage: {inputTokens: 1, outputTokens: 1},
		},
		{type: 'turn_completed', outcome: 'completed'},
	];
	return stamp([...turnBodies(1, 2), ...denied]);
}

describe('the replay app', () => {
	it('shows the checklist as it stood at the cursor with c', async () => {
		const events = stamp([
			{type: 'user_prompt_submitted', text: 'secure the notes table'},
			{
				type: 'checklist_item_changed',
				itemId: 'rls',
				text: 'Row level security is on and tested',
				state: 'open',
				by: 'evidence',
				evidence: 'public.notes has RLS off',
			},
			{
				type: 'checklist_item_changed',
				itemId: 'rls',
				text: 'Row level security is on and tested',
				state: 'done',
				by: 'evidence',
				evidence: 'tested as authenticated',
			},
			{type: 'turn_completed', outcome: 'completed'},
		]);
		const {press} = await open(events, 2);
		await press('c', /○[^\n]*Row level security is on and tested/);
		await press('G', /✓[^\n]*Row level security is on and tested/);
		await press('c', /^(?![\s\S]*Quality checklist)/);
	});

	it('starts empty and steps one event at a time with → and ←', async () => {
		const {frame, press} = await open();
		expect(frame()).toContain('Replay of session 0l2k9m4q');
		expect(frame()).toContain('event 0 of 15');
		await press(KEY.right, 'event 1 of 15');
		expect(frame()).toContain('> Orders by customer are slow.');
		await press(KEY.right + KEY.right + KEY.right, 'event 4 of 15');
		// Streamed text shows as it streamed: two deltas so far.
		expect(frame()).toContain("I'll add a migration with");
		expect(frame()).not.toContain('the index.');
		await press(KEY.left, 'event 3 of 15');
		expect(frame()).toContain("I'll add");
		expect(frame()).not.toContain('a migration with');
	});

	it('jumps to the end and the start with G and g, and by turn with ] [ ↓ ↑', async () => {
		const events = twoTurns();
		const {frame, press, replay} = await open(events);
		const total = events.length;
		await press('G', `event ${total} of ${total}`);
		expect(frame()).toContain('Understood, the table stays.');
		expect(frame()).toContain('turn 2 of 2');
		await press('g', `event 0 of ${total}`);
		await press(']', `event ${replay.nextTurn(0)!} of ${total}`);
		expect(frame()).toContain('turn 1 of 2');
		await press(KEY.down, 'turn 2 of 2');
		expect(frame()).toContain('> Now drop the orders table');
		expect(frame()).not.toContain('Dropping it.');
		await press('[', 'turn 1 of 2');
		await press(KEY.down + KEY.up, `event ${replay.nextTurn(0)!} of ${total}`);
		await press(KEY.down, 'turn 2 of 2');
		await press(KEY.down, 'No later user turn.');
	});

	it('stops at each approval with a shows the pane with the decision taken, and never asks', async () => {
		const events = twoTurns();
		const {frame, press, view} = await open(events);
		await press('a', 'Decision taken: allowed by the user');
		expect(frame()).toContain('Tool call: mcp__supabase__apply_migration');
		expect(frame()).not.toContain('allow once');
		// y and n answer nothing in replay: the position stays and no decision is made.
		const before = frame();
		view.stdin.write('yn');
		await new Promise(resolve => setTimeout(resolve, 50));
		expect(frame()).toBe(before);
		await press('a', 'Decision taken: denied by the user');
		expect(frame()).toContain('keep the orders');
		expect(frame()).toContain('DESTRUCTIVE');
		await press(KEY.right, '⊘ mcp__supabase__execute_sql');
		expect(frame()).not.toContain('Decision taken');
		await press('a', 'No later approval.');
		await press('D', 'No later diff in this session.');
	});

	it('searches with / and Enter, then n / N for the next and previous match, wrapping around', async () => {
		const events = twoTurns();
		const {frame, press} = await open(events);
		await press('/', 'Enter find');
		await press('DROP', '/DROP');
		await press(KEY.enter, '> Now drop the orders table');
		expect(frame()).not.toContain('Enter find');
		expect(frame()).not.toContain('Dropping it.');
		const first = eventNumber(frame());
		await press('n', 'Dropping it.');
		expect(eventNumber(frame())).toBeGreaterThan(first);
		await press('n', 'DESTRUCTIVE');
		await press('n', /wrapped around to the start/);
		expect(eventNumber(frame())).toBe(first);
		await press('N', /wrapped around to the end/);
		await press('/', 'Enter find');
		await press('no such thing', '/no such thing');
		await press(KEY.enter, 'No match for "no such thing".');
		await press('/', 'Enter find');
		await press(KEY.escape, '←→ step');
	});

	it('plays at recorded pace with space, pauses with space, and changes speed with + and - up to instant', async () => {
		// 100 ms between events: ×2 plays one event every 50 ms.
		const events = stamp(turnBodies(1, 3)).map((event, i) => ({...event, at: event.at + i * 100}));
		const {frame, press, until} = await open(events);
		await press('-', '❚❚ paused ×0.5');
		await press('+', '❚❚ paused ×1');
		await press('+', '❚❚ paused ×2');
		await press(' ', '▶ playing ×2');
		await until(() => eventNumber(frame()) >= 3, 'play to move the cursor');
		await press(' ', '❚❚ paused ×2');
		const paused = eventNumber(frame());
		await new Promise(resolve => setTimeout(resolve, 300));
		expect(eventNumber(frame())).toBe(paused);
		expect(paused).toBeLessThan(events.length);
		for (const label of ['×5', '×10', '×20', '×50', 'instant']) await press('+', `paused ${label}`);
		await press(' ', '▶ playing instant');
		await until(() => frame().includes(`❚❚ paused instant · event ${events.length} of ${events.length}`), 'play to reach the end and stop');
		// Space at the end plays again from the start.
		await press('-', 'paused ×50');
		await press(' ', /event \d+ of/);
		await until(() => frame().includes(`event ${events.length} of`) && frame().includes('paused'), 'the second play to end');
	});

	it('shows help with ? and quits with q', async () => {
		const {view, press, exited} = await open();
		await press('?', 'Replay keys');
		await press('?', /^(?![\s\S]*Replay keys)/);
		// After q the app unmounts, so there is no frame to wait for: wait for the exit itself.
		view.stdin.write('q');
		await waitFor(() => exited(), 'the replay to exit');
	});
});

describe('replay keys', () => {
	const paused = replayContexts({searching: false, helpOpen: false, playing: false});
	const replayActionFor = (input: string, key: Parameters<typeof actionFor>[2]) => actionFor(paused, input, key);

	it.each([
		['→', '', {rightArrow: true}, 'stepForward'],
		['←', '', {leftArrow: true}, 'stepBack'],
		['↓', '', {downArrow: true}, 'nextTurn'],
		['↑', '', {upArrow: true}, 'previousTurn'],
		[']', ']', {}, 'nextTurn'],
		['[', '[', {}, 'previousTurn'],
		['a', 'a', {}, 'nextApproval'],
		['D', 'D', {}, 'nextDiff'],
		['space', ' ', {}, 'playPause'],
		['+', '+', {}, 'faster'],
		['-', '-', {}, 'slower'],
		['g', 'g', {}, 'start'],
		['G', 'G', {}, 'end'],
		['Home', '', {home: true}, 'start'],
		['End', '', {end: true}, 'end'],
		['/', '/', {}, 'search'],
		['Ctrl+C', 'c', {ctrl: true}, 'quit'],
	] as const)('%s triggers %s', (_name, input, key, action) => {
		expect(replayActionFor(input, key)).toBe(action);
	});

	it('ignores keys it does not know and Ctrl combinations other than Ctrl+C', () => {
		expect(replayActionFor('z', {})).toBeUndefined();
		expect(replayActionFor('a', {ctrl: true})).toBeUndefined();
	});
});

describe('what the session held, in replay', () => {
	it('shows the permission mode, the tools granted for the session and the servers at the cursor, as the log had them', async () => {
		const events = stamp([
			{type: 'servers_changed', servers: [{name: 'supabase', state: 'idle', tools: 25}]},
			{type: 'user_prompt_submitted', text: 'note it'},
			{type: 'model_request_started', round: 1, model: 'm'},
			{
				type: 'assistant_message_completed',
				content: [{type: 'tool_use', id: 'toolu_n', name: 'mcp__fixture__write_note', input: {line: 'x'}}],
				stopReason: 'tool_use',
				usage: {inputTokens: 1, outputTokens: 1},
			},
			{type: 'tool_call_requested', callId: 'toolu_n', name: 'mcp__fixture__write_note', input: {line: 'x'}, classification: {class: 'write', hazards: []}},
			{type: 'tool_call_decided', callId: 'toolu_n', decision: 'allow', by: 'user', scope: 'session'},
			{type: 'tool_call_started', callId: 'toolu_n'},
			{type: 'tool_call_completed', callId: 'toolu_n', isError: false, content: 'noted', durationMs: 3},
			{type: 'turn_completed', outcome: 'completed'},
			{type: 'permission_mode_changed', mode: 'acceptEdits'},
		]);
		const {frame, press} = await open(events);
		expect(frame()).toContain('mode default');
		expect(frame()).not.toContain('allowed for the session');
		await press('G', 'mode acceptEdits');
		expect(frame()).toContain('allowed for the session: mcp__fixture__write_note');
		expect(frame()).toContain('· supabase 25 tools');
		expect(frame()).toContain('Permission mode: accept edits');
	});
});
