import {sharedSnapshotCache} from './pglite-cache.js';
import {defineSandboxSuite} from './sandbox-suite.js';

defineSandboxSuite('embedded PGlite', async () => ({
	kind: 'pglite',
	async options(workspace) {
		return {workspace, cacheDir: sharedSnapshotCache()};
	},
	async cleanup() {},
}));
