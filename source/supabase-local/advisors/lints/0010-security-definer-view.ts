import {relationFindings} from '../lint-queries.js';
import {exposedSchema, extensionMember, readableByApi, SECURITY_INVOKER} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const securityDefinerView: LintDefinition = {
	code: '0010',
	name: 'security_definer_view',
	title: 'Security Definer View',
	level: 'ERROR',
	type: 'security',
	description:
		"Finds exposed views that run with their owner's privileges and RLS instead of the caller's (no security_invoker), which lets API users read past row level security.",
	sql: context =>
		relationFindings({
			cacheKey: 'security_definer_view',
			objectType: 'view',
			detail: "View `%s.%s` runs with its owner's permissions and RLS (it is not `security_invoker`).",
			where: [
				"c.relkind = 'v'",
				exposedSchema('n.nspname', context),
				readableByApi('c.oid', context.apiRoles),
				`not ${extensionMember('c.oid')}`,
				`not ${SECURITY_INVOKER}`,
			],
		}),
};
