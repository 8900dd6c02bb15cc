/**
 * The prompt in a real 80×24 terminal, after a shell has filled the scrollback: an 8 KB paste (tmux's paste-buffer,
 * bracketed as a terminal pastes) is a placeholder in the box, the model receives all of it, and nothing of the
 * scrollback is erased (Ink clears the screen and the scrollback once its live area is as tall as the terminal).
 * ↑ then recalls that prompt, whole, and sends it again, with the scrollback still intact; so does the `?` help, opened,
 * paged and closed.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {sentMessages} from '../helpers/sent-messages.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const terminals: TmuxSession[] = [];
const servers: ScriptedServer[] = [];
afterEach(async () => {
	for (const terminal of terminals.splice(0)) terminal.kill();
	for (const server of servers.splice(0)) await server.close();
});

const MARKERS = 200;
const marker = (n: number) => `SHELL-MARKER-${String(n).padStart(3, '0')}`;
/** 8 KB of text in 100 lines, the last one marked. */
const PASTE = `${Array.from({length: 99}, (_, i) => `pasted row ${String(i).padStart(2, '0')} ${'x'.repeat(68)}`).join('\n')}\n${'z'.repeat(80)} PASTE-END`;
const TYPED = ' -- what is in it?';
const FIRST_ANSWER = 'It is a long list of rows.';
const SECOND_ANSWER = 'Still the same rows.';

/** The last user message's text as the model received it. */
function promptSent(server: ScriptedServer, request: number): string {
	const content = sentMessages(server.requests[request]?.body).at(-1)?.content;
	if (!Array.isArray(content)) throw new Error(`request ${request} carried no content blocks`);
	return content.map(block => (block.type === 'text' ? String(block['text']) : '')).join('');
}

