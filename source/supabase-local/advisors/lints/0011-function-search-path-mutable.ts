import {extensionMember, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const functionSearchPathMutable: LintDefinition = {
	code: '0011',
	name: 'function_search_path_mutable',
	title: 'Function Search Path Mutable',
	level: 'WARN',
	type: 'security',
	description:
		"Finds functions that do not pin their search_path, so the objects they resolve depend on the caller's search_path; a caller can shadow tables or functions they use.",
	sql: () => `
		select
			format('Function \`%s.%s\` has a role-mutable search_path; add \`set search_path = ''''\` to its definition.', n.nspname, p.proname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', p.proname, 'type', 'function') as metadata,
			-- the source hash tells overloads apart, as upstream does
			format('function_search_path_mutable_%s_%s_%s', n.nspname, p.proname, md5(p.prosrc)) as cache_key
		from pg_catalog.pg_proc p
		join pg_catalog.pg_namespace n on n.oid = p.pronamespace
		where p.prokind in ('f', 'p')
			and ${userSchema('n.nspname')}
			and not ${extensionMember('p.oid', 'pg_proc')}
			and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) setting where setting like 'search_path=%')
		order by 3`,
};
