import {exposedSchema, extensionMember, readableByApi} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const materializedViewInApi: LintDefinition = {
	code: '0016',
	name: 'materialized_view_in_api',
	title: 'Materialized View in API',
	level: 'WARN',
	type: 'security',
	description: 'Finds materialized views that anon or authenticated can select through the API. Materialized views cannot have RLS, so every row is visible.',
	sql: context => `
		select
			format('Materialized view \`%s.%s\` can be selected by anon or authenticated over the API.', n.nspname, c.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'materialized view') as metadata,
			format('materialized_view_in_api_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind = 'm'
			and ${exposedSchema('n.nspname', context)}
			and ${readableByApi('c.oid', context.apiRoles)}
			and not ${extensionMember('c.oid')}
		order by 3`,
};
