import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {tailOfRows, takeRows, wrapRows} from '../../source/ui/wrap.js';

/** Deterministic pseudo-random numbers, so a failing case can be run again. */
function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state * 1_664_525 + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

const PIECES = [
	'select',
	'id,',
	'a',
	'verylongidentifier_without_any_break_at_all',
	' ',
	' ',
	' ',
	'  ',
	'\n',
	'\n\n',
	'\t',
	'Ünïcödé',
	'表格',
	'🙂',
	'👩‍💻',
	'e\u0301',
	'\u001B[31m',
	'\u001B]8;;http://x\u0007',
	'\r',
	'row-level',
];

function randomText(next: () => number, length: number): string {
	let text = '';
	while (text.length < length) text += PIECES[Math.floor(next() * PIECES.length)];
	return text;
}

/** Feeds `text` in random chunks the way a stream would, taking the rows that are decided each time. */
function streamed(text: string, width: number, next: () => number): string[] {
	const rows: string[] = [];
	let end = 0;
	let shown = 0;
	while (shown < text.length) {
		shown = Math.min(text.length, shown + 1 + Math.floor(next() * 30));
		const taken = takeRows(text.slice(0, shown), end, width, false);
		rows.push(...taken.rows);
		end = taken.end;
	}

	rows.push(...takeRows(text, end, width, true).rows);
	return rows;
}

describe('word wrap', () => {
	it('breaks at the last space that fits and drops that space', () => {
		expect(wrapRows('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
		expect(wrapRows('aaaa bbbb', 4)).toEqual(['aaaa', 'bbbb']);
	});

	it('cuts a word wider than the row', () => {
		expect(wrapRows('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
		expect(wrapRows('ab abcdefghij', 4)).toEqual(['ab', 'abcd', 'efgh', 'ij']);
	});

	it('keeps paragraphs and empty lines', () => {
		expect(wrapRows('one\n\ntwo', 10)).toEqual(['one', '', 'two']);
		expect(wrapRows('a\n', 10)).toEqual(['a', '']);
		expect(wrapRows('', 10)).toEqual(['']);
	});

	it('counts wide characters as two columns and expands tabs to stops of 4', () => {
		expect(wrapRows('表格表格表', 4)).toEqual(['表格', '表格', '表']);
		expect(wrapRows('a\tb', 10)).toEqual(['a   b']);
		expect(wrapRows('ab\tcd\tef', 6)).toEqual(['ab  cd', 'ef']);
	});

	it('drops escape sequences and control characters, so text cannot drive the terminal', () => {
		expect(wrapRows('\u001B[2J\u001B[31mred\u001B[0m\r done\u0007', 20)).toEqual(['red done']);
		expect(wrapRows('link \u001B]8;;http://evil\u0007here\u001B]8;;\u0007', 20)).toEqual(['link here']);
	});

	it('never makes a row wider than the pane, for any text and width', () => {
		const next = random(7);
		for (let run = 0; run < 300; run++) {
			const width = 1 + Math.floor(next() * 40);
			for (const row of wrapRows(randomText(next, 200), width)) {
				// A 2-column character alone in a 1-column pane is the one row that cannot fit.
				expect(stringWidth(row) <= width || (width === 1 && stringWidth(row) === 2)).toBe(true);
			}
		}
	});

	it('loses no visible character', () => {
		const next = random(11);
		for (let run = 0; run < 200; run++) {
			const text = randomText(next, 300);
			const visible = (s: string) => s.replace(/\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007]*\u0007)/g, '').replace(/[\s\u0000-\u001F]/g, '');
			expect(
				wrapRows(text, 1 + Math.floor(next() * 30))
					.map(visible)
					.join(''),
			).toBe(visible(text));
		}
	});

	it('hands out while streaming exactly the rows the finished text wraps into', () => {
		const next = random(3);
		for (let run = 0; run < 300; run++) {
			const text = randomText(next, 50 + Math.floor(next() * 400));
			const width = 1 + Math.floor(next() * 50);
			expect(streamed(text, width, next)).toEqual(wrapRows(text, width));
		}
	});

	it('leaves the open last row of a growing text for later', () => {
		expect(takeRows('the quick brown', 0, 10, false)).toEqual({rows: ['the quick'], end: 10});
		expect(takeRows('the quick brown', 10, 10, false)).toEqual({rows: [], end: 10});
		expect(takeRows('the quick brown', 10, 10, true)).toEqual({rows: ['brown'], end: 15});
		// Ten columns of text: the row is decided only by what comes after it.
		expect(takeRows('0123456789', 0, 10, false)).toEqual({rows: [], end: 0});
		expect(takeRows('0123456789 ', 0, 10, false)).toEqual({rows: ['0123456789'], end: 11});
	});

	it('gives the tail of a long text', () => {
		expect(tailOfRows('one\ntwo\nthree', 10, 2)).toEqual({rows: ['two', 'three'], clipped: true});
		expect(tailOfRows('one', 10, 2)).toEqual({rows: ['one'], clipped: false});
	});
});
