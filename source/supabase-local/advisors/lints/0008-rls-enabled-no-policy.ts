import {extensionMember, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const rlsEnabledNoPolicy: LintDefinition = {
	code: '0008',
	name: 'rls_enabled_no_policy',
	title: 'RLS Enabled No Policy',
	level: 'INFO',
	type: 'security',
	description: 'Finds tables with row level security enabled and no policy, which deny every API request; often a policy was forgotten.',
	sql: () => `
		select
			format('Table \`%s.%s\` has row level security enabled but no policy, so the API can neither read nor write it.', n.nspname, c.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') as metadata,
			format('rls_enabled_no_policy_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind = 'r'
			and c.relrowsecurity
			and ${userSchema('n.nspname')}
			and not ${extensionMember('c.oid')}
			and not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = c.oid)
		order by 3`,
};
