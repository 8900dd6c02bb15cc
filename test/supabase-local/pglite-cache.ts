import {tmpdir} from 'node:os';
import path from 'node:path';

/** Parent for `XDG_CACHE_HOME` in spawned servers, whose default cache is `$XDG_CACHE_HOME/pgpair`. */
export const TEST_XDG_CACHE_HOME = path.join(tmpdir(), 'pgpair-test-xdg-cache');

/**
 * One base-snapshot cache for all PGlite tests of a run (keyed by the shim version inside), outside the user's home:
 * the first test to boot pays for initdb, the others load the snapshot.
 */
export function sharedSnapshotCache(): string {
	return path.join(TEST_XDG_CACHE_HOME, 'pgpair');
}
