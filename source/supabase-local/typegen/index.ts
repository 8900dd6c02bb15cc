/**
 * `generate_typescript_types`: the `Database` type file exactly as `supabase gen types typescript` writes it.
 * Uses Supabase's own generator (@supabase/postgrest-typegen, the engine behind the CLI and postgres-meta 0.99,
 * pinned to the version postgres-meta resolves on Node 20): its introspection only needs `query(sql) → {rows}`,
 * which PGlite and `pg` both provide, so output is byte-identical to the CLI's instead of a look-alike.
 * test/supabase-local/typegen/typegen-snapshot.test.ts holds it to a snapshot on postgres-meta's own test database.
 */
import {generateTypescript, sortGeneratorMetadata} from '@supabase/postgrest-typegen/generation';
import {introspect} from '@supabase/postgrest-typegen/introspection';
import type {Queryable} from '../advisors/index.js';
import {DB_SCHEMAS_SETTING_SQL, parseSchemaList} from '../advisors/index.js';

export type {Queryable} from '../advisors/index.js';

export type TypegenOptions = {
	/** Schemas to describe; defaults to the API's exposed schemas (`pgrst.db_schemas`, else `public`). */
	schemas?: string[];
	/**
	 * Written into `__InternalSupabase.PostgrestVersion`, which tells supabase-js which PostgREST features the
	 * types may use. There is no PostgREST in front of a local database, so this picks 12, the baseline that
	 * supabase-js also assumes when the field is absent.
	 */
	postgrestVersion?: string;
};

/**
 * Same-result rewrites of the library's introspection SQL (@supabase/postgrest-typegen 0.2.2, pinned).
 * Its relationship query joins each foreign key to a grouped CTE; on catalogs that were never analysed (PGlite
 * has no autovacuum) the planner picks a nested loop that regroups the CTE per foreign key, quadratic in the
 * number of tables (~400 ms at 500 tables). Materialising the CTE computes it once. A statement that no longer
 * contains the pattern runs unchanged, only slower; a test checks the pattern still matches.
 */
export const INTROSPECTION_REWRITES: ReadonlyArray<{find: string; replace: string}> = [
	{find: 'WITH\npks_uniques_cols AS (', replace: 'WITH\npks_uniques_cols AS MATERIALIZED ('},
];

/**
 * The library issues its queries concurrently. One at a time costs nothing on a single connection (PGlite, a
 * `pg.Client` queues them anyway) and avoids `pg`'s deprecated overlapping `client.query()` calls.
 */
function introspectionClient(db: Queryable): Queryable {
	let queue: Promise<unknown> = Promise.resolve();
	return {
		query: sql => {
			const rewritten = INTROSPECTION_REWRITES.reduce((text, {find, replace}) => text.replace(find, replace), sql);
			const result = queue.then(() => db.query(rewritten));
			queue = result.catch(() => undefined);
			return result;
		},
	};
}

export async function generateTypescriptTypes(db: Queryable, options: TypegenOptions = {}): Promise<{types: string}> {
	const schemas = options.schemas ?? parseSchemaList(await readDbSchemasSetting(db));
	const metadata = await introspect(introspectionClient(db), {includedSchemas: schemas});
	const types = await generateTypescript(sortGeneratorMetadata(metadata), {
		// the CLI asks for one-to-one detection (it is only off in its --postgrest-v9-compat mode)
		detectOneToOneRelationships: true,
		postgrestVersion: options.postgrestVersion ?? '12',
	});
	return {types};
}

async function readDbSchemasSetting(db: Queryable): Promise<string | null> {
	const {rows} = await db.query(`select ${DB_SCHEMAS_SETTING_SQL} as db_schemas`);
	return (rows[0] as {db_schemas: string | null} | undefined)?.db_schemas ?? null;
}
