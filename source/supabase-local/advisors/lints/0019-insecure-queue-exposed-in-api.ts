import {relationFindings} from '../lint-queries.js';
import {readableByApi} from '../sql.js';
import type {LintDefinition} from '../types.js';

/**
 * pgmq keeps each queue in `pgmq.q_<name>`; exposing the `pgmq_public` schema lets the API reach them through
 * its wrapper functions, so queue tables without RLS are open to anyone. Without pgmq there are no such rows.
 */
export const insecureQueueExposedInApi: LintDefinition = {
	code: '0019',
	name: 'insecure_queue_exposed_in_api',
	title: 'Insecure Queue Exposed in API',
	level: 'ERROR',
	type: 'security',
	description:
		'Finds pgmq queue tables that anon or authenticated can reach while row level security is off and the pgmq_public schema is exposed over the API.',
	sql: context =>
		context.configuredSchemas.includes('pgmq_public')
			? relationFindings({
					cacheKey: 'insecure_queue_exposed_in_api',
					objectType: 'table',
					detail: 'Queue table `%s.%s` is reachable over the API through pgmq_public but row level security is not enabled.',
					where: [
						"c.relkind in ('r', 'p')",
						"n.nspname = 'pgmq'",
						String.raw`c.relname like 'q\_%'`,
						'not c.relrowsecurity',
						readableByApi('c.oid', context.apiRoles),
					],
				})
			: null,
};
