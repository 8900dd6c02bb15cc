import path from 'node:path';
import {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {BranchService} from './branches.js';
import {PGPAIR_CLIENT_NAME} from './client-name.js';
import type {FunctionsRuntimeOptions} from './functions-runtime/runtime.js';
import {type DatabaseState, LocalSupabase} from './local-project.js';
import {createPGliteHost} from './pglite-platform.js';
import {type Deadlines, deadlinesFromEnv, type PlatformHost} from './platform.js';
import {createPostgresHost} from './postgres-platform.js';
import {preloadSqlParser} from './sql-split.js';
import {registerAdvisorTools} from './tools/advisor-tools.js';
import {registerBranchingTools} from './tools/branching-tools.js';
import {registerCheckpointTools} from './tools/checkpoint-tools.js';
import {registerDatabaseTools} from './tools/database-tools.js';
import {registerDebuggingTools} from './tools/debugging-tools.js';
import {registerDevelopmentTools} from './tools/development-tools.js';
import {registerDocsTools} from './tools/docs-tools.js';
import {registerEdgeFunctionTools} from './tools/edge-function-tools.js';
import {registerPreviewTools} from './tools/preview-tools.js';
import {registerStorageTools} from './tools/storage-tools.js';
import {serveToolList, type ToolContext} from './tools/util.js';

export type SupabaseMcpServerOptions = {
	/** Write tools hidden and refused; execute_sql runs in a read-only transaction. */
	readOnly?: boolean;
	/**
	 * Treat every client as pgpair itself: list pgpair's own tools (previews, checkpoints, the read route,
	 * invoke_edge_function, get_logs) and give project tools a `project_id` to address a branch. Without it only a
	 * client that introduces itself as pgpair gets them; any other sees the official Supabase interface, with the
	 * official schemas.
	 */
	internalTools?: boolean;
	/** A real Postgres; without it the embedded PGlite database is used. */
	databaseUrl?: string;
	/** PGlite data directory (default `<workspace>/.pgpair/db`). */
	dataDir?: string;
	/** Where `supabase/migrations` and `supabase/functions` live (default: the current directory). */
	workspace?: string;
	/** PGlite base-snapshot cache; `null` disables it. */
	cacheDir?: string | null;
	/** A ready-made host instead of one built from the options above (tests, embedding). */
	host?: PlatformHost;
	/** More tool groups (e.g. advisors, type generation), registered after the built-in ones. */
	toolGroups?: ((server: McpServer, context: ToolContext) => void)[];
	/** Edge-functions runtime: Deno binary (`null`: none), gateway port, cache directory. */
	functions?: FunctionsRuntimeOptions;
	/** Where search_docs sends its GraphQL (default: Supabase's content API) and how long it waits. */
	docs?: {url?: string; timeoutMs?: number};
	/** How long calls, unasked reads and previews may take (default: from the environment). */
	deadlines?: Deadlines;
	/**
	 * When the main database starts: on the first call that needs it (the default for the embedded database: a
	 * session that never touches it never pays for it, in memory or CPU), or at once, in the background (the default
	 * for `DATABASE_URL`: a connection costs little, and a wrong URL is better said before anyone needs it).
	 */
	startDatabase?: 'on-first-call' | 'at-once';
	/**
	 * How long the embedded database may sit unused before its engine sleeps and gives its memory back (the next
	 * call wakes it, in about half a second). Default: PGPAIR_DB_IDLE_MS, else 5 minutes; 0: never.
	 */
	idleMs?: number;
};

/** Five minutes: longer than a person reads an answer and writes back, short enough to matter over a working day. */
export const DEFAULT_IDLE_MS = 5 * 60_000;

export function idleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
	const raw = env['PGPAIR_DB_IDLE_MS'];
	const value = Number(raw);
	return raw && Number.isFinite(value) && value >= 0 ? value : DEFAULT_IDLE_MS;
}

/** The logger name of the server's notifications about the main database (see `DatabaseState`). */
export const DATABASE_STATE_LOGGER = 'pgpair.database';

export type SupabaseMcpServer = {
	server: McpServer;
	local: LocalSupabase;
	close(): Promise<void>;
};

export const SERVER_NAME = 'supabase';
export const SERVER_VERSION = '0.1.0';

export function createHost(options: SupabaseMcpServerOptions): PlatformHost {
	if (options.host) return options.host;
	const deadlines = options.deadlines ?? deadlinesFromEnv();
	if (options.databaseUrl) return createPostgresHost({url: options.databaseUrl, deadlines});
	const workspace = path.resolve(options.workspace ?? process.cwd());
	return createPGliteHost({
		dataDir: path.resolve(options.dataDir ?? path.join(workspace, '.pgpair', 'db')),
		...(options.cacheDir !== undefined ? {cacheDir: options.cacheDir} : {}),
		deadlines,
		idleMs: options.idleMs ?? idleFromEnv(),
	});
}

/**
 * Builds pgpair's local Supabase MCP server: the official tool names, inputs and annotations over an embedded or
 * real Postgres. The server answers `initialize` and `tools/list` at once; the database starts on the first call
 * that needs it (or at once, in the background), that call waits for it (or reports why it failed to start), and
 * every change of its state goes to the client as a logging notification from `pgpair.database`.
 */
export async function createSupabaseMcpServer(options: SupabaseMcpServerOptions = {}): Promise<SupabaseMcpServer> {
	const readOnly = options.readOnly ?? false;
	const local = new LocalSupabase({
		host: createHost(options),
		workspace: path.resolve(options.workspace ?? process.cwd()),
		readOnly,
		deadlines: options.deadlines ?? deadlinesFromEnv(),
		...(options.functions ? {functions: options.functions} : {}),
	});
	const server = new McpServer(
		{name: SERVER_NAME, version: SERVER_VERSION},
		{
			capabilities: {logging: {}},
			instructions:
				'A local Supabase project (Postgres with the Supabase roles, auth schema and migration ledger). Change the ' +
				'schema with apply_migration; query with execute_sql; test RLS by impersonating anon or authenticated.',
		},
	);
	const tell = (state: DatabaseState) => {
		if (!server.isConnected()) return;
		server.server.sendLoggingMessage({level: state.state === 'failed' ? 'error' : 'info', logger: DATABASE_STATE_LOGGER, data: state}).catch(() => undefined);
	};
	local.onDatabaseState(tell);
	// Whatever starts the database is about to read SQL: the parser loads while the engine opens in its worker.
	local.onDatabaseState(state => {
		if (state.state === 'starting') preloadSqlParser();
	});
	// A client learns the state it connects to, then every change.
	server.server.oninitialized = () => tell(local.databaseState);
	if ((options.startDatabase ?? (options.databaseUrl ? 'at-once' : 'on-first-call')) === 'at-once') local.start();
	// Decided per connection: the client says who it is in `initialize`.
	const internal = () => options.internalTools === true || server.server.getClientVersion()?.name === PGPAIR_CLIENT_NAME;
	const context: ToolContext = {local, branches: new BranchService(local), readOnly, internal, listing: []};
	for (const register of [
		(s: McpServer, c: ToolContext) => registerDocsTools(s, c, options.docs),
		registerDatabaseTools,
		registerDebuggingTools,
		registerDevelopmentTools,
		registerEdgeFunctionTools,
		registerBranchingTools,
		registerStorageTools,
		registerAdvisorTools,
		registerPreviewTools,
		registerCheckpointTools,
		...(options.toolGroups ?? []),
	]) {
		register(server, context);
	}
	serveToolList(server, context);
	return {
		server,
		local,
		async close() {
			await server.close().catch(() => {});
			await local.close();
		},
	};
}
