/**
 * The rewind screen, keys pressed for real (ink-testing-library's stdin): the list, the plan, the choices and what
 * the session is asked; then the app's way in (`/rewind`, Esc twice) and out (the prompt given back).
 */
import {EventEmitter} from 'node:events';
import {render as inkRender} from 'ink';
import {render} from 'ink-testing-library';
import type React from 'react';
import stringWidth from 'string-width';
import {afterEach, describe, expect, it} from 'vitest';
import type {CheckpointRecord} from '../../source/core/events.js';
import type {RewindChoice, RewindOutcome, RewindPlan} from '../../source/core/rewind.js';
import type {CheckpointView} from '../../source/core/session-state.js';
import {App} from '../../source/ui/app.js';
import {RewindScreen, type RewindScreenProps} from '../../source/ui/rewind-screen.js';
import {pressUntil} from '../helpers/keys.js';
import {waitFor} from '../helpers/wait-for.js';
import {appSession, storeWith} from './app-session.js';

const KEY = {up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B'};

const views: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const view of views.splice(0)) view.unmount();
});

const strip = (text: string | undefined) => (text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
/** Lets Ink hand a key to every handler, for asserting that nothing happened. */
const settle = (ms = 50) => new Promise(resolve => setTimeout(resolve, ms));

function show(node: React.ReactElement) {
	const view = render(node);
	views.push(view);
	const frame = () => strip(view.lastFrame());
	const lines = () => frame().split('\n');
	const check = (expected: string | RegExp | (() => boolean)) =>
		typeof expected === 'function' ? expected : () => (typeof expected === 'string' ? frame().includes(expected) : expected.test(frame()));
	const press = (keys: string, expected: string | RegExp | (() => boolean)) => pressUntil(view.stdin, keys, check(expected), `${String(expected)}\n${frame()}`);
	/** Waits for what an answer of the session (not a key) brings. */
	const until = (expected: string | RegExp | (() => boolean)) => waitFor(check(expected), `${String(expected)}\n${frame()}`, 3000);

	return {view, frame, lines, press, until};
}

/** A promise the test settles: the session's answer arrives when the test says. */
function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<T>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	return {promise, resolve, reject};
}

/** Local times of day, so the screen's HH:MM:SS reads the same in any time zone. */
const at = (h: number, m: number, s: number) => new Date(2025, 0, 15, h, m, s).getTime();

const LONG_SQL =
	'insert into public.orders (id, customer_id, total, created_at) select g, g % 17, g * 10, now() from generate_series(1, 1000) as g where g % 3 = 0 returning id';

const RECORDS: CheckpointRecord[] = [
	{
		id: 'cp-00000001',
		callId: 'c1',
		tool: 'mcp__supabase__apply_migration',
		label: 'create table public.orders',
		files: [],
		bytes: 10,
		database: {server: 'supabase', kind: 'snapshot'},
	},
	{id: 'cp-00000002', callId: 'c2', tool: 'Write', label: 'src/orders.ts', files: ['src/orders.ts'], bytes: 10},
	{
		id: 'cp-00000003',
		callId: 'c3',
		tool: 'mcp__supabase__execute_sql',
		label: LONG_SQL,
		files: [],
		bytes: 10,
		database: {server: 'supabase', kind: 'snapshot'},
	},
];
const CHECKPOINTS: CheckpointView[] = [
	{...RECORDS[0]!, at: at(14, 0, 5)},
	{...RECORDS[1]!, at: at(14, 1, 0), dropped: 'disk budget'},
	{...RECORDS[2]!, at: at(14, 2, 11)},
];

function planFor(checkpoint: CheckpointView, parts: Partial<RewindPlan> = {}): RewindPlan {
	return {
		checkpoint,
		database: {
			available: true,
			tables: [
				{name: 'public.orders', rowsThen: 12, rowsNow: 345},
				{name: 'public.order_audit', rowsThen: null, rowsNow: 3},
			],
		},
		files: [
			{path: 'src/orders.ts', action: 'restore'},
			{path: 'src/new-file.ts', action: 'remove'},
		],
		conversation: {available: true, prompt: 'Add a thousand test orders\nand audit them'},
		notes: ['Sequences keep their values: new ids continue after the highest one used.', 'Writes by other sessions since then are undone too.'],
		...parts,
	};
}

