import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {InMemoryTransport} from '@modelcontextprotocol/sdk/inMemory.js';
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js';
import type {CallToolResult} from '@modelcontextprotocol/sdk/types.js';
import {createSupabaseMcpServer, type SupabaseMcpServerOptions} from '../../source/supabase-local/server.js';

const FENCE = /<(untrusted-data-[0-9a-f-]{36})>\n([\s\S]*)\n<\/\1>/;

/** JSON the server answered with; each test states the shape it expects with `expect`. */
// biome-ignore lint/suspicious/noExplicitAny: tests read these answers freely and assert them; a declared type would be a cast at each of ~200 reads
export type ServerJson = any;

/** The JSON inside an untrusted-data fence; throws when the fence is missing or its tags do not match. */
export function unfence(text: string): {tag: string; data: ServerJson} {
	const match = FENCE.exec(text);
	if (!match) throw new Error(`No untrusted-data fence in: ${text.slice(0, 200)}`);
	return {tag: match[1]!, data: JSON.parse(match[2]!)};
}

export class ToolCallError extends Error {
	constructor(
		readonly tool: string,
		readonly body: ServerJson,
		readonly text: string,
	) {
		super(`${tool} failed: ${text}`);
	}
}

/** A real MCP client with helpers that parse the server's JSON text results. */
export class SupabaseMcpTestClient {
	constructor(
		readonly client: Client,
		private readonly closeAll: () => Promise<void>,
	) {}

	async raw(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
		return (await this.client.callTool({name, arguments: args})) as CallToolResult;
	}

	/** Calls a tool and returns its parsed result; a tool error throws `ToolCallError`. */
	async call(name: string, args: Record<string, unknown> = {}): Promise<ServerJson> {
		const result = await this.raw(name, args);
		const text = result.content.map(c => (c.type === 'text' ? c.text : '')).join('');
		if (result.isError) {
			let body: unknown;
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
			throw new ToolCallError(name, body, text);
		}
		return JSON.parse(text);
	}

	/** Calls a tool that must fail and returns the error (parsed JSON body, or the SDK's plain text). */
	async callError(name: string, args: Record<string, unknown> = {}): Promise<{body: ServerJson; text: string}> {
		try {
			await this.call(name, args);
		} catch (error) {
			if (error instanceof ToolCallError) return {body: error.body, text: error.text};
			throw error;
		}
		throw new Error(`${name} was expected to fail but succeeded`);
	}

	/** Rows of the last statement, taken out of the untrusted-data fence. */
	async sql(query: string, projectId?: string): Promise<ServerJson[]> {
		const {result} = await this.call('execute_sql', {query, ...(projectId ? {project_id: projectId} : {})});
		return unfence(result).data;
	}

	close(): Promise<void> {
		return this.closeAll();
	}
}

/** `name`: what the client calls itself in `initialize`; pgpair's server lists its internal tools to `pgpair` only. */
export async function connectClient(transport: Transport, closeServer: () => Promise<void>, name = 'pgpair-test'): Promise<SupabaseMcpTestClient> {
	const client = new Client({name, version: '0.0.0'});
	await client.connect(transport);
	return new SupabaseMcpTestClient(client, async () => {
		await client.close();
		await closeServer();
	});
}

/**
 * The server in this process, connected through an in-memory transport pair. As pgpair's own client by default (its
 * internal tools and project_id listed); `internalTools: false` connects as any other client would.
 */
export async function connectInMemory(options: SupabaseMcpServerOptions): Promise<SupabaseMcpTestClient> {
	const {server, close} = await createSupabaseMcpServer({internalTools: true, ...options});
	const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
	await server.connect(serverSide);
	return connectClient(clientSide, close);
}
