import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {runAdvisors} from '../advisors/index.js';
import {defineProjectReader, defineTool, projectId, READ_ONLY, type ToolContext} from './util.js';

export function registerAdvisorTools(server: McpServer, context: ToolContext): void {
	defineTool(
		server,
		context,
		{
			name: 'get_advisors',
			title: 'Get project advisors',
			description:
				"Runs Supabase's database linter on the project: security advisors (RLS off or without policies, exposed " +
				'auth.users, SECURITY DEFINER views, mutable function search_path, …) or performance advisors (unindexed ' +
				'foreign keys, per-row auth calls in policies, duplicate and unused indexes, …). Findings are grouped per ' +
				'lint with level ERROR, WARN or INFO and a remediation link. Run it after every schema or RLS change.',
			input: z.strictObject({
				type: z.enum(['security', 'performance']).describe('Which advisors to run.'),
				project_id: projectId,
			}),
			annotations: READ_ONLY,
		},
		async ({type, project_id}) => {
			const {db} = await context.local.project(project_id);
			return {result: await runAdvisors(db, type)};
		},
	);

	defineProjectReader(
		server,
		context,
		{
			name: 'generate_typescript_types',
			title: 'Generate TypeScript types',
			description:
				'Generates TypeScript types for the exposed schemas, in the format of `supabase gen types typescript` ' +
				'(the `Database` type that createClient<Database>() of supabase-js takes). Regenerate after schema changes.',
		},
		async ({db}) => {
			// Loaded on first use: the generator and its formatter are about 50 MB that most sessions never need.
			const {generateTypescriptTypes} = await import('../typegen/index.js');
			return generateTypescriptTypes(db);
		},
	);
}
