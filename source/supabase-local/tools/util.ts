import type {McpServer, RegisteredTool} from '@modelcontextprotocol/sdk/server/mcp.js';
import {toJsonSchemaCompat} from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import {type CallToolResult, ListToolsRequestSchema, type Tool, type ToolAnnotations} from '@modelcontextprotocol/sdk/types.js';
import {z} from 'zod';
import type {BranchService} from '../branches.js';
import {toJson} from '../fence.js';
import type {LocalSupabase, ProjectHandle} from '../local-project.js';
import {PostgresError} from '../platform.js';

export type ToolContext = {
	local: LocalSupabase;
	branches: BranchService;
	readOnly: boolean;
	/**
	 * Whether the client of this connection is pgpair itself (see client-name.ts): it is listed pgpair's own
	 * tools, and project tools take `project_id` to address a branch. Any other client gets the official interface
	 * only, with the official schemas, as the official server lists it for one project.
	 */
	internal: () => boolean;
	/** What tools/list answers, in the order the tools were defined (see `serveToolList`). */
	listing: ListedTool[];
};

/**
 * Who a tool is for. `official`: every client. `unlisted`: official, callable by every client, but listed to pgpair
 * only (the official server 0.13.0 hides get_logs in favour of query_logs and still answers it). `pgpair`: pgpair's
 * own (its internal tools and its additions), listed to and callable by pgpair's client only.
 */
export type ToolAudience = 'official' | 'unlisted' | 'pgpair';

/** A tool's tools/list entry for pgpair's client and for any other (undefined: not listed to it). */
export type ListedTool = {registered: RegisteredTool; internal: Tool; outside: Tool | undefined};

export const SUCCESS = {success: true} as const;

/** Optional on every project-scoped tool: main by default, or a branch's `project_ref` (or id). */
export const projectId = z.string().optional().describe('The project to work on: omit for the main project, or give a branch project_ref from list_branches.');

export const READ_ONLY: ToolAnnotations = {
	readOnlyHint: true,
	destructiveHint: false,
	idempotentHint: true,
	openWorldHint: false,
};

/** Changes or removes what the project has, and nothing outside it. */
export const DESTRUCTIVE: ToolAnnotations = {
	readOnlyHint: false,
	destructiveHint: true,
	idempotentHint: false,
	openWorldHint: false,
};

/** `{"error":{"name","message"}}` like the official server, plus Postgres's code and position when there are any. */
export function errorResult(error: unknown): CallToolResult {
	const cause = error instanceof Error ? error : new Error(String(error));
	const body: Record<string, unknown> = {name: cause.name, message: cause.message};
	if (cause instanceof PostgresError) {
		if (cause.code) body['code'] = cause.code;
		if (cause.position !== undefined) body['position'] = cause.position;
		if (cause.detail) body['detail'] = cause.detail;
		if (cause.hint) body['hint'] = cause.hint;
	}
	return {isError: true, content: [{type: 'text', text: JSON.stringify({error: body})}]};
}

export type ToolSpec<S extends z.ZodObject> = {
	name: string;
	/** A short human label (`annotations.title`), in the official server's style: "List tables". */
	title: string;
	/** The same for every client, or worded for pgpair's client (`internal`) and for any other. */
	description: string | ((internal: boolean) => string);
	/** A strict object: unknown argument keys are rejected, as the official server does. */
	input: S;
	annotations: ToolAnnotations;
	/** Write tools are hidden and refuse in read-only mode. */
	writes?: boolean;
	/** Default: official. */
	audience?: ToolAudience;
};

/** Registers one tool whose result is one text block holding `JSON.stringify(result)`, as upstream. */
export function defineTool<S extends z.ZodObject>(
	server: McpServer,
	context: ToolContext,
	spec: ToolSpec<S>,
	run: (args: z.output<S>) => Promise<unknown>,
): void {
	const audience = spec.audience ?? 'official';
	const hasProject = 'project_id' in spec.input.shape;
	const annotations: ToolAnnotations = {title: spec.title, ...spec.annotations};
	const describe = (internal: boolean) => (typeof spec.description === 'string' ? spec.description : spec.description(internal));
	const refuse = spec.writes && context.readOnly;
	const registered = server.registerTool(
		spec.name,
		{description: describe(true), inputSchema: spec.input, annotations},
		// The SDK infers the callback's argument type from the schema through conditional types that do not
		// resolve for a generic S; the schema is the same object, so the cast is sound.
		(async (args: z.output<S>): Promise<CallToolResult> => {
			try {
				if (!context.internal()) {
					if (audience === 'pgpair') throw new Error(`Tool ${spec.name} not found`);
					// The official, project-scoped interface has no project_id: it is an unknown key there, as upstream.
					if (hasProject && (args as {project_id?: unknown}).project_id !== undefined) {
						throw new Error(`Invalid arguments for tool ${spec.name}: unrecognized key "project_id" (this connection works on the main project)`);
					}
				}
				if (refuse) throw new Error(`Cannot run ${spec.name}: the server is in read-only mode.`);
				const result = await run(args);
				return {content: [{type: 'text', text: toJson(result)}]};
			} catch (error) {
				return errorResult(error);
			}
		}) as never,
	);
	if (refuse) registered.disable();
	const outsideInput = hasProject ? (spec.input.omit({project_id: true}) as z.ZodObject) : spec.input;
	context.listing.push({
		registered,
		internal: {name: spec.name, description: describe(true), inputSchema: listedSchema(spec.input), annotations},
		outside: audience === 'official' ? {name: spec.name, description: describe(false), inputSchema: listedSchema(outsideInput), annotations} : undefined,
	});
}

/**
 * The JSON Schema of a tool's arguments as the official server lists it: the arguments after parsing, so a field
 * with a default is `required` (and keeps its `default`). Validation still reads the input side, where it may be left out.
 */
function listedSchema(input: z.ZodObject): Tool['inputSchema'] {
	return toJsonSchemaCompat(input, {strictUnions: true, pipeStrategy: 'output'}) as Tool['inputSchema'];
}

/**
 * Answers tools/list from `context.listing` instead of the SDK's own list, which can neither list differently per
 * client nor leave out a tool that stays callable (get_logs), and writes defaulted fields as optional. Call it after
 * every tool is defined.
 */
export function serveToolList(server: McpServer, context: ToolContext): void {
	server.server.setRequestHandler(ListToolsRequestSchema, () => {
		const internal = context.internal();
		return {
			tools: context.listing.filter(tool => tool.registered.enabled).flatMap(tool => (internal ? [tool.internal] : tool.outside ? [tool.outside] : [])),
		};
	});
}

/** A read-only tool whose one argument is the project (`project_id`); `run` gets the project it names. */
export function defineProjectReader(
	server: McpServer,
	context: ToolContext,
	spec: {name: string; title: string; description: string; audience?: ToolAudience},
	run: (project: ProjectHandle) => Promise<unknown>,
): void {
	defineTool(server, context, {...spec, input: z.strictObject({project_id: projectId}), annotations: READ_ONLY}, async ({project_id}) =>
		run(await context.local.project(project_id)),
	);
}
