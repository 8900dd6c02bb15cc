/** pgpair's local Supabase server in this process, with an MCP client on an in-memory transport: for benchmarks. */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {InMemoryTransport} from '@modelcontextprotocol/sdk/inMemory.js';
import {createSupabaseMcpServer, type SupabaseMcpServerOptions} from '../../source/supabase-local/server.js';

export type BenchServer = {
	/** Calls a tool and returns its JSON answer; a tool error throws. */
	call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
	close(): Promise<void>;
};

export async function openBenchServer(options: SupabaseMcpServerOptions): Promise<BenchServer> {
	const {server, close} = await createSupabaseMcpServer({internalTools: true, ...options});
	const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
	await server.connect(serverSide);
	const client = new Client({name: 'bench', version: '0'});
	await client.connect(clientSide);
	return {
		async call(name, args) {
			const result = (await client.callTool({name, arguments: args})) as {isError?: boolean; content: {text: string}[]};
			if (result.isError) throw new Error(`${name}: ${result.content[0]?.text}`);
			return JSON.parse(result.content[0]!.text) as Record<string, unknown>;
		},
		async close() {
			await client.close();
			await close();
		},
	};
}

/** Runs `fn` with a scratch directory that is removed afterwards, whatever happens. */
export async function inScratch<T>(prefix: string, fn: (scratch: string) => Promise<T>): Promise<T> {
	const scratch = await mkdtemp(path.join(tmpdir(), prefix));
	try {
		return await fn(scratch);
	} finally {
		await rm(scratch, {recursive: true, force: true});
	}
}
