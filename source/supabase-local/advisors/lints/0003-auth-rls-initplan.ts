import {policyFindings} from '../lint-queries.js';
import type {LintDefinition} from '../types.js';

/** Calls whose result is the same for every row of a statement, so they belong in an initplan. */
const STABLE_CALL = String.raw`(auth\.(uid|jwt|role|email)\(\)|current_setting\()`;

/**
 * Works on the deparsed expression: `(select auth.uid())` deparses as `( SELECT auth.uid() AS uid)`. Wrapped
 * calls are removed first, so a policy mixing a wrapped and a bare call is still flagged. Like upstream, this
 * relies on `auth` not being on the search_path (otherwise Postgres prints the call unqualified).
 */
export const authRlsInitplan: LintDefinition = {
	code: '0003',
	name: 'auth_rls_initplan',
	title: 'Auth RLS Initialization Plan',
	level: 'WARN',
	type: 'performance',
	description:
		'Finds RLS policies that call auth.uid(), auth.jwt(), auth.role(), auth.email() or current_setting() directly, so Postgres evaluates the call once per row instead of once per query.',
	sql: () =>
		policyFindings({
			cacheKey: 'auth_rls_init_plan',
			detail:
				'Table `%s.%s` has RLS policy `%s` that calls auth.<function>() or current_setting() once per row. Wrap the call as `(select auth.<function>())` so it runs once per query.',
			inForce: true,
			// Realtime authorization is written as policies on realtime.messages, evaluated for every message.
			alsoScanned: ['realtime'],
			matching: `regexp_replace(expression, '${String.raw`select\s+`}${STABLE_CALL}', '', 'g') ~ '${STABLE_CALL}'`,
		}),
};
