import {relationFindings} from '../lint-queries.js';
import {exposedSchema, extensionMember, readableByApi} from '../sql.js';
import type {LintDefinition} from '../types.js';

/** Needs no guard: without a foreign data wrapper there are simply no `relkind = 'f'` rows. */
export const foreignTableInApi: LintDefinition = {
	code: '0017',
	name: 'foreign_table_in_api',
	title: 'Foreign Table in API',
	level: 'WARN',
	type: 'security',
	description: 'Finds foreign tables that anon or authenticated can select through the API. Foreign tables ignore row level security.',
	sql: context =>
		relationFindings({
			cacheKey: 'foreign_table_in_api',
			objectType: 'foreign table',
			detail: 'Foreign table `%s.%s` can be reached over the API and does not enforce RLS.',
			where: ["c.relkind = 'f'", exposedSchema('n.nspname', context), readableByApi('c.oid', context.apiRoles), `not ${extensionMember('c.oid')}`],
		}),
};
