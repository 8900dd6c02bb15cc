/**
 * A stand-in for the official Supabase MCP server 0.13.0 over stdio, for tests of what pgpair makes of a hosted
 * project's tools (the real one needs the network and an account). It lists exactly the reference's 0.13.0 tools —
 * names, input schemas, annotations — with get_logs hidden from the list but answered, as 0.13.0 does. Every call is
 * answered with `{"result":"<tool> called"}`, and written to the file named by CALLS_FILE when that is set.
 */
import fs from 'node:fs';
import {Server} from '@modelcontextprotocol/sdk/server/index.js';
import {StdioServerTransport} from '@modelcontextprotocol/sdk/server/stdio.js';
import {CallToolRequestSchema, ListToolsRequestSchema, type Tool} from '@modelcontextprotocol/sdk/types.js';
import {SHARED_DIR} from './shared-files.js';

type ReferenceTool = {name: string; annotations: Tool['annotations']; inputSchema: Tool['inputSchema']; note?: string};

const {tools} = JSON.parse(fs.readFileSync(`${SHARED_DIR}/reference/supabase-mcp-tools.json`, 'utf8')) as {tools: ReferenceTool[]};
const hidden = (tool: ReferenceTool) => tool.note?.startsWith('hidden from the official listing') === true;

const server = new Server({name: 'supabase-mcp', version: '0.13.0'}, {capabilities: {tools: {}}});
server.setRequestHandler(ListToolsRequestSchema, () => ({
	tools: tools
		.filter(tool => !hidden(tool))
		.map(({name, annotations, inputSchema}) => ({name, description: `${name} (fixture of the official server 0.13.0)`, inputSchema, annotations})),
}));
server.setRequestHandler(CallToolRequestSchema, request => {
	const {name, arguments: args} = request.params;
	if (!tools.some(tool => tool.name === name)) return {isError: true, content: [{type: 'text', text: `Unknown tool ${name}`}]};
	if (process.env['CALLS_FILE']) fs.appendFileSync(process.env['CALLS_FILE'], `${JSON.stringify({name, args})}\n`);
	return {content: [{type: 'text', text: JSON.stringify({result: `${name} called`})}]};
});
await server.connect(new StdioServerTransport());
