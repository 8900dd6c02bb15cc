import {policyFindings} from '../lint-queries.js';
import type {LintDefinition} from '../types.js';

/** user_metadata in the JWT is whatever the user last wrote through auth.updateUser(). */
export const rlsReferencesUserMetadata: LintDefinition = {
	code: '0015',
	name: 'rls_references_user_metadata',
	title: 'RLS references user metadata',
	level: 'ERROR',
	type: 'security',
	description:
		'Finds RLS policies that read user_metadata from the JWT. Users can edit their own user_metadata, so it must never decide access; use app_metadata instead.',
	sql: () =>
		policyFindings({
			cacheKey: 'rls_references_user_metadata',
			detail: 'Table `%s.%s` has RLS policy `%s` that reads `user_metadata` from the JWT; users can set that value themselves.',
			inForce: false,
			matching: `expression like '%auth.jwt()%user_metadata%'
			or expression like '%current_setting(%request.jwt.claims%)%user_metadata%'`,
		}),
};
