import {API_ROLE_AUDIENCE, exposedSchema} from '../sql.js';
import type {ApiRole, LintDefinition} from '../types.js';

/**
 * A SECURITY DEFINER function runs as its owner and bypasses RLS; in an exposed schema PostgREST serves it at
 * /rest/v1/rpc/<name>. Functions are executable by PUBLIC unless revoked, so new ones are exposed by default.
 */
function securityDefinerExecutable(role: ApiRole, code: string, title: string): LintDefinition {
	const name = `${role}_security_definer_function_executable`;
	const audience = API_ROLE_AUDIENCE[role];
	return {
		code,
		name,
		title,
		level: 'WARN',
		type: 'security',
		description: `Finds SECURITY DEFINER functions in exposed schemas that ${audience} can call over the API. Revoke EXECUTE from \`${role}\`, make the function SECURITY INVOKER, or move it out of the exposed schema.`,
		sql: context =>
			context.apiRoles.includes(role)
				? `
		select
			format('Function \`%s.%s(%s)\` runs as its owner and \`${role}\` can execute it via /rest/v1/rpc/%s.', schema_name, function_name, arguments, function_name) as detail,
			jsonb_build_object('schema', schema_name, 'name', function_name, 'type', 'function', 'arguments', arguments, 'language', language, 'security_definer', true) as metadata,
			format('${name}_%s_%s_%s', schema_name, function_name, arguments) as cache_key
		from (
			select n.nspname as schema_name, p.proname as function_name, pg_catalog.pg_get_function_identity_arguments(p.oid) as arguments, l.lanname as language
			from pg_catalog.pg_proc p
			join pg_catalog.pg_namespace n on n.oid = p.pronamespace
			join pg_catalog.pg_language l on l.oid = p.prolang
			where p.prosecdef
				and ${exposedSchema('n.nspname', context)}
				and pg_catalog.has_function_privilege('${role}', p.oid, 'EXECUTE')
		) functions
		order by 3`
				: null,
	};
}

export const anonSecurityDefinerFunctionExecutable = securityDefinerExecutable('anon', '0028', 'Public Can Execute SECURITY DEFINER Function');
export const authenticatedSecurityDefinerFunctionExecutable = securityDefinerExecutable(
	'authenticated',
	'0029',
	'Signed-In Users Can Execute SECURITY DEFINER Function',
);
