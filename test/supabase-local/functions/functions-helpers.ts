import {mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {InMemoryTransport} from '@modelcontextprotocol/sdk/inMemory.js';
import {createSupabaseMcpServer, type SupabaseMcpServer, type SupabaseMcpServerOptions} from '../../../source/supabase-local/server.js';
import {connectClient, type SupabaseMcpTestClient} from '../../helpers/supabase-mcp-client.js';
import {sharedSnapshotCache, TEST_XDG_CACHE_HOME} from '../pglite-cache.js';

/** DENO_DIR and bootstrap sources for every test of a run: npm downloads and Deno's caches are paid for once. */
export const FUNCTIONS_TEST_CACHE = path.join(TEST_XDG_CACHE_HOME, 'pgpair', 'functions');

export type FunctionsTestServer = {
	workspace: string;
	server: SupabaseMcpServer;
	client: SupabaseMcpTestClient;
	ref: string;
};

/** A PGlite project in a fresh workspace whose `supabase/functions/.env` holds `env`, reached by a real MCP client. */
export async function startFunctionsServer(env: string, options: Partial<SupabaseMcpServerOptions> = {}): Promise<FunctionsTestServer> {
	const workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-fn-'));
	await mkdir(path.join(workspace, 'supabase', 'functions'), {recursive: true});
	await writeFile(path.join(workspace, 'supabase', 'functions', '.env'), env);
	const server = await createSupabaseMcpServer({
		workspace,
		internalTools: true,
		cacheDir: sharedSnapshotCache(),
		...options,
		functions: {cacheDir: FUNCTIONS_TEST_CACHE, ...options.functions},
	});
	const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
	await server.server.connect(serverSide);
	const client = await connectClient(clientSide, () => server.close());
	const {branches} = await client.call('list_branches');
	return {workspace, server, client, ref: branches[0].project_ref};
}

/** A JSON response, as every function in these tests answers. */
export const jsonResponse = (value: string, status = 200) =>
	`new Response(JSON.stringify(${value}), {status: ${status}, headers: {"content-type": "application/json"}})`;
