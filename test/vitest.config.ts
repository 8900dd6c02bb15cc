import os from 'node:os';
import path from 'node:path';
import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		// PGlite boots take seconds on 2 cores; generous per-test budgets, never fixed sleeps.
		testTimeout: 60_000,
		hookTimeout: 120_000,
		globalSetup: ['test/helpers/global-postgres.ts', 'test/helpers/global-release.ts'],
		// The app under test must draw as in a person's terminal: Ink (is-in-ci) prints only the last frame when
		// CI is set, which CI machines do. Test workers and the processes they start see CI=false.
		// Trust decisions for .mcp.json servers (source/tools/mcp-trust.ts) go to a folder of the test run, not the
		// user's ~/.config.
		env: {CI: 'false', CONTINUOUS_INTEGRATION: 'false', XDG_CONFIG_HOME: path.join(os.tmpdir(), 'pgpair-test-config')},
		pool: 'forks',
		maxWorkers: 2,
	},
});
