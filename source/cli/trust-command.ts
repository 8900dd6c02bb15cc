/**
 * `pgpair trust [--yes]`: shows each server of the workspace's `.mcp.json` that is new or changed, and asks whether
 * to trust it. Only trusted servers start (see source/tools/mcp-trust.ts).
 */
import readline from 'node:readline/promises';
import {describeServer, rawServers, trustServers, untrustedServers} from '../tools/mcp-trust.js';

export type TrustIo = {cwd: string; env: NodeJS.ProcessEnv; stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; interactive: boolean};

export async function runTrust(argv: readonly string[], io: TrustIo): Promise<number> {
	const yes = argv.includes('--yes') || argv.includes('-y');
	const unknown = argv.filter(a => a !== '--yes' && a !== '-y');
	if (unknown.length > 0) {
		io.stdout.write(`usage: pgpair trust [--yes]\n`);
		return 2;
	}
	const servers = rawServers(io.cwd);
	if (!servers) {
		io.stdout.write('There is no .mcp.json here (or it is not valid JSON); nothing to trust.\n');
		return 0;
	}
	const pending = untrustedServers(io.cwd, io.env);
	if (pending.length === 0) {
		io.stdout.write('Every server in .mcp.json is trusted.\n');
		return 0;
	}
	if (!yes && !io.interactive) {
		io.stdout.write('Not a terminal: review .mcp.json and run pgpair trust --yes to trust its servers.\n');
		return 2;
	}
	const chosen: string[] = [];
	const ask = yes ? undefined : readline.createInterface({input: io.stdin, output: io.stdout});
	try {
		for (const name of pending) {
			io.stdout.write(`${describeServer(name, servers[name])}\n`);
			if (yes) {
				chosen.push(name);
				continue;
			}
			const answer = (await ask!.question('Trust and allow it to start? [y/N] ')).trim().toLowerCase();
			if (answer === 'y' || answer === 'yes') chosen.push(name);
		}
	} finally {
		ask?.close();
	}
	trustServers(io.cwd, chosen, io.env);
	io.stdout.write(chosen.length > 0 ? `Trusted: ${chosen.join(', ')}.\n` : 'Nothing trusted.\n');
	return 0;
}
