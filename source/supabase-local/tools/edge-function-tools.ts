import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import type {ToolAnnotations} from '@modelcontextprotocol/sdk/types.js';
import {z} from 'zod';
import {fenceUntrustedData} from '../fence.js';
import {DENO_MISSING} from '../functions-runtime/deno.js';
import {probeEdgeFunction} from '../functions-runtime/probe.js';
import {requestSecret} from '../functions-runtime/secrets.js';
import {DESTRUCTIVE, defineProjectReader, defineTool, projectId, READ_ONLY, type ToolContext} from './util.js';

/** Calling a function runs code that may write anywhere it can reach, so the approval gate must treat it as a write. */
export const RUNS_CODE: ToolAnnotations = {
	readOnlyHint: false,
	destructiveHint: false,
	idempotentHint: false,
	openWorldHint: true,
};

const PARENT_SEGMENT = /(?:^|\/)\.\.(?:\/|\?|$)/;

export function registerEdgeFunctionTools(server: McpServer, context: ToolContext): void {
	const {local} = context;
	/** The project a call names, and the edge functions store. */
	const functionsOf = async (projectId: string | undefined) => {
		const {ref} = await local.project(projectId);
		const {functions} = await local.ready();
		return {ref, functions};
	};

	defineProjectReader(
		server,
		context,
		{
			name: 'list_edge_functions',
			title: 'List Edge Functions',
			description: 'Lists the deployed edge functions with their current version.',
		},
		async ({ref}) => {
			const {functions} = await local.ready();
			return {functions: await functions.list(ref)};
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'get_edge_function',
			title: 'Get Edge Function',
			description: 'Returns a deployed edge function with the files of its current version.',
			input: z.strictObject({
				function_slug: z.string().describe('The slug of the function.'),
				project_id: projectId,
			}),
			annotations: READ_ONLY,
		},
		async ({function_slug, project_id}) => {
			const {ref, functions} = await functionsOf(project_id);
			return functions.get(ref, function_slug);
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'deploy_edge_function',
			title: 'Deploy Edge Function',
			description:
				'Deploys an edge function (Deno, TypeScript) as a new version; files land in supabase/functions/<name>/. ' +
				'The function is type-checked with `deno check` first: errors come back with file, line and message and ' +
				'nothing is deployed. Imports resolve offline: relative files, npm: specifiers, the Supabase edge-runtime ' +
				'types and supabase-js (jsr:/esm.sh map to npm); other jsr: and https: imports are unavailable. Keep ' +
				'verify_jwt true unless the function checks authentication itself.',
			input: z.strictObject({
				name: z.string().describe('The function name; also its slug.'),
				entrypoint_path: z.string().default('index.ts').describe('The entrypoint file among files.'),
				import_map_path: z.string().optional().describe('The import map file among files, if any.'),
				verify_jwt: z.boolean().default(true).describe('Require a valid JWT on requests.'),
				files: z.array(z.strictObject({name: z.string(), content: z.string()})).describe('The files of the function, with paths relative to its directory.'),
				project_id: projectId,
			}),
			annotations: DESTRUCTIVE,
			writes: true,
		},
		async ({project_id, ...input}) =>
			local.exclusive(async () => {
				const {ref, functions} = await functionsOf(project_id);
				const runtime = local.functionsRuntime;
				let typeChecked = true;
				try {
					const deployed = await functions.deploy(ref, input, async source => {
						const errors = await runtime.typeCheck(source);
						typeChecked = errors !== undefined;
						return errors ?? [];
					});
					// A warm process of the old version is replaced now, so the next request meets the new code warm. Not
					// awaited: a function that is slow to boot must not hold up the deploy (its boot errors are logged).
					void runtime.deployed(ref, deployed.slug).catch(() => undefined);
					const note = typeChecked ? '' : ' (not type-checked: Deno is not installed)';
					local.logs.record(ref, 'edge-function', `Deployed ${deployed.slug} version ${deployed.version}${note}`, {
						function_id: deployed.id,
						version: deployed.version,
						deployment_id: `${ref}_${deployed.id}_${deployed.version}`,
						status_code: null,
						method: null,
						execution_time_ms: null,
					});
					return typeChecked ? deployed : {...deployed, warning: DENO_MISSING};
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

	// Not in the official server's 0.13.0 listing (it offers the tool only where its dashboard can take the value);
	// pgpair's local version, with the same name, arguments and annotations.
	defineTool(
		server,
		context,
		{
			name: 'create_edge_function_secret',
			title: 'Create Edge Function secret',
			description:
				'Creates or updates an Edge Function secret. Its value never passes through you: the person enters it, ' +
				'here by writing it after NAME= in supabase/functions/.env (kept out of git), which this tool prepares. ' +
				'Answers stored: true once the name has a value; otherwise tell the person where to put it and call ' +
				'again to confirm. Functions read it with Deno.env.get("NAME") from their next request on.',
			input: z.strictObject({
				name: z.string().max(256).describe("The secret's name, e.g. STRIPE_API_KEY; names starting with SUPABASE_ are reserved."),
			}),
			annotations: {readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false},
			writes: true,
		},
		async ({name}) => {
			const status = await requestSecret(local.functionsRuntime.secretsFile, name);
			if (status.stored) return status;
			return {
				name,
				stored: false,
				status: status.status,
				message: `Ask the person to write the value after "${name}=" in supabase/functions/.env, then call create_edge_function_secret again to confirm.`,
			};
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'invoke_edge_function',
			title: 'Invoke Edge Function',
			// pgpair's addition: an outside client calls the URL from get_project_url itself.
			audience: 'pgpair',
			description:
				'Calls a deployed edge function through the local functions gateway and returns its answer (status, ' +
				'headers, body, duration_ms) as untrusted data. Like supabase-js, it sends the anon key as Authorization ' +
				'unless headers set one; an empty Authorization value sends none (to test how the function treats ' +
				"unauthenticated calls). Runs the function's code, so it needs approval. Console output and errors of " +
				'the function are in get_logs (edge-function-runtime).',
			input: z.strictObject({
				slug: z.string().describe('The slug of the function.'),
				method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']).default('POST').describe('The HTTP method.'),
				path: z.string().optional().describe('Appended after /functions/v1/<slug>, e.g. "/items/42?limit=5".'),
				headers: z.record(z.string(), z.string()).optional().describe('Request headers.'),
				body: z
					.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
					.optional()
					.describe('The request body: a string as is, or JSON (sent with content-type application/json).'),
				project_id: projectId,
			}),
			annotations: RUNS_CODE,
			writes: true,
		},
		async ({slug, method, path, headers, body, project_id}) => {
			const {ref} = await local.project(project_id);
			if (path && PARENT_SEGMENT.test(path)) throw new Error('The path must not contain ".." segments.');
			const answer = await local.functionsRuntime.invoke(ref, {
				slug,
				method,
				...(path ? {path} : {}),
				...(headers ? {headers} : {}),
				...(body === undefined ? {} : {body: typeof body === 'string' ? body : JSON.stringify(body)}),
			});
			// The body is whatever the function (or data it read) produced: fenced like query rows.
			return {result: fenceUntrustedData(answer)};
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'pgpair_probe_edge_function',
			title: 'Probe Edge Function (pgpair)',
			audience: 'pgpair',
			description:
				'pgpair internal (the checklist): calls the function with a malformed JSON body and without ' +
				'authorization; ok when every answer is a JSON error (4xx/5xx) and the process survives.',
			input: z.strictObject({
				slug: z.string().describe('The slug of the function.'),
				project_id: projectId,
			}),
			annotations: RUNS_CODE,
			writes: true,
		},
		async ({slug, project_id}) => {
			const {ref, functions} = await functionsOf(project_id);
			await functions.get(ref, slug);
			if (!local.functionsRuntime.deno) throw new Error(DENO_MISSING);
			return probeEdgeFunction(local.functionsRuntime, ref, slug);
		},
	);
}
