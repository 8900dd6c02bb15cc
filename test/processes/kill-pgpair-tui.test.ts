import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {allProcesses, ProcessTree, waitUntilBusy} from '../helpers/process-tree.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';
import {ENDLESS_COUNT, scriptOf} from './pgpair-run.js';

const SQL = 'mcp__supabase__execute_sql';

const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

/** pgpair's TUI in tmux, its turn busy in a long query on the embedded database. */
async function busyTui(): Promise<{term: TmuxSession; dir: string; pid: number; tree: ProcessTree}> {
	const dir = tempWorkspace('pgpair-procs-tui-');
	const script = path.join(dir, 'script.json');
	fs.writeFileSync(
		script,
		scriptOf([
			{name: SQL, input: {query: 'select 1 as ready'}},
			{name: SQL, input: {query: ENDLESS_COUNT}},
		]),
	);
	const term = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script} --allow ${SQL} go`, {
		cwd: dir,
		env: {HOME: dir, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME},
	});
	const pgpair = await waitFor(
		() => allProcesses().find(p => p.command.startsWith(`${process.execPath} ${BUILT_CLI} --scripted ${script}`)),
		'pgpair to start',
	);
	const tree = new ProcessTree(pgpair.pid, dir);
	cleanups.push(() => {
		term.kill();
		tree.killSurvivors();
	});
	await waitFor(
		() => {
			tree.snapshot();
			const transcript = fs.existsSync(path.join(dir, 'sessions')) ? fs.readdirSync(path.join(dir, 'sessions')) : [];
			return transcript.length > 0 && fs.readFileSync(path.join(dir, 'sessions', transcript[0]!), 'utf8').split('"tool_call_started"').length > 2;
		},
		'the long query to start',
		90_000,
		100,
	);
	const server = tree.snapshot().find(p => p.command.includes(' mcp --workspace '));
	expect(server, 'the database server').toBeDefined();
	await waitUntilBusy(server!.pid, 'the server to be busy in the query');
	return {term, dir, pid: pgpair.pid, tree};
}

describe('the TUI killed from outside while the database is busy', () => {
	it('SIGTERM: the terminal gets its shell back with status 143 and no process is left within 5 s', {timeout: 120_000}, async () => {
		const {term, pid, tree} = await busyTui();
		tree.snapshot();
		const since = Date.now();
		process.kill(pid, 'SIGTERM');
		const ms = await tree.waitUntilGone(5000, since);
		await waitFor(() => term.exitStatus() !== undefined, 'the shell to print the exit status', 5000);
		expect(term.exitStatus()).toBe(143);
		console.log(`SIGTERM to the TUI during a busy PGlite query: no process left after ${ms} ms`);
	});

	it('SIGHUP (the terminal closes): no process is left within 5 s', {timeout: 120_000}, async () => {
		const {term, pid, tree} = await busyTui();
		tree.snapshot();
		const since = Date.now();
		term.kill();
		await waitFor(() => !allProcesses().some(p => p.pid === pid), 'pgpair to end', 5000);
		const ms = await tree.waitUntilGone(Math.max(0, 5000 - (Date.now() - since)), since);
		console.log(`closing the TUI's terminal during a busy PGlite query: no process left after ${ms} ms`);
	});
});
