import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, REPO_ROOT, tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const sessions: TmuxSession[] = [];
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

describe('the built CLI in a real terminal', () => {
	it('takes a typed prompt, streams the scripted answer and quits cleanly with Ctrl+C twice', async () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const script = path.join(REPO_ROOT, 'test/fixtures/scripts/hello.json');
		const expected = JSON.parse(fs.readFileSync(script, 'utf8')).turns[0].text as string;
		const term = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script}`, {cwd: dir, columns: 100, rows: 30});
		sessions.push(term);

		await term.waitForText('ask the backend engineer');
		term.type('say hello');
		await term.waitForText('say hello');
		term.press('Enter');
		// The streamed answer ends up on screen in full (the first words are enough to show streaming began).
		await term.waitForText(expected.slice(0, 30));
		await term.waitForText('ready');
		term.press('C-c');
		await term.waitForText('Press Ctrl+C again to quit');
		term.press('C-c');
		await waitFor(() => term.exited(), 'the CLI to exit');
		expect(term.exitStatus()).toBe(0);
		expect(term.screen()).toContain('Session saved: sessions/');

		const files = fs.readdirSync(path.join(dir, 'sessions'));
		expect(files).toHaveLength(1);
		const lines = fs
			.readFileSync(path.join(dir, 'sessions', files[0]!), 'utf8')
			.trim()
			.split('\n');
		expect(JSON.parse(lines[0]!)).toMatchObject({kind: 'pgpair-transcript', version: 1});
		expect(lines.map(l => JSON.parse(l).type)).toContain('turn_completed');
	});

	it('shows how to set an API key, and offers the offline demo, when none is set', async () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const term = startTmux(`env -u ANTHROPIC_API_KEY -u ANTHROPIC_AUTH_TOKEN ${process.execPath} ${BUILT_CLI}`, {cwd: dir, columns: 100, rows: 30});
		sessions.push(term);
		await term.waitForText('ANTHROPIC_API_KEY');
		await term.waitForText('Press D to run the offline demo');
		// The set-up text says what a key looks like without writing one: nothing in it is a secret to redact.
		const welcome = await term.waitForText('it starts with sk-ant-');
		expect(welcome).not.toContain('REDACTED');
		const last = await quitPgpair(term);
		// Nothing was sent (there is no model to send it to): the session leaves no transcript behind.
		expect(last).not.toContain('Session saved');
		expect(fs.existsSync(path.join(dir, 'sessions'))).toBe(false);
	});

	it('keeps the last line of an answer taller than the screen when it moves into the history', async () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const script = path.join(dir, 'long.json');
		const text = `${Array.from({length: 3000}, (_, i) => `word${i}`).join(' ')} FINAL-MARK`;
		fs.writeFileSync(script, JSON.stringify({turns: [{text, chunk: 40, delay_ms: 1}]}));
		const term = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script}`, {cwd: dir, columns: 100, rows: 30});
		sessions.push(term);
		await term.waitForText('ask the backend engineer');
		term.type('talk');
		term.press('Enter');
		await waitFor(() => term.screen().includes('ready ·') && fs.readdirSync(path.join(dir, 'sessions')).length > 0, 'the answer to finish', 30_000);
		const scrollback = () => execFileSync('tmux', ['capture-pane', '-p', '-S', '-3000', '-t', term.name], {encoding: 'utf8'});
		await waitFor(() => /word2999\s+FINAL-MARK/.test(scrollback()), 'the last line of the answer in the history', 10_000);
		// Rows are printed into the history while the answer streams: none may be lost or printed twice.
		const words = scrollback().match(/\bword\d+\b/g) ?? [];
		expect(words).toEqual(Array.from({length: 3000}, (_, i) => `word${i}`));
		expect(scrollback().match(/FINAL-MARK/g)).toHaveLength(1);
	});
});
