import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {fenceUntrustedData} from '../fence.js';
import {LOG_SERVICES} from '../logs.js';
import {defineTool, projectId, READ_ONLY, type ToolContext} from './util.js';

export function registerDebuggingTools(server: McpServer, context: ToolContext): void {
	defineTool(
		server,
		context,
		{
			name: 'get_logs',
			description:
				'Returns log entries of one service, newest first, at most 100, within a window of at most 24 hours ' +
				'(default: the last 24 hours). Locally: postgres (statements run and their errors), edge-function ' +
				"(deploys, and each request: method, status, duration, version), edge-function-runtime (the functions' " +
				'console output, uncaught errors with stacks, boots and shutdowns; secrets redacted) and branch-action ' +
				'(branch create, merge, reset, rebase, delete); other services have none.',
			input: z.strictObject({
				service: z.enum(LOG_SERVICES).describe('The service to read logs of.'),
				iso_timestamp_start: z.iso.datetime({offset: true}).optional().describe('Start of the window (ISO 8601).'),
				iso_timestamp_end: z.iso.datetime({offset: true}).optional().describe('End of the window (ISO 8601).'),
				project_id: projectId,
			}),
			annotations: READ_ONLY,
		},
		async ({service, iso_timestamp_start, iso_timestamp_end, project_id}) => {
			const {ref} = await context.local.project(project_id);
			const entries = context.local.logs.query(ref, service, {start: iso_timestamp_start, end: iso_timestamp_end});
			// Log lines quote SQL and error text that may carry user data, so they are fenced like query rows.
			return {result: fenceUntrustedData(entries)};
		},
	);
}
