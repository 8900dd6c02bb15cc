/**
 * How a pgpair process ends on SIGTERM, SIGINT and SIGHUP: one bounded clean-up, then death by the same signal,
 * so the parent sees the conventional status (128 + signal number in a shell). A second signal during the
 * clean-up skips what is left of it.
 */
import {constants} from 'node:os';

export const TERMINATION_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export type TerminationSignal = (typeof TERMINATION_SIGNALS)[number];

export type TerminationOptions = {
	/** The clean-up; it gets `graceMs` in all, after which `force` runs and the process dies regardless. */
	cleanUp(signal: TerminationSignal): Promise<void>;
	/** Kills what the clean-up left running (children that did not exit in time). Runs in every case. */
	force?(signal: TerminationSignal): void;
	graceMs: number;
};

/** 128 + the signal's number: what a shell reports for a process killed by it. */
export function signalExitCode(signal: NodeJS.Signals): number {
	return 128 + (constants.signals[signal] ?? 0);
}

/** Ends the process by `signal` itself (listeners removed first), or by exit code 128 + n if it is ignored. */
export function dieBy(signal: NodeJS.Signals): void {
	process.removeAllListeners(signal);
	process.kill(process.pid, signal);
	// The kernel may hand the signal to another of Node's threads, so death can come a moment after kill() returns;
	// this runs only if it never comes (the signal was ignored when the process started).
	setTimeout(() => process.exit(signalExitCode(signal)), 200);
}

export type TerminationHandlers = {
	/** The signal being handled, once one has arrived: the process is ending and nothing else should end it. */
	readonly signal: TerminationSignal | undefined;
	/** Removes the handlers (the work they guarded ended normally); a clean-up already running goes on. */
	remove(): void;
};

/** Installs the handlers. */
export function onTermination(options: TerminationOptions): TerminationHandlers {
	let ending: TerminationSignal | undefined;
	const finish = (signal: TerminationSignal) => {
		try {
			options.force?.(signal);
		} finally {
			dieBy(signal);
		}
	};

	const handler = (signal: TerminationSignal) => {
		if (ending) {
			finish(ending);
			return;
		}

		ending = signal;
		const deadline = setTimeout(() => finish(signal), options.graceMs);
		options.cleanUp(signal).then(
			() => {
				clearTimeout(deadline);
				finish(signal);
			},
			() => {
				clearTimeout(deadline);
				finish(signal);
			},
		);
	};

	for (const signal of TERMINATION_SIGNALS) process.on(signal, handler);
	return {
		get signal() {
			return ending;
		},
		remove() {
			for (const signal of TERMINATION_SIGNALS) process.off(signal, handler);
		},
	};
}
