/**
 * G8: pgpair is killed while a long database call runs; within 5 s no descendant of it may still run, and on
 * Postgres no backend may still work for it. The call is a read of built-ins pgpair runs unasked, given a read
 * deadline far beyond the test, so only the kill can end it.
 */

import {waitFor} from '../wait-for.js';
import {createArena, type Engine, withDb} from './arena.js';
import {baseEnv, callId, descendantsCpuTicks, describeRun, scriptFile, startPgpair} from './run.js';

export async function killDuringLongCall(engine: Engine, signal: 'SIGTERM' | 'SIGKILL', query: string): Promise<string[]> {
	const arena = await createArena(engine);
	const problems: string[] = [];
	try {
		const id = callId(`kill_${signal.toLowerCase()}`);
		const script = scriptFile(arena.dir, [[{id, name: 'mcp__supabase__execute_sql', input: {query}}]]);
		let started!: () => void;
		const callStarted = new Promise<void>(resolve => {
			started = resolve;
		});
		const running = startPgpair(['-p', 'Count the rows.', '--scripted', script, '--output-format', 'stream-json'], {
			cwd: arena.dir,
			env: baseEnv(arena.dir, {...arena.env, PGPAIR_READ_TIMEOUT_MS: '600000', PGPAIR_PREVIEW_TIMEOUT_MS: '600000'}),
			timeoutMs: 180_000,
			onEvent: event => {
				if (event.type === 'tool_call_started' && event.callId === id) started();
			},
		});
		const early = await Promise.race([callStarted.then(() => undefined), running.finished]);
		if (early) return [`the long call never started, so nothing could be killed during it: the session ${describeRun(early)}`];
		/** pgpair's connections to the arena's database (all of them, or those running the long query). */
		const backends = async (onlyTheQuery = false) =>
			withDb(arena, async db => {
				const rows = await db.query<{n: string}>(
					`select count(*)::text as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
					and backend_type = 'client backend' and application_name <> 'pgpair_adversary'
					and (not $1 or (state = 'active' and query like '%generate_series%'))`,
					[onlyTheQuery],
				);
				return Number(rows[0]!.n);
			});
		if (engine === 'postgres') {
			await waitFor(async () => (await backends(true)) > 0, 'the long query to run in Postgres', 30_000, 50);
		} else {
			// PGlite runs inside pgpair's tree, so the query shows as CPU time. Before it runs, the server parses the SQL
			// (well under a second of CPU, with pauses in which it would still notice its parent going); three seconds
			// of CPU after the call started can only be the query itself.
			const base = descendantsCpuTicks(running.pid);
			await waitFor(() => descendantsCpuTicks(running.pid) - base >= 300, 'the long query to run in the embedded database', 120_000, 100);
		}
		// The whole tree, seen the moment before the kill.
		const tree = running.descendants();
		process.kill(running.pid, signal);
		const killedAt = Date.now();
		const backendsGone =
			engine === 'postgres'
				? waitFor(async () => (await backends()) === 0, 'backends to end', 5_000, 100).then(
						() => true,
						() => false,
					)
				: Promise.resolve(true);
		const run = await running.finished;
		for (const leftover of run.leftovers) problems.push(`pid ${leftover.pid} still ran 5 s after ${signal}: ${leftover.command}`);
		if (tree.length === 0) problems.push('no descendant was seen before the kill (the harness could not watch the tree)');
		if (!(await backendsGone)) {
			problems.push(
				`Postgres still had ${await backends()} backend(s) working for the killed pgpair ${Math.round((Date.now() - killedAt) / 1000)} s after ${signal}`,
			);
		}
		return problems;
	} finally {
		if (arena.database) {
			await withDb(arena, db =>
				db.exec(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`),
			).catch(() => undefined);
		}
		await arena.dispose();
	}
}
