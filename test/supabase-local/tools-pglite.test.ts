import path from 'node:path';
import {sharedSnapshotCache} from './pglite-cache.js';
import {defineToolSuite} from './tool-suite.js';

defineToolSuite('PGlite', async () => ({
	async options(workspace) {
		return {workspace, dataDir: path.join(workspace, '.pgpair', 'db'), cacheDir: sharedSnapshotCache()};
	},
	async cleanup() {},
}));
