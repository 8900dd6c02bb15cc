/**
 * An interrupted test run cleans up after itself: vitest, with the suite's own global setup, is started on a test
 * that waits, and is sent SIGINT (Ctrl+C in a terminal) or SIGTERM once that test runs. The Postgres cluster the run
 * started must stop, and the run's temporary folder, where its cluster, its tests' workspaces and everything its
 * processes put in TMPDIR live, must be gone.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {REPO_ROOT} from '../helpers/paths.js';
import {allProcesses, descendants, type ProcessInfo, stillRunning} from '../helpers/process-tree.js';
import {waitFor} from '../helpers/wait-for.js';

const VITEST = path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs');
const CONFIG = path.join(REPO_ROOT, 'test/fixtures/harness/vitest.config.ts');

const children: ChildProcess[] = [];
const bases: string[] = [];
afterEach(() => {
	for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	for (const base of bases.splice(0)) {
		// A run that failed to clean up leaves its cluster running: stopped here (SIGQUIT: immediate shutdown).
		for (const leaked of allProcesses().filter(p => p.command.includes(base) && p.pid !== process.pid)) {
			try {
				process.kill(leaked.pid, 'SIGQUIT');
			} catch {
				// Already gone.
			}
		}

		fs.rmSync(base, {recursive: true, force: true});
	}
});

type Marker = {tmpdir: string; workspace: string; databaseUrl: string};

describe('an interrupted test run', () => {
	it.each(['SIGINT', 'SIGTERM'] as const)(
		'stops its Postgres and removes its temporary folder on %s',
		async signal => {
			const run = startRun();
			const seen = await run.started;
			// The run keeps its temporary files in a folder of its own, and its cluster there.
			expect(path.dirname(seen.tmpdir)).toBe(run.base);
			expect(path.basename(seen.tmpdir)).toMatch(/^pgpair-run-/);
			expect(seen.workspace.startsWith(`${seen.tmpdir}/`)).toBe(true);
			expect(seen.databaseUrl).toMatch(/^postgresql:\/\/pgpair_test:/);
			const postgres = runningFrom(seen.tmpdir);
			expect(postgres.map(p => p.command).join('\n')).toMatch(/postgres.* -D /);
			const vitestTree = descendants(run.child.pid!);
			expect(vitestTree.length).toBeGreaterThan(0);

			run.child.kill(signal);
			await run.ended(30_000);

			// Nothing of the run is left: its Postgres (the postmaster and every backend), its workers, its files.
			await waitFor(() => [...postgres, ...vitestTree].every(p => !stillRunning(p)), 'the run’s processes to end', 10_000).catch(() => undefined);
			expect([...postgres, ...vitestTree].filter(stillRunning).map(p => `${p.pid} ${p.command}`)).toEqual([]);
			expect(allProcesses().filter(p => p.command.includes(seen.tmpdir) && p.pid !== process.pid)).toEqual([]);
			expect(fs.existsSync(seen.tmpdir)).toBe(false);
			expect(fs.readdirSync(run.base).filter(name => name !== 'marker.json')).toEqual([]);
		},
		180_000,
	);

	it('that ends by itself leaves nothing behind either', async () => {
		const run = startRun({PGPAIR_HARNESS_WAIT_MS: '0'});
		const seen = await run.started;
		const postgres = runningFrom(seen.tmpdir);
		expect(postgres.length).toBeGreaterThan(0);
		expect(await run.ended(60_000)).toBe(0);
		expect(postgres.filter(stillRunning)).toEqual([]);
		expect(fs.existsSync(seen.tmpdir)).toBe(false);
		expect(fs.readdirSync(run.base).filter(name => name !== 'marker.json')).toEqual([]);
	}, 180_000);
});

/** vitest on the fixture test, in a parent folder of this test's, with no Postgres given (it starts its own). */
function startRun(extraEnv: Record<string, string> = {}) {
	// The run's parent folder is this test's: whatever the run leaves in it is a leak. Its name is short: the cluster's
	// socket ends up four folders below it, and a socket path has at most 107 bytes.
	const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pgh-'));
	bases.push(base);
	// As /tmp is: the cluster's own user (`postgres`, when the run is root's) reaches its folder through it.
	fs.chmodSync(base, 0o755);
	const marker = path.join(base, 'marker.json');
	const env: NodeJS.ProcessEnv = {...process.env, TMPDIR: base, PGPAIR_HARNESS_MARKER: marker, ...extraEnv};
	// No server given: the run starts a throwaway cluster of its own, as on a machine with only Debian's package.
	delete env['TEST_DATABASE_URL'];
	delete env['TEST_BOOTSTRAP_DATABASE_URL'];
	let output = '';
	const child = spawn(process.execPath, [VITEST, 'run', '--config', CONFIG], {cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe']});
	children.push(child);
	child.stdout!.on('data', chunk => (output += chunk));
	child.stderr!.on('data', chunk => (output += chunk));
	const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
	const withOutput = (error: unknown) => {
		throw new Error(`${(error as Error).message}\n--- vitest ---\n${output}`);
	};
	const started = Promise.race([
		waitFor(() => (fs.existsSync(marker) ? (JSON.parse(fs.readFileSync(marker, 'utf8')) as Marker) : undefined), 'the fixture test to start', 120_000),
		exited.then(() => Promise.reject(new Error('vitest ended before the fixture test started'))),
	]).catch(withOutput);
	const ended = async (timeoutMs: number) =>
		Promise.race([
			exited,
			new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`vitest did not exit within ${timeoutMs} ms`)), timeoutMs)),
		]).catch(withOutput);
	return {base, child, started, ended};
}

/** Processes whose command line names `folder`, and everything they started (a postmaster's backends). */
function runningFrom(folder: string): ProcessInfo[] {
	const roots = allProcesses().filter(p => p.command.includes(folder));
	return [...roots, ...roots.flatMap(root => descendants(root.pid))];
}
