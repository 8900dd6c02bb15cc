import {extensionMember, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const noPrimaryKey: LintDefinition = {
	code: '0004',
	name: 'no_primary_key',
	title: 'No Primary Key',
	level: 'INFO',
	type: 'performance',
	description: 'Finds tables without a primary key. Rows without a stable identity are slow to update, delete and replicate at scale.',
	sql: () => `
		select
			format('Table \`%s.%s\` has no primary key.', n.nspname, c.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') as metadata,
			format('no_primary_key_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind = 'r'
			and ${userSchema('n.nspname')}
			and not ${extensionMember('c.oid')}
			and not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary)
		order by 3`,
};
