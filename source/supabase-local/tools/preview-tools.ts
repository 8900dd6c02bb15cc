import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {dryRun} from '../preview/dry-run.js';
import {defineTool, projectId, READ_ONLY, type ToolContext} from './util.js';

export const PREVIEW_TOOL = 'pgpair_preview_sql';

/**
 * pgpair's own tool (not part of the official interface): what SQL would do, measured in the sandbox. The app calls
 * it before asking for approval; it is annotated read-only because it leaves nothing behind, and it is available in
 * read-only mode for the same reason.
 */
export function registerPreviewTools(server: McpServer, context: ToolContext): void {
	const {local} = context;

	defineTool(
		server,
		context,
		{
			name: PREVIEW_TOOL,
			title: 'Preview SQL (pgpair)',
			audience: 'pgpair',
			description:
				"pgpair internal: runs SQL in the database's sandbox (a throwaway clone, or a rolled-back transaction as a " +
				'confined role), never on the database itself, and returns what it measured: the normalised schema before ' +
				'and after, the ACCESS EXCLUSIVE locks it takes, the rows it would change per table (with samples), ' +
				'sequences, large objects, files, code created to run later, and the Postgres error if it fails. mode ' +
				'"migration" behaves like apply_migration, "sql" like execute_sql. With rollback_query the down migration ' +
				'runs next in the same transaction and the schema is dumped again.',
			input: z.strictObject({
				query: z.string().describe('The SQL to dry-run.'),
				mode: z.enum(['migration', 'sql']).describe('migration: like apply_migration; sql: like execute_sql.'),
				rollback_query: z.string().optional().describe('A down migration to run after query, for the reversibility check.'),
				project_id: projectId,
			}),
			annotations: READ_ONLY,
		},
		// Under the write lock: a preview never interleaves with a migration, a merge or a branch reset.
		async ({query, mode, rollback_query, project_id}) =>
			local.exclusive(async () => {
				const project = await local.project(project_id);
				const key = {ref: project.ref, mode, query};
				try {
					const report = await dryRun(
						project.db,
						{query, mode, ...(rollback_query === undefined ? {} : {rollbackQuery: rollback_query})},
						{timeoutMs: local.deadlines.previewMs},
					);
					local.rememberPreview(key, {report});
					return report;
				} catch (error) {
					local.rememberPreview(key, {error: (error as Error).message});
					throw error;
				}
			}),
	);
}
