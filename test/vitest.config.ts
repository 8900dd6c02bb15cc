import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		// PGlite boots take seconds on 2 cores; generous per-test budgets, never fixed sleeps.
		testTimeout: 60_000,
		hookTimeout: 120_000,
		// The run's own TMPDIR first: everything after it, the cluster included, lives in that folder and goes with it.
		globalSetup: ['test/helpers/global-tmpdir.ts', 'test/helpers/global-postgres.ts', 'test/helpers/global-release.ts'],
		// The app under test must draw as in a person's terminal: Ink (is-in-ci) prints only the last frame when
		// CI is set, which CI machines do. Test workers and the processes they start see CI=false. (XDG_CONFIG_HOME,
		// where trust decisions go, is a folder of the run's own: global-tmpdir.ts.)
		env: {CI: 'false', CONTINUOUS_INTEGRATION: 'false'},
		pool: 'forks',
		maxWorkers: 2,
	},
});
