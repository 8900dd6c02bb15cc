/**
 * What a test run must undo however it ends: its Postgres cluster, its temporary folder. vitest runs a global
 * setup's teardown only when the run finishes; on SIGINT (Ctrl+C) or SIGTERM it ends the process at once, and a
 * cluster started with pg_ctl outlives it. Cleanups registered here run once, last registered first (the cluster
 * stops before the folder it lives in goes): at teardown, or when the process is interrupted or exits.
 */

import {readdirSync, readFileSync} from 'node:fs';

type Registry = {cleanups: Array<{name: string; run: () => void}>; installed: boolean};

// The global setup files are separate modules; one registry for the process, whoever loads this file first.
const KEY = Symbol.for('pgpair.test-run-cleanups');
const shared = globalThis as Record<symbol, Registry | undefined>;
shared[KEY] ??= {cleanups: [], installed: false};
const registry: Registry = shared[KEY];

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Registers a synchronous cleanup. The function returned runs it now, once, after every cleanup registered later
 * (whatever order vitest's teardowns come in, a folder is not removed from under the cluster that lives in it).
 */
export function onRunEnd(name: string, run: () => void): () => void {
	install();
	const entry = {name, run};
	registry.cleanups.push(entry);
	return () => {
		const index = registry.cleanups.indexOf(entry);
		if (index === -1) return;
		for (const later of registry.cleanups.splice(index).reverse()) runOne(later);
	};
}

function runAll(): void {
	for (let entry = registry.cleanups.pop(); entry; entry = registry.cleanups.pop()) runOne(entry);
}

function runOne(entry: {name: string; run: () => void}): void {
	try {
		entry.run();
	} catch (error) {
		process.stderr.write(`test run cleanup (${entry.name}) failed: ${(error as Error).message}\n`);
	}
}

/** The direct children of `parent`, from /proc (Linux; elsewhere none are found and none are signalled). */
function childrenOf(parent: number): number[] {
	let names: string[];
	try {
		names = readdirSync('/proc');
	} catch {
		return [];
	}

	return names.filter(name => /^\d+$/.test(name) && parentOf(Number(name)) === parent).map(Number);
}

function parentOf(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name may hold spaces and parentheses: the fields after it start at the last ')'.
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
	} catch {
		return undefined;
	}
}

function install(): void {
	if (registry.installed) return;
	registry.installed = true;
	// Synchronous work in an 'exit' listener still runs: process.exit(), vitest's own way out of a signal, lands here.
	process.once('exit', runAll);
	for (const signal of SIGNALS) {
		process.once(signal, () => {
			// vitest leaves its test workers running when it ends on a signal sent to it alone (a CI timeout, `kill`):
			// they would go on with their tests, in a folder about to be removed. They get the signal too.
			for (const pid of childrenOf(process.pid)) {
				try {
					process.kill(pid, signal);
				} catch {
					// Already gone.
				}
			}

			// Before vitest's exit timer can fire: the listeners of one signal run one after the other, synchronously.
			runAll();
			// Nobody else ends the process on this signal (vitest does on SIGINT and SIGTERM): end it as the signal would.
			if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
		});
	}
}
