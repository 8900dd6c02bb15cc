import {describe, expect, it} from 'vitest';
import {quoteIdent} from '../../source/sql/identifiers.js';

describe('quoteIdent', () => {
	it.each([
		['notes', '"notes"'],
		['Notes', '"Notes"'],
		['select', '"select"'],
		['a"b', '"a""b"'],
		['"', '""""'],
		['', '""'],
		['a.b', '"a.b"'],
	])('quotes %j as %s', (name, quoted) => {
		expect(quoteIdent(name)).toBe(quoted);
	});
});
