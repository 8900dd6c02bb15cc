import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {BUILT_CLI, REPO_ROOT, tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';

const hello = path.join(REPO_ROOT, 'test/fixtures/scripts/hello.json');

function pgpair(args: string[], options: {cwd: string; env?: Record<string, string>}) {
	return spawnSync(process.execPath, [BUILT_CLI, ...args], {cwd: options.cwd, encoding: 'utf8', env: {PATH: process.env['PATH'] ?? '', HOME: options.cwd, ...options.env}, timeout: 60_000});
}

describe('headless runs of the built CLI', () => {
	it('prints the scripted answer and exits 0', () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const run = pgpair(['-p', 'hi', '--scripted', hello], {cwd: dir});
		const expected = JSON.parse(fs.readFileSync(hello, 'utf8')).turns[0].text as string;
		expect(run.status).toBe(0);
		expect(run.stdout).toBe(`${expected}\n`);
		expect(fs.readdirSync(path.join(dir, 'sessions'))).toHaveLength(1);
	});

	it('says how to set an API key and exits non-zero without a key or a script', () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const run = pgpair(['-p', 'hi'], {cwd: dir});
		expect(run.status).toBe(2);
		expect(run.stderr).toContain('ANTHROPIC_API_KEY');
		expect(run.stderr).toContain('--scripted');
		expect(run.stdout).toBe('');
	});

	it('denies a call that would ask, prints why, and lets an --allow rule cover it', () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir, {NOTES_FILE: path.join(dir, 'notes.txt')});
		const script = path.join(dir, 'note.json');
		fs.writeFileSync(script, JSON.stringify({turns: [
			{text: 'Noting.', tool_calls: [{name: 'mcp__fixture__write_note', input: {line: 'from headless'}}]},
			{text: 'Done.'},
		]}));
		// An agent without a tools list sees every tool, the fixture server's included.
		fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), '---\nname: generalist\ndescription: Any task.\n---\nYou help.\n');
		const denied = pgpair(['-p', 'note it', '--scripted', script, '--agent', 'generalist'], {cwd: dir});
		expect(denied.status).toBe(0);
		expect(denied.stderr).toMatch(/denied mcp__fixture__write_note: .*headless/);
		expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(false);

		const allowed = pgpair(['-p', 'note it', '--scripted', script, '--agent', 'generalist', '--allow', 'mcp__fixture__write_note'], {cwd: dir});
		expect(allowed.status).toBe(0);
		expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('from headless\n');
	});

	it('streams one JSON event per line with --output-format stream-json, secrets redacted', () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const script = path.join(dir, 'secret.json');
		fs.writeFileSync(script, JSON.stringify({turns: [{text: 'Your key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789 is set.'}]}));
		const run = pgpair(['-p', 'hi', '--scripted', script, '--output-format', 'stream-json'], {cwd: dir});
		expect(run.status).toBe(0);
		const events = run.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; seq: number});
		expect(events[0]?.type).toBe('user_prompt_submitted');
		expect(events.filter(e => e.type !== 'checklist_item_changed' && e.type !== 'notice_shown' && e.type !== 'internal_call_completed').at(-1)?.type).toBe('turn_completed');
		expect(events.map(e => e.seq)).toEqual(events.map((_, i) => i + 1));
		expect(run.stdout).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
	});

	it('refuses a malformed command line with the usage text and exit code 2', () => {
		const run = pgpair(['--output-format', 'xml', 'hi'], {cwd: tempWorkspace()});
		expect(run.status).toBe(2);
		expect(run.stderr).toContain('--output-format must be text, json or stream-json');
		expect(run.stderr).toContain('Usage');
	});
});
