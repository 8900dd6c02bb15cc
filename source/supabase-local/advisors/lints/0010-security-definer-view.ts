import {exposedSchema, extensionMember, readableByApi, SECURITY_INVOKER} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const securityDefinerView: LintDefinition = {
	code: '0010',
	name: 'security_definer_view',
	title: 'Security Definer View',
	level: 'ERROR',
	type: 'security',
	description:
		"Finds exposed views that run with their owner's privileges and RLS instead of the caller's (no security_invoker), which lets API users read past row level security.",
	sql: context => `
		select
			format('View \`%s.%s\` runs with its owner''s permissions and RLS (it is not \`security_invoker\`).', n.nspname, c.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'view') as metadata,
			format('security_definer_view_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind = 'v'
			and ${exposedSchema('n.nspname', context)}
			and ${readableByApi('c.oid', context.apiRoles)}
			and not ${extensionMember('c.oid')}
			and not ${SECURITY_INVOKER}
		order by 3`,
};
