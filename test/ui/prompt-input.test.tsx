/**
 * The chat prompt's Claude Code keys, pressed for real through ink-testing-library's stdin: ↑/↓ through earlier
 * prompts with the draft kept, Ctrl+C that clears a draft before it quits, `\` then Enter (and Ctrl+J, Meta+Enter)
 * for a new line, a large paste shown as a placeholder and sent whole, and Ctrl+O for a call's whole result.
 */
import {render} from 'ink-testing-library';
import type React from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import type {EventBody} from '../../source/core/events.js';
import {App, type AppProps} from '../../source/ui/app.js';
import {ApprovalPane} from '../../source/ui/approval-pane.js';
import {LIVE_IDLE} from '../../source/ui/keys/focus.js';
import {PromptInput, type PromptInputProps} from '../../source/ui/prompt-input.js';
import {pressUntil} from '../helpers/keys.js';
import {waitFor} from '../helpers/wait-for.js';
import {appSession, storeWith} from './app-session.js';

const KEY = {
	up: '\u001B[A',
	down: '\u001B[B',
	left: '\u001B[D',
	enter: '\r',
	ctrlC: '\u0003',
	ctrlJ: '\n',
	ctrlO: '\u000F',
	metaEnter: '\u001B\r',
	escape: '\u001B',
	pasteStart: '\u001B[200~',
	pasteEnd: '\u001B[201~',
};

const views: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const view of views.splice(0)) view.unmount();
});

