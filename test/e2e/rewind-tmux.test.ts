/**
 * Issue 18's must-show in the terminal: the built CLI at 80×24, a scripted session that creates a 500-row table and
 * writes a file, then (each approved with y) drops the table and overwrites the file. Esc twice on the empty prompt
 * opens the checkpoints; the one before the DROP shows what comes back (the table and its rows then and now, the
 * file) on the confirmation screen; `d` restores. Checked on rows read back through the session, the file's bytes and
 * the transcript.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

const SQL = 'mcp__supabase__execute_sql';
const step = (text: string, name: string, input: Record<string, unknown>, after: string) => [{text, tool_calls: [{name, input}]}, {text: after}];

describe('rewind in the terminal', () => {
	it('Esc Esc, the checkpoint before the DROP, its confirmation screen, d: rows and file back', {timeout: 240_000}, async () => {
		const dir = tempWorkspace('pgpair-rewind-tmux-');
		fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), '---\nname: generalist\ndescription: Any task.\n---\nYou help.\n');
		const script = path.join(dir, 'script.json');
		fs.writeFileSync(
			script,
			JSON.stringify({
				turns: [
					...step(
						'Creating.',
						SQL,
						{query: 'create table public.items(id int primary key, v text); insert into public.items select g, md5(g::text) from generate_series(1, 500) g'},
						'Created.',
					),
					...step('Writing.', 'Write', {file_path: 'notes.md', content: 'first draft\n'}, 'Written.'),
					...step('Dropping.', SQL, {query: 'drop table public.items'}, 'Dropped.'),
					...step('Overwriting.', 'Write', {file_path: 'notes.md', content: 'gone\n'}, 'Overwritten.'),
					...step('Counting.', SQL, {query: 'select count(*)::int as n, sum(id)::int as s from public.items'}, 'Counted.'),
				],
			}),
		);
		const terminal = startTmux(`${process.execPath} ${BUILT_CLI} --agent generalist --scripted ${script}`, {
			cwd: dir,
			columns: 80,
			rows: 24,
			env: {HOME: dir, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME},
		});
		terminals.push(terminal);
		await terminal.waitForText('ask the backend engineer');
		for (const [prompt, done] of [
			['make the table', 'Created.'],
			['write notes', 'Written.'],
			['drop it', 'Dropped.'],
			['overwrite notes', 'Overwritten.'],
		] as const) {
			terminal.type(prompt);
			terminal.press('Enter');
			await terminal.waitForText('allow once', 60_000);
			terminal.type('y');
			await terminal.waitForText(done, 60_000);
		}
		expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('gone\n');

		terminal.press('Escape');
		await terminal.waitForText('Press Esc again');
		terminal.press('Escape');
		const list = await terminal.waitForText('4 checkpoints');
		expect(list).toMatch(/cp-[0-9a-f]{8} \d\d:\d\d:\d\d execute_sql +drop table public\.items/);
		// Newest first: the file overwrite, then the DROP.
		terminal.press('Down');
		terminal.press('Enter');
		const confirm = await terminal.waitForText('rows then', 30_000);
		expect(confirm).toMatch(/public\.items +500 → no table/);
		expect(confirm).toMatch(/restore +notes\.md/);
		expect(confirm).toContain('back to before: drop it');
		terminal.type('d');
		const rewound = await terminal.waitForText('Rewound to', 30_000);
		expect(rewound).toContain('Database restored as it was at the checkpoint.');
		expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('first draft\n');

		terminal.type('count');
		terminal.press('Enter');
		await terminal.waitForText('Counted.', 60_000);
		await quitPgpair(terminal);
		const [file] = fs.readdirSync(path.join(dir, 'sessions'));
		const events = fs
			.readFileSync(path.join(dir, 'sessions', file!), 'utf8')
			.trim()
			.split('\n')
			.slice(1)
			.map(line => JSON.parse(line) as SessionEvent);
		const checkpoints = events.filter(e => e.type === 'checkpoint_created');
		expect(checkpoints).toHaveLength(4);
		const drop = checkpoints.find(e => e.type === 'checkpoint_created' && e.checkpoint.label === 'drop table public.items');
		const rewind = events.find(e => e.type === 'rewound');
		expect(rewind).toMatchObject({by: 'user', database: true, files: ['notes.md'], conversation: false});
		expect(rewind?.type === 'rewound' && drop?.type === 'checkpoint_created' && rewind.checkpointId === drop.checkpoint.id).toBe(true);
		// The count after the rewind: all 500 rows, the same ones.
		const counted = events.filter(e => e.type === 'tool_call_completed').at(-1);
		expect(counted?.type === 'tool_call_completed' && counted.content).toContain('{\\"n\\":500,\\"s\\":125250}');
	});
});
