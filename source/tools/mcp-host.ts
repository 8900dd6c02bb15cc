/**
 * MCP clients for the configured servers. Tools are offered as `mcp__<server>__<tool>`. A server that
 * fails to start or dies mid-call turns into a clear error for that call (to the UI and the model);
 * the next call starts it again, so one crash never ends the session.
 */
import type {Client} from '@modelcontextprotocol/sdk/client/index.js';
import type {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js';
import type {ToolDefinition, ToolResult} from '../core/ports.js';
import {boundToParent} from '../process/parent-death.js';
import {PGPAIR_CLIENT_NAME} from '../supabase-local/client-name.js';
import type {KnownTool, McpServerConfig} from './mcp-config.js';

export type ToolAnnotations = {readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean};

export type McpTool = ToolDefinition & {server: string; tool: string; annotations?: ToolAnnotations};

/** What a server says of its database (pgpair's own server does, through `pgpair.database` log messages). */
export type DatabaseStatus = {state: 'idle' | 'starting' | 'ready' | 'asleep'} | {state: 'failed'; reason: string};

/**
 * `idle`: not started yet; its tools are known from its build and it starts on the first call that needs it.
 * `calls`: how many calls to it are running now (the status line says the database is busy).
 */
export type ServerStatus = {
	name: string;
	state: 'idle' | 'starting' | 'ready' | 'failed' | 'stopped';
	error?: string;
	toolCount: number;
	calls?: number;
	database?: DatabaseStatus;
};

/** The logger name pgpair's local server reports its database's state under (source/supabase-local/server.ts). */
const DATABASE_STATE_LOGGER = 'pgpair.database';

function databaseStatusOf(data: unknown): DatabaseStatus | undefined {
	const value = data as {state?: unknown; reason?: unknown} | null;
	if (value?.state === 'failed') return {state: 'failed', reason: typeof value.reason === 'string' ? value.reason : 'no reason given'};
	if (value?.state === 'idle' || value?.state === 'starting' || value?.state === 'ready' || value?.state === 'asleep') return {state: value.state};
	return undefined;
}

/** Where server stderr and diagnostics go; never the terminal, which the TUI owns. */
export type Logger = (line: string) => void;

export function mcpToolName(server: string, tool: string): string {
	return `mcp__${server}__${tool}`;
}

export function parseMcpToolName(name: string): {server: string; tool: string} | undefined {
	const match = /^mcp__([^_](?:[^_]|_(?!_))*)__(.+)$/.exec(name);
	return match ? {server: match[1]!, tool: match[2]!} : undefined;
}

/**
 * The MCP client's code (the SDK, its schema validators) loads with the first server that starts, not with the
 * session: a session whose only server waits for its first call never loads it.
 */
async function loadClientSdk() {
	const [{Client}, stdio, {StreamableHTTPClientTransport}, {LoggingMessageNotificationSchema}] = await Promise.all([
		import('@modelcontextprotocol/sdk/client/index.js'),
		import('@modelcontextprotocol/sdk/client/stdio.js'),
		import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
		import('@modelcontextprotocol/sdk/types.js'),
	]);
	return {
		Client,
		StdioClientTransport: stdio.StdioClientTransport,
		getDefaultEnvironment: stdio.getDefaultEnvironment,
		StreamableHTTPClientTransport,
		LoggingMessageNotificationSchema,
	};
}

type ClientSdk = Awaited<ReturnType<typeof loadClientSdk>>;

const CALL_TIMEOUT_MS = 10 * 60_000;
/** How long a server may take to exit after its stdin closes before it is killed. */
export const CLOSE_GRACE_MS = 2000;

class ServerConnection {
	client: Client | undefined;
	#status: ServerStatus;
	#database: DatabaseStatus | undefined;
	tools: McpTool[] = [];
	private connecting: Promise<void> | undefined;
	/** The server's processes that have not exited yet (stdio servers): what `kill` ends. */
	private readonly processes = new Set<{pid: number}>();
	/** Set by `close`: no call may start the server again (a late checklist look-up during shutdown). */
	private closing: Promise<void> | undefined;
	/** Calls sent and not answered yet. */
	private inFlight = 0;

	constructor(
		readonly name: string,
		private readonly config: McpServerConfig,
		private readonly log: Logger,
		private readonly changed: () => void = () => undefined,
	) {
		this.#status = {name, state: 'stopped', toolCount: 0};
		const known = config.type === 'stdio' ? config.knownTools : undefined;
		if (known) {
			this.tools = known.map(tool => toMcpTool(name, tool));
			this.#status = {name, state: 'idle', toolCount: this.tools.length};
		}
	}

	get status(): ServerStatus {
		const status = this.inFlight > 0 ? {...this.#status, calls: this.inFlight} : this.#status;
		return this.#database && status.state === 'ready' ? {...status, database: this.#database} : status;
	}

	/** Starts the server now, unless its tools are known and it waits for the first call that needs it. */
	async start(): Promise<void> {
		if (this.#status.state === 'idle') return;
		return this.connect();
	}

	set status(status: ServerStatus) {
		// What the database is, is the server's to say (in its notifications), and the calls running are counted here:
		// neither is ever a copy of an old status.
		const {database: _database, calls: _calls, ...rest} = status;
		this.#status = rest;
		this.changed();
	}

	async connect(): Promise<void> {
		if (this.closing) throw new Error(`MCP server "${this.name}" was closed: pgpair is shutting down.`);
		this.connecting ??= this.doConnect().finally(() => {
			this.connecting = undefined;
		});
		return this.connecting;
	}

	private async doConnect(): Promise<void> {
		this.status = {name: this.name, state: 'starting', toolCount: this.tools.length};
		let sdk: ClientSdk;
		try {
			sdk = await loadClientSdk();
		} catch (error) {
			const message = `MCP server "${this.name}" failed to start: ${(error as Error).message}`;
			this.status = {name: this.name, state: 'failed', error: message, toolCount: this.tools.length};
			throw new Error(message);
		}
		// pgpair's own server knows its client by this name and lists it the internal tools.
		const client = new sdk.Client({name: PGPAIR_CLIENT_NAME, version: '0.1.0'});
		this.#database = undefined;
		client.setNotificationHandler(sdk.LoggingMessageNotificationSchema, ({params}) => {
			if (params.logger !== DATABASE_STATE_LOGGER) return;
			const database = databaseStatusOf(params.data);
			if (!database) return;
			this.#database = database;
			this.changed();
		});
		const transport = this.createTransport(sdk);
		client.onclose = () => {
			if (this.client === client) {
				this.client = undefined;
				if (this.status.state === 'ready') this.status = {...this.status, state: 'stopped', error: 'the server exited'};
				this.log(`[${this.name}] connection closed`);
			}
		};

		try {
			await client.connect(transport);
			const {tools} = await client.listTools();
			this.client = client;
			// The live list replaces any known from the build (they are the same unless the install changed under us).
			this.tools = tools.map(tool => toMcpTool(this.name, tool as KnownTool));
			this.status = {name: this.name, state: 'ready', toolCount: this.tools.length};
		} catch (error) {
			await client.close().catch(() => undefined);
			const message = `MCP server "${this.name}" failed to start: ${(error as Error).message}`;
			this.status = {name: this.name, state: 'failed', error: message, toolCount: this.tools.length};
			this.log(message);
			throw new Error(message);
		}
	}

	private createTransport(sdk: ClientSdk): Transport {
		if (this.config.type === 'http') {
			return new sdk.StreamableHTTPClientTransport(new URL(this.config.url), {requestInit: {headers: this.config.headers}});
		}

		// The SDK starts the server with its default environment plus the configured one; the command is looked up there.
		const env = {...this.config.env};
		const line = boundToParent(
			{command: this.config.command, args: this.config.args},
			{signal: this.config.parentDeathSignal ?? 'KILL', env: {...sdk.getDefaultEnvironment(), ...env}, ...(this.config.cwd ? {cwd: this.config.cwd} : {})},
		);
		const transport = new sdk.StdioClientTransport({
			command: line.command,
			args: line.args,
			env,
			...(this.config.cwd ? {cwd: this.config.cwd} : {}),
			stderr: 'pipe',
		});
		// Registered as soon as the process runs, before the MCP handshake: a shutdown may come while it starts.
		const start = transport.start.bind(transport);
		transport.start = async () => {
			await start();
			this.watchProcess(transport);
		};
		transport.stderr?.on('data', (chunk: Buffer) => {
			for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.log(`[${this.name}] ${line}`);
		});
		return transport;
	}

	async call(tool: string, input: unknown, signal: AbortSignal): Promise<ToolResult> {
		// Counted from the moment it is sent, so a call waiting for the server (or its database) to start is seen.
		this.inFlight += 1;
		this.changed();
		try {
			if (!this.client) await this.connect();
			const client = this.client;
			if (!client) throw new Error(`MCP server "${this.name}" is not running`);
			try {
				const result = await client.callTool({name: tool, arguments: (input ?? {}) as Record<string, unknown>}, undefined, {signal, timeout: CALL_TIMEOUT_MS});
				return {isError: result.isError === true, content: contentText(result.content)};
			} catch (error) {
				if (signal.aborted) throw error;
				// The connection may be gone (server crashed); the next call reconnects.
				const stillOpen = this.client === client;
				const message = (error as Error).message;
				return {
					isError: true,
					content: stillOpen
						? `MCP error from "${this.name}": ${message}`
						: `MCP server "${this.name}" stopped during the call (${message}). It will be restarted on the next call.`,
				};
			}
		} finally {
			this.inFlight -= 1;
			this.changed();
		}
	}

	/** Remembers the server's pid until its process has exited, so `kill` never hits a reused pid. */
	private watchProcess(transport: StdioClientTransport): void {
		const pid = transport.pid;
		if (!pid) return;
		const owned = {pid};
		this.processes.add(owned);
		// The client set onclose in connect(); it runs when the process has exited and its pipes are closed.
		const onclose = transport.onclose;
		transport.onclose = () => {
			this.processes.delete(owned);
			onclose?.();
		};
	}

	/** Closes stdin (the server's cue to exit); what still runs after `graceMs` is killed. Later calls wait for the first. */
	async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
		this.closing ??= this.closeWithin(graceMs);
		return this.closing;
	}

	private async closeWithin(graceMs: number): Promise<void> {
		const closing = async () => {
			// A server still starting is closed once it has started (or failed to).
			await this.connecting?.catch(() => undefined);
			const client = this.client;
			this.client = undefined;
			this.status = {...this.status, state: 'stopped'};
			await client?.close().catch(() => undefined);
		};

		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			closing(),
			new Promise(resolve => {
				timer = setTimeout(resolve, graceMs);
			}),
		]);
		clearTimeout(timer);
		this.kill();
	}

	/** SIGKILL for the server's process, if it still runs. */
	kill(): void {
		for (const {pid} of this.processes) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
		}
	}
}

