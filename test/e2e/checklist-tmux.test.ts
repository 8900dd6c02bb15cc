import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {BUILT_CLI, REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const sessions: TmuxSession[] = [];
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

/** The mark in front of the RLS item in the checklist pane: ✓ done, ○ open, – not applicable. */
function rlsMark(screen: string): string | undefined {
	return /([✓○–])[^\n]*Row level security is on/.exec(screen)?.[1];
}

describe('the live checklist in a real terminal', () => {
	it('opens the RLS item for a table without RLS and ticks it after commented policies and an RLS test query', async () => {
		const dir = tempWorkspace();
		const script = path.join(REPO_ROOT, 'test/fixtures/scripts/checklist-rls-two-prompts.json');
		const term = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script}`, {cwd: dir, columns: 110, rows: 40, env: {HOME: dir}});
		sessions.push(term);
		await term.waitForText('ask the backend engineer');
		term.type('add a notes table');
		term.press('Enter');

		// The diff of what the migration will change is on screen before it is approved.
		const preview = await term.waitForText('+table public.notes (rls off', 60_000);
		expect(preview).toContain('mcp__supabase__apply_migration');
		term.type('y');
		await term.waitForText('Row level security comes next.', 60_000);
		await term.waitForText('ask the backend engineer');
		term.press('C-l');
		const open = await term.waitForText(/○[^\n]*Row level security is on/, 30_000);
		expect(rlsMark(open)).toBe('○');
		// Ctrl+L closes it again (an Esc followed at once by typing would reach the terminal as Alt+key).
		term.press('C-l');
		await waitFor(() => !term.screen().includes('Quality checklist'), 'the checklist pane to close');

		// The prompt takes keys once the pane's focus has gone back to it: typed again until the text is on screen.
		for (let attempt = 0; attempt < 5 && !term.screen().includes('> now secure it'); attempt++) {
			term.press('C-u');
			term.type('now secure it');
			await term.waitForText('> now secure it', 2000).catch(() => undefined);
		}
		term.press('Enter');
		await term.waitForText('+policy public.notes."owners read their notes"', 60_000);
		term.type('y');
		await term.waitForText('visible_notes from public.notes', 60_000);
		// An RLS test switches roles: measured in the sandbox (nothing changes), so it can be approved knowingly.
		await term.waitForText('no rows would change', 30_000);
		term.type('y');
		await term.waitForText('ask the backend engineer', 60_000);
		term.press('C-l');
		const done = await term.waitForText(/✓[^\n]*Row level security is on/, 30_000);
		expect(rlsMark(done)).toBe('✓');
		expect(done).toMatch(/✓ evidence\s+Row level security is on/);
	}, 240_000);
});
