import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {defineTool, READ_ONLY, SUCCESS, type ToolContext} from './util.js';

const branchId = z.string().describe('The branch id (or project_ref) from list_branches.');

export function registerBranchingTools(server: McpServer, context: ToolContext): void {
	const {branches} = context;

	defineTool(
		server,
		context,
		{
			name: 'create_branch',
			description:
				"Creates a development branch: a separate database built by running all of main's migrations (no data " +
				'is copied). Target it with project_id = its project_ref. Locally there is no cost; confirm_cost_id is ' +
				'accepted and ignored.',
			input: z.strictObject({
				name: z.string().default('develop').describe('The branch name.'),
				confirm_cost_id: z.string().optional().describe('Accepted for compatibility; branches cost nothing locally.'),
			}),
			annotations: {readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false},
			writes: true,
		},
		async ({name}) => branches.create(name),
	);

	defineTool(
		server,
		context,
		{
			name: 'list_branches',
			description: 'Lists the branches, main (the default) first, with their status.',
			input: z.strictObject({}),
			annotations: READ_ONLY,
		},
		async () => ({branches: await branches.list()}),
	);

	defineTool(
		server,
		context,
		{
			name: 'delete_branch',
			description: 'Deletes a development branch and its database.',
			input: z.strictObject({branch_id: branchId}),
			annotations: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
			writes: true,
		},
		async ({branch_id}) => {
			await branches.delete(branch_id);
			return SUCCESS;
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'merge_branch',
			description:
				"Merges a development branch into main: applies the branch's migrations that main lacks, in order, in one " +
				'transaction, and deploys its changed edge functions. Data is never merged. If main has migrations the ' +
				'branch lacks, rebase first.',
			input: z.strictObject({branch_id: branchId}),
			annotations: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
			writes: true,
		},
		async ({branch_id}) => {
			await branches.merge(branch_id);
			return SUCCESS;
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'reset_branch',
			description:
				"Rebuilds a development branch's database from scratch by re-running its migrations, optionally only up " +
				'to migration_version; data and untracked changes are lost.',
			input: z.strictObject({
				branch_id: branchId,
				migration_version: z.string().optional().describe('Keep migrations up to and including this version.'),
			}),
			annotations: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
			writes: true,
		},
		async ({branch_id, migration_version}) => {
			await branches.reset(branch_id, migration_version);
			return SUCCESS;
		},
	);

	defineTool(
		server,
		context,
		{
			name: 'rebase_branch',
			description: "Brings a development branch up to date with main by applying main's migrations it lacks.",
			input: z.strictObject({branch_id: branchId}),
			annotations: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
			writes: true,
		},
		async ({branch_id}) => {
			await branches.rebase(branch_id);
			return SUCCESS;
		},
	);
}
