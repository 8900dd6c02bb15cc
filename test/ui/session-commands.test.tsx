/**
 * `/clear`, `/model` and `/resume` in the live app, and the list of saved sessions on its own, keys pressed for real
 * (ink-testing-library's stdin): what the log gets, what the session switcher is asked, what is said, and that the
 * lists fit the smallest terminals.
 */
import {EventEmitter} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {render as inkRender} from 'ink';
import {render} from 'ink-testing-library';
import type React from 'react';
import stringWidth from 'string-width';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import type {EventBody} from '../../source/core/events.js';
import {MODEL_ALIASES} from '../../source/model/model-config.js';
import {newSessionId, transcriptFileName} from '../../source/transcripts/format.js';
import {listWorkspaceSessions, type SessionListing, type SessionSummary} from '../../source/transcripts/reader.js';
import {createRedactor} from '../../source/transcripts/redact.js';
import {openTranscript} from '../../source/transcripts/writer.js';
import {App, type SessionSwitcher} from '../../source/ui/app.js';
import {LIVE_IDLE, liveContexts, RESUME_PICKER_CONTEXTS} from '../../source/ui/keys/focus.js';
import {ResumePicker} from '../../source/ui/resume-picker.js';
import {CLEAR_SCREEN} from '../../source/ui/use-print-log.js';
import {pressUntil} from '../helpers/keys.js';
import {tempWorkspace} from '../helpers/paths.js';
import {testHeader} from '../helpers/transcript-events.js';
import {waitFor} from '../helpers/wait-for.js';
import {appSession, storeWith} from './app-session.js';

const KEY = {up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B', pageDown: '\u001B[6~'};

const views: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const view of views.splice(0)) view.unmount();
});

const workspace = tempWorkspace('pgpair-session-commands-');
afterAll(() => fs.rmSync(workspace, {recursive: true, force: true}));

const strip = (text: string | undefined) => (text ?? '').replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
const settle = (ms = 50) => new Promise(resolve => setTimeout(resolve, ms));

function show(node: React.ReactElement) {
	const view = render(node);
	views.push(view);
	const frame = () => strip(view.lastFrame());
	const check = (expected: string | RegExp | (() => boolean)) =>
		typeof expected === 'function' ? expected : () => (typeof expected === 'string' ? frame().includes(expected) : expected.test(frame()));
	const press = (keys: string, expected: string | RegExp | (() => boolean)) => pressUntil(view.stdin, keys, check(expected), `${String(expected)}\n${frame()}`);
	const until = (expected: string | RegExp | (() => boolean)) => waitFor(check(expected), `${String(expected)}\n${frame()}`, 3000);
	return {view, frame, press, until};
}

/** Writes a saved session of `dir` for the workspace `cwd`: its prompts, each one turn. */
function writeSession(dir: string, start: string, prompts: string[], cwd = workspace): string {
	fs.mkdirSync(dir, {recursive: true});
	const createdAt = new Date(start);
	const id = newSessionId(createdAt.getTime());
	const file = path.join(dir, transcriptFileName(createdAt, id));
	const writer = openTranscript(file, testHeader({sessionId: id, cwd, createdAt}), {redact: createRedactor({env: {}})});
	const bodies: EventBody[] = prompts.flatMap(text => [
		{type: 'user_prompt_submitted', text},
		{type: 'turn_completed', outcome: 'completed'},
	]);
	for (const [i, body] of bodies.entries()) writer.append({...body, seq: i + 1, at: createdAt.getTime() + i} as never);
	writer.close();
	return file;
}

/** Three sessions (one of another workspace) and one whose header is damaged, read as the app's list reads them. */
async function savedSessions(): Promise<{dir: string; listings: SessionListing[]}> {
	const dir = fs.mkdtempSync(path.join(workspace, 'sessions-'));
	writeSession(dir, '2025-06-01T09:00:00Z', ['make a todos table', 'add RLS']);
	writeSession(dir, '2025-06-03T09:00:00Z', ['add an index\non user_id']);
	writeSession(dir, '2025-06-04T09:00:00Z', ['not this workspace'], '/elsewhere');
	const broken = path.join(dir, transcriptFileName(new Date('2025-06-02T09:00:00Z'), newSessionId(Date.parse('2025-06-02T09:00:00Z'))));
	fs.writeFileSync(broken, 'garbage\n');
	return {dir, listings: await listWorkspaceSessions(dir, workspace)};
}

