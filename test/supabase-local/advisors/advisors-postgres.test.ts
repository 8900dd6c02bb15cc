import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runAdvisors} from '../../../source/supabase-local/advisors/index.js';
import {defineAdvisorTests, findingsOf, type Harness} from './define-advisor-tests.js';
import {installPlatform} from './platform-fixture.js';
import {createFreshDatabase, type FreshDatabase} from './postgres-database.js';

let database: FreshDatabase;
let client: InstanceType<typeof pg.Client>;
let harness: Harness;

beforeAll(async () => {
	database = await createFreshDatabase('advisors');
	// one connection: BEGIN / ROLLBACK around each case must reach the same session as the lint queries
	client = new pg.Client({connectionString: database.url});
	await client.connect();
	await installPlatform(sql => client.query(sql));
	harness = {db: client, exec: async sql => void (await client.query(sql))};
});

afterAll(async () => {
	await client?.end();
	await database?.drop();
});

describe('get_advisors on a real Postgres (DATABASE_URL)', () => {
	it('runs against a server at least as old as the oldest supported (15)', async () => {
		const {rows} = await client.query<{server_version_num: string}>('show server_version_num');
		expect(Number(rows[0]?.server_version_num)).toBeGreaterThanOrEqual(150000);
	});

	defineAdvisorTests(() => harness);

	it('stops reporting an index once a scan of it is recorded', async () => {
		await client.query(`create schema scanned; create table scanned.t (id int primary key, v int); create index t_v on scanned.t (v);
			insert into scanned.t select g, g from generate_series(1, 100) g;`);
		try {
			const before = findingsOf((await runAdvisors(client, 'performance')).lints, 'unused_index').map(finding => finding.cache_key);
			expect(before).toContain('unused_index_scanned_t_t_v');
			await client.query(`set enable_seqscan = off; select * from scanned.t where v = 3; reset enable_seqscan;`);
			// statistics are flushed at most once a second unless forced, and read through a per-transaction snapshot
			await client.query('select pg_stat_force_next_flush()');
			await client.query('select pg_stat_clear_snapshot()');
			const after = findingsOf((await runAdvisors(client, 'performance')).lints, 'unused_index').map(finding => finding.cache_key);
			expect(after).not.toContain('unused_index_scanned_t_t_v');
		} finally {
			await client.query('drop schema scanned cascade');
		}
	});

	it('lints a branch database on its own: findings follow the database, not the server', async () => {
		const branch = await createFreshDatabase('advisors_branch');
		const branchClient = new pg.Client({connectionString: branch.url});
		await branchClient.connect();
		try {
			await installPlatform(sql => branchClient.query(sql));
			await branchClient.query('create table public.only_on_branch (id int)');
			const onBranch = findingsOf((await runAdvisors(branchClient, 'security')).lints, 'rls_disabled_in_public');
			const onMain = findingsOf((await runAdvisors(client, 'security')).lints, 'rls_disabled_in_public');
			expect(onBranch.map(finding => finding.cache_key)).toEqual(['rls_disabled_in_public_public_only_on_branch']);
			expect(onMain).toEqual([]);
		} finally {
			await branchClient.end();
			await branch.drop();
		}
	});

	it('works through a pool, whose queries run on several connections at once', async () => {
		const pool = new pg.Pool({connectionString: database.url, max: 4});
		try {
			await pool.query('create table public.pooled (id int)');
			const groups = (await runAdvisors(pool, 'performance')).lints;
			expect(findingsOf(groups, 'no_primary_key').map(finding => finding.cache_key)).toEqual(['no_primary_key_public_pooled']);
		} finally {
			await pool.query('drop table public.pooled');
			await pool.end();
		}
	});
});
