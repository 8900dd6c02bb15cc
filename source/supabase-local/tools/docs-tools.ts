import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {searchDocs} from '../docs-search.js';
import {defineTool, READ_ONLY, type ToolContext} from './util.js';

export function registerDocsTools(server: McpServer, context: ToolContext, options: {url?: string; timeoutMs?: number} = {}): void {
	defineTool(
		server,
		context,
		{
			name: 'search_docs',
			title: 'Search docs',
			description:
				"Searches Supabase's documentation (guides, client library and CLI references, Management API, " +
				'troubleshooting) with a GraphQL query, and returns what it finds. Prefer it over memory: the docs change. ' +
				'The main query is `searchDocs(query: String!, limit: Int)`, whose `nodes` have `title`, `href` and ' +
				'`content`, e.g. `{ searchDocs(query: "row level security storage", limit: 3) { nodes { title href content } } }`; ' +
				"`{ schema }` returns the API's whole GraphQL schema. Needs the network: offline it says so.",
			input: z.strictObject({
				graphql_query: z.string().describe('A GraphQL query against the docs API.'),
			}),
			annotations: READ_ONLY,
		},
		async ({graphql_query}) => searchDocs(graphql_query, options),
	);
}
