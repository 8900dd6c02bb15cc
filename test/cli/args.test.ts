import {describe, expect, it} from 'vitest';
import {parseCommand, UsageError} from '../../source/cli/args.js';

describe('command line', () => {
	it('reads a headless run with its flags', () => {
		expect(
			parseCommand([
				'-p',
				'list my tables',
				'--scripted',
				's.json',
				'--output-format',
				'stream-json',
				'--allow',
				'mcp__supabase__list_tables',
				'--allow',
				'Read',
				'--max-turns',
				'5',
			]),
		).toMatchObject({
			command: 'chat',
			print: true,
			prompt: 'list my tables',
			scripted: 's.json',
			outputFormat: 'stream-json',
			allow: ['mcp__supabase__list_tables', 'Read'],
			maxTurns: 5,
		});
	});

	it("takes Claude Code's --allowedTools and --disallowedTools: lists split on commas and spaces, never inside a rule's parentheses", () => {
		expect(
			parseCommand([
				'-p',
				'go',
				'--allowedTools',
				'Bash(git log:*) Edit,Read',
				'--allowed-tools',
				'mcp__supabase__list_tables',
				'--allow',
				'Glob',
				'--disallowedTools',
				'Bash(rm -rf:*),Write',
			]),
		).toMatchObject({
			allow: ['Glob', 'Bash(git log:*)', 'Edit', 'Read', 'mcp__supabase__list_tables'],
			deny: ['Bash(rm -rf:*)', 'Write'],
		});
	});

	it('passes everything after "mcp" to the MCP server untouched', () => {
		expect(parseCommand(['mcp', '--read-only', '--db', 'postgres://x'])).toEqual({command: 'mcp', argv: ['--read-only', '--db', 'postgres://x']});
	});

	it('defaults to the TUI with 100 rounds and text output', () => {
		expect(parseCommand([])).toEqual({
			command: 'chat',
			print: false,
			outputFormat: 'text',
			maxTurns: 100,
			allow: [],
			deny: [],
			allowDestructiveRules: false,
			production: false,
			development: false,
			continue: false,
		});
	});

	it('turns on the OS sandbox for shell commands with --sandbox', () => {
		expect(parseCommand(['--sandbox', '-p', 'hi'])).toMatchObject({command: 'chat', sandbox: true});
		expect(parseCommand(['-p', 'hi'])).not.toHaveProperty('sandbox');
	});

	it('takes --resume with an id, and without one (at the end, or before another option) as a request for the list', () => {
		expect(parseCommand(['--resume', 'k3x9'])).toMatchObject({resume: 'k3x9'});
		expect(parseCommand(['-r', 'k3x9', 'a prompt'])).toMatchObject({resume: 'k3x9', prompt: 'a prompt'});
		expect(parseCommand(['--resume'])).toMatchObject({resume: true});
		expect(parseCommand(['-r', '--model', 'opus'])).toMatchObject({resume: true, model: 'opus'});
		expect(parseCommand(['--resume', '--', '--not-an-option'])).toMatchObject({resume: true, prompt: '--not-an-option'});
		expect(parseCommand(['--continue'])).not.toHaveProperty('resume');
	});

	it.each([
		[['-p', 'hi', '--resume'], /-p cannot choose a session from a list/],
		[['-p'], /-p needs a prompt/],
		[['--output-format', 'xml', 'hi'], /--output-format must be/],
		[['--max-turns', '0'], /--max-turns must be a positive/],
		[['--bogus'], /Unknown option/],
	])('rejects %j', (argv, message) => {
		expect(() => parseCommand(argv)).toThrow(UsageError);
		expect(() => parseCommand(argv)).toThrow(message);
	});
});
