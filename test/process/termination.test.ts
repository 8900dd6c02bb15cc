import {type ChildProcess, spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {signalExitCode} from '../../source/process/termination.js';
import {TSX_LOADER} from '../helpers/paths.js';
import {waitFor} from '../helpers/wait-for.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'process-fixture.ts');

const started: ChildProcess[] = [];
afterEach(() => {
	for (const child of started.splice(0)) child.kill('SIGKILL');
});

async function terminating(
	cleanUpMs: number,
): Promise<{child: ChildProcess; output: () => string; exited: Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}>}> {
	const child = spawn(process.execPath, ['--import', TSX_LOADER, FIXTURE, 'terminate', String(cleanUpMs)], {stdio: ['ignore', 'pipe', 'inherit']});
	started.push(child);
	let output = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	let since = 0;
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}>(resolve =>
		child.once('exit', (code, signal) => resolve({code, signal, ms: Date.now() - since})),
	);
	await waitFor(() => output.includes('ready'), 'the handlers to be installed', 20_000);
	since = Date.now();
	return {child, output: () => output, exited};
}

describe('onTermination', () => {
	it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s: runs the clean-up, then dies by the same signal', async signal => {
		const {child, output, exited} = await terminating(50);
		child.kill(signal);
		expect(await exited).toMatchObject({code: null, signal});
		expect(output()).toBe('ready\ncleaning\nforced\n');
	});

	it('a clean-up that never ends is cut off at the grace period', async () => {
		const {child, exited} = await terminating(-1);
		child.kill('SIGTERM');
		const exit = await exited;
		expect(exit).toMatchObject({code: null, signal: 'SIGTERM'});
		expect(exit.ms).toBeGreaterThanOrEqual(450);
		expect(exit.ms).toBeLessThan(3000);
	});

	it('a second signal during the clean-up ends the process at once', async () => {
		const {child, output, exited} = await terminating(-1);
		child.kill('SIGTERM');
		await waitFor(() => output().includes('cleaning'), 'the clean-up to start');
		child.kill('SIGINT');
		const exit = await exited;
		expect(exit).toMatchObject({code: null, signal: 'SIGTERM'});
		expect(exit.ms).toBeLessThan(450);
	});

	it('names the exit status a shell shows', () => {
		expect([signalExitCode('SIGHUP'), signalExitCode('SIGINT'), signalExitCode('SIGTERM'), signalExitCode('SIGKILL')]).toEqual([129, 130, 143, 137]);
	});
});
