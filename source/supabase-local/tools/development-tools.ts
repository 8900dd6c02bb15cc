import {createHash, createHmac} from 'node:crypto';
import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {defineTool, projectId, READ_ONLY, type ToolContext} from './util.js';

/** The API URL of a local Supabase stack (`supabase start`); pgpair itself serves no HTTP API. */
export const LOCAL_API_URL = 'http://127.0.0.1:54321';

// The Supabase CLI signs its local demo keys with this published, non-secret development secret.
const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The CLI's local anon key: an HS256 JWT with role `anon`, the same on every machine. */
export function localAnonKey(): string {
	const header = base64url(JSON.stringify({alg: 'HS256', typ: 'JWT'}));
	const payload = base64url(JSON.stringify({iss: 'supabase-demo', role: 'anon', exp: 1983812996}));
	const signature = createHmac('sha256', LOCAL_JWT_SECRET).update(`${header}.${payload}`).digest('base64url');
	return `${header}.${payload}.${signature}`;
}

export function registerDevelopmentTools(server: McpServer, context: ToolContext): void {
	defineTool(
		server,
		context,
		{
			name: 'get_project_url',
			description: 'Returns the API URL of the project (the local Supabase API address).',
			input: z.strictObject({project_id: projectId}),
			annotations: READ_ONLY,
		},
		async ({project_id}) => {
			await context.local.project(project_id);
			return {url: LOCAL_API_URL};
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'get_publishable_keys',
			description:
				'Returns the client-side API keys of the project: the legacy anon key (a JWT) and a publishable key. ' +
				'Both are safe to ship in a client; RLS protects the data.',
			input: z.strictObject({project_id: projectId}),
			annotations: READ_ONLY,
		},
		async ({project_id}) => {
			const {ref} = await context.local.project(project_id);
			const publishable = createHash('sha256').update(`pgpair-publishable:${ref}`).digest('base64url').slice(0, 31);
			return {
				keys: [
					{api_key: localAnonKey(), name: 'anon', type: 'legacy', id: 'anon', disabled: false},
					{api_key: `sb_publishable_${publishable}`, name: 'default', type: 'publishable', id: 'default', disabled: false},
				],
			};
		},
	);
}
