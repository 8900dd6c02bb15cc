// Catalog reads shared by the evaluators, through the evidence port's read-only query.
import {quoteIdent} from '../../sql/identifiers.js';
import type {Evidence} from '../evidence.js';

export type ExposedTable = {
	/** `schema.name` */
	name: string;
	rls: boolean;
	policies: Array<{name: string; comment: string | null}>;
};

/**
 * Tables the Data API serves: ordinary and partitioned tables (not partitions) in the schemas of
 * `pgrst.db_schemas` (default `public`) that `anon` or `authenticated` may read or write, without tables that
 * belong to extensions. These are the tables that hold data people reach with the project's keys.
 */
const EXPOSED_TABLES_SQL = `
with exposed as (
	select trim(both '"' from trim(s)) as nspname
	from unnest(string_to_array(coalesce(nullif(current_setting('pgrst.db_schemas', true), ''), 'public'), ',')) as s
), api_roles as (
	select rolname from pg_catalog.pg_roles where rolname in ('anon', 'authenticated')
)
select n.nspname || '.' || c.relname as name,
	c.relrowsecurity as rls,
	coalesce((
		select json_agg(json_build_object('name', p.polname, 'comment', pg_catalog.obj_description(p.oid, 'pg_policy')) order by p.polname)
		from pg_catalog.pg_policy p where p.polrelid = c.oid
	), '[]'::json) as policies
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p')
	and not c.relispartition
	and n.nspname in (select nspname from exposed)
	and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'supabase_migrations', 'pgpair')
	and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
	and exists (select 1 from api_roles r where pg_catalog.has_table_privilege(r.rolname, c.oid, 'select, insert, update, delete'))
order by 1`;

export async function exposedTables(evidence: Evidence): Promise<ExposedTable[]> {
	const rows = await evidence.query(EXPOSED_TABLES_SQL);
	return rows.map(row => {
		const policies = typeof row.policies === 'string' ? (JSON.parse(row.policies) as unknown) : row.policies;
		return {
			name: String(row.name),
			rls: row.rls === true,
			policies: Array.isArray(policies) ? (policies as ExposedTable['policies']) : [],
		};
	});
}

/** `"schema"."name"` for a `schema.name` string whose parts hold no dots. */
export function quoteQualified(name: string): string {
	return name.split('.').map(quoteIdent).join('.');
}