const strip = (text: string | undefined) => (text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
/** Lets Ink hand a key to every handler, for asserting that nothing happened. */
const settle = () => new Promise(resolve => setTimeout(resolve, 50));

function show(node: React.ReactElement) {
	const view = render(node);
	views.push(view);
	const frame = () => strip(view.lastFrame());
	// A component attaches its key handler just after its first frame is drawn: a key sent that soon is pressed again.
	const press = (keys: string, expected: string | RegExp | (() => boolean)) => {
		const done = typeof expected === 'function' ? expected : () => (typeof expected === 'string' ? frame().includes(expected) : expected.test(frame()));
		return pressUntil(view.stdin, keys, done, `${String(expected)}\n${frame()}`);
	};

	return {view, frame, press};
}

function showPrompt(props: Partial<PromptInputProps> = {}) {
	const sent: string[] = [];
	const shown = show(<PromptInput focus={LIVE_IDLE} placeholder="ask" onSubmit={text => sent.push(text)} {...props} />);
	return {...shown, sent};
}

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

/** A finished turn: its prompt, then the turn's end, so the app is idle again. */
const turn = (text: string): EventBody[] => [
	{type: 'user_prompt_submitted', text},
	{type: 'turn_completed', outcome: 'completed'},
];

const pasted = (text: string) => `${KEY.pasteStart}${text}${KEY.pasteEnd}`;

describe('↑ and ↓ through earlier prompts', () => {
	it('recalls earlier prompts and gives back the draft being typed, as it was', async () => {
		const {frame, press, sent} = showPrompt({history: ['create the todos table', 'add RLS to todos']});
		await press('half a thought', '> half a thought');
		await press(KEY.up, '> add RLS to todos');
		await press(KEY.up, '> create the todos table');
		// At the oldest, ↑ stays there.
		await press(KEY.up, () => frame().includes('> create the todos table'));
		await press(KEY.down, '> add RLS to todos');
		await press(KEY.down, '> half a thought');
		expect(frame()).not.toContain('todos');
		await press(KEY.enter, () => sent.length === 1);
		expect(sent).toEqual(['half a thought']);
	});

	it('moves between the lines of a draft before it goes to the history', async () => {
		const {frame, press} = showPrompt({history: ['earlier']});
		await press('one', '> one');
		await press(KEY.ctrlJ, () => frame().split('\n').length === 4);
		await press('two', 'two');
		// The cursor goes to the first line; only ↑ there recalls a prompt.
		await press(KEY.up, () => !frame().includes('earlier'));
		await settle();
		expect(frame()).toContain('> one');
		await press(KEY.up, '> earlier');
		await press(KEY.down, '> one');
		expect(frame()).toContain('two');
	});

	it('walks over a recalled prompt of many lines in one step each way', async () => {
		const long = Array.from({length: 30}, (_, i) => `line ${i}`).join('\n');
		const {frame, press} = showPrompt({history: ['oldest', long], maxRows: 6});
		await press(KEY.up, '> line 0');
		// The box shows a window of the recalled prompt: never more rows than it was given, plus its border.
		expect(frame().split('\n').length).toBeLessThanOrEqual(6 + 2);
		expect(frame()).toContain('… 25 more rows below');
		await press(KEY.up, '> oldest');
		// Forward, a prompt comes back with the cursor at its end.
		await press(KEY.down, 'line 29');
		expect(frame()).toContain('… 25 more rows above');
		await press(KEY.down, () => !frame().includes('line 29'));
		expect(frame()).toMatch(/> +ask/);
	});

	it('walks this session’s prompts after the earlier sessions’, read once the app is up', async () => {
		let reads = 0;
		const earlierPrompts = async () => {
			reads += 1;
			return ['from last week'];
		};
		const store = storeWith([...turn('first today'), ...turn('second today')]);
		const {press} = renderApp({session: appSession({store}).session, earlierPrompts});
		await waitFor(() => reads === 1, 'the earlier prompts to be read');
		// In the box: the chat above prints the same prompts.
		await press(KEY.up, '│ > second today');
		await press(KEY.up, '│ > first today');
		await press(KEY.up, '│ > from last week');
		expect(reads).toBe(1);
	});
});

describe('Ctrl+C on the prompt', () => {
	it('clears a draft first and says how to quit; on the empty prompt it quits, pressed twice', async () => {
		const {frame, press, exited} = renderApp();
		await press('a draft I no longer want', '> a draft I no longer want');
		await press(KEY.ctrlC, 'Draft cleared');
		expect(frame()).not.toContain('a draft I no longer want');
		expect(frame()).toContain('Ctrl+C on an empty prompt quits');
		expect(exited()).toBe(0);
		await press(KEY.ctrlC, 'Press Ctrl+C again to quit');
		expect(exited()).toBe(0);
		await press(KEY.ctrlC, () => exited() === 1);
	});

	it('keeps the cleared draft: ↑ brings it back', async () => {
		const {frame, press} = renderApp({session: appSession({store: storeWith(turn('sent earlier'))}).session});
		await press('cleared by mistake', '> cleared by mistake');
		await press(KEY.ctrlC, 'Draft cleared');
		await press(KEY.up, '│ > cleared by mistake');
		await press(KEY.up, '│ > sent earlier');
		expect(frame()).not.toContain('cleared by mistake');
	});

	it('two presses in one read clear a draft and arm the quit, as two presses one by one do', async () => {
		const {press, exited, frame} = renderApp();
		await press('draft', '> draft');
		await press(`${KEY.ctrlC}${KEY.ctrlC}`, 'Press Ctrl+C again to quit');
		expect(frame()).not.toContain('> draft');
		expect(exited()).toBe(0);
		await press(`${KEY.ctrlC}${KEY.ctrlC}`, () => exited() === 1);
	});

	it('while a turn streams, arms the quit as before and does not cancel the turn', async () => {
		const store = storeWith([
			{type: 'user_prompt_submitted', text: 'go'},
			{type: 'model_request_started', round: 1, model: 'm'},
		]);
		const {session, calls} = appSession({store});
		const {press, exited} = renderApp({session});
		await press(KEY.ctrlC, 'Press Ctrl+C again to quit');
		expect(calls.cancelled).toBe(0);
		expect(exited()).toBe(0);
		await press(KEY.ctrlC, () => exited() === 1);
	});
});

describe('a new line', () => {
	it.each([
		['\\ then Enter', `\\${KEY.enter}`],
		['Ctrl+J', KEY.ctrlJ],
		['Meta+Enter', KEY.metaEnter],
	])('%s puts one in the prompt; Enter sends the lines', async (_what, keys) => {
		const {frame, press, sent} = showPrompt();
		await press('select 1', '> select 1');
		await press(keys, () => frame().split('\n').length === 4);
		expect(frame()).not.toContain('\\');
		expect(sent).toEqual([]);
		await press('union select 2', 'union select 2');
		await press(KEY.enter, () => sent.length === 1);
		expect(sent).toEqual(['select 1\nunion select 2']);
	});

	it('takes a `\\` typed together with Enter in one read as a new line too', async () => {
		const {frame, press, sent} = showPrompt();
		await press('first\\\r', () => frame().split('\n').length === 4);
		expect(sent).toEqual([]);
	});
});

describe('a large paste', () => {
	const big = Array.from({length: 120}, (_, i) => `${String(i).padStart(3, '0')} ${'x'.repeat(60)}`).join('\n');

	it('shows a placeholder, and sends the whole text in its place', async () => {
		const {frame, press, sent} = showPrompt();
		await press('look at this: ', '> look at this:');
		await press(pasted(big.replaceAll('\n', '\r')), '[Pasted text #1 +119 lines]');
		expect(frame()).not.toContain('xxxxxxxxxx');
		expect(frame().split('\n')).toHaveLength(3);
		await press(' and fix it', 'and fix it');
		await press(KEY.enter, () => sent.length === 1);
		expect(sent).toEqual([`look at this: ${big} and fix it`]);
	});

	it('waits for the end of a paste that comes in several reads; the Enter keys in it are text', async () => {
		const {press, sent, view, frame} = showPrompt();
		await press(KEY.pasteStart, () => true);
		const parts = big.replaceAll('\n', '\r').match(/[\s\S]{1,500}/g)!;
		// A part that is a lone CR would be Enter outside a paste.
		for (const part of [...parts, '\r']) view.stdin.write(part);
		await settle();
		expect(sent).toEqual([]);
		await press(KEY.pasteEnd, '[Pasted text #1 +120 lines]');
		await press(KEY.enter, () => sent.length === 1);
		expect(sent).toEqual([big]);
		await waitFor(() => /> +ask/.test(frame()), 'the prompt emptied');
	});

	it('keeps a small paste as text to edit', async () => {
		const {press, sent} = showPrompt();
		await press(pasted('select 1;\rselect 2;'), 'select 2;');
		await press(KEY.enter, () => sent.length === 1);
		expect(sent).toEqual(['select 1;\nselect 2;']);
	});

	it('numbers each paste of a draft and puts each back in its place', async () => {
		const other = 'y'.repeat(900);
		const {press, sent} = showPrompt();
		await press(pasted(big), '[Pasted text #1 +119 lines]');
		await press(' vs ', 'vs');
		await press(pasted(other), '[Pasted text #2 900 chars]');
		await press(KEY.enter, () => sent.length === 1);
		expect(sent).toEqual([`${big} vs ${other}`]);
	});

	it('answers nothing in the approval pane: a pasted "y" is not a key', async () => {
		const decisions: unknown[] = [];
		const call = {callId: 'c1', name: 'mcp__supabase__execute_sql', input: {query: 'delete from t'}, status: 'awaiting_approval' as const, requestedAt: 0};
		const {press, view} = show(
			<ApprovalPane
				queue={[call]}
				width={80}
				maxRows={16}
				focus={{...LIVE_IDLE, approvalPending: true}}
				onDecision={(_id, decision) => decisions.push(decision)}
			/>,
		);
		await press('', 'y allow once');
		view.stdin.write(pasted('y'));
		await settle();
		expect(decisions).toEqual([]);
		await press('y', () => decisions.length === 1);
	});
});

describe('Ctrl+O', () => {
	const result = Array.from({length: 40}, (_, i) => `row ${i}: ${'v'.repeat(100)}`).join('\n');
	const events: EventBody[] = [
		{type: 'user_prompt_submitted', text: 'show rows'},
		{
			type: 'tool_call_requested',
			callId: 'c1',
			name: 'mcp__supabase__execute_sql',
			input: {query: 'select * from t'},
			classification: {class: 'read-only', hazards: []},
		},
		{type: 'tool_call_decided', callId: 'c1', decision: 'allow', by: 'mode'},
		{type: 'tool_call_started', callId: 'c1'},
		{type: 'tool_call_completed', callId: 'c1', isError: false, content: result, durationMs: 5},
		{type: 'turn_completed', outcome: 'completed'},
	];

	/** The overlay's box, from its top border to its bottom one. */
	const overlay = (frame: string) => {
		const lines = frame.split('\n');
		const top = lines.findIndex(line => line.includes('Tool results')) - 1;
		const bottom = lines.findIndex((line, index) => index > top && line.startsWith('╰'));
		return lines.slice(top, bottom + 1).join('\n');
	};

	it('says under a cut result how to see it whole, and shows the whole result in an overlay that fits', async () => {
		const {view, frame, press} = renderApp({session: appSession({store: storeWith(events)}).session});
		await waitFor(() => view.frames.join('\n').includes('36 more lines · Ctrl+O shows it whole'), 'the hint under the result');
		await press(KEY.ctrlO, 'Tool results · 1 of 1');
		expect(overlay(frame())).toContain('select * from t');
		// The height the app gives it at 80×24: the prompt, the status bar, a hint and a spare row fit under it.
		expect(overlay(frame()).split('\n')).toHaveLength(18);
		// PgDn to the end: the last row of the result is there, and nothing of it is cut at the right.
		await press('\u001B[6~'.repeat(20), 'row 39:');
		expect(overlay(frame())).toMatch(/│ +v+ +│/);
		await press(KEY.escape, () => !frame().includes('Tool results'));
		expect(frame()).toContain('ask the backend engineer');
	});

	it('takes the help’s place, never shows beside it, and leaves the room to a call that asks', async () => {
		const store = storeWith(events);
		const {frame, press} = renderApp({session: appSession({store}).session});
		await press('?', 'help pages');
		await press(KEY.ctrlO, 'Tool results · 1 of 1');
		expect(frame()).not.toContain('help pages');
		store.append({type: 'user_prompt_submitted', text: 'next'});
		store.append({
			type: 'tool_call_requested',
			callId: 'c2',
			name: 'mcp__supabase__execute_sql',
			input: {query: 'delete from t'},
			classification: {class: 'destructive', hazards: []},
		});
		store.flush();
		await waitFor(() => frame().includes('y allow once') && !frame().includes('Tool results'), 'the approval pane in the overlay’s place');
	});
});

// Keys typed faster than the app reads them arrive as one read. Ink splits a read at escape sequences only, so
// Backspace held down came in as invisible characters and "y" + Enter as text with a carriage return in it.
describe('keys that arrive together in one read', () => {
	it('deletes once per Backspace in a run, then types what follows', async () => {
		const {frame, press} = showPrompt();
		await press('select 1', '> select 1');
		await press('\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007fdrop it', '> drop it');
		expect(frame()).not.toContain('select');
	});

	it('sends on an Enter typed in the same read as the text before it', async () => {
		const {press, sent} = showPrompt();
		await press('list the tables\r', () => sent.length === 1);
		expect(sent).toEqual(['list the tables']);
	});

	it('keeps lines that follow a line break as one text (a paste from a terminal without bracketed paste)', async () => {
		const {frame, press, sent} = showPrompt();
		await press('select 1\rselect 2', 'select 2');
		await settle();
		expect(sent).toEqual([]);
		expect(frame()).toContain('select 1');
	});

	it('in the approval editor: a run of Backspaces clears what it covers, as typed one by one would', async () => {
		const field = show(
			<ApprovalPane
				queue={[{callId: 'c1', name: 'mcp__supabase__execute_sql', input: {query: 'select 1'}, status: 'awaiting_approval', requestedAt: 0}]}
				width={80}
				maxRows={20}
				onDecision={() => undefined}
				onPreviewEdit={() => undefined}
				focus={{...LIVE_IDLE, approvalPending: true}}
			/>,
		);
		await field.press('e', 'Edit the SQL');
		await field.press('\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007fselect 2', /Edit the SQL[\s\S]*select 2/);
		// The field holds exactly the new text: no old characters, and no invisible ones (Backspaces typed as text).
		const rows = field
			.frame()
			.split('\n')
			.filter(row => row.includes('select'));
		expect(rows.map(row => row.replace(/^│ | *│$/g, '').trim())).toEqual(['select 2']);
	});
});
