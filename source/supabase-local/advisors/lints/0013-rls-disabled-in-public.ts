import {relationFindings} from '../lint-queries.js';
import {exposedSchema, extensionMember, readableByApi} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const rlsDisabledInPublic: LintDefinition = {
	code: '0013',
	name: 'rls_disabled_in_public',
	title: 'RLS Disabled in Public',
	level: 'ERROR',
	type: 'security',
	description:
		'Finds tables in schemas exposed over the API that anon or authenticated can reach while row level security is disabled, so anyone with the project URL can read and change every row.',
	sql: context =>
		relationFindings({
			cacheKey: 'rls_disabled_in_public',
			objectType: 'table',
			detail: 'Table `%s.%s` is exposed over the API but row level security is not enabled.',
			where: [
				"c.relkind = 'r'",
				'not c.relrowsecurity',
				exposedSchema('n.nspname', context),
				readableByApi('c.oid', context.apiRoles),
				`not ${extensionMember('c.oid')}`,
			],
		}),
};
