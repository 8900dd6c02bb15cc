/**
 * The installed app in a real terminal (tmux): first frame, one approval, quit; then the session through the
 * installed bin's sessions, replay, export and resume.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {connectInstalledMcp, copyScript, installedPackage, runPgpair, userEnv, workspace} from '../helpers/installed-package.js';
import {sentMessages} from '../helpers/sent-messages.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const FIRST_ANSWER = 'Row level security is still off, so it comes next.';
const API_KEY = 'sk-ant-test-key-000000000000';

const terminals: TmuxSession[] = [];
const servers: ScriptedServer[] = [];
afterEach(async () => {
	for (const terminal of terminals.splice(0)) terminal.kill();
	for (const server of servers.splice(0)) await server.close();
});

/** A command line that runs with exactly `env`: the tmux server's own environment (this test run's) stays out. */
function clean(env: Record<string, string>, argv: string[]): string {
	const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
	return ['env', '-i', ...Object.entries(env).map(([k, v]) => quote(`${k}=${v}`)), ...argv.map(quote)].join(' ');
}

describe('the installed TUI', () => {
	it('shows the first frame, applies a migration on y, quits on Ctrl+C twice; sessions, replay, export and resume find the session', async () => {
		const pkg = await installedPackage();
		const dir = workspace(pkg, 'tui');
		const script = copyScript(dir, 'journey-migration.json');
		const env = userEnv(pkg.home, {TERM: 'xterm-256color'});
		const started = Date.now();
		const terminal = startTmux(clean(env, [pkg.bin, '--scripted', script]), {cwd: dir, columns: 110, rows: 40});
		terminals.push(terminal);
		await terminal.waitForText('ask the backend engineer');
		console.log(`release: TUI first frame on screen after ${Date.now() - started} ms (tmux, polled every 50 ms)`);

		terminal.type('add a projects table');
		terminal.press('Enter');
		await terminal.waitForText('mcp__supabase__apply_migration WRITE', 90_000);
		const approval = await terminal.waitForText('+table public.projects (rls off', 90_000);
		expect(approval).toContain('y allow once');
		terminal.type('y');
		await terminal.waitForText(FIRST_ANSWER, 60_000);
		await terminal.waitForText('ask the backend engineer');
		terminal.press('C-c');
		await terminal.waitForText('Press Ctrl+C again to quit');
		terminal.press('C-c');
		await waitFor(() => terminal.exited(), 'pgpair to exit', 20_000).catch(error => {
			throw new Error(`${(error as Error).message}\n${terminal.screen()}`);
		});
		expect(terminal.exitStatus()).toBe(0);
		expect(terminal.screen()).toContain('Session saved: sessions/');

		// The approved migration ran on the project's embedded database.
		const mcp = await connectInstalledMcp(pkg, dir, {args: ['--workspace', dir]});
		try {
			expect((await mcp.call('list_tables')).tables).toEqual([expect.objectContaining({name: 'public.projects', rls_enabled: false})]);
			expect((await mcp.call('list_migrations')).migrations).toEqual([expect.objectContaining({name: 'create_projects'})]);
		} finally {
			await mcp.close();
		}

		const sessions = await runPgpair(pkg, ['sessions', '--json'], {cwd: dir});
		expect(sessions.status).toBe(0);
		const [summary] = JSON.parse(sessions.stdout) as Array<{id: string; firstPrompt: string; approvals: {allowed: number; denied: number}}>;
		expect(summary).toMatchObject({firstPrompt: 'add a projects table', approvals: {allowed: 1, denied: 0}});
		const id = summary!.id;

		const replay = await runPgpair(pkg, ['replay', id, '--print'], {cwd: dir, env: {TZ: 'UTC'}});
		expect(replay.status).toBe(0);
		expect(replay.stdout).toContain(`pgpair session ${id}`);
		expect(replay.stdout).toContain('> add a projects table');
		expect(replay.stdout).toContain('▸ mcp__supabase__apply_migration [write]');
		expect(replay.stdout).toMatch(/✓ allowed by the user/);
		expect(replay.stdout).toContain(FIRST_ANSWER);

		const exported = await runPgpair(pkg, ['export', id.slice(0, 8), '--format', 'md'], {cwd: dir, env: {TZ: 'UTC'}});
		expect(exported.status).toBe(0);
		expect(exported.stdout).toMatch(new RegExp(`^# pgpair session ${id}`));
		expect(exported.stdout).toContain('create table public.projects (');
		expect(exported.stdout).toContain(FIRST_ANSWER);

		// Resumed headless against a model we can read: it is sent the whole first session.
		const server = await startScriptedServer(JSON.parse(fs.readFileSync(copyScript(dir, 'journey-resume.json'), 'utf8')));
		servers.push(server);
		const resumed = await runPgpair(pkg, ['--resume', id, '-p', 'what is next'], {cwd: dir, env: {ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: server.url}});
		expect(resumed.stderr).toBe('');
		expect(resumed).toMatchObject({status: 0, stdout: expect.stringContaining('Welcome back. Last time we created public.projects')});
		const messages = sentMessages(server.requests[0]?.body);
		expect(messages.map(m => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
		expect(messages[1]!.content).toContainEqual(expect.objectContaining({type: 'tool_use', id: 'toolu_journey_01', name: 'mcp__supabase__apply_migration'}));
		expect(messages[4]!.content).toEqual([{type: 'text', text: 'what is next'}]);
		expect(fs.readdirSync(path.join(dir, 'sessions'))).toHaveLength(1);
	}, 300_000);
});
