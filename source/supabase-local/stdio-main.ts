import path from 'node:path';
import {StdioServerTransport} from '@modelcontextprotocol/sdk/server/stdio.js';
import {watchParent} from '../process/parent-watchdog.js';
import {dieBy, TERMINATION_SIGNALS, type TerminationSignal} from '../process/termination.js';
import {createSupabaseMcpServer, type SupabaseMcpServerOptions} from './server.js';

const USAGE =
	'usage: pgpair mcp [--read-only] [--internal-tools] [--db <postgres-url>] [--data-dir <dir>] [--workspace <dir>] [--functions-port <port>] [--start-database on-first-call|at-once] [--content-api-url <url>]';

/** Parses `pgpair mcp` arguments; `--db` falls back to `DATABASE_URL`. */
export function parseMcpArguments(argv: string[], env: NodeJS.ProcessEnv = process.env): SupabaseMcpServerOptions {
	const options: SupabaseMcpServerOptions = {};
	for (let i = 0; i < argv.length; i++) {
		const argument = argv[i]!;
		const [flag, inline] = argument.startsWith('--') && argument.includes('=') ? argument.split(/=(.*)/s, 2) : [argument];
		const value = () => {
			const next = inline ?? argv[++i];
			if (next === undefined || next === '') throw new Error(`${flag} needs a value\n${USAGE}`);
			return next;
		};
		switch (flag) {
			case '--read-only':
				options.readOnly = true;
				break;
			// pgpair's own client is known by its name; this treats any client as pgpair (tests, other hosts of pgpair).
			case '--internal-tools':
				options.internalTools = true;
				break;
			case '--db':
				options.databaseUrl = value();
				break;
			case '--data-dir':
				options.dataDir = path.resolve(value());
				break;
			case '--workspace':
				options.workspace = path.resolve(value());
				break;
			case '--functions-port': {
				const port = Number(value());
				if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--functions-port needs a port number\n${USAGE}`);
				options.functions = {...options.functions, port};
				break;
			}
			case '--start-database': {
				const when = value();
				if (when !== 'on-first-call' && when !== 'at-once') throw new Error(`--start-database is on-first-call or at-once\n${USAGE}`);
				options.startDatabase = when;
				break;
			}

			case '--content-api-url':
				options.docs = {...options.docs, url: value()};
				break;
			case '--help':
			case '-h':
				throw new Error(USAGE);
			default:
				throw new Error(`unknown argument ${argument}\n${USAGE}`);
		}
	}
	options.databaseUrl ??= env['DATABASE_URL'] || undefined;
	return options;
}

/** How long a clean shutdown may take (closing the database, stopping Deno) before the process is killed. */
export const SHUTDOWN_GRACE_MS = 2000;

export type McpExit = {code: number} | {signal: TerminationSignal};

/**
 * Serves the local Supabase MCP server over stdio until the client goes away: stdin ends, a termination signal
 * arrives, or the client process dies (noticed by a watchdog thread, since a busy database can hold the main
 * thread for minutes). Every way out is bounded by SHUTDOWN_GRACE_MS. stdout carries the protocol only; anything
 * for people goes to stderr.
 */
export async function runSupabaseMcp(argv: string[]): Promise<McpExit> {
	// First, before anything slow loads: the client may die while the database is still starting.
	let finish: (why: McpExit) => void = () => undefined;
	const watchdog = watchParent({graceMs: SHUTDOWN_GRACE_MS, onParentGone: () => finish({code: 0})});
	try {
		const options = parseMcpArguments(argv);
		const {server, close} = await createSupabaseMcpServer(options);
		const transport = new StdioServerTransport();
		return await new Promise<McpExit>(resolve => {
			let ending: McpExit | undefined;
			finish = why => {
				// close() fires transport.onclose synchronously, which calls back in here: only the first call counts.
				if (ending) return;
				ending = why;
				const deadline = setTimeout(() => resolve(why), SHUTDOWN_GRACE_MS);
				void close()
					.catch(() => undefined)
					.finally(() => {
						clearTimeout(deadline);
						resolve(why);
					});
			};
			transport.onclose = () => finish({code: 0});
			process.stdin.once('end', () => finish({code: 0}));
			process.stdin.once('close', () => finish({code: 0}));
			for (const signal of TERMINATION_SIGNALS) process.once(signal, () => finish(ending ?? {signal}));
			server.connect(transport).catch((error: unknown) => {
				process.stderr.write(`pgpair mcp: ${(error as Error).message}\n`);
				finish({code: 1});
			});
		});
	} finally {
		watchdog.stop();
	}
}

/** Ends the process the way `runSupabaseMcp` says it should, whatever handles are still open. */
export function exitMcp(exit: McpExit): void {
	if ('signal' in exit) dieBy(exit.signal);
	else process.exit(exit.code);
}
