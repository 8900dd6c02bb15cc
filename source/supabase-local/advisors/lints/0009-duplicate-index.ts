import {extensionMember, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

/** Two indexes are identical when every property that shapes them matches; only their names differ. */
export const duplicateIndex: LintDefinition = {
	code: '0009',
	name: 'duplicate_index',
	title: 'Duplicate Index',
	level: 'WARN',
	type: 'performance',
	description: 'Finds sets of identical indexes on one table; all but one only slow writes down and take space.',
	sql: () => `
		select
			format('Table \`%s.%s\` has identical indexes %s. Keep one and drop the others.', schema_name, table_name, index_names) as detail,
			jsonb_build_object('schema', schema_name, 'name', table_name, 'type', case relkind when 'm' then 'materialized view' else 'table' end, 'indexes', to_jsonb(index_names)) as metadata,
			format('duplicate_index_%s_%s_%s', schema_name, table_name, index_names) as cache_key
		from (
			select n.nspname as schema_name, c.relname as table_name, c.relkind, array_agg(ic.relname::text order by ic.relname) as index_names
			from pg_catalog.pg_index i
			join pg_catalog.pg_class ic on ic.oid = i.indexrelid
			join pg_catalog.pg_class c on c.oid = i.indrelid
			join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			where c.relkind in ('r', 'm')
				and ${userSchema('n.nspname')}
				and not ${extensionMember('c.oid')}
			group by n.nspname, c.relname, c.relkind, i.indrelid, ic.relam, i.indisunique, i.indnullsnotdistinct, i.indnkeyatts,
				i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text,
				pg_catalog.pg_get_expr(i.indexprs, i.indrelid), pg_catalog.pg_get_expr(i.indpred, i.indrelid)
			having count(*) > 1
		) duplicates
		order by 3`,
};
