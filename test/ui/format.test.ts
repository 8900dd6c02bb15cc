import {describe, expect, it} from 'vitest';
import {tailRowsFixed} from '../../source/ui/format.js';

describe('the tail of a streaming answer', () => {
	it('cuts rows at fixed offsets from each line start, so earlier rows do not change as text grows', () => {
		const before = tailRowsFixed('abcdefghij\nklmnopq', 4, 10);
		expect(before).toEqual({rows: ['abcd', 'efgh', 'ij', 'klmn', 'opq'], clipped: false});
		const after = tailRowsFixed('abcdefghij\nklmnopqrs', 4, 10);
		expect(after.rows.slice(0, 4)).toEqual(before.rows.slice(0, 4));
	});

	it('keeps only the last rows and says the rest was clipped', () => {
		expect(tailRowsFixed('one\ntwo\nthree', 10, 2)).toEqual({rows: ['two', 'three'], clipped: true});
		expect(tailRowsFixed('', 10, 2)).toEqual({rows: [''], clipped: false});
		expect(tailRowsFixed('a\n', 10, 5)).toEqual({rows: ['a', ''], clipped: false});
	});
});
