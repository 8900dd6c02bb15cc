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
			? `
		select
			format('Queue table \`%s.%s\` is reachable over the API through pgmq_public but row level security is not enabled.', n.nspname, c.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') as metadata,
			format('insecure_queue_exposed_in_api_%s_%s', n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind in ('r', 'p')
			and n.nspname = 'pgmq'
			and c.relname like 'q\\_%'
			and not c.relrowsecurity
			and ${readableByApi('c.oid', context.apiRoles)}
		order by 3`
			: null,
};
