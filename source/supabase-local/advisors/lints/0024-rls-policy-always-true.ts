import {ALWAYS_TRUE, policyCommand, squashed, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

/**
 * Judged the way Postgres applies the policy. An UPDATE or ALL policy without WITH CHECK checks new rows with its
 * USING, so `for update using (true)` lets any row be rewritten to anything: its WITH CHECK is always true too.
 * Otherwise a missing clause grants nothing (a permissive policy without USING exposes no row; an INSERT policy
 * without WITH CHECK admits none), so it is not "always true". SELECT is left out on purpose: `using (true)` is
 * the usual way to publish readable data.
 */
/** What Postgres checks new rows against: WITH CHECK, or USING when an UPDATE or ALL policy has none. */
const EFFECTIVE_CHECK = `case when p.polwithcheck is null and p.polcmd in ('w', '*') then p.polqual else p.polwithcheck end`;

export const rlsPolicyAlwaysTrue: LintDefinition = {
	code: '0024',
	name: 'rls_policy_always_true',
	title: 'RLS Policy Always True',
	level: 'WARN',
	type: 'security',
	description:
		'Finds permissive INSERT, UPDATE, DELETE or ALL policies for anon, authenticated or public whose USING or WITH CHECK is a constant true, which switches row level security off for that action.',
	sql: () => `
		select
			format('Table \`%s.%s\` has RLS policy \`%s\` for %s whose %s always true, so %s can write any row.', schema_name, table_name, policy_name, command,
				case when using_true and check_true then 'USING and WITH CHECK are' when using_true then 'USING is' else 'WITH CHECK is' end,
				array_to_string(roles, ', ')) as detail,
			jsonb_build_object('schema', schema_name, 'name', table_name, 'type', 'table', 'policy_name', policy_name, 'command', command,
				'roles', to_jsonb(roles), 'qual', qual, 'with_check', with_check, 'permissive_using', using_true, 'permissive_with_check', check_true) as metadata,
			format('rls_policy_always_true_%s_%s_%s', schema_name, table_name, policy_name) as cache_key
		from (
			select
				n.nspname as schema_name,
				c.relname as table_name,
				p.polname as policy_name,
				${policyCommand('p.polcmd')} as command,
				case when p.polroles = '{0}'::oid[] then array['public']
					else array(select r.rolname::text from pg_catalog.pg_roles r where r.oid = any(p.polroles) order by r.rolname) end as roles,
				pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
				pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
				p.polcmd in ('w', 'd', '*') and ${squashed('pg_catalog.pg_get_expr(p.polqual, p.polrelid)')} = any(${ALWAYS_TRUE}) as using_true,
				p.polcmd in ('a', 'w', '*') and ${squashed(`pg_catalog.pg_get_expr(${EFFECTIVE_CHECK}, p.polrelid)`)} = any(${ALWAYS_TRUE}) as check_true
			from pg_catalog.pg_policy p
			join pg_catalog.pg_class c on c.oid = p.polrelid
			join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			where c.relrowsecurity
				and p.polpermissive
				and p.polcmd <> 'r'
				and ${userSchema('n.nspname')}
				and (
					p.polroles = '{0}'::oid[]
					or exists (select 1 from pg_catalog.pg_roles r where r.oid = any(p.polroles) and r.rolname in ('anon', 'authenticated'))
				)
		) policies
		where using_true or check_true
		order by 3`,
};
