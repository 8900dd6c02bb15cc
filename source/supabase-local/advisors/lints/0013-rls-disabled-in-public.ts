import {exposedSchema, extensionMember, readableByApi} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const rlsDisabledInPublic: LintDefinition = {
	code: '0013',
	name: 'rls_disabled_in_public',
	title: 'RLS Disabled in Public',
	level: 'ERROR',
	type: 'security',
	description:
		'Finds tables in schemas exposed over the API that anon or authenticated can reach while row level security is disabled, so anyone with the project URL can read and change every row.',
	sql: context => `
		select
			format('Table \`%s.%s\` is exposed over the API but row level security is not enabled.', n.nspname, c.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') as metadata,
			format('rls_disabled_in_public_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind = 'r'
			and not c.relrowsecurity
			and ${exposedSchema('n.nspname', context)}
			and ${readableByApi('c.oid', context.apiRoles)}
			and not ${extensionMember('c.oid')}
		order by 3`,
};
