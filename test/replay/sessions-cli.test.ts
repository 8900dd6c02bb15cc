/**
 * What `pgpair sessions`, `--continue` and `replay` say about the transcripts on disk, through the built CLI, with
 * sessions recorded by the built CLI itself: nothing unreadable is hidden or silently stood in for, a damaged line is
 * named, approvals are counted by their outcome, and a session nobody used leaves nothing behind.
 */
import {type SpawnSyncReturns, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {newSessionId, transcriptFileName} from '../../source/transcripts/format.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {BUILT_CLI, REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

const SCRIPT = path.join(REPO_ROOT, 'test/fixtures/scripts/decisions-headless.json');
const HELLO = path.join(REPO_ROOT, 'test/fixtures/scripts/hello.json');

function pgpair(dir: string, args: string[]): SpawnSyncReturns<string> {
	return spawnSync(process.execPath, [BUILT_CLI, ...args], {cwd: dir, encoding: 'utf8', timeout: 120_000, env: {...process.env, HOME: dir, TZ: 'UTC'}});
}

/**
 * A headless session: a read runs unasked, the migration is allowed by a rule, the drop is denied (nobody to ask).
 * Returns the transcript's path.
 */
function recordSession(dir: string): string {
	const run = pgpair(dir, ['-p', 'add a projects table', '--scripted', SCRIPT, '--allow', 'mcp__supabase__apply_migration']);
	expect(run.stdout).toBe('The projects table stays: the drop was refused.\n');
	expect(run.status).toBe(0);
	const files = fs.readdirSync(path.join(dir, 'sessions'));
	expect(files).toHaveLength(1);
	return path.join(dir, 'sessions', files[0]!);
}

/** A transcript named as pgpair names them, started `minutesLater` than now, whose header is garbage. */
function writeUnreadable(dir: string, minutesLater: number, content: string): string {
	const at = new Date(Date.now() + minutesLater * 60_000);
	const file = path.join(dir, 'sessions', transcriptFileName(at, newSessionId(at.getTime())));
	fs.writeFileSync(file, content);
	return file;
}

describe('pgpair sessions', () => {
	it('lists an unreadable transcript as a row of its own with the reason, and approvals as allowed and denied', async () => {
		const dir = tempWorkspace();
		const recorded = recordSession(dir);
		const {header} = await readTranscript(recorded);
		const garbled = writeUnreadable(dir, 5, 'this is not a transcript\n');
		const empty = writeUnreadable(dir, -5, '');

		const run = pgpair(dir, ['sessions']);
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
		const [titles, ...rows] = run.stdout.trimEnd().split('\n');
		expect(titles).toMatch(/^DATE\s+ID\s+AGENT\s+TURNS\s+APPROVALS\s+DURATION\s+SIZE\s+FIRST PROMPT$/);
		const id = (file: string) => path.basename(file, '.jsonl').slice(11);
		// Newest first, the unreadable files in their place by date, each saying why.
		expect(rows).toHaveLength(3);
		expect(rows[0]).toMatch(
			new RegExp(
				`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+${id(garbled)}\\s+–\\s+–\\s+–\\s+–\\s+25 B\\s+cannot be read: not a pgpair transcript: the first line is not JSON$`,
			),
		);
		expect(rows[1]).toMatch(new RegExp(`\\s${header.sessionId}\\s+backend-engineer\\s+1\\s+1 allowed, 1 denied\\s+\\S+\\s+\\d+ KB\\s+add a projects table$`));
		expect(rows[2]).toMatch(new RegExp(`\\s${id(empty)}\\s.*\\s0 B\\s+cannot be read: not a pgpair transcript: the file is empty$`));

		// --json keeps its shape for scripts and says on stderr what it leaves out.
		const json = pgpair(dir, ['sessions', '--json']);
		expect(json.status).toBe(0);
		expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({id: header.sessionId, approvals: {allowed: 1, denied: 1}, turns: 1})]);
		expect(json.stderr.split('\n').filter(Boolean)).toEqual([
			`pgpair: sessions/${path.basename(garbled)} cannot be read: not a pgpair transcript: the first line is not JSON`,
			`pgpair: sessions/${path.basename(empty)} cannot be read: not a pgpair transcript: the file is empty`,
		]);
	}, 120_000);
});

