/**
 * get_advisors (security and performance) and generate_typescript_types on a 500-table schema with foreign keys,
 * indexes and RLS policies; the target is under 1 s each. PGlite always, a real Postgres when
 * TEST_DATABASE_URL (or the shared database-url helper) names one.
 */
import {PGlite} from '@electric-sql/pglite';
import pg from 'pg';
import {type Queryable, runAdvisors} from '../../../source/supabase-local/advisors/index.js';
import {generateTypescriptTypes} from '../../../source/supabase-local/typegen/index.js';
import {installPlatform} from '../../supabase-local/advisors/platform-fixture.js';
import {createFreshDatabase, type FreshDatabase} from '../../supabase-local/advisors/postgres-database.js';
import type {BenchRow, BenchSuite} from '../types.js';

const TABLES = 500;
const RUNS = 5;
const TARGET = {max: 1000};

/** Each table points at the previous one; every other foreign key is indexed; two policies per table. */
export function benchSchemaSql(tables = TABLES): string {
	const statements: string[] = ["create type public.state as enum ('new', 'active', 'closed');"];
	for (let i = 0; i < tables; i++) {
		const parent = i === 0 ? '' : `, parent_id bigint references public.t${i - 1} (id)`;
		statements.push(
			`create table public.t${i} (id bigint generated always as identity primary key, owner uuid not null references auth.users (id), title text not null, state public.state not null default 'new', body jsonb${parent});`,
			`alter table public.t${i} enable row level security;`,
			`create policy read_own on public.t${i} for select to authenticated using (auth.uid() = owner);`,
			`create policy write_own on public.t${i} for update to authenticated using ((select auth.uid()) = owner);`,
		);
		if (i % 2 === 0 && i > 0) statements.push(`create index t${i}_parent on public.t${i} (parent_id);`);
	}
	return statements.join('\n');
}

async function time(run: () => Promise<unknown>): Promise<number[]> {
	await run(); // warm caches (catalog cache, prepared plans) once; the issue asks for steady-state medians
	const samples: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		const started = performance.now();
		await run();
		samples.push(Math.round((performance.now() - started) * 10) / 10);
	}
	return samples;
}

async function measure(backend: string, db: Queryable): Promise<BenchRow[]> {
	const note = `${TABLES} tables, ${2 * TABLES - 1} foreign keys, ${TABLES / 2 - 1} of them indexed, ${2 * TABLES} policies`;
	return [
		{metric: `get_advisors security (${backend})`, unit: 'ms', samples: await time(() => runAdvisors(db, 'security')), target: TARGET, note},
		{metric: `get_advisors performance (${backend})`, unit: 'ms', samples: await time(() => runAdvisors(db, 'performance')), target: TARGET, note},
		{metric: `generate_typescript_types (${backend})`, unit: 'ms', samples: await time(() => generateTypescriptTypes(db)), target: TARGET, note},
	];
}

async function pgliteRows(): Promise<BenchRow[]> {
	const db = await PGlite.create();
	try {
		await installPlatform(sql => db.exec(sql));
		await db.exec(benchSchemaSql());
		return await measure('PGlite', db);
	} finally {
		await db.close();
	}
}

async function postgresRows(): Promise<BenchRow[]> {
	let database: FreshDatabase;
	try {
		database = await createFreshDatabase('bench_advisors');
	} catch (error) {
		return [{metric: 'get_advisors / typegen (Postgres)', unit: 'ms', samples: [], note: `not run: ${(error as Error).message}`}];
	}
	const client = new pg.Client({connectionString: database.url});
	await client.connect();
	try {
		await installPlatform(sql => client.query(sql));
		await client.query(benchSchemaSql());
		const {rows} = await client.query<{server_version: string}>('show server_version');
		return await measure(`Postgres ${rows[0]?.server_version.split(' ')[0] ?? ''}`.trim(), client);
	} finally {
		await client.end();
		await database.drop();
	}
}

export default {
	name: 'advisors-typegen',
	run: async () => [...(await pgliteRows()), ...(await postgresRows())],
} satisfies BenchSuite;
