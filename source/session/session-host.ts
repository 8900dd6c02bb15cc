/**
 * The session the TUI shows, and the switch to another one (`/resume`, and `pgpair --resume` without an id, which
 * opens none until one is chosen). The one place that closes a session and opens the next, so that the terminal's
 * shutdown, the exit and the screen always reach the session open now.
 */
import {existsSync} from 'node:fs';
import {findSession, listWorkspaceSessions, type SessionListing} from '../transcripts/reader.js';
import type {Session} from './session.js';

export type SessionHost = {
	/** The session open now; undefined before the first one is chosen, and while one is closed and the next opens. */
	current(): Session | undefined;
	/** Told whenever `current()` changes. */
	subscribe(listener: () => void): () => void;
	/** This workspace's saved sessions, newest first, unreadable ones included (marked). */
	list(): Promise<SessionListing[]>;
	/**
	 * Goes on with a saved session (an id, an id prefix or a transcript's path) as `--resume` does: the current one is
	 * closed first. Rejects, changing nothing, when nothing or more than one session matches, or a switch is under way;
	 * the current session itself changes nothing either. Should the chosen one fail to open, the one before is opened
	 * again (a new one if it was never saved), and the failure is said in it.
	 */
	resume(query: string): Promise<void>;
	/** Closes the session open now (its transcript and servers). */
	close(): Promise<void>;
};

export type SessionHostOptions = {
	cwd: string;
	sessionsDir: string;
	/** Opens a session: the saved one at this transcript path, as `--resume` does, or a new one (undefined). */
	open(resume: string | undefined): Promise<Session>;
	/** The session already open, if any. */
	first?: Session;
};

export function createSessionHost(options: SessionHostOptions): SessionHost {
	let current = options.first;
	let switching = false;
	const listeners = new Set<() => void>();
	const changed = () => {
		for (const listener of [...listeners]) listener();
	};

	return {
		current: () => current,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		list: async () => listWorkspaceSessions(options.sessionsDir, options.cwd),
		async resume(query) {
			if (switching) throw new Error('A session is being opened already.');
			const chosen = await findSession(options.sessionsDir, query);
			if (chosen.id === current?.id) return;
			if (current?.isBusy()) throw new Error('A turn is running: resume another session when it has ended (Esc cancels it).');
			switching = true;
			const previous = current;
			current = undefined;
			changed();
			try {
				await previous?.close();
				try {
					current = await options.open(chosen.path);
				} catch (error) {
					const again = previous && existsSync(previous.transcriptPath) ? previous.transcriptPath : undefined;
					current = await options.open(again).catch(async () => options.open(undefined));
					current.store.append({
						type: 'notice_shown',
						level: 'error',
						text: `Session ${chosen.id} could not be resumed: ${error instanceof Error ? error.message : String(error)}`,
					});
				}
			} finally {
				switching = false;
				changed();
			}
		},
		close: async () => current?.close(),
	};
}
