/**
 * Runs a command in a real pseudo-terminal (util-linux `script`), timestamps every chunk of output,
 * and lets a benchmark type into it. Used for first-frame, RSS and streaming measurements.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import fs from 'node:fs';
import {descendants, readProcess} from '../helpers/process-tree.js';

export type PtyRun = {
	child: ChildProcess;
	/** Visible text so far (ANSI stripped). */
	text(): string;
	/** performance.now() of the first chunk whose accumulated text contains (or matches) `needle`. */
	waitFor(needle: string | RegExp, timeoutMs?: number): Promise<number>;
	write(data: string): void;
	/** PID of the program inside the terminal (the child of `script`). */
	programPid(): number;
	stop(): Promise<void>;
};

const ANSI = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[()][A-Za-z0-9]|[=>NOM78])/g;

export function startPty(command: string, options: {cwd: string; env: NodeJS.ProcessEnv; columns?: number; rows?: number}): PtyRun {
	const shell = `stty cols ${options.columns ?? 100} rows ${options.rows ?? 30}; exec ${command}`;
	const child = spawn('script', ['-qfec', shell, '/dev/null'], {cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe']});
	let raw = '';
	let plain = '';
	const waiters: Array<{needle: string | RegExp; resolve: (t: number) => void}> = [];
	const found = (needle: string | RegExp) => (typeof needle === 'string' ? plain.includes(needle) : needle.test(plain));
	child.stdout!.on('data', (chunk: Buffer) => {
		const now = performance.now();
		raw += chunk.toString('utf8');
		plain = raw.replace(ANSI, '');
		for (const waiter of [...waiters]) {
			if (found(waiter.needle)) {
				waiters.splice(waiters.indexOf(waiter), 1);
				waiter.resolve(now);
			}
		}
	});
	return {
		child,
		text: () => plain,
		waitFor(needle, timeoutMs = 20_000) {
			if (found(needle)) return Promise.resolve(performance.now());
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(needle)}; screen tail: ${plain.slice(-600)}`)), timeoutMs);
				waiters.push({
					needle,
					resolve: t => {
						clearTimeout(timer);
						resolve(t);
					},
				});
			});
		},
		write(data) {
			child.stdin!.write(data);
		},
		programPid() {
			const children = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
			if (!children[0]) throw new Error('the program inside the terminal has not started');
			return children[0];
		},
		async stop() {
			if (child.exitCode !== null) return;
			const exited = new Promise(resolve => child.once('exit', resolve));
			try {
				process.kill(this.programPid(), 'SIGTERM');
			} catch {
				child.kill('SIGTERM');
			}

			await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 3000))]);
			if (child.exitCode === null) child.kill('SIGKILL');
		},
	};
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]);
	return ticks / 100;
}

export function rssMb(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
	return kb / 1024;
}

/** Resident memory of a whole process tree (what a person's machine gives it), in MB. */
export function treeRssMb(pid: number): number {
	return [pid, ...descendants(pid).map(info => info.pid)].reduce((sum, p) => {
		try {
			return sum + rssMb(p);
		} catch {
			return sum; // Ended meanwhile.
		}
	}, 0);
}

/** CPU seconds used by a whole process tree: the processes that run, and the children they have already reaped. */
export function treeCpuSeconds(pid: number): number {
	const tree = [readProcess(pid), ...descendants(pid)].filter(info => info !== undefined);
	return tree.reduce((sum, info) => sum + info.cpu + info.reapedCpu, 0) / 100;
}
