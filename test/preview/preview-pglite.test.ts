import path from 'node:path';
import {sharedSnapshotCache} from '../supabase-local/pglite-cache.js';
import {definePreviewSuite} from './preview-suite.js';

definePreviewSuite('PGlite', async () => ({
	async options(workspace) {
		return {workspace, dataDir: path.join(workspace, '.pgpair', 'db'), cacheDir: sharedSnapshotCache()};
	},
	async cleanup() {},
}));
