import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {defineTool, projectId, READ_ONLY, type ToolContext} from './util.js';

export function registerEdgeFunctionTools(server: McpServer, context: ToolContext): void {
	const {local} = context;

	defineTool(
		server,
		context,
		{
			name: 'list_edge_functions',
			description: 'Lists the deployed edge functions with their current version.',
			input: z.strictObject({project_id: projectId}),
			annotations: READ_ONLY,
		},
		async ({project_id}) => {
			const {ref} = await local.project(project_id);
			const {functions} = await local.ready();
			return {functions: await functions.list(ref)};
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'get_edge_function',
			description: 'Returns a deployed edge function with the files of its current version.',
			input: z.strictObject({
				function_slug: z.string().describe('The slug of the function.'),
				project_id: projectId,
			}),
			annotations: READ_ONLY,
		},
		async ({function_slug, project_id}) => {
			const {ref} = await local.project(project_id);
			const {functions} = await local.ready();
			return functions.get(ref, function_slug);
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'deploy_edge_function',
			description:
				'Deploys an edge function (Deno, TypeScript) as a new version; files land in supabase/functions/<name>/. ' +
				'Syntax errors are reported and nothing is deployed. Keep verify_jwt true unless the function checks ' +
				'authentication itself.',
			input: z.strictObject({
				name: z.string().describe('The function name; also its slug.'),
				entrypoint_path: z.string().default('index.ts').describe('The entrypoint file among files.'),
				import_map_path: z.string().optional().describe('The import map file among files, if any.'),
				verify_jwt: z.boolean().default(true).describe('Require a valid JWT on requests.'),
				files: z
					.array(z.strictObject({name: z.string(), content: z.string()}))
					.describe('The files of the function, with paths relative to its directory.'),
				project_id: projectId,
			}),
			annotations: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
			writes: true,
		},
		async ({project_id, ...input}) =>
			local.exclusive(async () => {
				const {ref} = await local.project(project_id);
				const {functions} = await local.ready();
				try {
					const deployed = await functions.deploy(ref, input);
					local.logs.record(ref, 'edge-function', `Deployed ${deployed.slug} version ${deployed.version}`, {
						function_id: deployed.id,
						version: deployed.version,
						deployment_id: `${ref}_${deployed.id}_${deployed.version}`,
						status_code: null,
						method: null,
						execution_time_ms: null,
					});
					return deployed;
				} catch (error) {
					local.logs.record(ref, 'edge-function', `Deploy of ${input.name} failed: ${(error as Error).message}`, {
						function_id: null,
						version: null,
						deployment_id: null,
						status_code: null,
						method: null,
						execution_time_ms: null,
					});
					throw error;
				}
			}),
	);
}
