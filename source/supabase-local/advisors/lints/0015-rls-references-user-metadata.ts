import {userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

/** user_metadata in the JWT is whatever the user last wrote through auth.updateUser(). */
export const rlsReferencesUserMetadata: LintDefinition = {
	code: '0015',
	name: 'rls_references_user_metadata',
	title: 'RLS references user metadata',
	level: 'ERROR',
	type: 'security',
	description:
		'Finds RLS policies that read user_metadata from the JWT. Users can edit their own user_metadata, so it must never decide access; use app_metadata instead.',
	sql: () => `
		select
			format('Table \`%s.%s\` has RLS policy \`%s\` that reads \`user_metadata\` from the JWT; users can set that value themselves.', schema_name, table_name, policy_name) as detail,
			jsonb_build_object('schema', schema_name, 'name', table_name, 'type', 'table') as metadata,
			format('rls_references_user_metadata_%s_%s_%s', schema_name, table_name, policy_name) as cache_key
		from (
			select
				n.nspname as schema_name,
				c.relname as table_name,
				p.polname as policy_name,
				lower(coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '')) as expression
			from pg_catalog.pg_policy p
			join pg_catalog.pg_class c on c.oid = p.polrelid
			join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			where ${userSchema('n.nspname')}
		) policies
		where expression like '%auth.jwt()%user_metadata%'
			or expression like '%current_setting(%request.jwt.claims%)%user_metadata%'
		order by 3`,
};
