import {userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

/**
 * A policy `to public` applies to every role, so it is expanded to every role that RLS applies to (roles with
 * BYPASSRLS, Postgres' own `pg_*` roles and Supabase's admin roles never evaluate policies).
 */
export const multiplePermissivePolicies: LintDefinition = {
	code: '0006',
	name: 'multiple_permissive_policies',
	title: 'Multiple Permissive Policies',
	level: 'WARN',
	type: 'performance',
	description:
		'Finds tables with more than one permissive RLS policy for the same role and action. Postgres evaluates every one of them for each row, so merging them into one policy is faster.',
	sql: () => `
		select
			format('Table \`%s.%s\` has %s permissive policies for role \`%s\` on %s: %s. Each one is evaluated for every row.', n.nspname, c.relname, count(*), r.rolname, a.action, string_agg(p.polname, ', ' order by p.polname)) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') as metadata,
			format('multiple_permissive_policies_%s_%s_%s_%s', n.nspname, c.relname, r.rolname, a.action) as cache_key
		from pg_catalog.pg_policy p
		join pg_catalog.pg_class c on c.oid = p.polrelid
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		join pg_catalog.pg_roles r on r.oid = any(p.polroles) or p.polroles = '{0}'::oid[]
		cross join lateral unnest(case p.polcmd
			when 'r' then array['SELECT'] when 'a' then array['INSERT'] when 'w' then array['UPDATE'] when 'd' then array['DELETE']
			else array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] end) as a(action)
		where p.polpermissive
			and c.relkind in ('r', 'p')
			and ${userSchema('n.nspname')}
			and r.rolname !~ '^pg_'
			and r.rolname !~ '^supabase.*admin$'
			and not r.rolbypassrls
		group by n.nspname, c.relname, r.rolname, a.action
		having count(*) > 1
		order by 3`,
};