describe('the list of saved sessions', () => {
	function renderPicker(listings: readonly SessionListing[] | undefined, size = {width: 79, height: 21}) {
		const chosen: SessionSummary[] = [];
		let closed = 0;
		const screen = show(
			<ResumePicker
				listings={listings}
				width={size.width}
				height={size.height}
				contexts={RESUME_PICKER_CONTEXTS}
				timeZone="UTC"
				onChoose={summary => chosen.push(summary)}
				onClose={() => {
					closed += 1;
				}}
			/>,
		);
		return {...screen, chosen, closed: () => closed};
	}

	it('shows this workspace’s sessions newest first (when, turns, first prompt), an unreadable one marked and passed over', async () => {
		const {listings} = await savedSessions();
		const picker = renderPicker(listings);
		const rows = picker.frame().split('\n');
		expect(rows[1]).toContain('Resume a session · 3 saved, newest first');
		const listed = rows.filter(row => /20\d\d-/.test(row));
		expect(listed).toHaveLength(3);
		expect(listed[0]).toMatch(/▸ 2025-06-03 09:00 {3}1 turn {2}add an index on user_id/);
		expect(listed[1]).toMatch(/^│ {3}2025-06-02 09:00 {2}unreadable: not a pgpair transcript: the first line is/);
		expect(listed[1]).toContain('…');
		expect(listed[2]).toMatch(/^│ {3}2025-06-01 09:00 {2}2 turns {2}make a todos table/);
		expect(picker.frame()).not.toContain('not this workspace');

		// ↓ goes past the unreadable one; ↑ back; Enter chooses the session under the mark.
		await picker.press(KEY.down, '▸ 2025-06-01');
		await picker.press(KEY.down, '▸ 2025-06-01');
		await picker.press('k', '▸ 2025-06-03');
		await picker.press('j', '▸ 2025-06-01');
		await picker.press(KEY.enter, () => picker.chosen.length === 1);
		expect(picker.chosen[0]).toMatchObject({firstPrompt: 'make a todos table', turns: 2});
		await picker.press(KEY.escape, () => picker.closed() === 1);
	});

	it('says when there is nothing to resume, or when the list is still being read, and chooses nothing then', async () => {
		const empty = renderPicker([]);
		expect(empty.frame()).toContain('No saved sessions for this workspace yet');
		expect(empty.frame()).toContain('Esc close');
		empty.view.stdin.write(KEY.enter);
		const onlyBroken = renderPicker((await savedSessions()).listings.filter(listing => listing.kind === 'unreadable'));
		expect(onlyBroken.frame()).not.toContain('▸');
		onlyBroken.view.stdin.write(KEY.enter);
		const loading = renderPicker(undefined);
		expect(loading.frame()).toContain('Reading the saved sessions…');
		loading.view.stdin.write(KEY.enter);
		await settle();
		expect([...empty.chosen, ...onlyBroken.chosen, ...loading.chosen]).toEqual([]);
		await empty.press(KEY.escape, () => empty.closed() === 1);
	});

	it.each([
		[80, 24],
		[40, 10],
	])('fits a %i×%i terminal as `pgpair --resume` draws it, and scrolls through 30 sessions', async (columns, rows) => {
		const dir = fs.mkdtempSync(path.join(workspace, 'many-'));
		for (let day = 1; day <= 30; day++)
			writeSession(dir, `2025-05-${String(day).padStart(2, '0')}T08:30:00Z`, [`prompt of day ${day}, long enough to be cut at the edge of the box`]);
		const listings = await listWorkspaceSessions(dir, workspace);
		// As the startup list is drawn: one column and one row short of the terminal.
		const picker = renderPicker(listings, {width: columns - 1, height: rows - 1});
		const fits = () => {
			const lines = picker.frame().split('\n');
			expect(lines.length).toBeLessThan(rows);
			for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(columns - 1);
		};
		fits();
		expect(picker.frame()).toContain('1 of 30');
		expect(picker.frame()).toContain(columns < 60 ? '▸ 05-30 08:30' : '▸ 2025-05-30 08:30');
		expect(picker.frame()).toContain('…');
		await picker.press(KEY.pageDown, /\b\d+ of 30/);
		for (let i = 0; i < 40 && !picker.frame().includes('30 of 30'); i++) {
			picker.view.stdin.write(KEY.down);
			await settle(10);
		}
		await picker.until('30 of 30');
		fits();
		expect(picker.frame()).toContain(columns < 60 ? '▸ 05-01 08:30' : '▸ 2025-05-01 08:30');
		await picker.press(KEY.enter, () => picker.chosen.length === 1);
		expect(picker.chosen[0]?.firstPrompt).toContain('prompt of day 1,');
	});
});

