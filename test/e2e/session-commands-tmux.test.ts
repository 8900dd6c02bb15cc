/**
 * Issue 19's must-show in the terminal, the built CLI at 80×24 against a scripted Messages-API server this test
 * runs (so it sees every request): `/clear` and then a prompt whose request holds no earlier turn, the screen
 * cleared but not the scrollback from before pgpair; and `pgpair --resume` without an id, the second-newest
 * session chosen from the list and continued. Checked on the requests and the transcript files, not only the screen.
 */
import {execFile, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {readTranscript} from '../../source/transcripts/reader.js';
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

const SIZE = {columns: 80, rows: 24};
const KEY = 'sk-ant-test-key-000000000000';

/** A workspace with an agent of its own (no checklist, so nothing but the prompts talks to anyone). */
function workspace(prefix: string): string {
	const dir = tempWorkspace(prefix);
	fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
	fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), '---\nname: generalist\ndescription: Any task.\n---\nYou help.\n');
	return dir;
}

async function scripted(answers: string[]): Promise<ScriptedServer> {
	const server = await startScriptedServer({turns: answers.map(text => ({text}))});
	servers.push(server);
	return server;
}

/** The text of every message of a request, in order. */
function texts(body: unknown): string[] {
	return sentMessages(body).map(message =>
		typeof message.content === 'string' ? message.content : message.content.map(block => String(block['text'] ?? block.type)).join(''),
	);
}

function transcripts(dir: string): string[] {
	return fs.readdirSync(path.join(dir, 'sessions')).map(name => path.join(dir, 'sessions', name));
}

