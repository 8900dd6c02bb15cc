import {exposedSchema, extensionMember, readableByApi} from '../sql.js';
import type {LintDefinition} from '../types.js';

/** Needs no guard: without a foreign data wrapper there are simply no `relkind = 'f'` rows. */
export const foreignTableInApi: LintDefinition = {
	code: '0017',
	name: 'foreign_table_in_api',
	title: 'Foreign Table in API',
	level: 'WARN',
	type: 'security',
	description: 'Finds foreign tables that anon or authenticated can select through the API. Foreign tables ignore row level security.',
	sql: context => `
		select
			format('Foreign table \`%s.%s\` can be reached over the API and does not enforce RLS.', n.nspname, c.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'foreign table') as metadata,
			format('foreign_table_in_api_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind = 'f'
			and ${exposedSchema('n.nspname', context)}
			and ${readableByApi('c.oid', context.apiRoles)}
			and not ${extensionMember('c.oid')}
		order by 3`,
};
