/**
 * Trust on screen (issue 19): SQL waiting for approval is read to its end, in a real 80×24 terminal. The line's
 * dangerous part is past the pane's edge; before, it was cut with `…` and the person approved what they had not seen.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

describe('a long SQL line waiting for approval, at 80×24', () => {
	it('is on screen to its end before anything is decided', {timeout: 120_000}, async () => {
		const dir = tempWorkspace('pgpair-long-sql-');
		const query = "update public.accounts set balance = 0 where region = 'eu' and created_at < now() - interval '1 day' or true";
		const script = path.join(dir, 'script.json');
		fs.writeFileSync(
			script,
			JSON.stringify({turns: [{text: 'Updating.', tool_calls: [{name: 'mcp__supabase__execute_sql', input: {query}}]}, {text: 'Done.'}]}),
		);
		const terminal = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script}`, {
			cwd: dir,
			columns: 80,
			rows: 24,
			env: {HOME: dir, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME},
		});
		terminals.push(terminal);
		await terminal.waitForText('ask the backend engineer');
		terminal.type('zero the balances');
		terminal.press('Enter');
		// The table does not exist, so the dry run fails and no key allows it; the pane is what is read here.
		await terminal.waitForText('n deny', 60_000);
		// The SQL itself (v), not the preview: every word of it, the `or true` at its end included.
		// The pane takes keys a moment after it is drawn: v again until the SQL view is up.
		let screen = '';
		for (let attempt = 0; attempt < 10 && !screen; attempt++) {
			terminal.type('v');
			screen = await terminal.waitForText('show the preview', 1000).catch(() => '');
		}
		const text = screen
			.split('\n')
			.map(row => row.replace(/^[│ ]+|[│ ]+$/g, ''))
			.join(' ')
			.replace(/\s+/g, ' ');
		expect(text).toContain(query);
		expect(screen.split('\n').every(row => row.length <= 80)).toBe(true);
	});
});
