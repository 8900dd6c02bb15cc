import {describe, expect, it} from 'vitest';
import {globToRegExp, maxDepth, splitStaticPrefix} from '../../../source/tools/local/glob-pattern.js';

describe('globToRegExp', () => {
	it.each([
		['*.ts', 'index.ts', true],
		['*.ts', 'src/index.ts', false],
		['*.ts', '.eslintrc.ts', true],
		['**/*.ts', 'index.ts', true],
		['**/*.ts', 'a/b/c/index.ts', true],
		['**/*.ts', 'a/b/index.tsx', false],
		['src/**', 'src/a/b.sql', true],
		['src/**', 'other/a.sql', false],
		['src/**/test/*.ts', 'src/test/a.ts', true],
		['src/**/test/*.ts', 'src/x/y/test/a.ts', true],
		['src/**/test/*.ts', 'src/x/y/tests/a.ts', false],
		['file?.txt', 'file1.txt', true],
		['file?.txt', 'file10.txt', false],
		['file?.txt', 'file/.txt', false],
		['*.{ts,tsx}', 'a.tsx', true],
		['*.{ts,tsx}', 'a.js', false],
		['{src,lib/**}/*.js', 'lib/x/y.js', true],
		['{src,lib/**}/*.js', 'src/y.js', true],
		['{a,{b,c}}.md', 'c.md', true],
		['[abc].sql', 'b.sql', true],
		['[!abc].sql', 'b.sql', false],
		['[!abc].sql', 'd.sql', true],
		['[0-9][0-9]_*.sql', '01_init.sql', true],
		['a.b', 'aXb', false],
		['(x)+.txt', '(x)+.txt', true],
		['\\*.md', '*.md', true],
		['\\*.md', 'a.md', false],
		['[unclosed', '[unclosed', true],
	])('%s matching %s is %s', (pattern, subject, expected) => {
		expect(globToRegExp(pattern).test(subject)).toBe(expected);
	});
});

describe('splitStaticPrefix and maxDepth', () => {
	it.each([
		['**/*.ts', '.', '**/*.ts', undefined],
		['src/components/*.tsx', 'src/components', '*.tsx', 1],
		['src/index.ts', 'src', 'index.ts', 1],
		['/abs/dir/*.sql', '/abs/dir', '*.sql', 1],
		['../x/*', '../x', '*', 1],
		['a/*/c/*.md', 'a', '*/c/*.md', 3],
		['{a,b/c}/*.md', '.', '{a,b/c}/*.md', undefined],
	])('%s walks %s for %s (depth %s)', (pattern, base, rest, depth) => {
		expect(splitStaticPrefix(pattern)).toEqual({base, rest});
		expect(maxDepth(rest)).toBe(depth);
	});
});
