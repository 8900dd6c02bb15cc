/**
 * Process trees read from /proc (Linux), for tests that kill a process and assert that nothing it started
 * survives it. A process is identified by pid and start time together, so a pid reused after the kill never
 * counts as a survivor.
 */
import fs from 'node:fs';
import {waitFor} from './wait-for.js';

export type ProcessInfo = {
	pid: number;
	ppid: number;
	/** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
	start: number;
	state: string;
	/** User plus system CPU time in clock ticks. */
	cpu: number;
	/** CPU time in clock ticks of the children it has already reaped (cutime + cstime). */
	reapedCpu: number;
	command: string;
};

/**
 * One process from /proc, or undefined when it has ended: it does not exist, is a zombie, or is being torn down by
 * the kernel (its address space is already released, so it can never run a line of its program again; freeing a
 * large heap can keep a killed process in that state for a moment on a busy machine).
 */
export function readProcess(pid: number): ProcessInfo | undefined {
	let stat: string;
	try {
		stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined;
	}

	// The command name (field 2) may contain spaces and parentheses: the fields after it start at the last ')'.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const state = fields[0]!;
	// vsize (field 23) is 0 once the address space is gone (kernel threads too, which never descend from a test).
	if (state === 'Z' || state === 'X' || fields[20] === '0') return undefined;
	let command = '';
	try {
		command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
	} catch {
		// Ended between the two reads.
	}

	return {
		pid,
		ppid: Number(fields[1]),
		start: Number(fields[19]),
		state,
		cpu: Number(fields[11]) + Number(fields[12]),
		reapedCpu: Number(fields[13]) + Number(fields[14]),
		command,
	};
}

/** Every live process on the machine. */
export function allProcesses(): ProcessInfo[] {
	const processes: ProcessInfo[] = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const info = readProcess(Number(name));
		if (info) processes.push(info);
	}

	return processes;
}

/** The live descendants of `root` (children, their children, …), not `root` itself. */
export function descendants(root: number): ProcessInfo[] {
	const all = allProcesses();
	const children = new Map<number, ProcessInfo[]>();
	for (const info of all) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
	const found: ProcessInfo[] = [];
	const queue = [root];
	while (queue.length > 0) {
		for (const child of children.get(queue.shift()!) ?? []) {
			found.push(child);
			queue.push(child.pid);
		}
	}

	return found;
}

/** Whether this exact process (same pid, same start) still runs. */
export function stillRunning(info: ProcessInfo): boolean {
	const now = readProcess(info.pid);
	return now !== undefined && now.start === info.start;
}

/**
 * Remembers every process that ever appeared in a tree: call `snapshot()` as often as useful before the kill
 * (a child started after the last snapshot would be missed); `marker` also catches processes that have already
 * been re-parented away from the tree, by a string in their command line (a temporary workspace path).
 */
export class ProcessTree {
	readonly #seen = new Map<string, ProcessInfo>();
	/** The root and its ancestors (a terminal, a shell): they may carry the marker but are not the tree. */
	readonly #above = new Set<number>([process.pid]);

	constructor(
		readonly root: number,
		readonly marker?: string,
	) {
		for (let pid: number | undefined = root; pid && pid > 1 && !this.#above.has(pid); pid = readProcess(pid)?.ppid) this.#above.add(pid);
	}

	#marked(info: ProcessInfo): boolean {
		return this.marker !== undefined && !this.#above.has(info.pid) && info.command.includes(this.marker);
	}

	snapshot(): ProcessInfo[] {
		const found = descendants(this.root);
		if (this.marker) {
			for (const info of allProcesses()) if (this.#marked(info)) found.push(info);
		}

		for (const info of found) this.#seen.set(`${info.pid}:${info.start}`, info);
		return found;
	}

	/** Everything seen so far (the root excluded). */
	get seen(): ProcessInfo[] {
		return [...this.#seen.values()];
	}

	/** What still runs of everything seen, plus any process newly carrying the marker. */
	survivors(): ProcessInfo[] {
		const survivors = this.seen.filter(info => stillRunning(info));
		if (this.marker) {
			for (const info of allProcesses()) {
				if (this.#marked(info) && !survivors.some(s => s.pid === info.pid && s.start === info.start)) survivors.push(info);
			}
		}

		return survivors;
	}

	/**
	 * Waits until nothing of the tree is left; returns the milliseconds that took. Fails with the survivors'
	 * command lines after `timeoutMs`.
	 */
	async waitUntilGone(timeoutMs: number, since = Date.now()): Promise<number> {
		let left: ProcessInfo[] = [];
		try {
			await waitFor(
				() => {
					left = this.survivors();
					return left.length === 0;
				},
				'every process of the tree to end',
				timeoutMs,
				10,
			);
		} catch {
			throw new Error(
				`${left.length} process(es) outlived the killed process by ${timeoutMs} ms:\n${left.map(p => `  ${p.pid} ${p.command.slice(0, 200)}`).join('\n')}`,
			);
		}

		return Date.now() - since;
	}

	/** Ends whatever is left (cleanup after a failed test, so a leak never outlives the test run either). */
	killSurvivors(): void {
		for (const info of this.survivors()) {
			try {
				process.kill(info.pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
		}
	}
}

/** Waits until a process has used at least `ticks` more CPU than when called: it is busy, not waiting. */
export async function waitUntilBusy(pid: number, what: string, ticks = 50, timeoutMs = 30_000): Promise<void> {
	const before = readProcess(pid)?.cpu ?? 0;
	await waitFor(() => (readProcess(pid)?.cpu ?? 0) - before >= ticks, what, timeoutMs, 50);
}
