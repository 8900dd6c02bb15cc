import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';

const sessions: TmuxSession[] = [];
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

const script = (name: string) => path.join(REPO_ROOT, 'test/fixtures/scripts', name);

/** The public tables, read through the real local server in a headless run (list_tables is allowed). */
function publicTables(dir: string): string[] {
	const out = execFileSync(
		process.execPath,
		[BUILT_CLI, '-p', 'list the tables', '--scripted', script('count-scratch.json'), '--output-format', 'stream-json'],
		{cwd: dir, encoding: 'utf8', env: {PATH: process.env['PATH'], HOME: dir}},
	);
	const completed = out
		.trim()
		.split('\n')
		.map(line => JSON.parse(line))
		.find(event => event.type === 'tool_call_completed');
	const tables = JSON.parse(completed.content).tables as Array<{name: string}>;
	return tables.map(t => t.name);
}

describe('the approval gate in a real terminal', () => {
	it('shows DROP TABLE as destructive; n leaves the table in place; a second run with y drops it', async () => {
		const dir = tempWorkspace();
		const first = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script('drop-table.json')}`, {cwd: dir, columns: 100, rows: 32, env: {HOME: dir}});
		sessions.push(first);
		await first.waitForText('ask the backend engineer');
		first.type('tidy up the scratch table');
		first.press('Enter');
		await first.waitForText('mcp__supabase__apply_migration WRITE', 60_000);
		// Keys wait for the preview: the person decides on what they have seen.
		await first.waitForText('+table public.scratch', 60_000);
		first.type('y');
		await first.waitForText('mcp__supabase__execute_sql DESTRUCTIVE', 30_000);
		const screen = await first.waitForText('-table public.scratch', 30_000);
		expect(screen).toContain('drops table public.scratch');
		expect(screen).toMatch(/data deleted/);
		// "Allow for the session" is not offered for a destructive call.
		expect(screen).not.toContain('a allow for session');
		first.type('n');
		await first.waitForText('Finished.');
		await quitPgpair(first);
		expect(publicTables(dir)).toContain('public.scratch');

		const second = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script('drop-again.json')}`, {cwd: dir, columns: 100, rows: 32, env: {HOME: dir}});
		sessions.push(second);
		await second.waitForText('ask the backend engineer');
		second.type('drop it');
		second.press('Enter');
		await second.waitForText('mcp__supabase__execute_sql DESTRUCTIVE', 60_000);
		await second.waitForText('-table public.scratch', 60_000);
		second.type('y');
		await second.waitForText('Dropped.');
		await quitPgpair(second);
		expect(publicTables(dir)).not.toContain('public.scratch');
	}, 180_000);
});
