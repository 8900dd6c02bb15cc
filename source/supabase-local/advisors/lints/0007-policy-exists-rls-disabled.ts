import {userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const policyExistsRlsDisabled: LintDefinition = {
	code: '0007',
	name: 'policy_exists_rls_disabled',
	title: 'Policy Exists RLS Disabled',
	level: 'ERROR',
	type: 'security',
	description: 'Finds tables that have RLS policies while row level security is disabled, so the policies protect nothing.',
	sql: () => `
		select
			format('Table \`%s.%s\` has RLS policies (%s) but row level security is disabled, so they are ignored.', n.nspname, c.relname, string_agg(p.polname, ', ' order by p.polname)) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') as metadata,
			format('policy_exists_rls_disabled_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_policy p
		join pg_catalog.pg_class c on c.oid = p.polrelid
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind in ('r', 'p')
			and not c.relrowsecurity
			and ${userSchema('n.nspname')}
		group by n.nspname, c.relname
		order by 3`,
};
