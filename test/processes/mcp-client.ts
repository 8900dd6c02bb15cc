/**
 * Another MCP client than pgpair (think of an editor) that starts `pgpair mcp` the plain way, without any
 * parent-death setting, and calls `execute_sql` with the query given as argument. It prints `calling` once the
 * call is sent, then waits: the test kills it and watches what happens to the server.
 * Usage: mcp-client.ts <built cli.js> <workspace> <query>
 */
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';

const [cli, workspace, query] = process.argv.slice(2);
const env: Record<string, string> = {};
for (const name of ['PATH', 'HOME', 'XDG_CACHE_HOME', 'DATABASE_URL']) if (process.env[name]) env[name] = process.env[name]!;
const transport = new StdioClientTransport({command: process.execPath, args: [cli!, 'mcp', '--workspace', workspace!], env, stderr: 'inherit'});
const client = new Client({name: 'another-client', version: '1.0.0'});
await client.connect(transport);
// Answered only once the database has started: from here on the server's CPU time is the query's.
await client.callTool({name: 'execute_sql', arguments: {query: 'select 1 as ready'}});
void client.callTool({name: 'execute_sql', arguments: {query: query!}}, undefined, {timeout: 600_000}).catch(() => undefined);
process.stdout.write('calling\n');
setInterval(() => undefined, 60_000);
