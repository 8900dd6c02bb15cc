/**
 * `get_advisors`: Supabase's database linter (splinter) reimplemented as catalog queries, so it runs on PGlite,
 * on any Postgres behind DATABASE_URL and on branches alike. Pure apart from the SELECTs it sends through `db`.
 */
import {DB_SCHEMAS_SETTING_SQL, parseSchemaList} from './exposed-schemas.js';
import {LINTS} from './lints/index.js';
import {isSystemSchema} from './sql.js';
import type {AdvisorType, ApiRole, LintContext, LintDefinition, LintFinding, LintGroup, Queryable} from './types.js';

export {DB_SCHEMAS_SETTING_SQL, parseSchemaList} from './exposed-schemas.js';
export {LINTS} from './lints/index.js';
export {SYSTEM_SCHEMAS} from './sql.js';
export type {AdvisorType, LintContext, LintDefinition, LintFinding, LintGroup, LintLevel, Queryable} from './types.js';

const REMEDIATION_BASE = 'https://supabase.com/docs/guides/database/database-linter?lint=';

export async function runAdvisors(db: Queryable, type: AdvisorType): Promise<{lints: LintGroup[]}> {
	const context = await probeLintContext(db);
	const lints = LINTS.filter(lint => lint.type === type);
	// One at a time: a single connection (PGlite, pg.Client) would queue them anyway, and pg deprecates
	// overlapping client.query() calls. The whole run stays well under the 1 s budget at 500 tables.
	const groups: LintGroup[] = [];
	for (const lint of lints) {
		const group = await runLint(db, lint, context);
		if (group) groups.push(group);
	}
	return {lints: groups};
}

async function runLint(db: Queryable, lint: LintDefinition, context: LintContext): Promise<LintGroup | null> {
	const sql = lint.sql(context);
	if (sql === null) return null;
	let rows: LintFinding[];
	try {
		// Every lint's query selects `detail, metadata, cache_key` (LintDefinition).
		rows = (await db.query(sql)).rows as LintFinding[];
	} catch (error) {
		throw new Error(`Advisor lint ${lint.code}_${lint.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
			cause: error,
		});
	}
	if (rows.length === 0) return null;
	const findings: LintFinding[] = rows.map(row => ({
		detail: row.detail,
		// drivers differ: `pg` parses jsonb, a text-mode client would not
		metadata: typeof row.metadata === 'string' ? (JSON.parse(row.metadata) as Record<string, unknown>) : row.metadata,
		cache_key: row.cache_key,
	}));
	return {
		name: lint.name,
		title: lint.title,
		level: lint.level,
		facing: 'EXTERNAL',
		categories: [lint.type === 'security' ? 'SECURITY' : 'PERFORMANCE'],
		description: lint.description,
		remediation: `${REMEDIATION_BASE}${lint.code}_${lint.name}`,
		count: findings.length,
		findings,
	};
}

/** One round trip for everything that decides which lint queries are valid and what they look at. */
export async function probeLintContext(db: Queryable): Promise<LintContext> {
	const {rows} = await db.query(`
		select
			${DB_SCHEMAS_SETTING_SQL} as db_schemas,
			array(select rolname::text from pg_catalog.pg_roles where rolname in ('anon', 'authenticated') order by rolname) as api_roles,
			to_regclass('auth.users') is not null as has_auth_users,
			to_regclass('storage.buckets') is not null and to_regclass('storage.objects') is not null as has_storage_buckets,
			exists (select 1 from pg_catalog.pg_extension where extname = 'pg_graphql') as has_pg_graphql`);
	const row = rows[0] as
		| {db_schemas: string | null; api_roles: ApiRole[]; has_auth_users: boolean; has_storage_buckets: boolean; has_pg_graphql: boolean}
		| undefined;
	if (!row) throw new Error('Advisor probe returned no row');
	const configuredSchemas = parseSchemaList(row.db_schemas);
	return {
		configuredSchemas,
		exposedSchemas: configuredSchemas.filter(schema => !isSystemSchema(schema)),
		apiRoles: row.api_roles,
		hasAuthUsers: row.has_auth_users,
		hasStorageBuckets: row.has_storage_buckets,
		hasPgGraphql: row.has_pg_graphql,
	};
}
