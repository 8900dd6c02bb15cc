/**
 * Process groups pgpair started (shell commands run in a group of their own, so that everything they start can
 * be stopped together). Whatever is still registered when pgpair exits, or when its shutdown runs out of time,
 * is killed with SIGKILL. (When pgpair itself is killed with SIGKILL, only the group's leader is ended, by the
 * kernel: see parent-death.ts.)
 */
const groups = new Set<number>();
let hooked = false;

/** Registers a group by its leader's pid; the returned function unregisters it (call it once the leader is reaped). */
export function trackProcessGroup(pgid: number): () => void {
	if (!hooked) {
		hooked = true;
		// 'exit' runs on every ordinary way out (process.exit, the event loop running dry), synchronously.
		process.once('exit', () => killProcessGroups());
	}

	groups.add(pgid);
	return () => groups.delete(pgid);
}

/** Sends SIGKILL to every registered group. */
export function killProcessGroups(): void {
	for (const pgid of groups) {
		try {
			process.kill(-pgid, 'SIGKILL');
		} catch {
			// The group is already gone.
		}
	}

	groups.clear();
}
