// The built-in server's tool list, asked of the built server itself at build time and shipped beside it
// (dist/supabase-tools.json). pgpair offers these tools to the model before the server runs, and starts the
// server on the first call that needs it: a session that never touches the database never pays for the
// server's process. The file is the server's own answer to tools/list, so it cannot drift from the code it
// ships with; at run time the live list replaces it as soon as the server starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';

export const TOOLS_SNAPSHOT_FILE = 'supabase-tools.json';
const DEADLINE_MS = 30_000;

/** Runs `node <cli> mcp` in a scratch workspace and returns its answer to tools/list. */
export async function askServerTools(cli) {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpair-tools-snapshot-'));
	const transport = new StdioClientTransport({
		command: process.execPath,
		args: [cli, 'mcp', '--workspace', scratch],
		cwd: scratch,
		// Nothing of the builder's environment: the list must not depend on who built it.
		env: {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, XDG_CACHE_HOME: path.join(scratch, 'cache')},
		stderr: 'pipe',
	});
	let stderr = '';
	transport.stderr?.on('data', chunk => {
		stderr += chunk;
	});
	// Named as pgpair's own client (tools/mcp-host.ts): the server lists pgpair's internal tools to it only.
	const client = new Client({name: 'pgpair', version: '0.0.0'});
	try {
		await client.connect(transport, {timeout: DEADLINE_MS});
		return (await client.listTools(undefined, {timeout: DEADLINE_MS})).tools;
	} catch (error) {
		throw new Error(`the built server did not list its tools: ${error.message}\n${stderr}`);
	} finally {
		await client.close().catch(() => undefined);
		fs.rmSync(scratch, {recursive: true, force: true});
	}
}

/** Writes the snapshot of the server built into `outdir`. */
export async function writeToolsSnapshot(outdir) {
	const tools = await askServerTools(path.join(outdir, 'cli.js'));
	fs.writeFileSync(path.join(outdir, TOOLS_SNAPSHOT_FILE), `${JSON.stringify({tools})}\n`);
	return tools;
}
