/**
 * The offline demo as a newcomer meets it (issue 19), in a real 80×24 terminal with no API key: its migration
 * denied, it stops and says so instead of going on to announce success, and D runs it again; approved to its end, it
 * says it has ended, and a prompt typed after it gets the set-up hint rather than a raw "script is exhausted" error.
 * The database and the transcript say what happened, not only the screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

/** Presses a pane key until the screen moves on (a pane takes keys a moment after it is drawn). */
async function pressUntilGone(terminal: TmuxSession, key: string, shown: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		terminal.type(key);
		const still = await new Promise<boolean>(resolve => setTimeout(() => resolve(terminal.screen().includes(shown)), 700));
		if (!still) return;
	}
	throw new Error(`"${key}" never took "${shown}" off the screen\n${terminal.screen()}`);
}

type Event = {type: string; decision?: string; name?: string; outcome?: string; text?: string; callId?: string};

function events(dir: string): Event[] {
	const [file] = fs.readdirSync(path.join(dir, 'sessions')).filter(name => name.endsWith('.jsonl'));
	return fs
		.readFileSync(path.join(dir, 'sessions', file!), 'utf8')
		.trim()
		.split('\n')
		.slice(1)
		.map(line => JSON.parse(line) as Event);
}

describe('the offline demo, at 80×24 without a key', () => {
	it('stops when its migration is denied, runs again with D, and ends plainly', {timeout: 300_000}, async () => {
		const dir = tempWorkspace('pgpair-demo-');
		const terminal = startTmux(`env -u ANTHROPIC_API_KEY -u ANTHROPIC_AUTH_TOKEN ${process.execPath} ${BUILT_CLI}`, {
			cwd: dir,
			columns: 80,
			rows: 24,
			env: {HOME: dir, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME},
		});
		terminals.push(terminal);
		await terminal.waitForText('Press D to run the offline demo');
		terminal.type('D');

		// list_tables runs unasked (a read); the migration asks. Denied, the demo stops there.
		await terminal.waitForText('apply_migration', 90_000);
		await terminal.waitForText('y allow once', 60_000);
		await pressUntilGone(terminal, 'n', 'y allow once');
		await terminal.waitForText('The offline demo stopped: you did not allow apply_migration', 30_000);
		await terminal.waitForText('Press D to run the offline demo');
		const stopped = events(dir);
		expect(stopped.filter(e => e.type === 'tool_call_decided').map(e => e.decision)).toEqual(['allow', 'deny']);
		// Nothing after the denial: no SQL of the next step was asked for, and no answer claims success.
		expect(stopped.filter(e => e.type === 'tool_call_requested').map(e => e.name)).toEqual(['mcp__supabase__list_tables', 'mcp__supabase__apply_migration']);
		expect(JSON.stringify(stopped.filter(e => e.type === 'assistant_message_completed'))).not.toContain('Done. `public.todos` exists');

		// D again: the demo runs from its start, and approved to its end it says so.
		terminal.type('D');
		await terminal.waitForText('Starting the offline demo', 10_000).catch(() => undefined);
		// Every call that asks is allowed, until the demo says it has ended.
		const deadline = Date.now() + 240_000;
		for (;;) {
			const screen = terminal.screen();
			if (screen.includes('The offline demo has ended')) break;
			if (Date.now() > deadline) throw new Error(`the demo never ended\n${screen}`);
			if (screen.includes('y allow once')) await pressUntilGone(terminal, 'y', 'y allow once');
			else await new Promise(resolve => setTimeout(resolve, 250));
		}
		const ended = events(dir);
		expect(ended.filter(e => e.type === 'turn_completed').map(e => e.outcome)).toEqual(['cancelled', 'completed']);
		const second = ended.slice(ended.findIndex(e => e.type === 'turn_completed') + 1);
		expect(second.filter(e => e.type === 'tool_call_requested').map(e => e.name)).toEqual([
			'mcp__supabase__list_tables',
			'mcp__supabase__apply_migration',
			'mcp__supabase__execute_sql',
			'mcp__supabase__get_advisors',
			'mcp__supabase__get_advisors',
			'mcp__supabase__generate_typescript_types',
		]);
		// Each ran and succeeded: the migration created the table the rest of the demo works on.
		expect(second.filter(e => e.type === 'tool_call_completed').map(e => (e as {isError?: boolean}).isError)).toEqual([
			false,
			false,
			false,
			false,
			false,
			false,
		]);

		// A prompt now: the set-up hint under the prompt, nothing sent, no raw 500 from the demo's finished script.
		terminal.type('what next');
		terminal.press('Enter');
		const screen = await terminal.waitForText('No model to answer yet', 10_000);
		expect(screen).not.toMatch(/exhausted|500/);
		expect(events(dir).filter(e => e.type === 'user_prompt_submitted')).toHaveLength(2);
		// The unsent prompt stays in the box (nothing typed is lost); Ctrl+U clears it, so Ctrl+C quits.
		terminal.press('C-u');
		await quitPgpair(terminal);
	});
});
