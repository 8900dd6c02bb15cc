import path from 'node:path';
import {StdioServerTransport} from '@modelcontextprotocol/sdk/server/stdio.js';
import {createSupabaseMcpServer, type SupabaseMcpServerOptions} from './server.js';

const USAGE =
	'usage: pgpair mcp [--read-only] [--db <postgres-url>] [--data-dir <dir>] [--workspace <dir>] [--functions-port <port>]';

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

/**
 * Serves the local Supabase MCP server over stdio until the client goes away. stdout carries the protocol only;
 * anything for people goes to stderr.
 */
export async function runSupabaseMcp(argv: string[]): Promise<void> {
	const options = parseMcpArguments(argv);
	const {server, close} = await createSupabaseMcpServer(options);
	const transport = new StdioServerTransport();
	let closing: Promise<void> | undefined;
	// close() fires transport.onclose synchronously, which calls back in here: the promise must exist
	// before close() runs, or shutdown recurses until the stack overflows.
	const shutdown = (): Promise<void> => {
		if (closing) return closing;
		let done!: () => void;
		closing = new Promise<void>(resolve => {
			done = resolve;
		});
		void close().catch(() => undefined).finally(done);
		return closing;
	};
	await new Promise<void>((resolve) => {
		const finish = () => void shutdown().finally(resolve);
		transport.onclose = finish;
		process.stdin.once('end', finish);
		process.stdin.once('close', finish);
		process.once('SIGINT', finish);
		process.once('SIGTERM', finish);
		server.connect(transport).catch((error: unknown) => {
			process.stderr.write(`pgpair mcp: ${(error as Error).message}\n`);
			finish();
		});
	});
}
