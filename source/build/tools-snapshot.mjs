// The built-in server's tool list, asked of the built server itself at build time and shipped beside it
// (dist/supabase-tools.json). pgpair offers these tools to the model before the server runs, and starts the
// server on the first call that needs it: a session that never touches the database never pays for the
// server's process. The file is the server's own answer to tools/list, so it cannot drift from the code it
// ships with; at run time the live list replaces it as soon as the server starts.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TOOLS_SNAPSHOT_FILE = 'supabase-tools.json';
const DEADLINE_MS = 30_000;

/** Runs `node <cli> mcp` in a scratch workspace and returns its answer to tools/list. */
export async function askServerTools(cli) {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpair-tools-snapshot-'));
	const child = spawn(process.execPath, [cli, 'mcp', '--workspace', scratch], {
		cwd: scratch,
		// Nothing of the builder's environment: the list must not depend on who built it.
		env: {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, XDG_CACHE_HOME: path.join(scratch, 'cache')},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (chunk) => {
		stderr += chunk;
	});
	const send = (message) => child.stdin.write(`${JSON.stringify({jsonrpc: '2.0', ...message})}\n`);
	try {
		return await new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`the server did not list its tools within ${DEADLINE_MS} ms: ${stderr}`)), DEADLINE_MS);
			child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listing its tools: ${stderr}`)));
			let buffered = '';
			child.stdout.on('data', (chunk) => {
				buffered += chunk;
				let newline;
				while ((newline = buffered.indexOf('\n')) >= 0) {
					const message = JSON.parse(buffered.slice(0, newline));
					buffered = buffered.slice(newline + 1);
					if (message.id === 1) {
						send({method: 'notifications/initialized'});
						send({id: 2, method: 'tools/list'});
					} else if (message.id === 2) {
						clearTimeout(timer);
						if (message.error) reject(new Error(`tools/list failed: ${message.error.message}`));
						else resolve(message.result.tools);
					}
				}
			});
			send({id: 1, method: 'initialize', params: {protocolVersion: '2025-06-18', capabilities: {}, clientInfo: {name: 'pgpair-build', version: '0.0.0'}}});
		});
	} finally {
		child.kill('SIGKILL');
		fs.rmSync(scratch, {recursive: true, force: true});
	}
}

/** Writes the snapshot of the server built into `outdir`. */
export async function writeToolsSnapshot(outdir) {
	const tools = await askServerTools(path.join(outdir, 'cli.js'));
	fs.writeFileSync(path.join(outdir, TOOLS_SNAPSHOT_FILE), `${JSON.stringify({tools})}\n`);
	return tools;
}
