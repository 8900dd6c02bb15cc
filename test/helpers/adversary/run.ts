/**
 * Runs the BUILT pgpair (dist/cli.js) as a person's shell would, headless, and watches its whole process tree
 * while it runs, so a test can say which of its descendants outlived it. Nothing here decides anything about the
 * product: it starts, waits (bounded), kills on a deadline and reports.
 */
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {isRunning} from '../local-workspace.js';
import {BUILT_CLI} from '../paths.js';
import {descendants} from '../process-tree.js';
import {waitFor} from '../wait-for.js';

export type StreamEvent = {type: string; callId?: string; [key: string]: unknown};

export type ProcessInfo = {pid: number; command: string};

export type PgpairRun = {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** stream-json events (when the run asked for them), in order. */
	events: StreamEvent[];
	durationMs: number;
	/** The run was still going at its deadline and was killed by the harness. */
	timedOut: boolean;
	/** Every descendant of pgpair seen while it ran. */
	descendants: ProcessInfo[];
	/** Descendants still running 5 s after pgpair itself ended (the harness kills them afterwards). */
	leftovers: ProcessInfo[];
};

/** Where PGlite's base snapshot is cached: shared with the person's own cache, so a fresh HOME does not re-run initdb. */
const CACHE_HOME = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');

/** The preview and read deadline every session is given (G2). */
export const TEST_DEADLINE_MS = 3_000;

/**
 * How much later than its deadline a call may end: the timer fires on a loaded machine, the result crosses two
 * processes and a transcript write. A call still running at deadline + slack had no deadline.
 */
export const DEADLINE_SLACK_MS = 7_000;

/** A bare environment: what a person's shell would pass, plus the test's deadlines. No API key: the script answers. */
export function baseEnv(workspace: string, extra: Record<string, string> = {}): Record<string, string> {
	return {
		PATH: process.env['PATH'] ?? '/usr/bin:/bin',
		HOME: workspace,
		XDG_CACHE_HOME: CACHE_HOME,
		LANG: 'C.UTF-8',
		CI: 'false',
		PGPAIR_MAX_RETRIES: '0',
		PGPAIR_RETRY_BASE_DELAY_MS: '10',
		// The deadlines the guarantees promise; harmless to a build that does not read them yet.
		PGPAIR_PREVIEW_TIMEOUT_MS: String(TEST_DEADLINE_MS),
		PGPAIR_READ_TIMEOUT_MS: String(TEST_DEADLINE_MS),
		...extra,
	};
}

/** The pids below `pid` that run now (/proc, Linux: the suite needs it to find what pgpair left behind). */
export function descendantsOf(pid: number): number[] {
	return descendants(pid).map(info => info.pid);
}

/** CPU time (clock ticks, user + system) the descendants of `pid` have used so far. */
export function descendantsCpuTicks(pid: number): number {
	return descendants(pid).reduce((ticks, info) => ticks + info.cpu, 0);
}

export function commandOf(pid: number): string {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 160);
	} catch {
		return '(gone)';
	}
}

export type RunOptions = {
	cwd: string;
	env: Record<string, string>;
	/** The run is killed (and reported as timed out) after this long. */
	timeoutMs: number;
	/** Called for every stream-json event as it arrives (for tests that act mid-run). */
	onEvent?: (event: StreamEvent, child: {pid: number}) => void;
};

/** A started pgpair: its pid, its finish, and the descendants seen so far. */
export type RunningPgpair = {pid: number; finished: Promise<PgpairRun>; descendants(): ProcessInfo[]};

