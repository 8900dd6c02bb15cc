/**
 * Issue 16: the embedded database's server and the database itself start on the first call that needs them, not at
 * launch, and the status line says where they are. Asserted on state: the process table (no server process until
 * then), the data directory, and the screen a person reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {descendants} from '../helpers/process-tree.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

const SCRIPT = path.join(REPO_ROOT, 'test/fixtures/scripts/chat-then-query.json');

describe('the embedded database starts on first use', () => {
	it('a conversation without a database call starts no server and no database; the first call starts both, visibly, and the database sleeps when left unused', async () => {
		const dir = tempWorkspace('pgpair-lazy-db-');
		const cache = path.join(dir, 'xdg-cache');
		const terminal = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${SCRIPT}`, {
			cwd: dir,
			columns: 120,
			rows: 40,
			env: {HOME: dir, XDG_CACHE_HOME: cache, PGPAIR_DB_IDLE_MS: '3000'},
		});
		terminals.push(terminal);
		// Its tools are offered (the model sees them) before the server runs. At 120 columns, as every state below.
		await terminal.waitForText(/supabase \d+ tools · starts on first use/, 30_000);
		const servers = () => descendants(terminal.panePid()).filter(p => p.command.includes(' mcp --workspace '));

		terminal.type('I need a table for notes');
		terminal.press('Enter');
		await terminal.waitForText('What should the table hold?');
		// The turn is over and the checklist has had its look: still no server, no database, on screen or on disk.
		await new Promise(resolve => setTimeout(resolve, 2_000));
		expect(terminal.screen()).toContain('starts on first use');
		expect(servers()).toEqual([]);
		expect(descendants(terminal.panePid()).some(p => p.command.includes(BUILT_CLI))).toBe(true);
		expect(fs.existsSync(path.join(dir, '.pgpair', 'db'))).toBe(false);

		terminal.type('count something');
		terminal.press('Enter');
		await terminal.waitForText('The database answered 42.', 60_000);
		await terminal.waitForText('db ready', 30_000);
		expect(servers()).toHaveLength(1);
		expect(fs.existsSync(path.join(dir, '.pgpair', 'db', 'main', 'PG_VERSION'))).toBe(true);
		// The base snapshot is cached where the person's XDG_CACHE_HOME says, not under HOME.
		await waitFor(
			() => fs.existsSync(path.join(cache, 'pgpair')) && fs.readdirSync(path.join(cache, 'pgpair')).some(name => /^pglite-base-.*\.tar\.gz$/.test(name)),
			'the base snapshot in XDG_CACHE_HOME',
			30_000,
		);
		expect(fs.existsSync(path.join(dir, '.cache'))).toBe(false);
		// The call's result came from the database the server started for it.
		expect(fs.readdirSync(path.join(dir, 'sessions')).length).toBe(1);
		const transcript = fs.readFileSync(path.join(dir, 'sessions', fs.readdirSync(path.join(dir, 'sessions'))[0]!), 'utf8');
		const completed = transcript
			.split('\n')
			.filter(Boolean)
			.map(line => JSON.parse(line) as {type?: string; callId?: string; isError?: boolean; content?: string})
			.find(event => event.type === 'tool_call_completed' && event.callId === 'toolu_lazy_01');
		expect(completed?.isError).toBe(false);
		expect((JSON.parse(completed!.content!) as {result: string}).result).toContain('[{"answer":42}]');

		// Left unused, the database gives its memory back: its engine's thread ends in the server, and the status says so.
		const threadsOf = (pid: number) => fs.readdirSync(`/proc/${pid}/task`).length;
		const [server] = servers();
		const awake = threadsOf(server!.pid);
		await terminal.waitForText('db asleep', 30_000);
		await waitFor(() => threadsOf(server!.pid) < awake, 'the engine thread to end', 10_000);

		terminal.press('C-c');
		await terminal.waitForText('Press Ctrl+C again to quit');
		terminal.press('C-c');
		await waitFor(() => terminal.exited(), 'pgpair to exit', 15_000);
		expect(servers()).toEqual([]);
	});

	it('a DATABASE_URL that cannot connect is said on the status line before anyone needs the database', async () => {
		const dir = tempWorkspace('pgpair-bad-url-');
		const terminal = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${SCRIPT}`, {
			cwd: dir,
			columns: 160,
			rows: 40,
			env: {HOME: dir, DATABASE_URL: 'postgres://nobody:wrong@127.0.0.1:1/nothing'},
		});
		terminals.push(terminal);
		const screen = await terminal.waitForText('db ✗', 30_000);
		expect(screen).toMatch(/db ✗ .*(ECONNREFUSED|connect)/);
	});
});
