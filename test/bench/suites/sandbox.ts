/**
 * Issue 15's benchmark: the preview of a typical migration on a 100 MB database, measured in the sandbox (the
 * embedded engine frozen so nothing reaches its files, then discarded; on Postgres a confined transaction that is
 * rolled back), end to end as the app sees it — MCP call, freeze, dumps, the migration, effects, diff. Also what the
 * sandbox adds to memory (the server process's RSS before a preview and its peak while it runs, sampled every 5 ms;
 * worker threads are part of the process) and what the next call waits for while the engine restarts.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {createFreshDatabase} from '../../supabase-local/advisors/postgres-database.js';
import type {BenchRow, BenchSuite} from '../types.js';
import {startBenchHarness} from './preview.js';

const RUNS = 7;
const TARGET = {max: 500};

/** About 100 MB on disk: one wide table of a million rows and twenty small ones with RLS and policies. */
const SETUP = [
	`create table public.events (id bigserial primary key, owner uuid not null default gen_random_uuid(), kind text not null, payload text not null, created_at timestamptz not null default now())`,
	...Array.from(
		{length: 10},
		() => `insert into public.events (kind, payload) select 'kind' || (g % 20), md5(g::text) || md5((g * 7)::text) from generate_series(1, 100000) g`,
	),
	...Array.from(
		{length: 20},
		(_, i) =>
			`create table public.t${i} (id bigint generated always as identity primary key, owner uuid not null, title text not null); alter table public.t${i} enable row level security; create policy read_own on public.t${i} for select to authenticated using ((select auth.uid()) = owner); insert into public.t${i} (owner, title) select gen_random_uuid(), 'row ' || g from generate_series(1, 500) g`,
	),
	'checkpoint',
];

const MIGRATION = `alter table public.t7 add column priority int not null default 0;
create index t7_priority on public.t7 (priority);
create policy insert_own on public.t7 for insert to authenticated with check ((select auth.uid()) = owner);`;

async function measure(backend: string, options: {databaseUrl?: string}): Promise<BenchRow[]> {
	const workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-bench-sandbox-'));
	const bench = await startBenchHarness({workspace, ...options});
	const h = {
		...bench,
		async preview() {
			const preview = await bench.preview(MIGRATION);
			if (preview.error || preview.kind === 'unavailable') throw new Error(`the preview failed: ${JSON.stringify(preview)}`);
			return preview;
		},
	};
	try {
		for (const statement of SETUP) await h.sql(statement);
		const size = await h.sql(`select (pg_database_size(current_database()) / 1048576)::int as mb`);
		// The rows come back inside an untrusted-data fence, JSON-escaped inside the tool's JSON.
		const megabytes = Number(/mb\\?":\s*(\d+)/.exec(size)?.[1] ?? 0);
		await h.preview();
		const latency: number[] = [];
		const added: number[] = [];
		const restart: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			// A preview follows a model turn, by which time the engine is up: measured from a ready engine.
			await h.sql('select 1');
			global.gc?.();
			const idle = process.memoryUsage().rss;
			let peak = idle;
			const sampler = setInterval(() => {
				peak = Math.max(peak, process.memoryUsage().rss);
			}, 5);
			const started = performance.now();
			await h.preview();
			latency.push(performance.now() - started);
			clearInterval(sampler);
			added.push((peak - idle) / 2 ** 20);
			// The frozen engine is discarded and restarts in the background; the next call waits for that.
			const after = performance.now();
			await h.sql('select 1');
			restart.push(performance.now() - after);
		}
		return [
			{metric: `preview of a typical migration, ${megabytes} MB database (${backend})`, unit: 'ms', samples: latency, target: TARGET},
			{metric: `memory the sandbox adds while a preview runs (${backend}, peak RSS over idle)`, unit: 'MB', samples: added},
			{metric: `next call after a preview: waits for the engine's restart (${backend})`, unit: 'ms', samples: restart},
		];
	} finally {
		await h.close();
		await rm(workspace, {recursive: true, force: true});
	}
}

const suite: BenchSuite = {
	name: 'sandbox',
	async run() {
		const rows = await measure('PGlite, frozen engine', {});
		const database = await createFreshDatabase('pgpair_bench_sandbox').catch(() => undefined);
		if (database) {
			try {
				rows.push(...(await measure('Postgres rolled-back transaction', {databaseUrl: database.url})));
			} finally {
				await database.drop();
			}
		}
		return rows;
	},
};

export default suite;