export function startPgpair(args: string[], options: RunOptions): RunningPgpair {
	const started = Date.now();
	const child = spawn(process.execPath, [BUILT_CLI, ...args], {cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe']});
	const pid = child.pid!;
	const seen = new Map<number, string>();
	const watch = () => {
		for (const descendant of descendantsOf(pid)) if (!seen.has(descendant)) seen.set(descendant, commandOf(descendant));
	};
	const watcher = setInterval(watch, 100);
	let stdout = '';
	let stderr = '';
	let pending = '';
	const events: StreamEvent[] = [];
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		pending += chunk;
		for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
			const line = pending.slice(0, newline);
			pending = pending.slice(newline + 1);
			if (!line.startsWith('{')) continue;
			try {
				const event = JSON.parse(line) as StreamEvent;
				events.push(event);
				watch();
				options.onEvent?.(event, {pid});
			} catch {
				// Not an event line (text output).
			}
		}
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	let timedOut = false;
	const deadline = setTimeout(() => {
		timedOut = true;
		watch();
		child.kill('SIGKILL');
	}, options.timeoutMs);

	const finished = new Promise<PgpairRun>(resolve => {
		child.once('exit', async (code, signal) => {
			// A descendant that inherited stderr keeps the pipe open: read what is there, then stop waiting for it.
			// The pipes stay open (as a person's terminal would) until the descendants are judged: closing them
			// could make a leftover die of a broken pipe and hide it.
			await new Promise(done => {
				const timer = setTimeout(done, 1_000);
				child.once('close', () => {
					clearTimeout(timer);
					done(undefined);
				});
			});
			clearTimeout(deadline);
			clearInterval(watcher);
			const durationMs = Date.now() - started;
			const descendants = [...seen].map(([p, command]) => ({pid: p, command}));
			// A child may take a moment to notice its parent is gone; five seconds is the promise (G8).
			const alive = () => descendants.filter(d => isRunning(d.pid));
			await waitFor(() => alive().length === 0, 'descendants to end', 5_000, 50).catch(() => undefined);
			const leftovers = alive();
			for (const leftover of leftovers) killQuietly(leftover.pid);
			child.stdout.destroy();
			child.stderr.destroy();
			resolve({code, signal, stdout, stderr, events, durationMs, timedOut, descendants, leftovers});
		});
	});
	return {
		pid,
		finished,
		descendants: () => {
			watch();
			return [...seen].map(([p, command]) => ({pid: p, command}));
		},
	};
}

export async function runPgpair(args: string[], options: RunOptions): Promise<PgpairRun> {
	return startPgpair(args, options).finished;
}

export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
	try {
		process.kill(pid, signal);
	} catch {
		// Already gone.
	}
}

/** A short command (export, replay) of the built CLI; synchronous, bounded. */
export function pgpairCommand(args: string[], options: {cwd: string; env: Record<string, string>}): {status: number | null; stdout: string; stderr: string} {
	const result = spawnSync(process.execPath, [BUILT_CLI, ...args], {cwd: options.cwd, env: options.env, encoding: 'utf8', timeout: 60_000});
	return {status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? ''};
}

/** Tool calls for a script: one round per entry, then a closing answer, so the headless run ends by itself. */
export type ScriptCall = {id: string; name: string; input: Record<string, unknown>};

export function scriptFile(dir: string, rounds: ScriptCall[][], extraTurns: object[] = []): string {
	const file = path.join(dir, `adversary-script-${Date.now()}-${Math.random().toString(16).slice(2, 8)}.json`);
	const turns = [...rounds.filter(r => r.length > 0).map((calls, i) => ({text: `Step ${i + 1}.`, tool_calls: calls})), ...extraTurns, {text: 'Done.'}];
	fs.writeFileSync(file, JSON.stringify({turns}));
	return file;
}

/** Tool call ids must start with `toolu_`; case ids become readable call ids. */
export function callId(caseId: string, index = 0): string {
	return `toolu_adv_${caseId}_${index}`;
}

/** The text a call came back with, if it ran. */
export function resultOf(events: readonly StreamEvent[], id: string): {isError: boolean; content: string} | undefined {
	const completed = events.find(e => e.type === 'tool_call_completed' && e.callId === id);
	return completed ? {isError: completed['isError'] === true, content: String(completed['content'] ?? '')} : undefined;
}

export function decisionOf(events: readonly StreamEvent[], id: string): {decision: string; by: string; reason: string} | undefined {
	const decided = events.find(e => e.type === 'tool_call_decided' && e.callId === id);
	return decided ? {decision: String(decided['decision']), by: String(decided['by']), reason: String(decided['reason'] ?? '')} : undefined;
}

/** One line on how a session ended, for failure messages. */
export function describeRun(run: PgpairRun): string {
	const how = run.timedOut
		? `killed by the harness after ${run.durationMs} ms (did not finish)`
		: `exited ${run.code ?? run.signal} after ${run.durationMs} ms`;
	const last = run.stderr.trim().split('\n').slice(-3).join(' | ');
	return `${how}${last ? `; stderr: ${last.slice(0, 300)}` : ''}`;
}