describe('the app’s /clear, /model and /resume', () => {
	function renderApp(options: {busy?: boolean; sessions?: SessionSwitcher; model?: string} = {}) {
		const store = storeWith([
			{type: 'user_prompt_submitted', text: 'Make an orders table'},
			{type: 'assistant_message_completed', content: [{type: 'text', text: 'Made it.'}], stopReason: 'end_turn', usage: {inputTokens: 1, outputTokens: 1}},
			{type: 'turn_completed', outcome: 'completed'},
			...(options.busy ? [{type: 'user_prompt_submitted' as const, text: 'And now?'}] : []),
		]);
		const model = options.model ?? MODEL_ALIASES.sonnet;
		const {session, calls} = appSession({store, model});
		const app = show(
			<App
				session={session}
				meta={{agent: 'a', model, sessionId: 'sess0001'}}
				{...(options.sessions ? {sessions: options.sessions} : {})}
				onExit={() => undefined}
			/>,
		);
		const logged = (type: EventBody['type']) => store.getEvents().filter(event => event.type === type);
		return {...app, store, calls, logged};
	}

	it('/clear starts the conversation afresh: a fact in the log, a line in the chat, nothing sent; /reset and /new too', async () => {
		const {press, calls, logged, store, frame} = renderApp();
		await press('/clear', '> /clear');
		await press(KEY.enter, () => logged('conversation_cleared').length === 1);
		expect(store.getState().messages).toEqual([]);
		await waitFor(() => frame().includes('Conversation cleared: the next prompt starts afresh'), 'the line of the clear');
		await press('/reset', '> /reset');
		await press(KEY.enter, () => logged('conversation_cleared').length === 2);
		await press('/new', '> /new');
		await press(KEY.enter, () => logged('conversation_cleared').length === 3);
		expect(calls.prompts).toEqual([]);
	});

	it('/clear, /model and /resume wait for a running turn: said under the prompt, nothing logged or opened', async () => {
		const asked: string[] = [];
		const sessions: SessionSwitcher = {list: async () => [], resume: async query => void asked.push(query)};
		const {press, calls, logged, frame} = renderApp({busy: true, sessions});
		for (const command of ['clear', 'model', 'model opus', 'resume', 'resume abc']) {
			await press(`/${command}`, `> /${command}`);
			await press(KEY.enter, `/${command.split(' ')[0]} waits until the turn ends`);
		}
		expect(frame()).not.toContain('Model ·');
		expect(frame()).not.toContain('Resume a session');
		expect([...logged('conversation_cleared'), ...logged('model_changed')]).toEqual([]);
		expect(asked).toEqual([]);
		expect(calls.prompts).toEqual([]);
	});

	it('/model shows the model now and the choices with their ids; Enter switches, and the status bar follows', async () => {
		const {press, frame, logged} = renderApp();
		await press('/model', '> /model');
		await press(KEY.enter, `Model · the next request goes to ${MODEL_ALIASES.sonnet}`);
		expect(frame()).toMatch(new RegExp(`▸ sonnet +${MODEL_ALIASES.sonnet} +✓ now`));
		expect(frame()).toMatch(new RegExp(`opus +${MODEL_ALIASES.opus}`));
		expect(frame()).toMatch(new RegExp(`haiku +${MODEL_ALIASES.haiku}`));
		expect(frame()).toContain('Another model: type /model <id>');
		// The prompt gives way to the list.
		expect(frame()).not.toMatch(/│ > /);
		await press(KEY.down, '▸ opus');
		await press(KEY.enter, () => logged('model_changed').length === 1);
		expect(logged('model_changed')[0]).toMatchObject({model: MODEL_ALIASES.opus});
		await waitFor(() => frame().includes(`Model: ${MODEL_ALIASES.opus} from the next request on`), 'the line in the chat');
		expect(frame().split('\n').at(-1)).toContain(MODEL_ALIASES.opus);
		expect(frame()).toContain('ask the backend engineer…');

		// Esc keeps the model.
		await press('/model', '> /model');
		await press(KEY.enter, new RegExp(`▸ opus +${MODEL_ALIASES.opus} +✓ now`));
		await press(KEY.escape, 'ask the backend engineer…');
		expect(logged('model_changed')).toHaveLength(1);
	});

	it('/model <name> switches at once, says when it is the model already, and refuses a name that is no model', async () => {
		const {press, logged} = renderApp({model: 'claude-sonnet-4-5-20250929'});
		await press('/model haiku', '> /model haiku');
		await press(KEY.enter, () => logged('model_changed').length === 1);
		await press('/model haiku', '> /model haiku');
		await press(KEY.enter, `The model is ${MODEL_ALIASES.haiku} already.`);
		await press('/model sonet', '> /model sonet');
		await press(KEY.enter, '"sonet" is not a model: use sonnet, opus, haiku, or a model id');
		await press('/model claude-opus-4-1-20250805', '> /model claude-opus-4-1');
		await press(KEY.enter, () => logged('model_changed').length === 2);
		expect(logged('model_changed').map(event => event.type === 'model_changed' && event.model)).toEqual([MODEL_ALIASES.haiku, 'claude-opus-4-1-20250805']);
	});

	it('/model lists a model no alias stands for, as the one now', async () => {
		const {press, frame} = renderApp({model: 'claude-sonnet-4-5-20250929'});
		await press('/model', '> /model');
		await press(KEY.enter, '▸ ');
		expect(frame()).toMatch(/▸ +claude-sonnet-4-5-20250929 +✓ now/);
	});

	it('/resume lists the saved sessions and goes on with the chosen one; /resume <id> at once; the session now only closes the list', async () => {
		const {listings} = await savedSessions();
		const asked: string[] = [];
		const sessions: SessionSwitcher = {
			list: async () => listings,
			resume: async query => {
				asked.push(query);
				if (query === 'nope') throw new Error('no session matching "nope" in sessions');
			},
		};
		const {press, frame, calls} = renderApp({sessions});
		await press('/resume', '> /resume');
		await press(KEY.enter, 'Resume a session · 3 saved');
		await press(KEY.down, /▸ \S+ \S+ {2}2 turns/);
		await press(KEY.enter, () => asked.length === 1);
		const oldest = listings.at(-1)!;
		expect(oldest.kind === 'readable' && asked[0] === oldest.summary.path).toBe(true);

		await press('/resume nope', '> /resume nope');
		await press(KEY.enter, 'no session matching "nope" in sessions');
		await press('/resume abc', '> /resume abc');
		await press(KEY.enter, () => asked.length === 3);
		expect(asked.slice(1)).toEqual(['nope', 'abc']);
		expect(frame()).not.toContain('Resume a session');
		expect(calls.prompts).toEqual([]);
	});

	it('/resume marks the session open now, and choosing it changes nothing', async () => {
		const {listings} = await savedSessions();
		const first = listings[0]!;
		const id = first.kind === 'readable' ? first.summary.id : '';
		const asked: string[] = [];
		const store = storeWith();
		const {session} = appSession({store});
		const sessions: SessionSwitcher = {list: async () => listings, resume: async query => void asked.push(query)};
		const {press, frame} = show(<App session={session} meta={{agent: 'a', model: 'm', sessionId: id}} sessions={sessions} onExit={() => undefined} />);
		await press('/resume', '> /resume');
		await press(KEY.enter, '(this session) add an index');
		await press(KEY.enter, () => !frame().includes('Resume a session'));
		expect(asked).toEqual([]);
	});

	it('/resume without sessions to offer says so', async () => {
		const {press} = renderApp();
		await press('/resume', '> /resume');
		await press(KEY.enter, '/resume is not available here');
	});

	it('the chooser takes every key but quit while it is open', () => {
		expect(liveContexts({...LIVE_IDLE, chooser: true})).toEqual(['global', 'chooser']);
		expect(liveContexts({...LIVE_IDLE, chooser: true}, true)).toEqual(['global', 'chooser']);
	});
});