describe('--continue when the newest session cannot be read', () => {
	it('says which and why, continues nothing and tells how to go on with the older one', async () => {
		const dir = tempWorkspace();
		const recorded = recordSession(dir);
		const {header} = await readTranscript(recorded);
		const garbled = writeUnreadable(dir, 5, '{"kind":"pgpair-transcript","vers');
		const before = new Map(fs.readdirSync(path.join(dir, 'sessions')).map(name => [name, fs.readFileSync(path.join(dir, 'sessions', name))]));

		for (const args of [
			['-c', '-p', 'go on', '--scripted', HELLO],
			['--continue', '-p', 'go on', '--scripted', HELLO],
		]) {
			const run = pgpair(dir, args);
			expect(run.status).toBe(1);
			expect(run.stdout).toBe('');
			expect(run.stderr).toBe(
				`pgpair: the newest session in ${path.join(dir, 'sessions')}, ${path.basename(garbled)}, cannot be read: not a pgpair transcript: the first line is not JSON. ` +
					`pgpair does not continue an older session in its place. To go on with the session before it (${header.sessionId}, started ${header.createdAt.slice(0, 10)} ${header.createdAt.slice(11, 19)}: "add a projects table"), ` +
					`run pgpair --resume ${header.sessionId}; to start a new session, leave out --continue.\n`,
			);
		}

		// Nothing was written: not to the older session, not to the unreadable file, no new session.
		const after = new Map(fs.readdirSync(path.join(dir, 'sessions')).map(name => [name, fs.readFileSync(path.join(dir, 'sessions', name))]));
		expect(after).toEqual(before);

		// In the terminal, the same words before any screen is drawn.
		const term = startTmux(`${process.execPath} ${BUILT_CLI} --continue --scripted ${HELLO}`, {cwd: dir, columns: 120, rows: 30, env: {HOME: dir, TZ: 'UTC'}});
		terminals.push(term);
		const screen = await term.waitForText(/PGPAIR_EXIT_STATUS=\d/, 30_000);
		expect(term.exitStatus()).toBe(1);
		// Compared without white space: the pane wraps the message, and a line broken at a space loses that space.
		const unwrapped = screen.replace(/\s+/g, '');
		expect(unwrapped).toContain(`runpgpair--resume${header.sessionId}`);
		expect(unwrapped).toContain(path.basename(garbled));

		// The way out it names works.
		const resumed = pgpair(dir, ['--resume', header.sessionId, '-p', 'go on', '--scripted', HELLO]);
		expect(resumed.status).toBe(0);
		expect((await readTranscript(recorded)).events.some(event => event.type === 'user_prompt_submitted' && event.text === 'go on')).toBe(true);
	}, 180_000);
});

describe('pgpair replay of a damaged transcript', () => {
	it('names each skipped line and what it held, and replays the rest', async () => {
		const dir = tempWorkspace();
		const recorded = recordSession(dir);
		const lines = fs.readFileSync(recorded, 'utf8').trimEnd().split('\n');
		// A line in the middle cut short (a write interrupted before a resume), and the last line torn by a crash.
		const middle = lines.findIndex(line => line.startsWith('{"type":"tool_call_decided"'));
		lines[middle] = lines[middle]!.slice(0, 60);
		const lastType = (JSON.parse(lines.at(-1)!) as {type: string}).type;
		fs.writeFileSync(path.join(dir, 'torn.jsonl'), lines.join('\n').slice(0, -20));

		const run = pgpair(dir, ['replay', 'torn.jsonl', '--print']);
		expect(run.status).toBe(0);
		const [cut, tornLast, ...rest] = run.stderr.split('\n').filter(Boolean);
		expect(cut).toBe(
			`pgpair: line ${middle + 1}: not valid JSON (a write interrupted before a resume?), skipped: part of a tool_call_decided event (60 bytes)`,
		);
		expect(tornLast).toMatch(
			new RegExp(
				`^pgpair: line ${lines.length}: torn last line \\(no newline at the end: pgpair stopped mid-write\\), skipped: part of an? ${lastType} event \\(.*bytes\\)$`,
			),
		);
		expect(rest).toEqual([]);
		expect(run.stdout).toContain(`warning  line ${middle + 1}: not valid JSON`);
		// Everything after the damaged line is still there.
		expect(run.stdout).toContain('> add a projects table');
		expect(run.stdout).toContain('Dropping the table again.');
		expect(run.stdout).toContain('The projects table stays: the drop was refused.');

		// The replay screen says so at the start, and keeps counting the skipped lines wherever the cursor is.
		const term = startTmux(`${process.execPath} ${BUILT_CLI} replay torn.jsonl`, {cwd: dir, columns: 140, rows: 40, env: {HOME: dir, TZ: 'UTC'}});
		terminals.push(term);
		const intro = await term.waitForText('Replay of session', 30_000);
		expect(intro).toContain('⚠ 2 lines of the transcript could not be read; the replay goes on without them:');
		expect(intro).toContain(`line ${middle + 1}: not valid JSON (a write interrupted before a resume?), skipped: part of a tool_call_decided event (60 bytes)`);
		term.press('G');
		const end = await term.waitForText('The projects table stays: the drop was refused.');
		expect(end).toContain('⚠ 2 damaged lines skipped (listed at the start)');
		term.press('q');
		await term.waitForText(/PGPAIR_EXIT_STATUS=0/);
	}, 120_000);
});

describe('a session nobody used', () => {
	it('leaves no transcript behind when started and quit without a prompt', async () => {
		const dir = tempWorkspace();
		const term = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${HELLO}`, {cwd: dir, columns: 110, rows: 30, env: {HOME: dir}});
		terminals.push(term);
		await term.waitForText('ask the backend engineer', 30_000);
		// The tool servers start and the checklist takes its first look on their own; a mode change is not a prompt.
		await term.waitForText(/supabase (✓ )?\d+ tools/, 30_000);
		term.press('BTab');
		await term.waitForText('⏵⏵ accept edits');
		const last = await quitPgpair(term);
		expect(term.exitStatus()).toBe(0);
		expect(last).not.toContain('Session saved');
		expect(fs.existsSync(path.join(dir, 'sessions')) ? fs.readdirSync(path.join(dir, 'sessions')) : []).toEqual([]);
	}, 120_000);
});
