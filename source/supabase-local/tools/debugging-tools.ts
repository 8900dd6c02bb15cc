import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {fenceUntrustedData} from '../fence.js';
import {LOG_SERVICES} from '../logs.js';
import {queryLogs} from '../logs-query.js';
import {LOG_SOURCES} from '../logs-sql.js';
import {defineTool, projectId, READ_ONLY, type ToolContext} from './util.js';

const windowStart = z.iso
	.datetime({offset: true})
	.optional()
	.describe('Start of the window (ISO 8601); default 24 hours before its end. The window is at most 24 hours.');
const windowEnd = z.iso.datetime({offset: true}).optional().describe('End of the window (ISO 8601); default now.');

const LOCAL_SERVICES =
	'Locally pgpair writes postgres (statements run and their errors), edge-function (deploys, and each request: ' +
	"method, status, duration, version), edge-function-runtime (the functions' console output, uncaught errors with " +
	'stacks, boots and shutdowns; secrets redacted), api (every request to the project URL), storage (storage ' +
	'settings changed) and branch-action (branch create, merge, reset, rebase, delete); auth and realtime have none.';

export function registerDebuggingTools(server: McpServer, context: ToolContext): void {
	defineTool(
		server,
		context,
		{
			name: 'get_logs',
			title: 'Get project logs',
			// As on the official server 0.13.0: listed no more (query_logs replaces it) but still answered.
			audience: 'unlisted',
			description:
				'Returns the log entries of one service, newest first, at most 100, within a window of at most 24 hours ' +
				'(default: the last 24 hours); pass the window when asked about a particular time. For edge functions, ' +
				'edge-function holds the requests and edge-function-runtime what the function printed. ' +
				LOCAL_SERVICES +
				' Logs are kept in .pgpair/logs/ across restarts. query_logs filters and aggregates them with SQL.',
			input: z.strictObject({
				service: z.enum(LOG_SERVICES).describe('The service to read logs of.'),
				iso_timestamp_start: windowStart,
				iso_timestamp_end: windowEnd,
				project_id: projectId,
			}),
			annotations: READ_ONLY,
		},
		async ({service, iso_timestamp_start, iso_timestamp_end, project_id}) => {
			const {ref} = await context.local.project(project_id);
			const entries = await context.local.logs.query(ref, service, {start: iso_timestamp_start, end: iso_timestamp_end});
			// Log lines quote SQL and error text that may carry user data, so they are fenced like query rows.
			return {result: fenceUntrustedData(entries)};
		},
	);

	const sources = Object.values(LOG_SOURCES)
		.map(source => `'${source}'`)
		.join(', ');
	defineTool(
		server,
		context,
		{
			name: 'query_logs',
			title: 'Query project logs',
			description:
				"Runs a read-only SQL query over the project's logs within a window of at most 24 hours (default: the " +
				'last 24 hours; pass the window when asked about a particular time). The logs are one table, ' +
				'`logs(id, timestamp, source, event_message, log_attributes)`: `timestamp` is UTC text ' +
				`("2025-06-01 09:00:00.123456", sorts in time order), \`source\` one of ${sources}, and every other ` +
				"field of an entry is text in `log_attributes`, read as `log_attributes['status_code']`. Locally the SQL " +
				'is SQLite (Supabase runs ClickHouse there): filters, ORDER BY, GROUP BY, count(*) and the like work; ' +
				'ClickHouse-only functions do not. At most 1000 rows come back. ' +
				LOCAL_SERVICES.replace('Locally pgpair writes', 'Sources come from') +
				' Query what you need instead of polling.',
			input: z.strictObject({
				sql: z
					.string()
					.min(1)
					.describe('The query, e.g. "select timestamp, event_message from logs where source = \'postgres_logs\' order by timestamp desc limit 20".'),
				iso_timestamp_start: windowStart,
				iso_timestamp_end: windowEnd,
				project_id: projectId,
			}),
			annotations: READ_ONLY,
		},
		async ({sql, iso_timestamp_start, iso_timestamp_end, project_id}) => {
			const {ref} = await context.local.project(project_id);
			const {rows, truncated} = await queryLogs(
				context.local.logs,
				ref,
				sql,
				{start: iso_timestamp_start, end: iso_timestamp_end},
				context.local.deadlines.readMs,
			);
			return {result: fenceUntrustedData(rows), ...(truncated ? {truncated: `only the first ${rows.length} rows`} : {})};
		},
	);
}
