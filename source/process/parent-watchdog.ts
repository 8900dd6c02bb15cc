/**
 * The fallback that does not need the kernel's help (macOS, no setpriv, or a client that starts us without it):
 * a worker thread polls the parent pid. When the parent has died (we were re-parented), it tells the main thread
 * to shut down and, if the process still runs `graceMs` later, kills it with SIGKILL. The worker has its own event
 * loop, so a main thread stuck for minutes in a database call cannot delay it.
 */
import {Worker} from 'node:worker_threads';

export type ParentWatchdog = {
	/** Resolves once the worker runs (from then on a blocked main thread no longer matters). */
	ready: Promise<void>;
	stop(): void;
};

export type ParentWatchdogOptions = {
	/** Called on the main thread when the parent is gone (if the main thread is free to run it). */
	onParentGone(): void;
	/** How long a clean shutdown may take before the worker kills the process. */
	graceMs: number;
	/** How often the parent pid is read. */
	pollMs?: number;
};

// Plain JavaScript, evaluated in the worker: nothing to bundle, nothing to resolve at run time.
const WORKER_SOURCE = `
const {parentPort, workerData} = require('node:worker_threads');
const {parent, pollMs, graceMs} = workerData;
const timer = setInterval(() => {
	if (process.ppid === parent) return;
	clearInterval(timer);
	parentPort.postMessage('parent-gone');
	setTimeout(() => process.kill(process.pid, 'SIGKILL'), graceMs);
}, pollMs);
`;

/**
 * Starts watching the parent. Nothing is started when the parent is already init (pid 1): a process started by
 * init, or one whose parent died before this ran, has nobody to outlive; the caller's stdin EOF still applies.
 */
export function watchParent(options: ParentWatchdogOptions): ParentWatchdog {
	const parent = process.ppid;
	if (parent <= 1) return {ready: Promise.resolve(), stop() {}};
	const worker = new Worker(WORKER_SOURCE, {
		eval: true,
		// Not the process's --import/--require loaders: a loader's hooks can need the main thread, which may be stuck.
		execArgv: [],
		workerData: {parent, pollMs: options.pollMs ?? 200, graceMs: options.graceMs},
		// Its own small heap: a few timers need nothing more.
		resourceLimits: {maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2},
		stdout: false,
		stderr: false,
	});
	worker.on('message', message => {
		if (message === 'parent-gone') options.onParentGone();
	});
	// A worker that fails to start must not take the server down with it: stdin EOF still ends the process.
	worker.on('error', () => undefined);
	worker.unref();
	const ready = new Promise<void>(resolve => {
		worker.once('online', () => resolve());
		worker.once('error', () => resolve());
	});
	return {
		ready,
		stop() {
			void worker.terminate();
		},
	};
}
