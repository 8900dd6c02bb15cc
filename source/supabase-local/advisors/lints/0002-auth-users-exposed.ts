import {apiReaders, exposedSchema, readableByApi, SECURITY_INVOKER} from '../sql.js';
import type {LintDefinition} from '../types.js';

/**
 * A view over auth.users leaks accounts when it runs as its owner (the default), when it is a materialized
 * view (no RLS at all), or when it runs as the caller but auth.users itself has RLS off.
 */
export const authUsersExposed: LintDefinition = {
	code: '0002',
	name: 'auth_users_exposed',
	title: 'Exposed Auth Users',
	level: 'ERROR',
	type: 'security',
	description:
		'Finds views or materialized views in an exposed schema that read auth.users and that anon or authenticated can select, which can leak user accounts over the API.',
	sql: context =>
		context.hasAuthUsers
			? `
		select
			format('View \`%s.%s\` reads \`auth.users\` and can be selected by %s through the API.', n.nspname, c.relname, array_to_string(array(select jsonb_array_elements_text(${apiReaders('c.oid', context.apiRoles)})), ' and ')) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'view', 'exposed_to', ${apiReaders('c.oid', context.apiRoles)}) as metadata,
			format('auth_users_exposed_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind in ('v', 'm')
			and ${exposedSchema('n.nspname', context)}
			and ${readableByApi('c.oid', context.apiRoles)}
			and exists (
				select 1
				from pg_catalog.pg_rewrite r
				join pg_catalog.pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.deptype = 'n'
				where r.ev_class = c.oid and d.refobjid = 'auth.users'::regclass
			)
			and (
				c.relkind = 'm'
				or not ${SECURITY_INVOKER}
				or not (select u.relrowsecurity from pg_catalog.pg_class u where u.oid = 'auth.users'::regclass)
			)
		order by 3`
			: null,
};
