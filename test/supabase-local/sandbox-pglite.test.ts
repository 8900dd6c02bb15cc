import {defineSandboxSuite} from './sandbox-suite.js';
import {sharedSnapshotCache} from './pglite-cache.js';

defineSandboxSuite('embedded PGlite', async () => ({
	kind: 'pglite',
	async options(workspace) {
		return {workspace, cacheDir: sharedSnapshotCache()};
	},
	async cleanup() {},
}));
