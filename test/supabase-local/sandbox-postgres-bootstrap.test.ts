/**
 * The same attacks as sandbox-postgres.test.ts, connected as the bootstrap superuser (oid 10: `postgres` on
 * Debian, the installing user on Homebrew), which owns the catalogs and, here, every table. Its privileges must not
 * reach the sandbox through membership or ownership.
 */
import pg from 'pg';
import {createTestDatabase} from '../helpers/database-url.js';
import {defineSandboxSuite, postgresEngine} from './sandbox-suite.js';

defineSandboxSuite('a real Postgres as its bootstrap superuser (DATABASE_URL)', async () => {
	const database = await createTestDatabase('pgpair_boot', {bootstrap: true});
	const client = new pg.Client({connectionString: database.url});
	await client.connect();
	try {
		const {rows} = await client.query(`select oid::int8 as oid from pg_catalog.pg_roles where rolname = current_user`);
		// What this file is about: fail loudly if the URL is not the bootstrap superuser's.
		if (Number(rows[0]?.oid) !== 10) throw new Error(`TEST_BOOTSTRAP_DATABASE_URL is not the bootstrap superuser (oid ${rows[0]?.oid})`);
	} finally {
		await client.end();
	}
	return postgresEngine(database);
});
