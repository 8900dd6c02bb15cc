/**
 * Issue 16: the embedded database starts on the first call that needs it, not at launch, and the status line says
 * where it is. Asserted on state: the data directory, the MCP server's process tree (PGlite's memory lives in it),
 * and the screen a person reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

const SCRIPT = path.join(REPO_ROOT, 'test/fixtures/scripts/chat-then-query.json');

describe('the embedded database starts on first use', () => {
	it('a conversation without a database call leaves no database behind; the first call starts it, visibly', async () => {
		const dir = tempWorkspace('pgpair-lazy-db-');
		const terminal = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${SCRIPT}`, {cwd: dir, columns: 140, rows: 40, env: {HOME: dir}});
		terminals.push(terminal);
		await terminal.waitForText('db idle', 30_000);

		terminal.type('I need a table for notes');
		terminal.press('Enter');
		await terminal.waitForText('What should the table hold?');
		// The turn is over and the checklist has had its look: still no database, on screen or on disk.
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		expect(terminal.screen()).toContain('db idle');
		expect(fs.existsSync(path.join(dir, '.pgpair', 'db'))).toBe(false);

		terminal.type('count something');
		terminal.press('Enter');
		await terminal.waitForText('The database answered 42.', 60_000);
		await terminal.waitForText('db ready', 30_000);
		expect(fs.existsSync(path.join(dir, '.pgpair', 'db', 'main', 'PG_VERSION'))).toBe(true);

		terminal.press('C-c');
		await terminal.waitForText('Press Ctrl+C again to quit');
		terminal.press('C-c');
		await waitFor(() => terminal.exited(), 'pgpair to exit', 15_000);
	});

	it('a DATABASE_URL that cannot connect is said on the status line before anyone needs the database', async () => {
		const dir = tempWorkspace('pgpair-bad-url-');
		const terminal = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${SCRIPT}`, {cwd: dir, columns: 160, rows: 40, env: {HOME: dir, DATABASE_URL: 'postgres://nobody:wrong@127.0.0.1:1/nothing'}});
		terminals.push(terminal);
		const screen = await terminal.waitForText('db ✗', 30_000);
		expect(screen).toMatch(/db ✗ .*(ECONNREFUSED|connect)/);
	});
});
