import {createHash} from 'node:crypto';
import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {defineProjectReader, type ToolContext} from './util.js';

export function registerDevelopmentTools(server: McpServer, context: ToolContext): void {
	defineProjectReader(
		server,
		context,
		{
			name: 'get_project_url',
			title: 'Get project URL',
			description:
				'Returns the API URL of the project: a local gateway on 127.0.0.1 that serves its deployed edge functions ' +
				'at /functions/v1/<slug> (there is no REST, auth or storage API locally).',
		},
		async ({ref}) => ({url: await context.local.functionsRuntime.url(ref)}),
	);

	defineProjectReader(
		server,
		context,
		{
			name: 'get_publishable_keys',
			title: 'Get publishable keys',
			description:
				'Returns the client-side API keys of the project: the legacy anon key (a JWT the functions gateway ' +
				'accepts where verify_jwt is on) and a publishable key. Both are safe to ship in a client; RLS protects the data.',
		},
		async ({ref}) => {
			// Only the anon key leaves the server: the service-role key and the signing secret stay with pgpair.
			const {anonKey} = await context.local.functionsRuntime.keys(ref);
			const publishable = createHash('sha256').update(`pgpair-publishable:${ref}`).digest('base64url').slice(0, 31);
			return {
				keys: [
					{api_key: anonKey, name: 'anon', type: 'legacy', id: 'anon', disabled: false},
					{api_key: `sb_publishable_${publishable}`, name: 'default', type: 'publishable', id: 'default', disabled: false},
				],
			};
		},
	);
}
