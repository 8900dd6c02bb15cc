import {describe, expect, it} from 'vitest';
import {collapsesPaste, expandPastes, normalizePasted, PASTE_COLLAPSE_CHARS, type Paste, pasteLabel} from '../../source/ui/pasted-text.js';
import {bufferOf, deleteBack, insertText, moveDown, moveLeft, moveRight, moveUp, type PromptBuffer} from '../../source/ui/prompt-buffer.js';
import {browsingUntouched, historyBack, historyForward, NOT_BROWSING, promptHistory} from '../../source/ui/prompt-history.js';
import {promptRows, promptView} from '../../source/ui/prompt-layout.js';

/** A buffer written with `|` where the cursor is. */
const at = (marked: string): PromptBuffer => bufferOf(marked.replace('|', ''), marked.indexOf('|'));
const marked = (buffer: PromptBuffer | undefined) => (buffer ? `${buffer.text.slice(0, buffer.cursor)}|${buffer.text.slice(buffer.cursor)}` : undefined);

describe('the prompt buffer', () => {
	it.each([
		['types at the cursor', insertText(at('ab|cd'), 'X'), 'abX|cd'],
		['deletes the character before the cursor', deleteBack(at('ab|cd')), 'a|cd'],
		['deletes a whole emoji, not half of it', deleteBack(at('a😀|')), 'a|'],
		['does nothing at the start', deleteBack(at('|ab')), '|ab'],
		['moves left over an emoji at once', moveLeft(at('a😀|b')), 'a|😀b'],
		['moves right', moveRight(at('a|b')), 'ab|'],
		['stays at the end', moveRight(at('ab|')), 'ab|'],
		['goes up a line at the same column', moveUp(at('abcd\nef|gh')), 'ab|cd\nefgh'],
		['goes up to the end of a shorter line', moveUp(at('ab\ncdef|')), 'ab|\ncdef'],
		['goes down a line', moveDown(at('a|bc\ndef')), 'abc\nd|ef'],
		['goes down to the end of a shorter last line', moveDown(at('abc|\nd')), 'abc\nd|'],
	])('%s', (_what, buffer, expected) => {
		expect(marked(buffer)).toBe(expected);
	});

	it('says it is on the first or last line, where ↑ and ↓ go to the history', () => {
		expect(moveUp(at('one| line'))).toBeUndefined();
		expect(moveUp(at('first|\nsecond'))).toBeUndefined();
		expect(moveDown(at('first\nsec|ond'))).toBeUndefined();
	});
});

describe('the prompt history', () => {
	const entries = ['oldest', 'middle', 'newest'];

	it('goes back from the newest, keeps the draft, and gives it back past the newest', () => {
		const draft = at('half a tho|ught');
		const first = historyBack(entries, NOT_BROWSING, draft)!;
		expect(first.buffer.text).toBe('newest');
		const second = historyBack(entries, first.position, first.buffer)!;
		expect(second.buffer.text).toBe('middle');
		const third = historyBack(entries, second.position, second.buffer)!;
		expect(third.buffer.text).toBe('oldest');
		expect(historyBack(entries, third.position, third.buffer)).toBeUndefined();
		const forward = historyForward(entries, third.position)!;
		expect(forward.buffer.text).toBe('middle');
		const newest = historyForward(entries, historyForward(entries, forward.position)!.position);
		expect(newest?.buffer).toBe(draft);
		expect(newest?.position).toEqual(NOT_BROWSING);
		expect(historyForward(entries, NOT_BROWSING)).toBeUndefined();
	});

	it('steps through recalled prompts of many lines until one is edited', () => {
		const step = historyBack(['one\ntwo\nthree'], NOT_BROWSING, at('|'))!;
		expect(browsingUntouched(step.position, step.buffer)).toBe(true);
		expect(browsingUntouched(step.position, insertText(step.buffer, 'x'))).toBe(false);
		expect(browsingUntouched(NOT_BROWSING, step.buffer)).toBe(false);
	});

	it('lists earlier sessions, then this one, with cleared drafts where they were cleared, and no prompt twice in a row', () => {
		const list = promptHistory(
			['from yesterday', 'again'],
			['again', 'first today', 'second today'],
			[
				{afterPrompts: 1, text: 'cleared after the first'},
				{afterPrompts: 3, text: 'cleared last'},
			],
		);
		expect(list).toEqual(['from yesterday', 'again', 'cleared after the first', 'first today', 'second today', 'cleared last']);
		expect(promptHistory([], ['  ', 'x'])).toEqual(['x']);
	});
});

