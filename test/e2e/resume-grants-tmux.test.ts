/**
 * What the person decided survives a restart: a tool allowed "for the session" and a permission mode changed with
 * Shift+Tab come back when the session is resumed, in the built CLI in a real terminal. Checked on what happens (the
 * second call runs without a pane, the notes file gets its line) and on the transcript, not on a label.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import {BUILT_CLI, tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

const SIZE = {columns: 120, rows: 36};

function script(dir: string, name: string, line: string, answer: string): string {
	const file = path.join(dir, name);
	fs.writeFileSync(
		file,
		JSON.stringify({turns: [{text: '', tool_calls: [{name: 'mcp__fixture__write_note', input: {line}, id: `toolu_${line}`}]}, {text: answer}]}),
	);
	return file;
}

function transcriptEvents(file: string): SessionEvent[] {
	return fs
		.readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.slice(1)
		.map(line => JSON.parse(line) as SessionEvent);
}

describe('resuming a session in the terminal', () => {
	it('comes back with the tool allowed for the session and the mode chosen with Shift+Tab', async () => {
		const dir = tempWorkspace('pgpair-resume-grants-');
		const notes = path.join(dir, 'notes.txt');
		writeFixtureMcpConfig(dir, {NOTES_FILE: notes});
		// An agent of the person's own that may use the fixture server's note tool.
		fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(
			path.join(dir, '.claude', 'agents', 'note-taker.md'),
			'---\nname: note-taker\ndescription: Keeps notes.\ntools: mcp__fixture__write_note\n---\nYou keep the notes the person asks for.\n',
		);
		const env = {HOME: dir};

		const first = startTmux(`${process.execPath} ${BUILT_CLI} --agent note-taker --scripted ${script(dir, 'one.json', 'one', 'Noted one.')}`, {
			cwd: dir,
			...SIZE,
			env,
		});
		terminals.push(first);
		await first.waitForText('ask the backend engineer');
		first.type('note one');
		first.press('Enter');
		await first.waitForText('mcp__fixture__write_note', 60_000);
		await first.waitForText('allow for session', 30_000);
		first.type('a');
		await first.waitForText('Noted one.', 30_000);
		first.press('BTab');
		await first.waitForText('accept edits');
		const saved = await quitPgpair(first);
		const [file] = fs.readdirSync(path.join(dir, 'sessions'));
		expect(saved).toContain(`Session saved: sessions/${file}`);
		expect(fs.readFileSync(notes, 'utf8')).toBe('one\n');
		const id = (JSON.parse(fs.readFileSync(path.join(dir, 'sessions', file!), 'utf8').split('\n')[0]!) as {sessionId: string}).sessionId;
		// The way back is said on the way out.
		expect(saved).toContain(`Go on with: pgpair --resume ${id}`);

		const second = startTmux(`${process.execPath} ${BUILT_CLI} --agent note-taker --resume ${id} --scripted ${script(dir, 'two.json', 'two', 'Noted two.')}`, {
			cwd: dir,
			...SIZE,
			env,
		});
		terminals.push(second);
		// The mode is back before anything is typed.
		const resumed = await second.waitForText('ask the backend engineer');
		expect(resumed).toContain('accept edits');
		second.type('note two');
		second.press('Enter');
		const answered = await second.waitForText('Noted two.', 60_000);
		// It ran on the grant: no approval pane, and the line is in the file.
		expect(answered).not.toContain('allow for session');
		expect(fs.readFileSync(notes, 'utf8')).toBe('one\ntwo\n');
		await quitPgpair(second);

		const events = transcriptEvents(path.join(dir, 'sessions', file!));
		const decided = events.filter(e => e.type === 'tool_call_decided');
		expect(decided).toEqual([
			expect.objectContaining({callId: 'toolu_one', decision: 'allow', by: 'user', scope: 'session'}),
			expect.objectContaining({callId: 'toolu_two', decision: 'allow', by: 'session'}),
		]);
		// One mode change, made by the person in the first run; the resumed run read it from the log.
		expect(events.filter(e => e.type === 'permission_mode_changed')).toEqual([expect.objectContaining({mode: 'acceptEdits'})]);
	}, 180_000);
});
