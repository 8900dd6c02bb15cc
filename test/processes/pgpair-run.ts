/**
 * The built CLI, headless, in a temporary workspace, run by the scripted model: tests start a call that takes
 * long, kill pgpair with a signal and look at what is left (processes, Postgres backends, the transcript).
 */
import {type ChildProcess, spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {type ProcessInfo, ProcessTree} from '../helpers/process-tree.js';
import {waitFor} from '../helpers/wait-for.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

export type ToolCall = {name: string; input: unknown};

export type Exit = {code: number | null; signal: NodeJS.Signals | null};

export type PgpairRun = {
	dir: string;
	child: ChildProcess;
	pid: number;
	tree: ProcessTree;
	exited: Promise<Exit>;
	/** Events printed so far (stream-json). */
	events(): Array<{type: string; [key: string]: unknown}>;
	/** Waits until the call at `index` (0-based, in script order) has started to run. */
	callStarted(index: number, timeoutMs?: number): Promise<void>;
	/** The live process of the built-in server (`pgpair mcp`). */
	server(): ProcessInfo;
	/** The transcript's lines, each parsed (throws on a torn line). */
	transcript(): Array<{type: string; [key: string]: unknown}>;
	stderr(): string;
};

/** One turn per call, each call alone, then a closing answer. */
export function scriptOf(calls: ToolCall[]): string {
	return JSON.stringify({turns: [...calls.map((call, i) => ({text: `Step ${i + 1}.`, tool_calls: [call]})), {text: 'Done.'}]});
}

export function startPgpair(options: {calls: ToolCall[]; allow: string[]; env?: Record<string, string>; dir?: string; args?: string[]}): PgpairRun {
	const dir = options.dir ?? tempWorkspace('pgpair-procs-');
	const script = path.join(dir, 'script.json');
	fs.writeFileSync(script, scriptOf(options.calls));
	const args = [
		BUILT_CLI,
		'-p',
		'go',
		'--scripted',
		script,
		'--output-format',
		'stream-json',
		'--allow-destructive-rules',
		...options.allow.flatMap(rule => ['--allow', rule]),
		...(options.args ?? []),
	];
	const child = spawn(process.execPath, args, {
		cwd: dir,
		env: {PATH: process.env['PATH'] ?? '', HOME: dir, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME, ...options.env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise<Exit>(resolve => child.once('exit', (code, signal) => resolve({code, signal})));
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const events = () =>
		stdout
			.split('\n')
			.filter(line => line.startsWith('{'))
			.map(line => JSON.parse(line) as {type: string; [key: string]: unknown});
	const tree = new ProcessTree(child.pid!, dir);
	return {
		dir,
		child,
		pid: child.pid!,
		tree,
		exited,
		events,
		async callStarted(index, timeoutMs = 30_000) {
			await waitFor(
				() => {
					if (child.exitCode !== null) throw new Error(`pgpair exited early (${child.exitCode}): ${stderr}`);
					tree.snapshot();
					return events().filter(e => e.type === 'tool_call_started').length > index;
				},
				`call ${index + 1} to start`,
				timeoutMs,
			);
		},
		server() {
			const server = tree.snapshot().find(p => p.command.includes(' mcp --workspace '));
			if (!server) throw new Error('pgpair has no running `pgpair mcp` child');
			return server;
		},
		transcript() {
			const folder = path.join(dir, 'sessions');
			const [file] = fs.readdirSync(folder);
			return fs
				.readFileSync(path.join(folder, file!), 'utf8')
				.trimEnd()
				.split('\n')
				.slice(1)
				.map(line => JSON.parse(line) as {type: string});
		},
		stderr: () => stderr,
	};
}

/** The exit a signal should produce: death by that very signal (a shell shows 128 + its number). */
export function expectedExit(signal: NodeJS.Signals): Exit {
	return {code: null, signal};
}

/** A CPU-bound query that runs for hours and holds no more memory than one row (a set-returning function streams). */
export const ENDLESS_COUNT = 'select count(x) from (select generate_series(1, 100000000000) as x) s';

/** Sends `signal`, then waits until pgpair and everything it started are gone; returns the milliseconds that took. */
export async function killAndWait(run: PgpairRun, signal: NodeJS.Signals, timeoutMs = 5000): Promise<{ms: number; exit: Exit}> {
	run.tree.snapshot();
	const since = Date.now();
	process.kill(run.pid, signal);
	const exit = await run.exited;
	const ms = await run.tree.waitUntilGone(Math.max(0, timeoutMs - (Date.now() - since)), since);
	return {ms, exit};
}
