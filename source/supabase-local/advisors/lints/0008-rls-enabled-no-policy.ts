import {relationFindings} from '../lint-queries.js';
import {extensionMember, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const rlsEnabledNoPolicy: LintDefinition = {
	code: '0008',
	name: 'rls_enabled_no_policy',
	title: 'RLS Enabled No Policy',
	level: 'INFO',
	type: 'security',
	description: 'Finds tables with row level security enabled and no policy, which deny every API request; often a policy was forgotten.',
	sql: () =>
		relationFindings({
			cacheKey: 'rls_enabled_no_policy',
			objectType: 'table',
			detail: 'Table `%s.%s` has row level security enabled but no policy, so the API can neither read nor write it.',
			where: [
				"c.relkind = 'r'",
				'c.relrowsecurity',
				userSchema('n.nspname'),
				`not ${extensionMember('c.oid')}`,
				'not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = c.oid)',
			],
		}),
};