function outcomeOf(id: string, choice: RewindChoice, prompt?: string): RewindOutcome {
	return {
		checkpointId: id,
		database: choice.database,
		files: choice.files ? ['src/orders.ts'] : [],
		conversation: choice.conversation,
		report: [],
		...(prompt ? {prompt} : {}),
	};
}

/** A port whose answers the test settles, recording what it was asked. */
function port() {
	const planned: string[] = [];
	const rewound: Array<{id: string; choice: RewindChoice}> = [];
	const plans: Array<ReturnType<typeof deferred<RewindPlan>>> = [];
	const rewinds: Array<ReturnType<typeof deferred<RewindOutcome>>> = [];
	return {
		planned,
		rewound,
		plans,
		rewinds,
		port: {
			rewindPlan: (id: string) => {
				planned.push(id);
				const answer = deferred<RewindPlan>();
				plans.push(answer);
				return answer.promise;
			},
			rewind: (id: string, choice: RewindChoice) => {
				rewound.push({id, choice});
				const answer = deferred<RewindOutcome>();
				rewinds.push(answer);
				return answer.promise;
			},
		},
	};
}

function renderScreen(props: Partial<RewindScreenProps> & Pick<RewindScreenProps, 'port'>) {
	const events = {closed: 0, outcomes: [] as RewindOutcome[]};
	const screen = show(
		<RewindScreen
			checkpoints={CHECKPOINTS}
			width={79}
			height={21}
			onClose={() => {
				events.closed += 1;
			}}
			onRewound={outcome => events.outcomes.push(outcome)}
			{...props}
		/>,
	);
	return {...screen, events};
}

/** Opens the plan of the newest checkpoint, answered with `plan`. */
async function openPlan(screen: ReturnType<typeof renderScreen>, session: ReturnType<typeof port>, plan: RewindPlan) {
	await screen.press(KEY.enter, 'Reading checkpoint…');
	session.plans.at(-1)!.resolve(plan);
	await screen.until('Database');
}

