import {randomBytes} from 'node:crypto';
import pg from 'pg';
import {inject} from 'vitest';

declare module 'vitest' {
	export interface ProvidedContext {
		testDatabaseUrl?: string;
		testDatabaseUrlError?: string;
		testBootstrapDatabaseUrl?: string;
	}
}

/**
 * The real Postgres server for tests (see global-postgres.ts). Throws, so the test fails, when there is none:
 * real-Postgres tests are never skipped silently.
 */
export function testDatabaseUrl(): string {
	const url = process.env['TEST_DATABASE_URL'] || inject('testDatabaseUrl');
	if (url) return url;
	throw new Error(
		inject('testDatabaseUrlError') ??
			process.env['TEST_DATABASE_URL_ERROR'] ??
			'No Postgres for the real-Postgres tests: run vitest with test/helpers/global-postgres.ts as globalSetup, or set TEST_DATABASE_URL.',
	);
}

/**
 * The same server as the bootstrap superuser (oid 10, `postgres` on Debian): the role that owns the catalogs, which
 * a user's `DATABASE_URL` often names. Required like `testDatabaseUrl`, never skipped.
 */
export function testBootstrapDatabaseUrl(): string {
	const url = process.env['TEST_BOOTSTRAP_DATABASE_URL'] || inject('testBootstrapDatabaseUrl');
	if (url) return url;
	testDatabaseUrl();
	throw new Error(
		'No bootstrap-superuser URL for the real-Postgres tests: set TEST_BOOTSTRAP_DATABASE_URL next to TEST_DATABASE_URL (the `postgres` role of the same server), or leave both unset for a throwaway cluster.',
	);
}

/**
 * A fresh database of its own on the test server, so test files can run in parallel; `drop` removes it. With
 * `bootstrap`, the database and the URL belong to the bootstrap superuser.
 */
export async function createTestDatabase(
	prefix = 'pgpair_test',
	options: {bootstrap?: boolean} = {},
): Promise<{url: string; name: string; drop(): Promise<void>}> {
	const server = options.bootstrap ? testBootstrapDatabaseUrl() : testDatabaseUrl();
	const name = `${prefix}_${randomBytes(5).toString('hex')}`;
	const admin = async (sql: string) => {
		const client = new pg.Client({connectionString: server});
		await client.connect();
		try {
			await client.query(sql);
		} finally {
			await client.end();
		}
	};
	await admin(`create database "${name}"`);
	const url = new URL(server);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		name,
		async drop() {
			// Branch databases of this test database are named after it.
			const client = new pg.Client({connectionString: server});
			await client.connect();
			try {
				const {rows} = await client.query<{datname: string}>('select datname from pg_database where datname = $1 or datname like $2', [
					name,
					`${name.slice(0, 30)}\\_branch\\_%`,
				]);
				for (const row of rows) await client.query(`drop database if exists "${row.datname}" with (force)`);
			} finally {
				await client.end();
			}
		},
	};
}
