/**
 * The HTML export as a person reads it: a real session (the built CLI in a real terminal, the scripted model, the
 * built-in database, a migration allowed and a drop denied with keys) exported with `pgpair export --format html`
 * and opened in a real headless chromium. Assertions are on what the browser shows, not on the markup.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type {Locator} from 'playwright-core';
import {afterEach, describe, expect, it} from 'vitest';
import {readTranscript} from '../../source/transcripts/reader.js';
import {type BrowserPage, openChromium, staysLocal} from '../helpers/chromium.js';
import {BUILT_CLI, REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';

const terminals: TmuxSession[] = [];
const browsers: BrowserPage[] = [];
afterEach(async () => {
	for (const terminal of terminals.splice(0)) terminal.kill();
	for (const browser of browsers.splice(0)) await browser.close();
});

const SCRIPT = path.join(REPO_ROOT, 'test/fixtures/scripts/export-session.json');
/** Markup in what the person typed and the model wrote must be shown as text, and fetch nothing. */
const PROMPT = 'add a projects table <img src="https://example.invalid/pixel.png">';
const ANSWERS = [
	"I'll add a projects table, with a reversible migration in supabase/migrations/20261206120000_create_projects.sql.",
	"The projects table exists. The draft copy is not needed any more, so I'll drop it.",
	'Understood: public.projects stays as it is. <b>Row level security</b> is still off, so it comes next.',
];