function toMcpTool(server: string, tool: KnownTool): McpTool {
	return {
		name: mcpToolName(server, tool.name),
		server,
		tool: tool.name,
		description: tool.description ?? '',
		inputSchema: tool.inputSchema,
		...(tool.annotations ? {annotations: tool.annotations as ToolAnnotations} : {}),
	};
}

function contentText(content: unknown): string {
	if (!Array.isArray(content)) return '';
	return content
		.map(block => {
			const b = block as {type?: string; text?: string};
			if (b.type === 'text') return b.text ?? '';
			return `[${b.type ?? 'unknown'} content]`;
		})
		.join('\n');
}

export type McpHost = {
	start(): Promise<void>;
	tools(): McpTool[];
	statuses(): ServerStatus[];
	/** Calls `listener` whenever a server's status (its database's included) changes; returns the unsubscribe. */
	onStatusChange(listener: () => void): () => void;
	call(name: string, input: unknown, signal: AbortSignal): Promise<ToolResult>;
	/** Starts the server of tool `name` if it is not running (a call to it is on its way); errors wait for the call. */
	warm(name: string): void;
	/**
	 * A call that runs without asking, sent where it can only read: a server's read-only twin when it has one, else
	 * pgpair's own read route for SQL (`pgpair_execute_sql_read_only`), else the tool itself (a tool that is
	 * read-only by its nature).
	 */
	callReadOnly(name: string, input: unknown, signal: AbortSignal): Promise<ToolResult>;
	/** Whether reads for this server go to a read-only twin. */
	hasReadOnlyTwin(server: string): boolean;
	/** Closes every server; one that has not exited `graceMs` after its stdin closed is killed. */
	close(graceMs?: number): Promise<void>;
	/** Kills every server process that still runs, now (the last step of a shutdown that ran out of time). */
	kill(): void;
};

