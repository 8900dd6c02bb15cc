import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {isRunning, type LocalWorkspace, localWorkspace} from '../../helpers/local-workspace.js';
import {waitFor} from '../../helpers/wait-for.js';

let ws: LocalWorkspace;

beforeEach(() => {
	ws = localWorkspace({
		...process.env,
		ANTHROPIC_API_KEY: 'sk-ant-test-secret',
		ANTHROPIC_AUTH_TOKEN: 'auth-test-secret',
		PGPAIR_TEST_VISIBLE: 'visible-value',
	});
});

const pidsIn = (text: string) => [...text.matchAll(/pid=(\d+)/g)].map(match => Number(match[1]));

describe('Bash', () => {
	it('runs in the workspace root and returns stdout and stderr with the exit code', async () => {
		const result = await ws.run('Bash', {command: 'pwd; echo to-stderr >&2', description: 'where am I'});
		expect(result).toEqual({isError: false, content: `${fs.realpathSync(ws.root)}\nto-stderr\n\nExit code: 0`});
	});

	it('reports a non-zero exit code as an error, with the output', async () => {
		expect(await ws.run('Bash', {command: 'echo partial; exit 3'})).toEqual({isError: true, content: 'partial\n\nExit code: 3'});
		expect(await ws.run('Bash', {command: 'true'})).toEqual({isError: false, content: '(no output)\n\nExit code: 0'});
	});

	it("passes the environment but not pgpair's own secrets", async () => {
		const result = await ws.run('Bash', {command: 'env'});
		expect(result.content).toContain('PGPAIR_TEST_VISIBLE=visible-value');
		expect(result.content).not.toContain('ANTHROPIC_API_KEY');
		expect(result.content).not.toContain('sk-ant-test-secret');
		expect(result.content).not.toContain('ANTHROPIC_AUTH_TOKEN');
		expect(result.content).not.toContain('auth-test-secret');
	});

	it('on timeout kills the command and every process it started', async () => {
		const started = Date.now();
		const result = await ws.run('Bash', {command: 'sleep 100 & echo "pid=$!"; sleep 100 & echo "pid=$!"; wait', timeout: 500});
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(result.isError).toBe(true);
		expect(result.content).toContain('The command timed out after 500 ms; it and every process it started were killed.');
		const pids = pidsIn(result.content);
		expect(pids).toHaveLength(2);
		await waitFor(() => pids.every(pid => !isRunning(pid)), 'the background sleeps to be gone');
	});

	it('escalates to SIGKILL for a command that ignores SIGTERM', async () => {
		const result = await ws.run('Bash', {command: 'trap "" TERM; echo "pid=$$"; while true; do sleep 0.1; done', timeout: 300});
		expect(result.content).toContain('timed out after 300 ms');
		const [pid] = pidsIn(result.content);
		await waitFor(() => !isRunning(pid!), 'the stubborn shell to be gone');
	});

	it('an abort signal stops the command and its children', async () => {
		const controller = new AbortController();
		const pidFile = path.join(ws.root, 'child.pid');
		const running = ws.run('Bash', {command: 'sleep 100 & echo $! > child.pid; wait'}, controller.signal);
		const pid = Number(await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim(), 'the child pid file'));
		expect(isRunning(pid)).toBe(true);
		controller.abort();
		const result = await running;
		expect(result).toEqual({isError: true, content: '(no output)\n\nThe command was cancelled; it and every process it started were killed.'});
		await waitFor(() => !isRunning(pid), 'the aborted child to be gone');
	});

	it('does not run at all when the signal is already aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		const result = await ws.run('Bash', {command: 'touch ran.txt'}, controller.signal);
		expect(result).toEqual({isError: true, content: 'The command did not run: the turn was cancelled.'});
		expect(fs.existsSync(path.join(ws.root, 'ran.txt'))).toBe(false);
	});

	it('stops background processes that still hold the output when the command ends', async () => {
		const result = await ws.run('Bash', {command: 'sleep 100 & echo "pid=$!"'});
		expect(result.content).toContain('Exit code: 0\n(Background processes the command left holding its output were stopped.)');
		const [pid] = pidsIn(result.content);
		await waitFor(() => !isRunning(pid!), 'the leftover sleep to be gone');
	});

	it('caps long output, keeping the start and the end and saying how much was cut', async () => {
		// seq 1 20000 prints 108,894 characters.
		const result = await ws.run('Bash', {command: 'seq 1 20000'});
		expect(result.isError).toBe(false);
		expect(result.content.length).toBeLessThan(30_200);
		expect(result.content.startsWith('1\n2\n3\n')).toBe(true);
		expect(result.content.endsWith('19999\n20000\n\nExit code: 0')).toBe(true);
		expect(result.content).toContain('[… 78894 characters cut from the middle of the output …]');
	});

	it.each([
		[{command: 'echo', timeout: 600_001}, /^Invalid input for Bash: timeout: Too big: expected number to be <=600000/],
		[{command: ''}, /^Invalid input for Bash: command: Too small/],
		[{command: 'echo', run_in_background: true}, /unknown parameter "run_in_background" \(Bash takes command, timeout, description\)/],
	])('refuses %j', async (input, message) => {
		const result = await ws.run('Bash', input);
		expect(result.isError).toBe(true);
		expect(result.content).toMatch(message);
	});
});
