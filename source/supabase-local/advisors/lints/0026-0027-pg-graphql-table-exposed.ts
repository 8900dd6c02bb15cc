import {API_ROLE_AUDIENCE, userSchema} from '../sql.js';
import type {ApiRole, LintDefinition} from '../types.js';

/**
 * pg_graphql's introspection shows any table, view, materialized view or foreign table on which the calling role
 * can select at least one column, RLS or not. Only relevant once pg_graphql is installed.
 */
function graphqlExposure(role: ApiRole, code: string, title: string): LintDefinition {
	const name = `pg_graphql_${role}_table_exposed`;
	const audience = API_ROLE_AUDIENCE[role];
	return {
		code,
		name,
		title,
		level: 'WARN',
		type: 'security',
		description: `Finds tables, views, materialized views and foreign tables that ${audience} can discover through pg_graphql introspection because the \`${role}\` role can select from them, even when RLS hides their rows.`,
		sql: context =>
			context.hasPgGraphql && context.apiRoles.includes(role)
				? `
		select
			format('%s \`%s.%s\` appears in the GraphQL schema for ${audience} because \`${role}\` can select it; revoke SELECT if it should not be discoverable.', initcap(object_type), schema_name, object_name) as detail,
			jsonb_build_object('schema', schema_name, 'name', object_name, 'type', object_type) as metadata,
			format('${name}_%s_%s', schema_name, object_name) as cache_key
		from (
			select n.nspname as schema_name, c.relname as object_name,
				case c.relkind when 'r' then 'table' when 'v' then 'view' when 'm' then 'materialized view' else 'foreign table' end as object_type
			from pg_catalog.pg_class c
			join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			where c.relkind in ('r', 'v', 'm', 'f')
				and ${userSchema('n.nspname')}
				and pg_catalog.has_any_column_privilege('${role}', c.oid, 'SELECT')
		) exposed
		order by 3`
				: null,
	};
}

export const pgGraphqlAnonTableExposed = graphqlExposure('anon', '0026', 'Public Can See Object in GraphQL Schema');
export const pgGraphqlAuthenticatedTableExposed = graphqlExposure('authenticated', '0027', 'Signed-In Users Can See Object in GraphQL Schema');