/** A terminal for the app (ink-testing-library's is not one: it has no isTTY), recording what is written. */
class Terminal extends EventEmitter {
	writes: string[] = [];
	constructor(
		readonly columns: number,
		readonly rows: number,
		readonly isTTY = true,
	) {
		super();
	}

	write = (data: string) => {
		this.writes.push(data);
		return true;
	};
}

class Keyboard extends EventEmitter {
	readonly isTTY = true;
	private data: string | null = null;
	write = (data: string) => {
		this.data = data;
		this.emit('readable');
	};
	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

describe('the screen on /clear', () => {
	it('erases the screen once, never the scrollback, and prints the chat again from the clear', async () => {
		const store = storeWith([
			{type: 'user_prompt_submitted', text: 'Make an orders table'},
			{type: 'assistant_message_completed', content: [{type: 'text', text: 'Made it.'}], stopReason: 'end_turn', usage: {inputTokens: 1, outputTokens: 1}},
			{type: 'turn_completed', outcome: 'completed'},
		]);
		const stdout = new Terminal(80, 24);
		const stdin = new Keyboard();
		const app = inkRender(<App session={appSession({store}).session} meta={{agent: 'a', model: 'm', sessionId: 's'}} onExit={() => undefined} />, {
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			debug: true,
			patchConsole: false,
		});
		views.push(app);
		const written = () => stdout.writes.join('');
		await pressUntil(stdin, '/clear', () => strip(stdout.writes.at(-1)).includes('> /clear'), 'the command typed');
		const before = stdout.writes.length;
		await pressUntil(stdin, KEY.enter, () => store.getState().clears === 1, 'the clear');
		await waitFor(() => stdout.writes.slice(before).some(data => data.startsWith(CLEAR_SCREEN)), 'the screen erased');
		await waitFor(() => strip(stdout.writes.at(-1)).includes('Conversation cleared'), 'the chat printed again');
		expect(written().split(CLEAR_SCREEN)).toHaveLength(2);
		// Erasing the scrollback (ESC [3J) would take what the terminal showed before pgpair with it.
		expect(written()).not.toContain('\u001B[3J');
	});
});

describe('the app’s lists at the smallest sizes', () => {
	it.each([
		[80, 24],
		[40, 12],
	])('fits %i×%i: /resume’s 30 sessions and /model’s choices, from the box to the status bar shorter than the terminal', async (columns, rows) => {
		const dir = fs.mkdtempSync(path.join(workspace, 'sized-'));
		for (let day = 1; day <= 30; day++)
			writeSession(dir, `2025-04-${String(day).padStart(2, '0')}T10:00:00Z`, [`prompt ${day} ${'and more words '.repeat(6)}`]);
		const listings = await listWorkspaceSessions(dir, workspace);
		// Not a terminal to Ink (no isTTY): every frame is written whole, so the last one is the screen.
		const stdout = new Terminal(columns, rows, false);
		const stdin = new Keyboard();
		const sessions: SessionSwitcher = {list: async () => listings, resume: async () => undefined};
		const app = inkRender(
			<App session={appSession({store: storeWith()}).session} meta={{agent: 'a', model: 'm', sessionId: 's'}} sessions={sessions} onExit={() => undefined} />,
			{stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, patchConsole: false},
		);
		views.push(app);
		const frame = () => strip(stdout.writes.at(-1));
		const live = (title: RegExp) => {
			const lines = frame().split('\n');
			return lines.slice(lines.findIndex(line => title.test(line)) - 1);
		};
		const fits = (title: RegExp) => {
			expect(live(title).length).toBeLessThan(rows);
			expect(live(title).at(-1)).toContain('ready');
			for (const row of frame().split('\n')) expect(stringWidth(row)).toBeLessThanOrEqual(columns);
		};

		await pressUntil(stdin, '/resume', () => frame().includes('> /resume'), 'the command typed');
		await pressUntil(stdin, KEY.enter, () => frame().includes('of 30'), 'the list');
		fits(/│ Resume/);
		for (let i = 0; i < 12; i++) stdin.write(KEY.down);
		await waitFor(() => frame().includes('13 of 30'), 'the list scrolled');
		fits(/│ Resume/);
		await pressUntil(stdin, KEY.escape, () => frame().includes('ask the backend engineer'), 'the prompt back');
		await pressUntil(stdin, '/model', () => frame().includes('> /model'), 'the command typed');
		await pressUntil(stdin, KEY.enter, () => frame().includes('haiku'), 'the models');
		fits(/│ Model/);
	});
});
