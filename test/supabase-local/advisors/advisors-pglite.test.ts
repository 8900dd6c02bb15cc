import {PGlite} from '@electric-sql/pglite';
import {citext} from '@electric-sql/pglite/contrib/citext';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runAdvisors} from '../../../source/supabase-local/advisors/index.js';
import {defineAdvisorTests, findingsOf, type Harness} from './define-advisor-tests.js';
import {installPlatform} from './platform-fixture.js';

let db: PGlite;
let harness: Harness;

beforeAll(async () => {
	// one instance per file (a boot costs seconds); cases isolate themselves in rolled-back transactions
	db = await PGlite.create({extensions: {citext}});
	await installPlatform(sql => db.exec(sql));
	harness = {db, exec: async sql => void (await db.exec(sql))};
});

afterAll(async () => {
	await db?.close();
});

describe('get_advisors on PGlite (Postgres 18)', () => {
	defineAdvisorTests(() => harness);

	it('stops reporting an index once a scan of it is recorded', async () => {
		await db.exec(`create schema scanned; create table scanned.t (id int primary key, v int); create index t_v on scanned.t (v);
			insert into scanned.t select g, g from generate_series(1, 100) g;`);
		try {
			const before = findingsOf((await runAdvisors(db, 'performance')).lints, 'unused_index').map(finding => finding.cache_key);
			expect(before).toContain('unused_index_scanned_t_t_v');
			await db.exec(`set enable_seqscan = off; select * from scanned.t where v = 3; reset enable_seqscan;`);
			// statistics are flushed at most once a second unless forced, and read through a per-transaction snapshot
			await db.query('select pg_stat_force_next_flush()');
			await db.query('select pg_stat_clear_snapshot()');
			const after = findingsOf((await runAdvisors(db, 'performance')).lints, 'unused_index').map(finding => finding.cache_key);
			expect(after).not.toContain('unused_index_scanned_t_t_v');
		} finally {
			await db.exec('drop schema scanned cascade');
		}
	});
});