describe('the rewind screen', () => {
	it('lists the checkpoints newest first: id, time, short tool and label cut at the width; a dropped one dimmed with its reason', () => {
		const {lines} = renderScreen(port());
		const rows = lines().filter(line => line.includes('cp-'));
		expect(rows.map(row => /cp-\d+/.exec(row)?.[0])).toEqual(['cp-00000003', 'cp-00000002', 'cp-00000001']);
		expect(lines()[1]).toContain('Rewind · 3 checkpoints, newest first');
		// Tools in one column (apply_migration is the widest); the SQL cut with … at the box's edge.
		expect(rows[0]).toMatch(/^│ ▸ cp-00000003 14:02:11 execute_sql {5}insert into public\.orders \(id, \S+… │$/);
		expect(rows[0]).not.toContain('returning id');
		expect(rows[1]).toMatch(/^│ {3}cp-00000002 14:01:00 Write {11}dropped: disk budget · src\/orders\.ts +│$/);
		expect(rows[2]).toMatch(/^│ {3}cp-00000001 14:00:05 apply_migration create table public\.orders/);
		expect(lines().at(-2)).toContain('↑↓ select · Enter choose · Esc close');
	});

	it('moves with ↓/↑ and j/k past a dropped checkpoint, which cannot be chosen', async () => {
		const session = port();
		const {press, frame} = renderScreen(session);
		await press(KEY.down, '▸ cp-00000001');
		await press(KEY.down, '▸ cp-00000001');
		await press('k', '▸ cp-00000003');
		await press('j', '▸ cp-00000001');
		await press(KEY.up, '▸ cp-00000003');
		expect(frame()).not.toContain('▸ cp-00000002');

		// With only dropped checkpoints nothing is selected and Enter reads nothing.
		const dropped = renderScreen({...session, checkpoints: [CHECKPOINTS[1]!]});
		expect(dropped.frame()).not.toContain('▸');
		dropped.view.stdin.write(KEY.enter);
		await settle();
		expect(session.planned).toEqual([]);
	});

	it('says there are no checkpoints yet, and Esc closes', async () => {
		const {frame, press, events} = renderScreen({...port(), checkpoints: []});
		expect(frame()).toContain('No checkpoints yet: one is saved before each approved change.');
		expect(frame()).toContain('Esc close');
		await press(KEY.escape, () => events.closed === 1);
	});

	it('reads the plan on Enter and shows the tables, rows then → now, the files, the conversation and the notes', async () => {
		const session = port();
		const screen = renderScreen(session);
		await openPlan(screen, session, planFor(CHECKPOINTS[2]!));
		expect(session.planned).toEqual(['cp-00000003']);
		const text = screen.frame();
		expect(text).toContain('Rewind to cp-00000003 · 14:02:11 execute_sql · insert into');
		expect(text).toContain('Database · rows then → now');
		expect(text).toMatch(/public\.orders {7}12 → 345/);
		expect(text).toContain('public.order_audit  no table → 3');
		expect(text).toContain('restore   src/orders.ts');
		expect(text).toContain('remove    src/new-file.ts');
		expect(text).toContain('Conversation: back to before: Add a thousand test orders');
		expect(text).not.toContain('and audit them');
		expect(text).toContain('Notes (what a rewind cannot undo, what it keeps)');
		expect(text).toContain('• Sequences keep their values: new ids continue after the highest one used.');
		expect(text).toContain('• Writes by other sessions since then are undone too.');
		for (const choice of ['d/Enter database + files', 'c database + files + conversation', 'f files only', 'b database only', 'Esc back'])
			expect(text).toContain(choice);
	});

	it('rewinds database and files with d, keeps keys off while it runs, and hands the outcome over', async () => {
		const session = port();
		const screen = renderScreen(session);
		await openPlan(screen, session, planFor(CHECKPOINTS[2]!));
		await screen.press('d', 'Rewinding…');
		expect(session.rewound).toEqual([{id: 'cp-00000003', choice: {database: true, files: true, conversation: false}}]);
		screen.view.stdin.write('c');
		screen.view.stdin.write(KEY.escape);
		await settle();
		expect(session.rewound).toHaveLength(1);
		expect(screen.frame()).toContain('Rewinding…');
		const outcome = outcomeOf('cp-00000003', session.rewound[0]!.choice);
		session.rewinds[0]!.resolve(outcome);
		await screen.until(() => screen.events.outcomes.length === 1);
		expect(screen.events.outcomes).toEqual([outcome]);
		expect(screen.events.closed).toBe(0);
	});

	it('rewinds the conversation too with c, and Enter is d', async () => {
		const session = port();
		const withC = renderScreen(session);
		await openPlan(withC, session, planFor(CHECKPOINTS[2]!));
		await withC.press('c', () => session.rewound.length === 1);
		expect(session.rewound[0]).toEqual({id: 'cp-00000003', choice: {database: true, files: true, conversation: true}});
		withC.view.unmount();

		const withEnter = renderScreen(session);
		await openPlan(withEnter, session, planFor(CHECKPOINTS[2]!));
		await withEnter.press(KEY.enter, () => session.rewound.length === 2);
		expect(session.rewound[1]!.choice).toEqual({database: true, files: true, conversation: false});
	});

	it('offers files only and database only with f and b', async () => {
		const session = port();
		const files = renderScreen(session);
		await openPlan(files, session, planFor(CHECKPOINTS[2]!));
		await files.press('f', () => session.rewound.length === 1);
		expect(session.rewound[0]!.choice).toEqual({database: false, files: true, conversation: false});
		files.view.unmount();

		const database = renderScreen(session);
		await openPlan(database, session, planFor(CHECKPOINTS[2]!));
		await database.press('b', () => session.rewound.length === 2);
		expect(session.rewound[1]!.choice).toEqual({database: true, files: false, conversation: false});
	});

	it('never offers a part that cannot come back: no database, then nothing at all', async () => {
		const session = port();
		const screen = renderScreen(session);
		const noDatabase = planFor(CHECKPOINTS[2]!, {database: {available: false, reason: 'the snapshot was dropped', tables: []}});
		await openPlan(screen, session, noDatabase);
		expect(screen.frame()).toContain('Database: not available: the snapshot was dropped');
		expect(screen.frame()).toContain('d/Enter files · c files + conversation · Esc back');
		expect(screen.frame()).not.toContain('database only');
		expect(screen.frame()).not.toContain('files only');
		screen.view.stdin.write('b');
		screen.view.stdin.write('f');
		await settle();
		expect(session.rewound).toEqual([]);
		await screen.press('d', () => session.rewound.length === 1);
		expect(session.rewound[0]!.choice).toEqual({database: false, files: true, conversation: false});
		screen.view.unmount();

		const none = renderScreen(session);
		await openPlan(none, session, planFor(CHECKPOINTS[2]!, {database: {available: false, tables: []}, files: [], conversation: {available: false}}));
		expect(none.frame()).toContain('Nothing of this checkpoint can be restored.');
		expect(none.frame()).toContain('Conversation: not available');
		expect(none.frame()).not.toMatch(/d\/Enter|\bc \w/);
		for (const key of ['d', KEY.enter, 'c', 'f', 'b']) none.view.stdin.write(key);
		await settle();
		expect(session.rewound).toHaveLength(1);
		await none.press(KEY.escape, '▸ cp-00000003');
	});

	it('goes back to the list with Esc from the plan, and drops a plan that arrives after', async () => {
		const session = port();
		const screen = renderScreen(session);
		await screen.press(KEY.down, '▸ cp-00000001');
		await screen.press(KEY.enter, 'Reading checkpoint…');
		await screen.press(KEY.escape, '▸ cp-00000001');
		session.plans[0]!.resolve(planFor(CHECKPOINTS[0]!));
		await settle();
		expect(screen.frame()).not.toContain('Database');
		await openPlan(screen, session, planFor(CHECKPOINTS[0]!));
		expect(session.planned).toEqual(['cp-00000001', 'cp-00000001']);
		await screen.press(KEY.escape, '▸ cp-00000001');
		expect(screen.events.closed).toBe(0);
		await screen.press(KEY.escape, () => screen.events.closed === 1);
	});

	it('shows a plan that fails, and Esc goes back', async () => {
		const session = port();
		const screen = renderScreen(session);
		await screen.press(KEY.enter, 'Reading checkpoint…');
		session.plans[0]!.reject(new Error('the saved database could not be opened'));
		await screen.until('Could not read the checkpoint: the saved database could not be opened');
		screen.view.stdin.write('d');
		await settle();
		expect(session.rewound).toEqual([]);
		await screen.press(KEY.escape, '▸ cp-00000003');
	});

	it('shows a rewind that fails and stays on the plan, where another try works', async () => {
		const session = port();
		const screen = renderScreen(session);
		await openPlan(screen, session, planFor(CHECKPOINTS[2]!));
		await screen.press('d', 'Rewinding…');
		session.rewinds[0]!.reject(new Error('a turn is running'));
		await screen.until('Rewind failed: a turn is running');
		expect(screen.frame()).toContain('d/Enter database + files');
		expect(screen.events.outcomes).toEqual([]);
		await screen.press('b', () => session.rewound.length === 2);
		expect(session.rewound[1]!.choice).toEqual({database: true, files: false, conversation: false});
	});

	it.each([
		[79, 21],
		[39, 9],
	])('fits %i columns and %i rows: the list, the plan, and a long plan that scrolls', async (width, height) => {
		const fits = (text: string) => {
			const rows = text.split('\n');
			expect(rows.length).toBeLessThanOrEqual(height);
			for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(width);
		};

		const session = port();
		const screen = renderScreen({...session, width, height});
		fits(screen.frame());
		expect(screen.frame()).toContain('…');
		const tables = Array.from({length: 30}, (_, i) => ({name: `public.table_with_a_rather_long_name_${i + 1}`, rowsThen: i, rowsNow: i * 1000}));
		const long = planFor(CHECKPOINTS[2]!, {database: {available: true, tables}, notes: [`${'A note that goes on and on. '.repeat(6)}The end.`]});
		await openPlan(screen, session, long);
		fits(screen.frame());
		expect(screen.frame()).toMatch(/lines 1–\d+ of \d+ · j\/k PgUp\/PgDn scroll|1–\d+\/\d+ · j\/k scroll/);
		expect(screen.frame()).toContain('Esc back');
		expect(screen.frame()).not.toContain('The end.');
		for (let i = 0; i < 20 && !screen.frame().includes('The end.'); i++) {
			screen.view.stdin.write('\u001B[6~');
			await settle();
		}

		expect(screen.frame()).toContain('The end.');
		fits(screen.frame());
	});
});

describe('the app’s rewind', () => {
	/** An app over a store with the checkpoints and their prompts, and a port answering at once. */
	function renderApp(options: {busy?: boolean; outcome?: Partial<RewindOutcome>} = {}) {
		let clock = at(14, 0, 0);
		const store = storeWith(
			[
				{type: 'user_prompt_submitted', text: 'Make an orders table'},
				{type: 'checkpoint_created', checkpoint: RECORDS[0]!, durationMs: 5},
				{type: 'turn_completed', outcome: 'completed'},
				...(options.busy ? [{type: 'user_prompt_submitted' as const, text: 'And now?'}] : []),
			],
			() => (clock += 1000),
		);
		const asked: Array<{id: string; choice?: RewindChoice}> = [];
		const rewind = {
			rewindPlan: async (id: string) => {
				asked.push({id});
				return planFor(store.getState().checkpoints[0]!);
			},
			rewind: async (id: string, choice: RewindChoice) => {
				asked.push({id, choice});
				return {...outcomeOf(id, choice, choice.conversation ? 'Make an orders table' : undefined), ...options.outcome};
			},
		};
		const {session, calls} = appSession({store, rewind});
		const app = show(<App session={session} meta={{agent: 'a', model: 'm', sessionId: 's'}} onExit={() => undefined} />);
		return {...app, calls, asked};
	}

	it('opens the screen for /rewind typed in the prompt, which is never sent to the model', async () => {
		const {frame, press, calls} = renderApp();
		await press('/rewind', '> /rewind');
		await press(KEY.enter, 'Rewind · 1 checkpoint, newest first');
		expect(frame()).toContain('▸ cp-00000001');
		// The prompt gives way to the screen, and its keys are the screen's.
		expect(frame()).not.toMatch(/│ > /);
		expect(calls.prompts).toEqual([]);
		await press(KEY.escape, () => !frame().includes('Rewind ·'));
		expect(frame()).toContain('ask the backend engineer…');
		expect(calls.prompts).toEqual([]);
	});

	it('answers /help with the keys and the commands, and an unknown /command on screen; neither reaches the model', async () => {
		const {frame, press, calls} = renderApp();
		await press('/help', '> /help');
		await press(KEY.enter, 'Commands: /help  /clear  /model [name]  /resume [session]  /rewind [checkpoint]  /exit');
		expect(frame()).toContain('Keys');
		await press(KEY.escape, () => !frame().includes('Commands: /help'));
		await press('/clera', '> /clera');
		await press(KEY.enter, '/clera is not a pgpair command (/help lists them); nothing was sent.');
		expect(calls.prompts).toEqual([]);
		// A path is a prompt like any other.
		await press('/etc/hosts is broken', '> /etc/hosts is broken');
		await press(KEY.enter, () => calls.prompts.length === 1);
		expect(calls.prompts).toEqual(['/etc/hosts is broken']);
	});

	it('answers /rewind during a turn with a notice, sends nothing and opens nothing', async () => {
		const {frame, press, calls} = renderApp({busy: true});
		await press('/rewind', '> /rewind');
		await press(KEY.enter, '/rewind waits until the turn ends');
		expect(frame()).not.toContain('Rewind ·');
		expect(calls.prompts).toEqual([]);
	});

	it('opens the screen on Esc twice on the empty prompt; Esc once, or twice too slowly, does not', async () => {
		const {view, frame, press, calls} = renderApp();
		await press(KEY.escape, 'Press Esc again to rewind to a checkpoint.');
		await settle(1000);
		expect(frame()).not.toContain('Press Esc again');
		view.stdin.write(KEY.escape);
		await settle(1000);
		expect(frame()).not.toContain('Rewind ·');
		expect(calls.cancelled).toBe(0);
		view.stdin.write(KEY.escape);
		await settle(100);
		await press(KEY.escape, 'Rewind · 1 checkpoint, newest first');
		expect(calls.cancelled).toBe(0);
	});

	it('leaves Esc alone on a prompt with text', async () => {
		const {view, frame, press} = renderApp();
		await press('x', '> x');
		view.stdin.write(KEY.escape);
		await settle(100);
		view.stdin.write(KEY.escape);
		await settle(200);
		expect(frame()).not.toContain('Rewind ·');
		expect(frame()).not.toContain('Press Esc again');
		expect(frame()).toContain('> x');
	});

	it('closes after a conversation rewind and gives the prompt back to edit', async () => {
		const {frame, press, asked} = renderApp();
		await press('/rewind', '> /rewind');
		await press(KEY.enter, '▸ cp-00000001');
		await press(KEY.enter, 'Conversation: back to before');
		await press('c', () => !frame().includes('Rewind to'));
		expect(asked).toEqual([{id: 'cp-00000001'}, {id: 'cp-00000001', choice: {database: true, files: true, conversation: true}}]);
		await waitFor(() => /│ > Make an orders table/.test(frame()), 'the prompt given back in the input');
	});
});

/** A terminal of a given size for the app (ink-testing-library's is 100 columns and has no rows). */
class SizedStdout extends EventEmitter {
	frames: string[] = [];
	constructor(
		readonly columns: number,
		readonly rows: number,
	) {
		super();
	}

	write = (frame: string) => {
		this.frames.push(frame);
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

describe('the app’s rewind at the smallest sizes', () => {
	it.each([
		[80, 24],
		[40, 12],
	])('fits %i×%i: from the screen to the status bar shorter than the terminal, no row wider', async (columns, rows) => {
		const checkpoints = Array.from({length: 14}, (_, i) => ({...RECORDS[i % 3]!, id: `cp-${String(i).padStart(8, '0')}`, callId: `c${i}`}));
		const store = storeWith([
			{type: 'user_prompt_submitted', text: 'Make an orders table'},
			...checkpoints.map(checkpoint => ({type: 'checkpoint_created' as const, checkpoint, durationMs: 1})),
			{type: 'turn_completed', outcome: 'completed'},
		]);
		const tables = Array.from({length: 8}, (_, i) => ({name: `public.table_${i}`, rowsThen: i, rowsNow: i * 7}));
		const rewind = {
			rewindPlan: async (id: string) => planFor(store.getState().checkpoints.find(c => c.id === id)!, {database: {available: true, tables}}),
			rewind: async () => Promise.reject(new Error('the saved database could not be opened')),
		};
		const stdout = new SizedStdout(columns, rows);
		const stdin = new Keyboard();
		const app = inkRender(<App session={appSession({store, rewind}).session} meta={{agent: 'a', model: 'm', sessionId: 's'}} onExit={() => undefined} />, {
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			debug: true,
			patchConsole: false,
		});
		views.push(app);
		const frame = () => strip(stdout.frames.at(-1));
		/** The live area: the screen's box, from its top border (the row above its title), down to the status bar. */
		const live = () => {
			const lines = frame().split('\n');
			return lines.slice(lines.findIndex(line => line.startsWith('│ Rewind')) - 1);
		};
		const fits = () => {
			expect(live().length).toBeLessThan(rows);
			for (const row of frame().split('\n')) expect(stringWidth(row)).toBeLessThanOrEqual(columns);
		};

		await pressUntil(stdin, '/rewind', () => frame().includes('> /rewind'), 'the command typed');
		await pressUntil(stdin, KEY.enter, () => frame().includes('▸ cp-00000013'), 'the list');
		fits();
		expect(live().at(-1)).toContain('ready');
		await pressUntil(stdin, KEY.enter, () => frame().includes('Database'), 'the plan');
		fits();
		expect(frame()).toContain('Esc back');
		await pressUntil(stdin, 'd', () => frame().includes('Rewind failed'), 'the failure');
		fits();
		expect(frame()).toContain('Esc back');
	});
});
