import pg from 'pg';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase} from '../helpers/database-url.js';
import {waitFor} from '../helpers/wait-for.js';
import {expectedExit, killAndWait, type PgpairRun, startPgpair} from './pgpair-run.js';

const SQL = 'mcp__supabase__execute_sql';
const SLEEP = 'select pg_sleep(120)';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
// A pool of one: it reconnects if another test run on the shared server terminates its connection.
let monitor: InstanceType<typeof pg.Pool>;
beforeAll(async () => {
	database = await createTestDatabase('pgpair_procs');
	monitor = new pg.Pool({connectionString: database.url, max: 1});
	monitor.on('error', () => undefined);
});
afterAll(async () => {
	await monitor?.end();
	await database?.drop();
});

const runs: PgpairRun[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) {
		run.tree.killSurvivors();
		run.child.kill('SIGKILL');
	}

	// A backend left over by a failed test would still sleep in the next one.
	await monitor.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
});

/** Backends of the test database other than the monitor's own, with what they run. */
async function backends(): Promise<Array<{pid: number; state: string; query: string}>> {
	const {rows} = await monitor.query('select pid, state, query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
	return rows;
}

describe('killing pgpair while Postgres runs a long statement for it', () => {
	for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL'] as const) {
		it(`${signal}: no pgpair process within 5 s, and no backend of its session left`, async () => {
			const run = startPgpair({calls: [{name: SQL, input: {query: SLEEP}}], allow: [SQL], env: {DATABASE_URL: database.url}});
			runs.push(run);
			await run.callStarted(0);
			const sleeping = await waitFor(
				async () => (await backends()).find(b => b.state === 'active' && b.query.includes(SLEEP)),
				'Postgres to run the statement',
			);
			run.server();

			const since = Date.now();
			const {ms, exit} = await killAndWait(run, signal);
			expect(exit).toEqual(expectedExit(signal));
			console.log(`${signal} during a Postgres statement: no process left after ${ms} ms`);

			// The server side: a backend whose client is gone must stop too, or it holds locks and a connection slot.
			let left: Awaited<ReturnType<typeof backends>> = [];
			try {
				await waitFor(
					async () => {
						left = await backends();
						return left.length === 0;
					},
					"the session's backends to end",
					Math.max(0, 5000 - (Date.now() - since)),
					50,
				);
			} catch {
				throw new Error(
					`Backends outlived pgpair by 5 s (the sleeping one was ${sleeping.pid}): ${JSON.stringify(left)}. A backend notices its client ` +
						'is gone during a statement only with client_connection_check_interval set on every connection pgpair opens.',
				);
			}

			console.log(`${signal} during a Postgres statement: no backend left after ${Date.now() - since} ms`);
		});
	}
});
