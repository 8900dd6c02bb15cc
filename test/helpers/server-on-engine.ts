import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {sharedSnapshotCache} from '../supabase-local/pglite-cache.js';
import {createTestDatabase} from './database-url.js';
import {connectInMemory, type SupabaseMcpTestClient} from './supabase-mcp-client.js';

export type Engine = 'pglite' | 'postgres';

export const ENGINES: readonly Engine[] = ['pglite', 'postgres'];

export type ServerOnEngine = {client: SupabaseMcpTestClient; close(): Promise<void>};

/**
 * The real local Supabase MCP server on a project of its own: a fresh embedded database in a temporary workspace, or
 * a fresh database on the test Postgres (TEST_DATABASE_URL). No Deno: nothing here serves edge functions.
 */
export async function startServerOn(engine: Engine): Promise<ServerOnEngine> {
	const workspace = await mkdtemp(path.join(tmpdir(), `pgpair-${engine}-`));
	const database = engine === 'postgres' ? await createTestDatabase() : undefined;
	const cleanUp = async () => {
		await database?.drop();
		await rm(workspace, {recursive: true, force: true});
	};
	try {
		const client = await connectInMemory({
			workspace,
			...(database ? {databaseUrl: database.url} : {dataDir: path.join(workspace, '.pgpair', 'db'), cacheDir: sharedSnapshotCache()}),
			functions: {deno: null},
		});
		return {
			client,
			async close() {
				await client.close();
				await cleanUp();
			},
		};
	} catch (error) {
		await cleanUp();
		throw error;
	}
}
