/**
 * A fresh database on a real Postgres per test file, so files run in parallel without seeing each other.
 * The server comes from the shared helper `test/helpers/database-url.ts` once it exists, else from
 * TEST_DATABASE_URL; with neither, tests fail with a message saying so (they never skip).
 */
import {randomUUID} from 'node:crypto';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import pg from 'pg';

const SHARED_HELPER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../helpers/database-url.ts');

export async function serverUrl(): Promise<string> {
	if (existsSync(SHARED_HELPER)) {
		const helper = (await import(pathToFileURL(SHARED_HELPER).href)) as {testDatabaseUrl?: () => string};
		if (helper.testDatabaseUrl) return helper.testDatabaseUrl();
	}
	const url = process.env['TEST_DATABASE_URL'];
	if (!url) {
		throw new Error(
			'Real-Postgres tests need a server: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:54329/postgres) or add test/helpers/database-url.ts.',
		);
	}
	return url;
}

export type FreshDatabase = {url: string; name: string; drop: () => Promise<void>};

export async function createFreshDatabase(prefix: string): Promise<FreshDatabase> {
	const adminUrl = await serverUrl();
	const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
	const admin = new pg.Client({connectionString: adminUrl});
	await admin.connect();
	try {
		await admin.query(`create database ${name}`);
	} finally {
		await admin.end();
	}
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		name,
		drop: async () => {
			const client = new pg.Client({connectionString: adminUrl});
			await client.connect();
			try {
				await client.query(`drop database if exists ${name} with (force)`);
			} finally {
				await client.end();
			}
		},
	};
}
