/** What the prompt's text is: a command pgpair answers itself, an unknown one (never sent), or a prompt. */
import {describe, expect, it} from 'vitest';
import {parseInput, SLASH_COMMANDS} from '../../source/ui/slash-commands.js';

describe('slash commands', () => {
	it.each([
		['/help', {kind: 'command', name: 'help'}],
		['  /help  ', {kind: 'command', name: 'help'}],
		['/rewind', {kind: 'command', name: 'rewind'}],
		['/rewind cp-1a2b3c4d', {kind: 'command', name: 'rewind', arg: 'cp-1a2b3c4d'}],
		['/exit', {kind: 'command', name: 'exit'}],
		['/quit', {kind: 'command', name: 'exit'}],
		['/clera', {kind: 'unknown', name: 'clera'}],
		['/etc/hosts is broken, fix it', {kind: 'prompt'}],
		['/ leading slash and a space', {kind: 'prompt'}],
		['list /help in the docs', {kind: 'prompt'}],
		['/Help', {kind: 'prompt'}],
	])('reads %j', (text, expected) => {
		expect(parseInput(text)).toEqual(expected);
	});

	it('names every command once', () => {
		const names = SLASH_COMMANDS.flatMap(c => [c.name, ...(c.aliases ?? [])]);
		expect(new Set(names).size).toBe(names.length);
	});
});
