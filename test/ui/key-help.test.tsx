import {render} from 'ink-testing-library';
import type React from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import {commandsNote, HelpOverlay, helpOverlayPage, helpOverlayRows} from '../../source/ui/help-overlay.js';
import {BINDINGS, CONTEXT_TITLES, type Context, rowKeys} from '../../source/ui/keys/bindings.js';
import {LIVE_HELP_CONTEXTS, REPLAY_HELP_CONTEXTS} from '../../source/ui/keys/focus.js';
import {ReplayHelp, replayHelpRows} from '../../source/ui/replay/replay-help.js';
import {SLASH_COMMANDS} from '../../source/ui/slash-commands.js';

const views: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const view of views.splice(0)) view.unmount();
});

const strip = (text: string | undefined) => (text ?? '').replace(/\u001b\[[0-9;]*m/g, '');

function frameOf(node: React.ReactElement): string {
	const view = render(node);
	views.push(view);
	return strip(view.lastFrame());
}

/** What a help screen must show: each row's keys followed by its description, and each context's title. */
function missing(frame: string, contexts: readonly Context[]): string[] {
	const rows = BINDINGS.filter(binding => contexts.includes(binding.context));
	return [...rows.map(binding => `${rowKeys(binding)} ${binding.description}`), ...contexts.map(context => CONTEXT_TITLES[context])].filter(
		text => !frame.includes(text),
	);
}

describe('the help screens', () => {
	it.each([79, 80, 120])('the live help shows the keys and description of every row of its contexts at %i columns', width => {
		const frame = frameOf(<HelpOverlay width={width} />);
		expect(missing(frame, LIVE_HELP_CONTEXTS)).toEqual([]);
		expect(frame.split('\n')).toHaveLength(helpOverlayRows(width));
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(width);
	});

	it.each([80, 120])('the replay help shows the keys and description of every row of its contexts at %i columns', width => {
		const frame = frameOf(<ReplayHelp width={width} />);
		expect(missing(frame, REPLAY_HELP_CONTEXTS)).toEqual([]);
		expect(frame).toContain('any pause longer than 2 s is cut to 2 s');
		expect(frame.split('\n')).toHaveLength(replayHelpRows(width));
	});

	it('fits the rows it is given and says which lines it shows and how to page', () => {
		const frame = frameOf(<HelpOverlay width={80} maxRows={10} />);
		const lines = frame.split('\n');
		expect(lines).toHaveLength(10);
		expect(frame).toMatch(/lines 1–\d+ of \d+ · PgDn more · PgUp back/);
	});

	it('shows every row of every context, page by page, in the room an 80×24 terminal leaves it', () => {
		// The app gives the help rows − 9 rows at 24 rows, and a width of columns − 1.
		const width = 79;
		const maxRows = 15;
		const {page, maxScroll} = helpOverlayPage(width, maxRows);
		expect(maxScroll).toBeGreaterThan(0);
		let seen = '';
		for (let scroll = 0; ; scroll = Math.min(maxScroll, scroll + page)) {
			const frame = frameOf(<HelpOverlay width={width} maxRows={maxRows} scroll={scroll} />);
			expect(frame.split('\n')).toHaveLength(maxRows);
			for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(width);
			seen += `${frame}\n`;
			if (scroll === maxScroll) break;
		}

		expect(missing(seen, LIVE_HELP_CONTEXTS)).toEqual([]);
	});

	it.each([79, 39])('names every command under the keys, on as many lines as %i columns need, none cut', width => {
		const note = commandsNote(width);
		expect(note[0]).toMatch(/^Commands: \/help {2}\/clear/);
		const frame = frameOf(<HelpOverlay width={width} />);
		for (const command of SLASH_COMMANDS) expect(note.join(' ')).toContain(`/${command.name}${command.args ? ` ${command.args}` : ''}`);
		for (const line of note) {
			expect(line.length).toBeLessThanOrEqual(width - 4);
			expect(frame).toContain(line.trim());
		}
		expect(note.length).toBeGreaterThan(1);
		expect(frame.split('\n')).toHaveLength(helpOverlayRows(width));
	});
});
