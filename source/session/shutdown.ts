/**
 * pgpair on SIGTERM, SIGINT (sent from outside: the TUI reads Ctrl+C as a key) and SIGHUP: cancel the running
 * turn so the transcript ends with its `turn_completed`, close the tool servers, and after SHUTDOWN_GRACE_MS kill
 * whatever still runs, then die by the signal. Children that miss all of this (pgpair killed by SIGKILL) are
 * ended by the kernel or by their own watchdog (source/process/).
 */

import {killProcessGroups} from '../process/process-groups.js';
import {onTermination, type TerminationHandlers, type TerminationSignal} from '../process/termination.js';
import type {EventStore} from '../store/event-store.js';
import type {McpHost} from '../tools/mcp-host.js';

/** The whole clean-up after a termination signal, first steps to last kill. */
export const SHUTDOWN_GRACE_MS = 2000;

export type ShutdownParts = {
	store: EventStore;
	/** Whether a turn runs (or waits to), and how to cancel it: the session's own actions. */
	isBusy(): boolean;
	cancel(): void;
	/** The tool servers, once connected. */
	mcp(): McpHost | undefined;
	/** Closes the session (transcript, servers); may be slow, the grace period bounds it. */
	close(): Promise<void>;
	/** Restores the terminal, before anything else is written to it. */
	releaseTerminal?(signal: TerminationSignal): void;
};

/** Installs the handlers for a session; remove them when the session has ended normally. */
export function handleTerminationSignals(parts: ShutdownParts): TerminationHandlers {
	let released = false;
	const release = (signal: TerminationSignal) => {
		if (released) return;
		released = true;
		parts.releaseTerminal?.(signal);
	};

	return onTermination({
		graceMs: SHUTDOWN_GRACE_MS,
		async cleanUp(signal) {
			// A closed terminal (SIGHUP) fails every write with EIO; that must not crash the clean-up.
			process.stdout.on('error', () => undefined);
			process.stderr.on('error', () => undefined);
			release(signal);
			if (parts.isBusy()) {
				const ended = turnEnded(parts.store);
				parts.cancel();
				await ended;
			}

			await parts.close();
		},
		force(signal) {
			release(signal);
			parts.mcp()?.kill();
			killProcessGroups();
		},
	});
}

/** Resolves when the next `turn_completed` event has been appended. */
export function turnEnded(store: EventStore): Promise<void> {
	const count = () => store.getEvents().filter(event => event.type === 'turn_completed').length;
	const before = count();
	return new Promise(resolve => {
		const unsubscribe = store.subscribe(() => {
			if (count() === before) return;
			unsubscribe();
			resolve();
		});
	});
}