describe('the prompt in an 80×24 terminal with a full scrollback', () => {
	it('opens and closes the help, shows an 8 KB paste as a placeholder, sends it whole, recalls it with ↑, and never erases the scrollback', async () => {
		expect(PASTE.length).toBeGreaterThanOrEqual(8192);
		const dir = tempWorkspace('pgpair-paste-');
		const server = await startScriptedServer({turns: [{text: FIRST_ANSWER}, {text: SECOND_ANSWER}]});
		servers.push(server);
		const shell = `sh -c 'i=1; while [ $i -le ${MARKERS} ]; do printf "SHELL-MARKER-%03d\\n" $i; i=$((i+1)); done; exec ${process.execPath} ${BUILT_CLI}'`;
		const term = startTmux(shell, {
			cwd: dir,
			columns: 80,
			rows: 24,
			env: {HOME: dir, ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000', ANTHROPIC_BASE_URL: server.url},
		});
		terminals.push(term);
		const scrollback = () => execFileSync('tmux', ['-u', 'capture-pane', '-p', '-S', '-', '-t', term.name], {encoding: 'utf8'});
		const markersKept = () => {
			const text = scrollback();
			return Array.from({length: MARKERS}, (_, i) => marker(i + 1)).filter(line => text.split('\n').filter(row => row === line).length !== 1);
		};

		await term.waitForText('ask the backend engineer', 30_000);
		// `?` opens the help over the empty prompt, PgDn pages it, `?` closes it: the scrollback is whole after each.
		term.type('?');
		await term.waitForText('Keys');
		await term.waitForText(/lines 1–\d+ of \d+ · PgDn more/);
		expect(markersKept()).toEqual([]);
		term.press('PageDown');
		await term.waitForText(/lines (?!1–)\d+–\d+ of \d+/);
		expect(markersKept()).toEqual([]);
		term.type('?');
		await waitFor(() => !term.screen().includes('PgDn more'), 'the help to close');
		expect(markersKept()).toEqual([]);

		const file = path.join(dir, 'paste.txt');
		fs.writeFileSync(file, PASTE);
		execFileSync('tmux', ['-u', 'load-buffer', '-b', term.name, file]);
		// -p: with the bracket marks, as a terminal pastes into an app that asked for them.
		execFileSync('tmux', ['-u', 'paste-buffer', '-p', '-d', '-b', term.name, '-t', term.name]);
		const collapsed = await term.waitForText('[Pasted text #1 +99 lines]');
		expect(collapsed).not.toContain('pasted row');
		expect(markersKept()).toEqual([]);

		term.type(TYPED);
		await term.waitForText(`+99 lines]${TYPED}`);
		term.press('Enter');
		await term.waitForText(FIRST_ANSWER, 30_000);
		await term.waitForText('ready ·');
		expect(server.requests).toHaveLength(1);
		expect(promptSent(server, 0)).toBe(`${PASTE}${TYPED}`);
		// Every line the shell printed before pgpair is still in the scrollback, once.
		expect(markersKept()).toEqual([]);

		// ↑ recalls the prompt just sent, whole; the box shows its first rows, within the screen.
		term.press('Up');
		const recalled = await term.waitForText(/│ > pasted row 00 x+/);
		expect(recalled).toMatch(/… \d+ more rows below/);
		// The box holds at most eight rows of text between its borders.
		const lines = recalled.split('\n');
		const top = lines.findLastIndex(line => line.startsWith('╭'));
		const bottom = lines.findIndex((line, index) => index > top && line.startsWith('╰'));
		expect(bottom - top - 1).toBe(8);
		term.press('Enter');
		await term.waitForText(SECOND_ANSWER, 30_000);
		await term.waitForText('ready ·');
		expect(server.requests).toHaveLength(2);
		expect(promptSent(server, 1)).toBe(`${PASTE}${TYPED}`);
		expect(markersKept()).toEqual([]);

		await quitPgpair(term);
		expect(term.exitStatus()).toBe(0);
		// The transcript holds the whole prompt, twice.
		const [transcript] = fs.readdirSync(path.join(dir, 'sessions'));
		const prompts = fs
			.readFileSync(path.join(dir, 'sessions', transcript!), 'utf8')
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {type?: string; text?: string})
			.filter(event => event.type === 'user_prompt_submitted');
		expect(prompts.map(event => event.text)).toEqual([`${PASTE}${TYPED}`, `${PASTE}${TYPED}`]);
	}, 120_000);

	it('recalls with ↑ a prompt of the previous session in this folder', async () => {
		const dir = tempWorkspace('pgpair-recall-');
		const server = await startScriptedServer({turns: [{text: FIRST_ANSWER}, {text: SECOND_ANSWER}]});
		servers.push(server);
		const env = {HOME: dir, ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000', ANTHROPIC_BASE_URL: server.url};
		const first = startTmux(`${process.execPath} ${BUILT_CLI}`, {cwd: dir, columns: 80, rows: 24, env});
		terminals.push(first);
		await first.waitForText('ask the backend engineer', 30_000);
		first.type('list the tables of yesterday');
		await first.waitForText('> list the tables of yesterday');
		first.press('Enter');
		await first.waitForText(FIRST_ANSWER, 30_000);
		await first.waitForText('ready ·');
		await quitPgpair(first);

		const second = startTmux(`${process.execPath} ${BUILT_CLI}`, {cwd: dir, columns: 80, rows: 24, env});
		terminals.push(second);
		await second.waitForText('ask the backend engineer', 30_000);
		// The earlier sessions are read just after the first frame: ↑ again until the prompt comes back.
		await waitFor(
			async () => {
				second.press('Up');
				return second
					.waitForText('│ > list the tables of yesterday', 1500)
					.then(() => true)
					.catch(() => false);
			},
			'↑ to recall the earlier session’s prompt',
			15_000,
		);
		second.press('Enter');
		await second.waitForText(SECOND_ANSWER, 30_000);
		expect(promptSent(server, 1)).toBe('list the tables of yesterday');
		await quitPgpair(second);
	}, 120_000);
});
