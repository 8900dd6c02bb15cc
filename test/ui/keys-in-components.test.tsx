/**
 * The keys the components used to read by hand, pressed for real (ink-testing-library's stdin) now that they come
 * from the bindings table: the app's ?, D, Ctrl+C, Esc and checklist keys; the approval pane's scrolling and its
 * fields; the prompt's editing keys.
 */
import {render} from 'ink-testing-library';
import type React from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import type {ToolCallView} from '../../source/core/session-state.js';
import type {UserDecision} from '../../source/store/runner.js';
import {App, type AppProps} from '../../source/ui/app.js';
import {ApprovalPane} from '../../source/ui/approval-pane.js';
import {LIVE_IDLE} from '../../source/ui/keys/focus.js';
import {PromptInput} from '../../source/ui/prompt-input.js';
import {pressUntil} from '../helpers/keys.js';
import {appSession, storeWith} from './app-session.js';

const KEY = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	shiftTab: '\u001B[Z',
	ctrlC: '\u0003',
	ctrlD: '\u0004',
	ctrlL: '\u000C',
	ctrlS: '\u0013',
	ctrlU: '\u0015',
};

const views: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const view of views.splice(0)) view.unmount();
});

const strip = (text: string | undefined) => (text ?? '').replace(/\u001b\[[0-9;]*m/g, '');

function show(node: React.ReactElement) {
	const view = render(node);
	views.push(view);
	const frame = () => strip(view.lastFrame());
	// A pane or field attaches its key handler just after its first frame is drawn: a key sent that soon is pressed again.
	const press = (keys: string, expected: string | RegExp | (() => boolean)) => {
		const done = typeof expected === 'function' ? expected : () => (typeof expected === 'string' ? frame().includes(expected) : expected.test(frame()));
		return pressUntil(view.stdin, keys, done, `${String(expected)}\n${frame()}`);
	};

	return {view, frame, press};
}

/** Lets Ink hand a key to every handler, for asserting that nothing happened. */
const settle = () => new Promise(resolve => setTimeout(resolve, 50));

function renderApp(props: Partial<AppProps> = {}) {
	let exited = 0;
	const app = show(
		<App
			session={props.session ?? appSession().session}
			meta={{agent: 'a', model: 'm', sessionId: 's'}}
			{...props}
			onExit={() => {
				exited += 1;
			}}
		/>,
	);
	return {...app, exited: () => exited};
}

const ITEMS = [
	{id: 'one', text: 'First item'},
	{id: 'two', text: 'Second item'},
];

describe('the app’s keys', () => {
	it('shows and hides the help with ? on the empty prompt, and types ? after other text', async () => {
		const {frame, press} = renderApp();
		await press('?', 'anywhere');
		await press('?', () => !frame().includes('anywhere'));
		await press('a', '> a');
		await press('?', '> a?');
		expect(frame()).not.toContain('anywhere');
	});

	it('closes the help with Esc before Esc cancels the turn', async () => {
		const {session, calls} = appSession({store: storeWith([{type: 'user_prompt_submitted', text: 'go'}])});
		const {frame, press} = renderApp({session});
		await press('?', 'anywhere');
		await press(KEY.escape, () => !frame().includes('anywhere'));
		expect(calls.cancelled).toBe(0);
		await press(KEY.escape, () => calls.cancelled === 1);
	});

	it('starts the offline demo with D on the empty welcome prompt; after other text D is a letter', async () => {
		let started = 0;
		const startDemo = () => {
			started += 1;
			return new Promise<void>(() => undefined);
		};
		const typed = renderApp({session: appSession({hasModel: false, setupMessage: 'No API key.', startDemo}).session});
		await typed.press('xD', '> xD');
		expect(started).toBe(0);
		typed.view.unmount();
		const {press} = renderApp({session: appSession({hasModel: false, setupMessage: 'No API key.', startDemo}).session});
		await press('D', 'Starting the offline demo…');
		expect(started).toBe(1);
	});

	it('keeps a prompt nobody can answer yet in the box, typed or given on the command line', async () => {
		const typed = appSession({hasModel: false, setupMessage: 'No API key.'});
		const {press, frame} = renderApp({session: typed.session});
		await press('add a todos table', '> add a todos table');
		await press(KEY.enter, 'No model to answer yet');
		expect(frame()).toContain('> add a todos table');
		expect(typed.calls.prompts).toEqual([]);

		const given = appSession({hasModel: false, setupMessage: 'No API key.'});
		const second = renderApp({session: given.session, initialPrompt: 'list my tables'});
		await second.press('', () => second.frame().includes('> list my tables'));
		expect(given.calls.prompts).toEqual([]);
	});

	it('asks on the first Ctrl+C and quits on the second; two in one read, or raw ones, quit as well', async () => {
		const first = renderApp();
		await first.press(KEY.ctrlC, 'Press Ctrl+C again to quit.');
		expect(first.exited()).toBe(0);
		await first.press(KEY.ctrlC, () => first.exited() === 1);
		const burst = renderApp();
		await burst.press(KEY.ctrlC + KEY.ctrlC, () => burst.exited() === 1);
	});

	it('cycles the permission mode with Shift+Tab', async () => {
		const {session} = appSession();
		const {press} = renderApp({session});
		await press(KEY.shiftTab, () => session.store.getState().mode === 'acceptEdits');
		await press(KEY.shiftTab, 'plan mode');
	});

	it('opens the checklist with Ctrl+L, moves with ↓/↑, ticks with Space, shows evidence with Enter and closes with Esc', async () => {
		const {session, calls} = appSession();
		const ticked = calls.ticked;
		const {frame, press} = renderApp({session, checklistItems: ITEMS});
		await press(KEY.ctrlL, 'Quality checklist');
		expect(frame()).toContain('↑↓ select · Enter evidence · Space tick yourself · Esc close');
		expect(frame()).toMatch(/› ○ +First item/);
		await press(KEY.down, /› ○ +Second item/);
		await press(' ', () => ticked.length === 1);
		expect(ticked).toEqual(['two']);
		await press(KEY.up, /› ○ +First item/);
		await press(KEY.enter, 'tick it yourself (space) or let the model tick it');
		// While the checklist is open the prompt takes no text.
		await press('z', 'Quality checklist');
		expect(frame()).not.toContain('> z');
		await press(KEY.escape, () => !frame().includes('Quality checklist'));
	});

	it('reopens the previews with Ctrl+D, scrolls them with j, picks with ← and →, and closes them with Esc', async () => {
		const added = Array.from({length: 30}, (_, i) => `+column public.t.c${i + 1} integer`).join('\n');
		const preview = (summary: string) => ({kind: 'schema' as const, summary, hazards: [], diff: `--- schema before\n+++ schema after\n${added}\n`});
		const store = storeWith([
			{type: 'user_prompt_submitted', text: 'go'},
			{type: 'tool_call_requested', callId: 'c1', name: 'mcp__supabase__apply_migration', input: {query: 'alter table t'}},
			{type: 'tool_call_previewed', callId: 'c1', preview: preview('first preview')},
			{type: 'tool_call_decided', callId: 'c1', decision: 'deny', by: 'user'},
			{type: 'tool_call_requested', callId: 'c2', name: 'mcp__supabase__apply_migration', input: {query: 'alter table u'}},
			{type: 'tool_call_previewed', callId: 'c2', preview: preview('second preview')},
			{type: 'tool_call_decided', callId: 'c2', decision: 'deny', by: 'user'},
			{type: 'turn_completed', outcome: 'completed'},
		]);
		const {frame, press} = renderApp({session: appSession({store}).session});
		await press(KEY.ctrlD, 'Diffs this session · 1 of 2');
		expect(frame()).toContain('--- schema before');
		await press('j', () => !frame().includes('--- schema before'));
		expect(frame()).toContain('1 of 2');
		await press(KEY.right, '2 of 2');
		await press(KEY.left, '1 of 2');
		await press(KEY.escape, () => !frame().includes('Diffs this session'));
	});
});

function longCall(extra: Partial<ToolCallView> = {}): ToolCallView {
	const query = Array.from({length: 40}, (_, i) => `select ${i + 1};`).join('\n');
	return {callId: 'c1', name: 'mcp__supabase__execute_sql', input: {query}, status: 'awaiting_approval', requestedAt: 0, ...extra};
}

function renderPane(call: ToolCallView) {
	const decisions: UserDecision[] = [];
	const pane = show(
		<ApprovalPane
			queue={[call]}
			width={100}
			maxRows={12}
			focus={{...LIVE_IDLE, approvalPending: true}}
			onDecision={(_callId, decision) => decisions.push(decision)}
		/>,
	);
	return {...pane, decisions};
}

describe('the approval pane’s keys', () => {
	it('scrolls the call with j/k, ↓/↑ and PgDn/PgUp', async () => {
		const {frame, press} = renderPane(longCall());
		expect(frame()).toMatch(/lines 1–\d+ of 40 · j\/k PgUp\/PgDn scroll/);
		await press('j', 'lines 2–');
		await press('k', 'lines 1–');
		await press(KEY.down, 'lines 2–');
		await press(KEY.up, 'lines 1–');
		const page = Number(/lines 1–(\d+)/.exec(frame())?.[1]);
		await press(KEY.pageDown, `lines ${page + 1}–`);
		await press(KEY.pageUp, 'lines 1–');
	});

	it('offers "allow for the session" only where the gate would grant: a control-file write gets y, never a', async () => {
		const controlFile = 'writes .mcp.json, a file that decides which servers run';
		const write = {callId: 'c1', name: 'Write', input: {file_path: '.mcp.json', content: '{}'}, status: 'awaiting_approval' as const, requestedAt: 0};
		const ordinary = renderPane({...write, classification: {class: 'write', hazards: []}});
		expect(ordinary.frame()).toContain('a allow for session');
		ordinary.view.unmount();

		const {frame, press, decisions} = renderPane({...write, classification: {class: 'write', hazards: [controlFile], controlFile}});
		expect(frame()).toContain('y allow once');
		expect(frame()).not.toContain('allow for session');
		await press('a', () => true);
		await settle();
		expect(decisions).toEqual([]);
		await press('y', () => decisions.length === 1);
		expect(decisions).toEqual([{decision: 'allow'}]);
	});

	it('shows a long SQL line to its end, wrapped inside the pane, with nothing cut', async () => {
		// What matters is at the end of the line, past an 80-column pane's edge: an inner join that empties a table.
		const query = `delete from public.orders o using public.customers c where o.customer_id = c.id and c.region = 'eu' or true -- everything`;
		const call: ToolCallView = {callId: 'c1', name: 'mcp__supabase__execute_sql', input: {query}, status: 'awaiting_approval', requestedAt: 0};
		const view = show(<ApprovalPane queue={[call]} width={80} maxRows={16} focus={{...LIVE_IDLE, approvalPending: true}} onDecision={() => undefined} />);
		const rows = view.frame().split('\n');
		expect(rows.every(row => row.length <= 80)).toBe(true);
		expect(view.frame()).not.toContain('…');
		// Every word of the SQL is on screen, in order.
		const shown = rows.map(row => row.replace(/^│ ?|│$/g, '').trim()).join(' ');
		expect(shown.replace(/\s+/g, ' ')).toContain(query);
	});

	it('switches between the preview and the SQL with v', async () => {
		const preview = {kind: 'schema' as const, summary: 'schema change: one table', hazards: [], diff: '--- a\n+++ b\n+table public.t\n'};
		const {press} = renderPane(longCall({preview}));
		await press('v', 'The call · v show the preview');
		await press('v', 'Preview (measured where it cannot act) · v show the SQL');
	});

	it('takes feedback with d: typing, Backspace, Ctrl+U and Esc back, then Enter denies with it', async () => {
		const {frame, press, decisions} = renderPane(longCall());
		await press('d', 'Why not?');
		expect(frame()).toContain('Enter deny with this feedback · Esc back');
		await press('xyz', 'xyz');
		await press(KEY.backspace, () => frame().includes('xy') && !frame().includes('xyz'));
		await press(KEY.ctrlU, () => !frame().includes('xy'));
		await press(KEY.escape, 'y allow once');
		expect(decisions).toEqual([]);
		await press('d', 'Why not?');
		await press('use the view', 'use the view');
		await press(KEY.enter, () => decisions.length === 1);
		expect(decisions).toEqual([{decision: 'deny', feedback: 'use the view'}]);
	});

	it('edits the call with e: Enter breaks the line and Ctrl+S saves what runs', async () => {
		const {frame, press, decisions} = renderPane(longCall());
		await press('e', 'Edit the SQL');
		await press(KEY.ctrlU, () => !frame().includes('select 40;'));
		await press('select 1;', 'select 1;');
		await press(KEY.enter, 'select 1;');
		await press('select 2;', 'select 2;');
		await press(KEY.ctrlS, () => decisions.length === 1);
		expect(decisions).toEqual([{decision: 'allow', editedInput: {query: 'select 1;\nselect 2;'}}]);
	});
});

describe('the prompt’s keys', () => {
	it('deletes with Backspace, clears with Ctrl+U, leaves Esc to the app and sends with Enter', async () => {
		const sent: string[] = [];
		const {view, frame, press} = show(<PromptInput focus={LIVE_IDLE} placeholder="ask" onSubmit={text => sent.push(text)} />);
		await press('hello', '> hello');
		await press(KEY.backspace, () => frame().includes('> hell') && !frame().includes('hello'));
		await press(KEY.ctrlU, () => frame().includes('ask') && !frame().includes('hell'));
		view.stdin.write(KEY.escape);
		await settle();
		expect(frame()).toContain('ask');
		await press('hi', '> hi');
		await press(KEY.enter, () => sent.length === 1);
		expect(sent).toEqual(['hi']);
	});
});
