import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {readTranscript} from '../../source/transcripts/reader.js';
import {BUILT_CLI, tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';
import {occurrences, streamedText, writeScript} from './fault-session.js';

const sessions: TmuxSession[] = [];
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

/** Numbered words, so a lost, repeated or reordered piece of the answer shows in a plain text search. */
const ANSWER = `${Array.from({length: 150}, (_, i) => `w${String(i + 1).padStart(3, '0')}`).join(' ')} END.`;

/** The whole pane history, not only what is visible, with Ink's line wrapping undone. */
function history(term: TmuxSession): string {
	return execFileSync('tmux', ['capture-pane', '-p', '-S', '-', '-t', term.name], {encoding: 'utf8'}).replace(/\s+/g, ' ');
}

describe('a terminal resized in the middle of a streamed answer', () => {
	it('keeps streaming through 40×12 and a too-small window, and once it grows again shows the full layout and the whole answer once', async () => {
		const dir = tempWorkspace('pgpair-fault-resize-');
		writeFixtureMcpConfig(dir);
		// About 150 deltas 40 ms apart: six seconds of streaming to resize in.
		const script = writeScript(dir, 'slow.json', {turns: [{text: ANSWER, chunk: 5, delay_ms: 40}]});
		const term = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script}`, {cwd: dir, columns: 100, rows: 30, env: {HOME: dir}});
		sessions.push(term);

		await term.waitForText('ask the backend engineer');
		term.type('stream slowly');
		term.press('Enter');
		await term.waitForText('w010');

		term.resize(40, 12);
		// The smallest supported size still has the live answer, the input box and the status line.
		const compact = await term.waitForText(/working… \(Esc to cancel\)/);
		expect(compact).not.toContain('Terminal too small');
		await waitFor(() => /w0[4-9]\d/.test(term.screen()), 'the answer to go on streaming at 40×12');

		term.resize(30, 8);
		// Wrapped at 30 columns; "goes on" proves the turn is still running behind the notice.
		await term.waitForText(/Terminal too small \(30×8\);\s+pgpair needs 40×12\.\s+The turn\s+goes on\./);
		expect(term.exited()).toBe(false);
		// The answer ends while the window is too small to show any of it.
		await waitFor(
			() => {
				const screen = term.screen();
				return screen.includes('Terminal too small') && !/The turn\s+goes on/.test(screen);
			},
			'the turn to end behind the notice',
			30_000,
		);

		term.resize(100, 30);
		await term.waitForText('ask the backend engineer', 30_000);
		await term.waitForText('END.');
		expect(term.exited()).toBe(false);

		// Every word, in order, exactly once in what the person can scroll back through.
		const scrollback = history(term);
		expect(occurrences(scrollback, ANSWER)).toBe(1);
		expect(occurrences(scrollback, '> stream slowly')).toBe(1);

		const sessionFiles = fs.readdirSync(path.join(dir, 'sessions'));
		const transcript = await readTranscript(path.join(dir, 'sessions', sessionFiles[0]!));
		expect(transcript.warnings).toEqual([]);
		expect(streamedText(transcript.events)).toBe(ANSWER);
		expect(transcript.events.findLast(e => e.type === 'turn_completed')).toMatchObject({outcome: 'completed'});

		term.press('C-c');
		term.press('C-c');
		await waitFor(() => term.exited(), 'the CLI to exit');
		expect(term.exitStatus()).toBe(0);
	});
});
