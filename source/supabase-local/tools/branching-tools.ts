import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {DESTRUCTIVE, defineTool, READ_ONLY, SUCCESS, type ToolContext} from './util.js';

const branchId = z.string().describe('The branch id (or project_ref) from list_branches.');

export function registerBranchingTools(server: McpServer, context: ToolContext): void {
	const {branches} = context;
	/** A tool that changes one branch, named by `branch_id`, and answers `{success: true}`. */
	const defineBranchChange = (name: string, title: string, description: string, change: (branchId: string) => Promise<unknown>) =>
		defineTool(
			server,
			context,
			{name, title, description, input: z.strictObject({branch_id: branchId}), annotations: DESTRUCTIVE, writes: true},
			async ({branch_id}) => {
				await change(branch_id);
				return SUCCESS;
			},
		);

	defineTool(
		server,
		context,
		{
			name: 'create_branch',
			title: 'Create branch',
			description: internal =>
				"Creates a development branch: a separate database built by running all of main's migrations (no data " +
				'is copied). ' +
				(internal
					? 'Work on it by passing its project_ref as project_id to the other tools. '
					: 'Over this connection the other tools work on the main project; merge, reset, rebase and delete take the branch id. ') +
				'Locally a branch costs nothing: confirm_cost_id is required, as on Supabase, but any value is accepted.',
			input: z.strictObject({
				name: z.string().default('develop').describe('The branch name.'),
				confirm_cost_id: z.string().describe('The cost confirmation; locally any value (branches are free here).'),
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
			title: 'List branches',
			description: 'Lists the branches, main (the default) first, with their status.',
			input: z.strictObject({}),
			annotations: READ_ONLY,
		},
		async () => ({branches: await branches.list()}),
	);

	defineBranchChange('delete_branch', 'Delete branch', 'Deletes a development branch and its database.', id => branches.delete(id));

	defineBranchChange(
		'merge_branch',
		'Merge branch',
		"Merges a development branch into main: applies the branch's migrations that main lacks, in order, in one " +
			'transaction, and deploys its changed edge functions. Data is never merged. If main has migrations the ' +
			'branch lacks, rebase first.',
		id => branches.merge(id),
	);

	defineTool(
		server,
		context,
		{
			name: 'reset_branch',
			title: 'Reset branch',
			description:
				"Rebuilds a development branch's database from scratch by re-running its migrations, optionally only up " +
				'to migration_version; data and untracked changes are lost.',
			input: z.strictObject({
				branch_id: branchId,
				migration_version: z.string().optional().describe('Keep migrations up to and including this version.'),
			}),
			annotations: DESTRUCTIVE,
			writes: true,
		},
		async ({branch_id, migration_version}) => {
			await branches.reset(branch_id, migration_version);
			return SUCCESS;
		},
	);

	defineBranchChange('rebase_branch', 'Rebase branch', "Brings a development branch up to date with main by applying main's migrations it lacks.", id =>
		branches.rebase(id),
	);
}
