import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import type {CallToolResult, ToolAnnotations} from '@modelcontextprotocol/sdk/types.js';
import {z} from 'zod';
import type {BranchService} from '../branches.js';
import {toJson} from '../fence.js';
import type {LocalSupabase, ProjectHandle} from '../local-project.js';
import {PostgresError} from '../platform.js';

export type ToolContext = {
	local: LocalSupabase;
	branches: BranchService;
	readOnly: boolean;
};

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
	description: string;
	/** A strict object: unknown argument keys are rejected, as the official server does. */
	input: S;
	annotations: ToolAnnotations;
	/** Write tools are hidden and refuse in read-only mode. */
	writes?: boolean;
};

/** Registers one tool whose result is one text block holding `JSON.stringify(result)`, as upstream. */
export function defineTool<S extends z.ZodObject>(
	server: McpServer,
	context: ToolContext,
	spec: ToolSpec<S>,
	run: (args: z.output<S>) => Promise<unknown>,
): void {
	const refuse = spec.writes && context.readOnly;
	const tool = server.registerTool(
		spec.name,
		{description: spec.description, inputSchema: spec.input, annotations: spec.annotations},
		// The SDK infers the callback's argument type from the schema through conditional types that do not
		// resolve for a generic S; the schema is the same object, so the cast is sound.
		(async (args: z.output<S>): Promise<CallToolResult> => {
			try {
				if (refuse) throw new Error(`Cannot run ${spec.name}: the server is in read-only mode.`);
				const result = await run(args);
				return {content: [{type: 'text', text: toJson(result)}]};
			} catch (error) {
				return errorResult(error);
			}
		}) as never,
	);
	if (refuse) tool.disable();
}

/** A read-only tool whose one argument is the project (`project_id`); `run` gets the project it names. */
export function defineProjectReader(
	server: McpServer,
	context: ToolContext,
	spec: {name: string; description: string},
	run: (project: ProjectHandle) => Promise<unknown>,
): void {
	defineTool(server, context, {...spec, input: z.strictObject({project_id: projectId}), annotations: READ_ONLY}, async ({project_id}) =>
		run(await context.local.project(project_id)),
	);
}
