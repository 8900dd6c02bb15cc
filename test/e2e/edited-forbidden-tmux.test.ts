/**
 * Trust on screen (issue 19): a forbidden call that the person edits with `e` to act on another table is described,
 * everywhere, as the edited call. Before, the recomputed preview named the new table while the banner, the hazards and
 * the record still named the old one. In a real 80×24 terminal: the pane after the edit names only the edited table;
 * the transcript, `replay --print` and the HTML export lead with the SQL that ran; and the database itself shows the
 * edited statement ran and the proposed one did not (read back through a later session).
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

const SQL = 'mcp__supabase__execute_sql';
const CREATE =
	'create table public.secrets (id int primary key); alter table public.secrets enable row level security; ' +
	'create table public.notes (id int primary key); alter table public.notes enable row level security;';
const PROPOSED = 'alter table public.secrets disable row level security;';
// No trailing `;`: tmux's send-keys takes a final `;` as its own command separator.
const EDITED = 'alter table public.notes disable row level security';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

function pgpair(args: string[], cwd: string) {
	return spawnSync(process.execPath, [BUILT_CLI, ...args], {
		cwd,
		encoding: 'utf8',
		env: {PATH: process.env['PATH'] ?? '', HOME: cwd, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME},
		timeout: 120_000,
	});
}

/** The approval pane's rows: from its title to its bottom border. */
function paneOf(screen: string): string {
	const rows = screen.split('\n');
	const top = rows.findIndex(row => row.includes('Tool call'));
	const bottom = rows.findIndex((row, i) => i > top && row.startsWith('╰'));
	return rows.slice(top, bottom + 1).join('\n');
}

/** Screen rows joined as one text: a wrapped line reads whole again. */
const flat = (text: string) =>
	text
		.split('\n')
		.map(row => row.replace(/^[│ ]+|[│ ]+$/g, ''))
		.join(' ')
		.replace(/\s+/g, ' ');