describe('session commands in the terminal', () => {
	it('/clear: the screen starts again, the scrollback from before pgpair stays, and the next request holds no earlier turn', {timeout: 120_000}, async () => {
		const dir = workspace('pgpair-clear-tmux-');
		const server = await scripted(['The first answer, about orders.', 'The second answer, from scratch.']);
		const terminal = startTmux(`echo BEFORE-PGPAIR-MARK; ${process.execPath} ${BUILT_CLI} --agent generalist`, {
			cwd: dir,
			...SIZE,
			env: {HOME: dir, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url},
		});
		terminals.push(terminal);
		await terminal.waitForText('ask the backend engineer');
		terminal.type('tell me about orders');
		terminal.press('Enter');
		await terminal.waitForText('The first answer, about orders.', 60_000);
		await terminal.waitForText('ask the backend engineer');

		terminal.type('/clear');
		await terminal.waitForText('> /clear');
		terminal.press('Enter');
		const cleared = await terminal.waitForText('Conversation cleared');
		// The conversation is gone from the screen, the prompt waits under the line of the clear.
		expect(cleared).not.toContain('The first answer');
		expect(cleared).not.toContain('tell me about orders');
		expect(cleared.split('\n').findIndex(line => line.includes('Conversation cleared'))).toBeLessThan(4);
		expect(cleared).toContain('ask the backend engineer');
		// What the terminal held before pgpair started is still in its scrollback.
		expect(terminal.history()).toContain('BEFORE-PGPAIR-MARK');

		terminal.type('start over');
		terminal.press('Enter');
		await terminal.waitForText('The second answer, from scratch.', 60_000);
		await waitFor(() => server.requests.length === 2, 'the second request');
		expect(texts(server.requests[0]?.body)).toEqual(['tell me about orders']);
		// Only the prompt after the clear: nothing of the first turn reaches the model.
		expect(texts(server.requests[1]?.body)).toEqual(['start over']);
		await quitPgpair(terminal);

		const [file] = transcripts(dir);
		const types = (await readTranscript(file!)).events.map(event => event.type);
		const clearAt = types.indexOf('conversation_cleared');
		expect(clearAt).toBeGreaterThan(types.indexOf('user_prompt_submitted'));
		expect(clearAt).toBeLessThan(types.lastIndexOf('user_prompt_submitted'));

		// Replay shows the whole session, with the clear where it happened.
		const printed = spawnSync(process.execPath, [BUILT_CLI, 'replay', file!, '--print'], {
			cwd: dir,
			encoding: 'utf8',
			env: {PATH: process.env['PATH'] ?? '', HOME: dir},
		});
		expect(printed.status).toBe(0);
		expect(printed.stdout).toMatch(/The first answer, about orders\.[\s\S]*conversation_cleared[\s\S]*The second answer, from scratch\./);
	});

	it('pgpair --resume without an id: the list, the second-newest chosen with ↓ Enter, that session goes on, and /resume switches to the newest', {
		timeout: 180_000,
	}, async () => {
		const dir = workspace('pgpair-resume-pick-tmux-');
		const server = await scripted(['Answer one.', 'Answer two.', 'Answer three.', 'Answer four, going on.', 'Answer five, in the third.']);
		const env = {PATH: process.env['PATH'] ?? '', HOME: dir, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url};
		// Three saved sessions, one after the other.
		// Not spawnSync: the scripted server answering them runs in this process.
		for (const prompt of ['first session', 'second session', 'third session']) {
			const run = await new Promise<{code: number | null; stderr: string}>(resolve => {
				const child = execFile(
					process.execPath,
					[BUILT_CLI, '--agent', 'generalist', '-p', prompt],
					{cwd: dir, env, timeout: 60_000},
					(_error, _stdout, stderr) => resolve({code: child.exitCode, stderr}),
				);
			});
			expect(run.code, run.stderr).toBe(0);
		}
		const files = transcripts(dir);
		expect(files).toHaveLength(3);
		const saved = await Promise.all(files.map(async file => ({file, transcript: await readTranscript(file), bytes: fs.readFileSync(file, 'utf8')})));
		const byPrompt = (prompt: string) => saved.find(s => s.transcript.events.some(e => e.type === 'user_prompt_submitted' && e.text === prompt))!;
		const second = byPrompt('second session');
		const third = byPrompt('third session');

		const terminal = startTmux(`${process.execPath} ${BUILT_CLI} --agent generalist --resume`, {cwd: dir, ...SIZE, env});
		terminals.push(terminal);
		const list = await terminal.waitForText('Resume a session · 3 saved, newest first');
		const rows = list.split('\n').filter(line => /turn/.test(line));
		expect(rows.map(row => /(first|second|third) session/.exec(row)?.[1])).toEqual(['third', 'second', 'first']);
		expect(rows[0]).toContain('▸');
		// Never as tall as the terminal.
		expect(list.trimEnd().split('\n').length).toBeLessThan(SIZE.rows);

		terminal.press('Down');
		await terminal.waitForText(/▸ \S+ \S+ +1 turn +second session/);
		terminal.press('Enter');
		const resumed = await terminal.waitForText(`Resumed session ${second.transcript.header.sessionId}`, 30_000);
		expect(resumed).toContain('> second session');
		expect(resumed).toContain('Answer two.');
		expect(resumed).not.toContain('Resume a session');
		await terminal.waitForText('ask the backend engineer');
		terminal.type('go on');
		terminal.press('Enter');
		await terminal.waitForText('Answer four, going on.', 60_000);
		await waitFor(() => server.requests.length === 4, 'the fourth request');
		// The model is sent the chosen session's history, and only it.
		expect(texts(server.requests[3]?.body)).toEqual(['second session', 'Answer two.', 'go on']);

		// From inside: /resume lists the same sessions, this one marked; the newest is chosen with Enter.
		await terminal.waitForText('ask the backend engineer');
		terminal.type('/resume');
		await terminal.waitForText('> /resume');
		terminal.press('Enter');
		const inside = await terminal.waitForText('Resume a session · 3 saved');
		expect(inside).toMatch(/2 turns +\(this session\) second session/);
		expect(inside).toMatch(/▸ \S+ \S+ +1 turn +third session/);
		terminal.press('Enter');
		const switched = await terminal.waitForText(`Resumed session ${third.transcript.header.sessionId}`, 30_000);
		// The screen now holds the third session's conversation, not the second's.
		expect(switched).toContain('> third session');
		expect(switched).not.toContain('Answer four');
		expect(switched).not.toContain('> go on');
		await terminal.waitForText('ask the backend engineer');
		terminal.type('and then');
		terminal.press('Enter');
		await terminal.waitForText('Answer five, in the third.', 60_000);
		await waitFor(() => server.requests.length === 5, 'the fifth request');
		expect(texts(server.requests[4]?.body)).toEqual(['third session', 'Answer three.', 'and then']);
		const screen = await quitPgpair(terminal);
		expect(screen).toContain(`Session saved: sessions/${path.basename(third.file)}`);

		// The two chosen transcripts grew; the first is as it was; no new session was started.
		expect(transcripts(dir).sort()).toEqual(files.sort());
		const prompts = async (file: string) => (await readTranscript(file)).events.flatMap(e => (e.type === 'user_prompt_submitted' ? [e.text] : []));
		for (const {file, bytes} of saved) {
			const now = fs.readFileSync(file, 'utf8');
			if (file === second.file || file === third.file) {
				expect(now.startsWith(bytes)).toBe(true);
				expect(now.length).toBeGreaterThan(bytes.length);
			} else expect(now).toBe(bytes);
		}
		expect(await prompts(second.file)).toEqual(['second session', 'go on']);
		expect(await prompts(third.file)).toEqual(['third session', 'and then']);
	});

	it('pgpair --resume without an id and nothing saved says so and starts nothing', {timeout: 60_000}, async () => {
		const dir = workspace('pgpair-resume-none-');
		const run = spawnSync(process.execPath, [BUILT_CLI, '--resume'], {
			cwd: dir,
			encoding: 'utf8',
			env: {PATH: process.env['PATH'] ?? '', HOME: dir},
			timeout: 30_000,
		});
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('there is no saved session for this workspace in sessions to resume');
		expect(fs.existsSync(path.join(dir, 'sessions'))).toBe(false);
	});
});
