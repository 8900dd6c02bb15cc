import {userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

/** Calls whose result is the same for every row of a statement, so they belong in an initplan. */
const STABLE_CALL = String.raw`(auth\.(uid|jwt|role|email)\(\)|current_setting\()`;

/**
 * Works on the deparsed expression: `(select auth.uid())` deparses as `( SELECT auth.uid() AS uid)`. Wrapped
 * calls are removed first, so a policy mixing a wrapped and a bare call is still flagged. Like upstream, this
 * relies on `auth` not being on the search_path (otherwise Postgres prints the call unqualified).
 */
export const authRlsInitplan: LintDefinition = {
	code: '0003',
	name: 'auth_rls_initplan',
	title: 'Auth RLS Initialization Plan',
	level: 'WARN',
	type: 'performance',
	description:
		'Finds RLS policies that call auth.uid(), auth.jwt(), auth.role(), auth.email() or current_setting() directly, so Postgres evaluates the call once per row instead of once per query.',
	sql: () => `
		select
			format('Table \`%s.%s\` has RLS policy \`%s\` that calls auth.<function>() or current_setting() once per row. Wrap the call as \`(select auth.<function>())\` so it runs once per query.', schema_name, table_name, policy_name) as detail,
			jsonb_build_object('schema', schema_name, 'name', table_name, 'type', 'table') as metadata,
			format('auth_rls_init_plan_%s_%s_%s', schema_name, table_name, policy_name) as cache_key
		from (
			select
				n.nspname as schema_name,
				c.relname as table_name,
				p.polname as policy_name,
				lower(coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '')) as expression
			from pg_catalog.pg_policy p
			join pg_catalog.pg_class c on c.oid = p.polrelid
			join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			where c.relrowsecurity and ${userSchema('n.nspname')}
		) policies
		where regexp_replace(expression, '${String.raw`select\s+`}${STABLE_CALL}', '', 'g') ~ '${STABLE_CALL}'
		order by 3`,
};
