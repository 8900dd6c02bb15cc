/**
 * `pgpair rewind`'s command line: what it refuses and how it says so, and the list line's shape. (Rewinds themselves
 * run through the built CLI in test/e2e/rewind-cli.test.ts.)
 */
import {describe, expect, it} from 'vitest';
import {listLine, runRewind} from '../../source/cli/rewind-command.js';
import {tempWorkspace} from '../helpers/paths.js';

async function run(argv: string[]) {
	const out: string[] = [];
	const err: string[] = [];
	const cwd = tempWorkspace('pgpair-rewind-args-');
	const code = await runRewind(argv, {cwd, env: {}, cliEntry: '/nonexistent', stdout: t => out.push(t), stderr: t => err.push(t)});
	return {code, stdout: out.join(''), stderr: err.join('')};
}

describe('pgpair rewind arguments', () => {
	it.each([
		[[], /name a checkpoint, or --list/],
		[['--list', 'cp-12345678'], /--list takes no checkpoint/],
		[['cp-1', 'cp-2'], /one checkpoint at a time/],
		[['cp-12345678', '--files-only', '--database-only'], /exclude each other/],
		[['--bogus'], /Unknown option '--bogus'/],
	])('refuses %j with a usage error', async (argv, message) => {
		const {code, stdout, stderr} = await run(argv);
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toMatch(message);
		expect(stderr).toContain('usage: pgpair rewind --list');
	});

	it('says there is no session to rewind in a folder without one', async () => {
		const {code, stderr} = await run(['--list']);
		expect(code).toBe(1);
		expect(stderr).toMatch(/no saved session for this workspace/);
	});

	it('lists a checkpoint as id, time, tool and label, and a dropped one with why', () => {
		const at = Date.UTC(2026, 11, 6, 13, 40, 1);
		const line = listLine({
			id: 'cp-1a2b3c4d',
			callId: 'toolu_1',
			tool: 'mcp__supabase__execute_sql',
			label: 'drop table public.items',
			files: [],
			bytes: 1,
			at,
		});
		expect(line).toMatch(/^cp-1a2b3c4d {2}2026-12-06 \d\d:40:01 {2}execute_sql {2}drop table public\.items$/);
		expect(listLine({id: 'cp-00000000', callId: 't', tool: 'Write', label: 'a.md', files: ['a.md'], bytes: 1, at, dropped: 'over the budget'})).toMatch(
			/ {2}Write {2}a\.md {2}\(dropped: over the budget\)$/,
		);
	});
});
