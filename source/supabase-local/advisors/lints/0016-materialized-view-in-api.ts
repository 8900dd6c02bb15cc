import {relationFindings} from '../lint-queries.js';
import {exposedSchema, extensionMember, readableByApi} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const materializedViewInApi: LintDefinition = {
	code: '0016',
	name: 'materialized_view_in_api',
	title: 'Materialized View in API',
	level: 'WARN',
	type: 'security',
	description: 'Finds materialized views that anon or authenticated can select through the API. Materialized views cannot have RLS, so every row is visible.',
	sql: context =>
		relationFindings({
			cacheKey: 'materialized_view_in_api',
			objectType: 'materialized view',
			detail: 'Materialized view `%s.%s` can be selected by anon or authenticated over the API.',
			where: ["c.relkind = 'm'", exposedSchema('n.nspname', context), readableByApi('c.oid', context.apiRoles), `not ${extensionMember('c.oid')}`],
		}),
};