describe('an edited forbidden call, at 80×24', () => {
	it('has its banner, hazards, preview and record describe the edited call, and only the edit runs', {timeout: 240_000}, async () => {
		const dir = tempWorkspace('pgpair-edited-forbidden-');
		const script = path.join(dir, 'script.json');
		fs.writeFileSync(
			script,
			JSON.stringify({
				turns: [
					{text: 'Creating both tables.', tool_calls: [{name: SQL, input: {query: CREATE}}]},
					{text: 'Opening it up.', tool_calls: [{name: SQL, input: {query: PROPOSED}}]},
					{text: 'Done.'},
				],
			}),
		);
		const terminal = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script}`, {
			cwd: dir,
			columns: 80,
			rows: 24,
			env: {HOME: dir, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME},
		});
		terminals.push(terminal);
		await terminal.waitForText('ask the backend engineer');
		terminal.type('set up the tables');
		terminal.press('Enter');
		await terminal.waitForText('y allow once', 60_000);
		terminal.type('y');

		// The proposed call: forbidden, and the banner names the table the model chose.
		const proposed = paneOf(await terminal.waitForText("FORBIDDEN BY THE AGENT'S RULES", 60_000));
		expect(flat(proposed)).toContain('This disables row level security on public.secrets, which may hold user data.');
		// One fact, one line: the SQL's prediction and the sandbox's measurement say it in the same words.
		expect(flat(proposed).match(/This disables row level security on public\.secrets/g)).toHaveLength(1);

		// e: edit it to act on the other table.
		let editor = '';
		for (let attempt = 0; attempt < 10 && !editor; attempt++) {
			terminal.type('e');
			editor = await terminal.waitForText('Edit the SQL', 1000).catch(() => '');
		}
		expect(editor).not.toBe('');
		terminal.press('C-u');
		await terminal.waitForText(/Edit the SQL[^\n]*\n[│ ]+ +│/, 5000).catch(() => undefined);
		terminal.type(EDITED);
		await terminal.waitForText(EDITED);
		terminal.press('C-s');

		// The pane now describes the edited call, whole, and nothing in it names the proposed table.
		const screen = await terminal.waitForText(/Preview of your edited call|Your edited call/, 60_000);
		await terminal.waitForText('y confirm', 30_000);
		const pane = paneOf(terminal.screen());
		expect(flat(pane)).toContain("FORBIDDEN BY THE AGENT'S RULES");
		expect(flat(pane)).toContain('This disables row level security on public.notes, which may hold user data.');
		expect(flat(pane)).toMatch(/disables row level security on public\.notes: every role with table privileges sees and changes every row/);
		expect(pane).not.toContain('secrets');
		expect(screen.split('\n').every(row => row.length <= 80)).toBe(true);

		terminal.type('y');
		await terminal.waitForText('Type "override"');
		terminal.type('override');
		await terminal.waitForText('override');
		terminal.press('Enter');
		await terminal.waitForText('Done.', 60_000);
		await quitPgpair(terminal);

		// The record: the decision holds the edit, and the class it was decided on names the edited table only.
		const transcript = path.join(dir, 'sessions', fs.readdirSync(path.join(dir, 'sessions')).find(name => name.endsWith('.jsonl'))!);
		const events = fs
			.readFileSync(transcript, 'utf8')
			.trim()
			.split('\n')
			.slice(1)
			.map(
				line =>
					JSON.parse(line) as {
						type: string;
						callId?: string;
						input?: {query?: string};
						editedInput?: {query?: string};
						classification?: {violations?: string[]};
					},
			);
		const decided = events.filter(e => e.type === 'tool_call_decided').at(-1)!;
		expect(decided.editedInput?.query).toBe(EDITED);
		const judged = events.filter(e => e.type === 'tool_call_previewed' && e.callId === decided.callId).at(-1)!;
		expect(judged.classification?.violations?.join(' ')).toContain('public.notes');
		expect(judged.classification?.violations?.join(' ')).not.toContain('public.secrets');

		// replay and the HTML export lead with what ran, then show what the model proposed.
		const id = path.basename(transcript, '.jsonl');
		const printed = pgpair(['replay', id, '--print'], dir);
		expect(printed.status).toBe(0);
		const call = printed.stdout.slice(printed.stdout.lastIndexOf('▸ mcp__supabase__execute_sql'));
		expect(call.indexOf(EDITED)).toBeGreaterThan(-1);
		expect(call.indexOf('the model proposed:')).toBeGreaterThan(call.indexOf(EDITED));
		expect(call).toContain(PROPOSED.replace(/;$/, ''));
		expect(call).toContain("forbidden by the agent's rules:");
		const html = path.join(dir, 'out.html');
		expect(pgpair(['export', id, '--format', 'html', '--output', html], dir).status).toBe(0);
		const page = fs.readFileSync(html, 'utf8');
		expect(page).toContain('Edited by the user before allowing; this is what was decided and ran.');
		expect(page.indexOf(EDITED)).toBeLessThan(page.indexOf('The model proposed'));

		// The database: the edited statement ran, the proposed one did not.
		const readScript = path.join(dir, 'read.json');
		fs.writeFileSync(
			readScript,
			JSON.stringify({
				turns: [
					{
						text: '',
						tool_calls: [{name: SQL, input: {query: "select relname, relrowsecurity from pg_class where relname in ('secrets', 'notes') order by relname"}}],
					},
					{text: 'Read.'},
				],
			}),
		);
		const read = pgpair(['-p', 'read', '--scripted', readScript, '--output-format', 'json'], dir);
		expect(read.status).toBe(0);
		const {transcript: readTranscript} = JSON.parse(read.stdout) as {transcript: string};
		const result = fs
			.readFileSync(readTranscript, 'utf8')
			.split('\n')
			.filter(Boolean)
			.map(line => JSON.parse(line) as {type?: string; content?: string})
			.find(e => e.type === 'tool_call_completed')?.content;
		expect(result).toContain('{\\"relname\\":\\"notes\\",\\"relrowsecurity\\":false}');
		expect(result).toContain('{\\"relname\\":\\"secrets\\",\\"relrowsecurity\\":true}');
	});
});
