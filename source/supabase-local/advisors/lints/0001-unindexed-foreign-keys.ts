import {extensionMember, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

/**
 * A foreign key is covered when some valid index has its columns, in the key's order, as its leading key columns:
 * an index on (b, a) cannot serve a lookup by (a, b) efficiently, one on (a, b, c) can. Included columns are not keys.
 */
export const unindexedForeignKeys: LintDefinition = {
	code: '0001',
	name: 'unindexed_foreign_keys',
	title: 'Unindexed foreign keys',
	level: 'INFO',
	type: 'performance',
	description:
		'Finds foreign keys whose columns are not the leading columns of any index, so joins and cascading updates or deletes must scan the referencing table.',
	sql: () => `
		select
			format('Table \`%s.%s\` has foreign key \`%s\` with no index leading on its columns; lookups through it scan the table.', n.nspname, c.relname, k.conname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table', 'fkey_name', k.conname, 'fkey_columns', k.conkey) as metadata,
			format('unindexed_foreign_keys_%s_%s_%s', n.nspname, c.relname, k.conname) as cache_key
		from pg_catalog.pg_constraint k
		join pg_catalog.pg_class c on c.oid = k.conrelid
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where k.contype = 'f'
			and ${userSchema('n.nspname')}
			and not ${extensionMember('c.oid')}
			and not exists (
				select 1
				from pg_catalog.pg_index i
				where i.indrelid = k.conrelid
					and i.indisvalid
					-- the first n index columns are the n key columns, in order (expression columns are 0 and never match)
					and i.indnkeyatts >= cardinality(k.conkey)
					and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] = k.conkey
			)
		order by 3`,
};
