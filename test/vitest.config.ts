import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		// PGlite boots take seconds on 2 cores; generous per-test budgets, never fixed sleeps.
		testTimeout: 60_000,
		hookTimeout: 120_000,
		globalSetup: ['test/helpers/global-postgres.ts'],
		pool: 'forks',
		maxWorkers: 2,
	},
});
