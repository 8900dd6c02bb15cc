import {PGlite} from '@electric-sql/pglite';
import {generateTypescript, sortGeneratorMetadata} from '@supabase/postgrest-typegen/generation';
import {introspect} from '@supabase/postgrest-typegen/introspection';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateTypescriptTypes, INTROSPECTION_REWRITES} from '../../../source/supabase-local/typegen/index.js';
import {installPlatform} from '../advisors/platform-fixture.js';
import {defineTypegenTests, type TypegenHarness} from './define-typegen-tests.js';
import {APP_SCHEMA_SQL} from './typegen-schema.js';

let db: PGlite;
let harness: TypegenHarness;

beforeAll(async () => {
	db = await PGlite.create();
	await installPlatform(sql => db.exec(sql));
	await db.exec(APP_SCHEMA_SQL);
	harness = {db, exec: async sql => void (await db.exec(sql))};
});

afterAll(async () => {
	await db?.close();
});

describe('generate_typescript_types on PGlite (Postgres 18)', () => {
	defineTypegenTests(() => harness);

	it('speeds the library up only with rewrites that still match its SQL and change nothing in the output', async () => {
		const statements: string[] = [];
		const metadata = await introspect(
			{
				query: async (sql: string) => {
					statements.push(sql);
					return db.query(sql);
				},
			},
			{includedSchemas: ['public']},
		);
		for (const {find} of INTROSPECTION_REWRITES) expect(statements.filter(sql => sql.includes(find))).toHaveLength(1);
		const unmodified = await generateTypescript(sortGeneratorMetadata(metadata), {detectOneToOneRelationships: true, postgrestVersion: '12'});
		expect((await generateTypescriptTypes(db)).types).toBe(unmodified);
	});
});
