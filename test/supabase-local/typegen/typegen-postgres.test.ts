import {PGlite} from '@electric-sql/pglite';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateTypescriptTypes} from '../../../source/supabase-local/typegen/index.js';
import {installPlatform} from '../advisors/platform-fixture.js';
import {createFreshDatabase, type FreshDatabase} from '../advisors/postgres-database.js';
import {defineTypegenTests, type TypegenHarness} from './define-typegen-tests.js';
import {APP_SCHEMA_SQL} from './typegen-schema.js';

let database: FreshDatabase;
let client: InstanceType<typeof pg.Client>;
let harness: TypegenHarness;

beforeAll(async () => {
	database = await createFreshDatabase('typegen');
	client = new pg.Client({connectionString: database.url});
	await client.connect();
	await installPlatform(sql => client.query(sql));
	await client.query(APP_SCHEMA_SQL);
	harness = {db: client, exec: async sql => void (await client.query(sql))};
});

afterAll(async () => {
	await client?.end();
	await database?.drop();
});

describe('generate_typescript_types on a real Postgres (DATABASE_URL)', () => {
	defineTypegenTests(() => harness);

	it('writes the same file as PGlite does for the same schema', async () => {
		const lite = await PGlite.create();
		try {
			await installPlatform(sql => lite.exec(sql));
			await lite.exec(APP_SCHEMA_SQL);
			const fromPglite = (await generateTypescriptTypes(lite)).types;
			const fromPostgres = (await generateTypescriptTypes(client)).types;
			expect(fromPostgres).toBe(fromPglite);
		} finally {
			await lite.close();
		}
	});

	it('describes a branch database, not main, when given the branch connection', async () => {
		const branch = await createFreshDatabase('typegen_branch');
		const branchClient = new pg.Client({connectionString: branch.url});
		await branchClient.connect();
		try {
			await branchClient.query('create table public.branch_only (id int primary key)');
			const onBranch = (await generateTypescriptTypes(branchClient)).types;
			expect(onBranch).toContain('branch_only: {');
			expect(onBranch).not.toContain('todos: {');
			expect((await generateTypescriptTypes(client)).types).not.toContain('branch_only');
		} finally {
			await branchClient.end();
			await branch.drop();
		}
	});
});
