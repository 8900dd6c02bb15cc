import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {BUILT_CLI, REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {sentMessages} from '../helpers/sent-messages.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const terminals: TmuxSession[] = [];
const servers: ScriptedServer[] = [];
afterEach(async () => {
	for (const terminal of terminals.splice(0)) terminal.kill();
	for (const server of servers.splice(0)) await server.close();
});

const script = (name: string) => path.join(REPO_ROOT, 'test/fixtures/scripts', name);
const SIZE = {columns: 110, rows: 40};
const ROLLBACK_ITEM = 'Each migration has a `-- migrate:down` rollback';
const FIRST_ANSWER = 'Row level security is still off, so it comes next.';

/** The mark in front of a checklist item in the pane: ✓ done, ○ open, – not applicable. */
function markOf(screen: string, item: string): string | undefined {
	return new RegExp(`([✓○–])[^\\n]*${item.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')}`).exec(screen)?.[1];
}

async function quit(terminal: TmuxSession): Promise<void> {
	terminal.press('C-c');
	await terminal.waitForText('Press Ctrl+C again to quit');
	terminal.press('C-c');
	await waitFor(() => terminal.exited(), 'pgpair to exit', 15_000).catch(error => {
		throw new Error(`${(error as Error).message}\n${terminal.screen()}`);
	});
	expect(terminal.exitStatus()).toBe(0);
}

describe('a first session on a fresh workspace, from the first prompt to resuming it', () => {
	it('shows the migration with its schema diff, applies it on y, ticks the checklist, replays the session and resumes it', async () => {
		// No .mcp.json: the built-in local Supabase server on PGlite under .pgpair/.
		const dir = tempWorkspace('pgpair-journey-');
		const first = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script('journey-migration.json')}`, {cwd: dir, ...SIZE, env: {HOME: dir}});
		terminals.push(first);
		await first.waitForText('ask the backend engineer');
		first.press('C-l');
		const before = await first.waitForText(ROLLBACK_ITEM);
		expect(markOf(before, ROLLBACK_ITEM)).not.toBe('✓');
		first.press('Escape');
		await waitFor(() => !first.screen().includes('Quality checklist'), 'the checklist to close');

		first.type('add a projects table');
		first.press('Enter');
		await first.waitForText('mcp__supabase__apply_migration WRITE', 60_000);
		// Keys are ignored while the preview is computed: decide on the diff, once it is on screen.
		const approval = await first.waitForText('+table public.projects (rls off', 60_000);
		expect(approval).toContain('+column public.projects.name text not null');
		expect(approval).toContain('y allow once');
		// The pane is drawn once: nothing of the frame before the preview is left standing above it.
		expect(approval.match(/Tool call: mcp__supabase__apply_migration/g)).toHaveLength(1);
		first.type('y');
		await first.waitForText(FIRST_ANSWER, 60_000);
		await first.waitForText('ask the backend engineer');
		// The rollback of the applied migration was tried on a scratch copy: the item is ticked from evidence.
		await first.waitForText(/checklist [1-9]\d*\/\d+/, 60_000);
		first.press('C-l');
		const after = await first.waitForText(new RegExp(`✓ evidence\\s+${ROLLBACK_ITEM.replace(/[`-]/g, '.')}`), 30_000);
		expect(markOf(after, ROLLBACK_ITEM)).toBe('✓');
		first.press('Escape');
		await quit(first);
		expect(first.screen()).toContain('Session saved: sessions/');

		const sessionsDir = path.join(dir, 'sessions');
		expect(fs.readdirSync(sessionsDir)).toHaveLength(1);
		const transcriptPath = path.join(sessionsDir, fs.readdirSync(sessionsDir)[0]!);
		const saved = await readTranscript(transcriptPath);
		const id = saved.header.sessionId;
		const total = saved.events.length;
		const savedText = fs.readFileSync(transcriptPath, 'utf8');

		const printed = spawnSync(process.execPath, [BUILT_CLI, 'replay', id, '--print'], {
			cwd: dir,
			encoding: 'utf8',
			env: {PATH: process.env['PATH'] ?? '', HOME: dir, TZ: 'UTC'},
			timeout: 30_000,
		});
		expect(printed.status).toBe(0);
		expect(printed.stdout).toContain(`pgpair session ${id}`);
		expect(printed.stdout).toContain('> add a projects table');
		expect(printed.stdout).toContain('▸ mcp__supabase__apply_migration [write]');
		expect(printed.stdout).toContain('create table public.projects (');
		expect(printed.stdout).toContain('+table public.projects (rls off');
		expect(printed.stdout).toMatch(/✓ allowed by the user/);
		expect(printed.stdout).toContain(FIRST_ANSWER);

		const replay = startTmux(`${process.execPath} ${BUILT_CLI} replay ${id}`, {cwd: dir, ...SIZE, env: {HOME: dir}});
		terminals.push(replay);
		await replay.waitForText(`event 0 of ${total}`);
		// The first turn starts after the session's own first events (the servers it found): ↓ goes to it.
		replay.press('Down');
		const stepped = await replay.waitForText('> add a projects table');
		expect(stepped).toMatch(new RegExp(`event \\d+ of ${total}`));
		expect(stepped).not.toContain(FIRST_ANSWER);
		replay.type('G');
		const end = await replay.waitForText(`event ${total} of ${total}`);
		expect(end).toContain(FIRST_ANSWER);
		replay.type('q');
		await waitFor(() => replay.exited(), 'the replay to exit');
		expect(replay.exitStatus()).toBe(0);

		// Resumed against a scripted server of our own, to see what the model is sent.
		const server = await startScriptedServer(script('journey-resume.json'));
		servers.push(server);
		const resumed = startTmux(`${process.execPath} ${BUILT_CLI} --continue`, {
			cwd: dir,
			...SIZE,
			env: {HOME: dir, ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000', ANTHROPIC_BASE_URL: server.url},
		});
		terminals.push(resumed);
		const restored = await resumed.waitForText(`Resumed session ${id}`, 30_000);
		expect(restored).toContain('> add a projects table');
		expect(restored).toContain(FIRST_ANSWER);
		await resumed.waitForText('ask the backend engineer');
		resumed.type('what is next');
		resumed.press('Enter');
		await resumed.waitForText('Welcome back. Last time we created public.projects', 60_000);
		await resumed.waitForText('ask the backend engineer');

		const messages = sentMessages(server.requests[0]?.body);
		expect(messages.map(m => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
		expect(messages[0]!.content).toEqual([{type: 'text', text: 'add a projects table'}]);
		expect(messages[1]!.content).toContainEqual(expect.objectContaining({type: 'tool_use', id: 'toolu_journey_01', name: 'mcp__supabase__apply_migration'}));
		expect(messages[2]!.content).toEqual([expect.objectContaining({type: 'tool_result', tool_use_id: 'toolu_journey_01'})]);
		expect(messages[3]!.content).toEqual([expect.objectContaining({type: 'text', text: expect.stringContaining(FIRST_ANSWER)})]);
		expect(messages[4]!.content).toEqual([{type: 'text', text: 'what is next'}]);
		await quit(resumed);

		// The same file grew: what was saved is untouched, and the numbering goes on from it.
		expect(fs.readdirSync(sessionsDir)).toEqual([path.basename(transcriptPath)]);
		expect(fs.readFileSync(transcriptPath, 'utf8').startsWith(savedText)).toBe(true);
		const grown = await readTranscript(transcriptPath);
		expect(grown.warnings).toEqual([]);
		expect(grown.events.length).toBeGreaterThan(total);
		expect(grown.events.map(e => e.seq)).toEqual(grown.events.map((_, i) => i + 1));
		expect(grown.events.slice(total).find(e => e.type === 'user_prompt_submitted')).toMatchObject({text: 'what is next'});
	}, 180_000);
});