describe('large pastes', () => {
	const lines = (count: number) => Array.from({length: count}, (_, i) => `line ${i}`).join('\n');

	it.each([
		['a short line', 'select 1', false],
		[`${PASTE_COLLAPSE_CHARS} characters`, 'x'.repeat(PASTE_COLLAPSE_CHARS), false],
		[`${PASTE_COLLAPSE_CHARS + 1} characters`, 'x'.repeat(PASTE_COLLAPSE_CHARS + 1), true],
		['five short lines', lines(5), false],
		['six short lines', lines(6), true],
	])('collapses %s: %s', (_what, text, collapsed) => {
		expect(collapsesPaste(text)).toBe(collapsed);
	});

	it('labels a paste as Claude Code does, and a single long line by its length', () => {
		expect(pasteLabel(1, lines(120))).toBe('[Pasted text #1 +119 lines]');
		expect(pasteLabel(2, 'y'.repeat(900))).toBe('[Pasted text #2 900 chars]');
		expect(normalizePasted('a\r\nb\rc')).toBe('a\nb\nc');
	});

	it('puts every paste back in one pass, and leaves an edited placeholder as typed', () => {
		const pastes: Paste[] = [
			{id: 1, label: '[Pasted text #1 +6 lines]', text: lines(7)},
			// A pasted text that looks like a placeholder is not expanded again.
			{id: 2, label: '[Pasted text #2 +1 lines]', text: 'see [Pasted text #1 +6 lines]\nend'},
		];
		expect(expandPastes('A [Pasted text #1 +6 lines] B [Pasted text #2 +1 lines]', pastes)).toBe(`A ${lines(7)} B see [Pasted text #1 +6 lines]\nend`);
		expect(expandPastes('[Pasted text #1 +6 line]', pastes)).toBe('[Pasted text #1 +6 line]');
		expect(expandPastes('[Pasted text #9 +6 lines]', pastes)).toBe('[Pasted text #9 +6 lines]');
	});
});

describe('the prompt’s rows', () => {
	it('cuts lines at the column and puts the cursor on its row', () => {
		expect(promptRows(at('abcdefg|h\nij'), 4)).toEqual([{text: 'abcd'}, {text: 'efgh', cursor: 3}, {text: 'ij'}]);
		// A cursor after a full row gets a row of its own, or its cell would wrap.
		expect(promptRows(at('abcd|'), 4)).toEqual([{text: 'abcd'}, {text: '', cursor: 0}]);
		expect(promptRows(at('ab\n|'), 4)).toEqual([{text: 'ab'}, {text: '', cursor: 0}]);
		// Nothing in the text can move the terminal's cursor.
		expect(promptRows(at('a\u001B[2Jb\t|'), 10)).toEqual([{text: 'a·[2Jb ', cursor: 7}]);
		// Wide characters take two columns.
		expect(promptRows(at('日本語|'), 4)).toEqual([{text: '日本'}, {text: '語', cursor: 1}]);
	});

	it('never shows more rows than it is given, and keeps the cursor in sight', () => {
		const text = Array.from({length: 200}, (_, i) => `row ${i}`).join('\n');
		for (const [cursor, maxRows] of [
			[0, 8],
			[text.length, 8],
			[text.indexOf('row 100'), 8],
			[text.length, 1],
			[0, 2],
		] as const) {
			const view = promptView(bufferOf(text, cursor), 70, maxRows);
			expect(view.rows.length + (view.counted ? 1 : 0)).toBeLessThanOrEqual(maxRows);
			expect(view.rows.some(row => row.cursor !== undefined)).toBe(true);
			expect(view.above + view.rows.length + view.below).toBe(200);
		}

		expect(promptView(bufferOf('short'), 70, 8)).toEqual({rows: [{text: 'short', cursor: 5}], above: 0, below: 0, counted: false});
	});
});