/** Runs the session in tmux as a person would and returns its workspace and transcript path. */
async function recordSession(): Promise<{dir: string; transcript: string}> {
	const dir = tempWorkspace('pgpair-export-');
	const term = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${SCRIPT}`, {cwd: dir, columns: 110, rows: 40, env: {HOME: dir}});
	terminals.push(term);
	await term.waitForText('ask the backend engineer', 30_000);
	term.type(PROMPT);
	await term.waitForText('example.invalid');
	term.press('Enter');
	// Keys are ignored while the preview is computed: each decision is made on the diff once it is on screen.
	await term.waitForText('+table public.projects (rls off', 60_000);
	term.type('y');
	await term.waitForText('mcp__supabase__execute_sql DESTRUCTIVE', 60_000);
	await term.waitForText('-table public.projects (rls off', 60_000);
	term.type('n');
	await term.waitForText('so it comes next.', 60_000);
	await term.waitForText('ask the backend engineer');
	// The checklist is evaluated from evidence after the migration: it has ticked an item before the session ends.
	await term.waitForText(/checklist [1-9]\d*\/\d+/, 60_000);
	const last = await quitPgpair(term);
	expect(last).toContain('Session saved: sessions/');
	const sessionsDir = path.join(dir, 'sessions');
	const [name] = fs.readdirSync(sessionsDir);
	return {dir, transcript: path.join(sessionsDir, name!)};
}

describe('the HTML export in a real browser', () => {
	it('shows the conversation, each approval with its decision, the SQL diffs and the checklist, with no errors and nothing fetched', async () => {
		const {dir, transcript} = await recordSession();
		const {header, events} = await readTranscript(transcript);
		const exported = spawnSync(process.execPath, [BUILT_CLI, 'export', header.sessionId, '--format', 'html', '--output', 'session.html'], {
			cwd: dir,
			encoding: 'utf8',
			timeout: 30_000,
		});
		expect(exported.stderr).toBe('pgpair: wrote session.html\n');
		expect(exported.status).toBe(0);
		const url = pathToFileURL(path.join(dir, 'session.html')).href;

		const browser = await openChromium();
		browsers.push(browser);
		const {page} = browser;
		await page.goto(url, {waitUntil: 'load'});
		const shown = await shownText(page.locator('body'));

		// The conversation, markup shown as typed.
		expect(shown).toContain(PROMPT);
		for (const answer of ANSWERS) expect(shown).toContain(answer);
		expect(await page.locator('img, b').count()).toBe(0);

		// Each approval with its decision, and the diff it was decided on.
		const calls = page.locator('section.call');
		expect(await calls.count()).toBe(2);
		const migration = calls.filter({hasText: 'mcp__supabase__apply_migration'});
		const drop = calls.filter({hasText: 'mcp__supabase__execute_sql'});
		await expectVisible(migration.locator('.decision'), /^allowed by the user after \d/);
		await expectVisible(drop.locator('.decision'), /^denied by the user after \d/);
		await expectVisible(migration.locator('pre.sql'), /create table public\.projects \(/);
		await expectVisible(drop.locator('pre.sql'), /^drop table public\.projects;$/);
		await expectVisible(drop.locator('.class'), /destructive; hazards: drops table public\.projects/);
		const added = await visibleLines(migration.locator('pre.diff .added'));
		expect(added).toContain('+table public.projects (rls off, force off)');
		expect(added).toContain('+column public.projects.name text not null');
		const removed = await visibleLines(drop.locator('pre.diff .removed'));
		expect(removed).toContain('-table public.projects (rls off, force off)');
		expect(removed).toContain('-column public.projects.id bigint not null generated always as identity');
		// Added and removed lines are told apart by colour, as in the terminal.
		// (Browser code as text: the tests are type-checked without the DOM's types.)
		const colour = async (selector: string) => page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).color`);
		expect(await colour('pre.diff .added')).not.toBe(await colour('pre.diff .removed'));
		expect(await colour('pre.diff .added')).not.toBe(await colour('pre.diff'));

		// Every checklist item the session recorded, with its state.
		const items = events.flatMap(event => (event.type === 'checklist_item_changed' ? [event] : []));
		expect(items.length).toBeGreaterThan(0);
		expect(items.some(item => item.state === 'done')).toBe(true);
		const checklist = await visibleLines(page.locator('.checklist'));
		for (const item of items) expect(checklist).toContain(`${item.state === 'done' ? '☑' : '☐'} Checklist: ${item.text} (${item.by}: ${item.evidence})`);

		// pgpair's own look-ups are there, folded: their SQL does not bury the conversation until asked for.
		const lookUp = page.locator('details.lookup').first();
		expect(await lookUp.locator('summary').isVisible()).toBe(true);
		expect(await lookUp.locator('pre').isVisible()).toBe(false);
		await lookUp.locator('summary').click();
		expect(await lookUp.locator('pre').isVisible()).toBe(true);

		// Nothing failed, nothing left the file.
		expect(browser.errors).toEqual([]);
		expect(browser.requests).toContain(url);
		expect(browser.requests.filter(request => !staysLocal(request))).toEqual([]);

		// On a phone-sized screen nothing runs off the side.
		await page.setViewportSize({width: 375, height: 800});
		const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
		expect(overflow).toBe(0);
		expect(browser.errors).toEqual([]);
	}, 240_000);

	it('fails with the install command when chromium is missing', async () => {
		await expect(openChromium({executablePath: '/nonexistent/chromium'})).rejects.toThrow(/apt-get install chromium/);
	});
});

/** The text the browser renders for an element: innerText follows the CSS (a folded part is left out), textContent does not. */
async function shownText(locator: Locator): Promise<string> {
	// biome-ignore lint/performance/useDomNodeTextContent: what a reader sees is the point of these tests.
	return (await locator.innerText()).trim();
}

async function expectVisible(locator: Locator, text: RegExp): Promise<void> {
	expect(await locator.count()).toBe(1);
	expect(await locator.isVisible()).toBe(true);
	expect(await shownText(locator)).toMatch(text);
}

/** The text of every visible element the locator finds, one entry each. */
async function visibleLines(locator: Locator): Promise<string[]> {
	const lines: string[] = [];
	for (const element of await locator.all()) if (await element.isVisible()) lines.push(await shownText(element));
	return lines;
}