export type McpHostOptions = {
	/** Per server, the configuration of its read-only twin (started on first use, never offered to the model). */
	readOnlyTwins?: Record<string, McpServerConfig>;
};

/** The local server's read route for SQL that runs unasked (see source/supabase-local/tools/database-tools.ts). */
const READ_ROUTE_TOOL = 'pgpair_execute_sql_read_only';

export function createMcpHost(servers: Record<string, McpServerConfig>, log: Logger, options: McpHostOptions = {}): McpHost {
	const listeners = new Set<() => void>();
	const changed = () => {
		for (const listener of listeners) listener();
	};
	const connections = new Map(Object.entries(servers).map(([name, config]) => [name, new ServerConnection(name, config, log, changed)]));
	const twins = new Map(Object.entries(options.readOnlyTwins ?? {}).map(([name, config]) => [name, new ServerConnection(`${name} (read-only)`, config, log)]));
	const guarded = async (connection: ServerConnection, tool: string, input: unknown, signal: AbortSignal): Promise<ToolResult> => {
		try {
			return await connection.call(tool, input, signal);
		} catch (error) {
			if (signal.aborted) throw error;
			return {isError: true, content: (error as Error).message};
		}
	};
	return {
		async start() {
			// Servers start in parallel; one failing never blocks the others.
			await Promise.allSettled([...connections.values()].map(async c => c.start()));
		},
		tools: () => [...connections.values()].flatMap(c => c.tools),
		statuses: () => [...connections.values()].map(c => c.status),
		onStatusChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		async call(name, input, signal) {
			const parsed = parseMcpToolName(name);
			const connection = parsed ? connections.get(parsed.server) : undefined;
			if (!parsed || !connection) return {isError: true, content: `Unknown tool ${name}.`};
			return guarded(connection, parsed.tool, input, signal);
		},
		warm(name) {
			const parsed = parseMcpToolName(name);
			const connection = parsed ? connections.get(parsed.server) : undefined;
			if (connection && !connection.client) connection.connect().catch(() => undefined);
		},
		async callReadOnly(name, input, signal) {
			const parsed = parseMcpToolName(name);
			const connection = parsed ? connections.get(parsed.server) : undefined;
			if (!parsed || !connection) return {isError: true, content: `Unknown tool ${name}.`};
			const twin = twins.get(parsed.server);
			if (twin) return guarded(twin, parsed.tool, input, signal);
			if (parsed.tool === 'execute_sql') {
				if (connection.tools.some(t => t.tool === READ_ROUTE_TOOL)) return guarded(connection, READ_ROUTE_TOOL, input, signal);
				// SQL proven read-only can only be proven by a server that also runs it confined; anything else is a bug.
				return {isError: true, content: `Not run: ${parsed.server} has no read-only route for SQL.`};
			}
			return guarded(connection, parsed.tool, input, signal);
		},
		hasReadOnlyTwin: server => twins.has(server),
		async close(graceMs) {
			await Promise.allSettled([...connections.values(), ...twins.values()].map(async c => c.close(graceMs)));
		},
		kill() {
			for (const connection of [...connections.values(), ...twins.values()]) connection.kill();
		},
	};
}
