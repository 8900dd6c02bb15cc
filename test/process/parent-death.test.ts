import {type ChildProcess, spawn} from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {boundToParent, findSetpriv} from '../../source/process/parent-death.js';
import {TSX_LOADER} from '../helpers/paths.js';
import {readProcess, waitUntilBusy} from '../helpers/process-tree.js';
import {waitFor} from '../helpers/wait-for.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'process-fixture.ts');

const started: ChildProcess[] = [];
const pids: number[] = [];
afterEach(() => {
	for (const child of started.splice(0)) child.kill('SIGKILL');
	for (const pid of pids.splice(0)) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// Gone, as it should be.
		}
	}
});

/** Runs the fixture; resolves with it and the first line it prints that matches. */
async function fixture(args: string[], line: RegExp, then?: RegExp): Promise<{child: ChildProcess; match: RegExpExecArray}> {
	const child = spawn(process.execPath, ['--import', TSX_LOADER, FIXTURE, ...args], {stdio: ['ignore', 'pipe', 'inherit']});
	started.push(child);
	let output = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	const match = await waitFor(() => line.exec(output), `the fixture to print ${line}`);
	pids.push(Number(match[1]));
	if (then) await waitFor(() => then.test(output), `the fixture to print ${then}`, 20_000);
	return {child, match};
}

async function killAndTime(parent: ChildProcess, pid: number): Promise<number> {
	const since = Date.now();
	parent.kill('SIGKILL');
	await waitFor(() => readProcess(pid) === undefined, 'the child to end', 5000, 10);
	return Date.now() - since;
}

describe('boundToParent', () => {
	it('finds a setpriv with --pdeathsig on Linux (util-linux is on every Debian)', () => {
		expect(findSetpriv()).toEqual(os.platform() === 'linux' ? expect.stringMatching(/\/setpriv$/) : null);
	});

	it('runs a resolvable command through setpriv, by its absolute path', () => {
		expect(boundToParent({command: 'node', args: ['-e', '1']}, {env: {PATH: path.dirname(process.execPath)}})).toEqual({
			command: findSetpriv(),
			args: ['--pdeathsig', 'KILL', '--', path.join(path.dirname(process.execPath), 'node'), '-e', '1'],
		});
		expect(boundToParent({command: process.execPath, args: []}, {signal: 'TERM'}).args.slice(0, 3)).toEqual(['--pdeathsig', 'TERM', '--']);
	});

	it('leaves a command that does not resolve as it is, so spawn still fails with ENOENT', () => {
		expect(boundToParent({command: 'no-such-program-pgpair', args: ['x']})).toEqual({command: 'no-such-program-pgpair', args: ['x']});
		expect(boundToParent({command: './missing.sh', args: []}, {cwd: os.tmpdir()})).toEqual({command: './missing.sh', args: []});
	});

	it("a child busy in an endless loop dies with its parent's SIGKILL", async () => {
		const line = boundToParent({command: process.execPath, args: ['-e', 'for (;;);']});
		const {child: parent, match} = await fixture(['spawn', line.command, ...line.args], /spawned (\d+)/);
		const pid = Number(match[1]);
		await waitUntilBusy(pid, 'the child to spin', 20);
		const ms = await killAndTime(parent, pid);
		expect(ms).toBeLessThan(1000);
	});
});

describe('watchParent', () => {
	it('kills its process, whose main thread is blocked, shortly after the parent dies', async () => {
		// `busy`: the watchdog runs and the main thread has entered its endless loop.
		const {child: parent, match} = await fixture(['spawn', process.execPath, '--import', TSX_LOADER, FIXTURE, 'watched-busy'], /spawned (\d+)/, /busy/);
		const pid = Number(match[1]);
		await waitUntilBusy(pid, 'the child to spin', 20);
		// Poll (200 ms) plus grace (300 ms), with room for a loaded machine.
		const ms = await killAndTime(parent, pid);
		expect(ms).toBeLessThan(3000);
	});
});
