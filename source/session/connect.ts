/**
 * The heavy half of session wiring: the Anthropic client, MCP clients and tool host. Loaded with a
 * dynamic import so none of it delays the first frame.
 */
import fs from 'node:fs';
import path from 'node:path';
import type {AgentDefinition} from '../agents/parse-agent.js';
import {filterTools, unavailableTools} from '../agents/tool-filter.js';
import {
	CHECKLIST_TOOL_NAME,
	type ChecklistEngine,
	checklistToolDefinition,
	createChecklistEngine,
	createMcpEvidence,
	handleChecklistTool,
} from '../checklist/index.js';
import type {ToolCallClassification} from '../core/events.js';
import type {ModelPort} from '../core/ports.js';
import {createAnthropicModel} from '../model/anthropic-model.js';
import {resolveApiConfig} from '../model/model-config.js';
import {type ScriptedServer, startScriptedServer} from '../model/scripted-server.js';
import {classifyCallSync} from '../policy/classify-call.js';
import type {ControlRoots} from '../policy/control-files.js';
import {findForbidden} from '../policy/forbidden.js';
import {loadShellParser} from '../policy/shell-parser.js';
import {loadSqlParser} from '../policy/sql-parser.js';
import {createPreviewer} from '../preview/index.js';
import {createRunner, type Runner} from '../store/runner.js';
import {controlTargetWarning, resolvedFilePath, shellControlWarning} from '../tools/local/control-targets.js';
import {createLocalTools, type LocalTools} from '../tools/local/index.js';
import {type KnownTool, loadMcpConfig, type McpServerConfig, parseMcpConfig} from '../tools/mcp-config.js';
import type {ToolAnnotations} from '../tools/mcp-host.js';
import {createMcpHost, type McpHost, mcpToolName, parseMcpToolName} from '../tools/mcp-host.js';
import {untrustedServers} from '../tools/mcp-trust.js';
import {isOfficialSupabaseServer, readOnlyTwin} from '../tools/supabase-servers.js';
import {createToolHost, type ToolHostPort} from '../tools/tool-host.js';
import {budgetFromEnv, type Checkpoints, createCheckpoints} from './checkpoints.js';
import type {SessionRecord} from './open.js';
import {recordServerStatus} from './server-status.js';

export type ConnectedSession = {
	checklist: ChecklistEngine;
	toolHost: ToolHostPort;
	mcp: McpHost;
	/** The one runner of the session; its model can be switched (the offline demo brings its own). */
	runner: Runner;
	/** What is saved before each allowed change, and the rewind to it. */
	checkpoints: Checkpoints;
	/** The model the runner talks to; undefined when no API key is set and no script was given. */
	model: ModelPort | undefined;
	/** From now on the runner talks to `model`. */
	/** Undefined: back to no model (the offline demo has ended). */
	switchModel(model: ModelPort | undefined): void;
	/** Starts a scripted Messages-API server (the offline demo) and returns a model port on it. */
	scriptedModel(script: Parameters<typeof startScriptedServer>[0]): Promise<ModelPort>;
	close(): Promise<void>;
};

export function builtinServers(cliEntry: string, cwd: string, env: NodeJS.ProcessEnv): Record<string, McpServerConfig> {
	const serverEnv: Record<string, string> = {};
	// Only what the server needs crosses over; the API key never reaches a tool server. XDG_CACHE_HOME: where the
	// database's base snapshot and Deno's modules are cached (without it, HOME/.cache, wherever the person put theirs).
	for (const name of ['DATABASE_URL', 'PGPAIR_READ_TIMEOUT_MS', 'PGPAIR_PREVIEW_TIMEOUT_MS', 'PGPAIR_CALL_TIMEOUT_MS', 'PGPAIR_DB_IDLE_MS', 'XDG_CACHE_HOME']) {
		if (env[name]) serverEnv[name] = env[name];
	}
	// The embedded database's server starts on the first call that needs it (its tool list ships beside the build);
	// a DATABASE_URL's starts at once, so a wrong URL is said before anyone needs the database.
	const knownTools = serverEnv['DATABASE_URL'] ? undefined : builtinToolsSnapshot(cliEntry);
	// Started that late, it starts because a call is coming (the model has begun one): its database starts with it.
	const args = [cliEntry, 'mcp', '--workspace', cwd, ...(knownTools ? ['--start-database', 'at-once'] : [])];
	return {supabase: {type: 'stdio', command: process.execPath, args, env: serverEnv, cwd, parentDeathSignal: 'TERM', ...(knownTools ? {knownTools} : {})}};
}

/** Written beside the bundle by source/build/tools-snapshot.mjs. */
const TOOLS_SNAPSHOT_FILE = 'supabase-tools.json';

/** The built-in server's tools as its build listed them; undefined when run from the sources. */
function builtinToolsSnapshot(cliEntry: string): KnownTool[] | undefined {
	try {
		const {tools} = JSON.parse(fs.readFileSync(path.join(path.dirname(cliEntry), TOOLS_SNAPSHOT_FILE), 'utf8')) as {tools?: KnownTool[]};
		return Array.isArray(tools) && tools.length > 0 ? tools : undefined;
	} catch {
		return undefined;
	}
}

export async function connect(record: SessionRecord): Promise<ConnectedSession> {
	const {args, agent, cwd, env} = record.context;
	const {log, store} = record;
	const servers = args.mcpConfig
		? parseMcpConfig(fs.readFileSync(path.resolve(cwd, args.mcpConfig), 'utf8'), args.mcpConfig, env)
		: (trustedOnly(loadMcpConfig(cwd, env), cwd, process.env, text => store.append({type: 'notice_shown', level: 'warning', text})) ??
			builtinServers(record.context.cliEntry, cwd, env));
	// A hosted project's server gets a read-only twin: where every call that runs unasked goes.
	const readOnlyTwins = Object.fromEntries(
		Object.entries(servers).flatMap(([name, config]) => {
			const twin = isOfficialSupabaseServer(config) ? readOnlyTwin(config) : undefined;
			return twin ? [[name, twin]] : [];
		}),
	);
	const mcp = createMcpHost(servers, line => log.write(line), {readOnlyTwins});
	const stopRecordingServers = recordServerStatus(mcp, store);
	const isProduction = (server: string): boolean => {
		const config = servers[server];
		// A hosted project is production unless the person says it is a development one; our own server's database
		// only when they say it is.
		return config && isOfficialSupabaseServer(config) ? !args.development : args.production;
	};
	// The checklist's look-ups are pgpair's own requests to the database: never the agent's, so they wait for no
	// approval, but they only read (the read route: proven, least-privilege, under a deadline) and each is an event.
	const databaseServer = 'supabase' in servers ? 'supabase' : (Object.keys(servers)[0] ?? 'supabase');
	const checklist = createChecklistEngine({
		items: agent.checklist,
		evidence: createMcpEvidence(
			async (name, toolArgs) => {
				const started = Date.now();
				const toolName = `mcp__${databaseServer}__${name}`;
				const signal = new AbortController().signal;
				// The sandbox and the probe are pgpair's own tools and act on nothing; everything else goes the read route.
				const result = name.startsWith('pgpair_') ? await mcp.call(toolName, toolArgs, signal) : await mcp.callReadOnly(toolName, toolArgs, signal);
				store.append({
					type: 'internal_call_completed',
					purpose: 'checklist',
					server: databaseServer,
					tool: name,
					input: toolArgs,
					isError: result.isError,
					durationMs: Date.now() - started,
				});
				return result;
			},
			{workspace: cwd},
		),
		onChange: change => store.append(change),
		databaseServer,
		initial: store.getState().checklist,
		onError: (item, error) => log.write(`[checklist] ${item.id}: ${(error as Error).message ?? String(error)}`),
	});
	const stopEvaluating = store.subscribe(() => {
		void checklist.evaluate(store.getEvents());
	});
	const controlRoots: ControlRoots = {workspaceRoot: cwd, sessionsDir: path.resolve(cwd, args.sessionsDir ?? 'sessions')};
	const askedControlWrites = new Set<string>();
	const localTools = guardControlWrites(
		createLocalTools({workspaceRoot: cwd, env, ...(record.context.bashSandbox ? {sandbox: record.context.bashSandbox} : {})}),
		controlRoots,
		askedControlWrites,
	);
	const toolHost = createToolHost({
		mcp,
		local: localTools,
		// Against what the servers have now: a tool the agent names may have been replaced there (see tool-filter.ts).
		isAllowed: name => filterTools([...localTools.definitions().map(t => t.name), ...mcp.tools().map(t => t.name)], agent.tools).includes(name),
		classify: async (call, tool) => {
			const classification = await classifyForApproval(
				call,
				tool?.annotations,
				{production: isProduction(parseMcpToolName(call.name)?.server ?? '')},
				controlRoots,
			);
			if (classification.controlFile) askedControlWrites.add(call.callId);
			return classification;
		},
		preview: createPreviewer({
			callServerTool: async (server, tool, toolArgs, signal) => mcp.call(mcpToolName(server, tool), toolArgs, signal ?? new AbortController().signal),
			hasServerTool: (server, tool) => mcp.tools().some(t => t.server === server && t.tool === tool),
			hasReadOnlyRoute: server => mcp.hasReadOnlyTwin(server),
			isProduction,
			workspaceRoot: cwd,
		}),
		own: {
			definitions: () => (agent.checklist.length > 0 ? [checklistToolDefinition(checklist)] : []),
			has: name => name === CHECKLIST_TOOL_NAME && agent.checklist.length > 0,
			call: async call => handleChecklistTool(checklist, call.input),
		},
	});

	// What the safety promise means on these servers, said once when the tools are up (TUI and headless alike).
	const ready = toolHost.ready.bind(toolHost);
	let told: Promise<void> | undefined;
	toolHost.ready = async () => {
		await ready();
		told ??= safetyNotices(servers, mcp, args).then(
			notices => {
				for (const notice of notices) store.append({type: 'notice_shown', ...notice});
			},
			error => log.write(`[safety] ${(error as Error).message}`),
		);
		await told;
	};

	const scriptedServers: ScriptedServer[] = [];
	const scriptedModel = async (script: Parameters<typeof startScriptedServer>[0]): Promise<ModelPort> => {
		const server = await startScriptedServer(script);
		scriptedServers.push(server);
		return createAnthropicModel({apiKey: 'scripted', baseURL: server.url, ...modelTuning(env), onDebug: line => log.write(line)});
	};

	let model: ModelPort | undefined;
	if (args.scripted) {
		model = await scriptedModel(path.resolve(cwd, args.scripted));
	} else {
		const api = resolveApiConfig(env);
		if (api.apiKey)
			model = createAnthropicModel({apiKey: api.apiKey, ...(api.baseURL ? {baseURL: api.baseURL} : {}), ...modelTuning(env), onDebug: line => log.write(line)});
	}

	const checkpoints = createCheckpoints({
		cwd,
		store,
		servers: {
			call: async (server, tool, input, signal) => mcp.call(mcpToolName(server, tool), input, signal),
			hasTool: (server, tool) => mcp.tools().some(t => t.server === server && t.tool === tool),
			isHosted: server => servers[server] !== undefined && isOfficialSupabaseServer(servers[server]),
		},
		budgetBytes: budgetFromEnv(env),
		log: line => log.write(line),
	});

	const runner = createRunner({
		store,
		checkpoints,
		// The port is looked up per request, so switching to the demo's model needs no second runner.
		model: {
			stream(request) {
				if (!model) throw new Error(record.setupMessage ?? 'No model is configured.');
				return model.stream(request);
			},
		},
		tools: toolHost,
		clock: Date,
		agent: {systemPrompt: systemPrompt(agent, cwd), model: record.modelId},
		policy: record.context.policy,
		maxRounds: args.maxTurns,
	});

	return {
		checklist,
		toolHost,
		mcp,
		runner,
		checkpoints,
		get model() {
			return model;
		},
		switchModel(next) {
			model = next;
		},
		scriptedModel,
		async close() {
			stopEvaluating();
			await checkpoints.settled();
			stopRecordingServers();
			record.closeTranscript();
			await mcp.close();
			await Promise.all(scriptedServers.map(async server => server.close()));
		},
	};
}

/** Class, hazards and forbidden-action violations of a call, as the approval pane shows them. */
export async function classifyForApproval(
	call: {name: string; input: unknown},
	annotations: ToolAnnotations | undefined,
	target: {production: boolean},
	controlRoots?: ControlRoots,
): Promise<ToolCallClassification> {
	if (call.name === CHECKLIST_TOOL_NAME) return {class: 'read-only', hazards: [], reason: 'Only updates the quality checklist.'};
	await loadSqlParser();
	if (call.name === 'Bash') await loadShellParser();
	const policyCall = {name: call.name, input: call.input, ...(annotations ? {annotations} : {})};
	const classification = classifyCallSync(policyCall);
	const violations = findForbidden(policyCall, {target});
	const shellWords = classification.class === 'read-only' ? undefined : classification.shellWords;
	const controlFile = !controlRoots
		? undefined
		: shellWords
			? await shellControlWarning(shellWords, controlRoots)
			: await controlTargetWarning(call, controlRoots);
	const resolvedPath = controlRoots ? await resolvedFilePath(call, controlRoots.workspaceRoot) : undefined;
	return {
		class: classification.class,
		// The warning is a hazard too, so the pane and the transcript show it beside the others.
		hazards: [...(controlFile ? [controlFile] : []), ...classification.hazards.map(h => h.message)],
		...(violations.length > 0 ? {violations: violations.map(v => v.message)} : {}),
		reason: classification.reason,
		...(controlFile ? {controlFile} : {}),
		...(resolvedPath ? {resolvedPath} : {}),
	};
}

/**
 * Every call is classified before any of its round runs, so an earlier call (a Bash command the
 * person allowed) could turn a path into a link to a control file before a later Write, already
 * judged ordinary, runs. A write that reaches a control file it was not asked about is refused
 * at run time; the model can send it again and it will be asked about.
 */
export function guardControlWrites(local: LocalTools, roots: ControlRoots, asked: ReadonlySet<string>): LocalTools {
	return {
		...local,
		async call(call, signal) {
			if (!asked.has(call.callId)) {
				const warning = await controlTargetWarning(call, roots);
				if (warning)
					return {
						isError: true,
						content: `Refused: the target became a control file after the call was judged (${warning}). Send the call again to have it asked about.`,
					};
			}

			return local.call(call, signal);
		},
	};
}

/**
 * The servers of a workspace's `.mcp.json` that the person has trusted; the others are not started, and a notice
 * says so and how to review them. (A file given with --mcp-config is trusted: the person named it.) Trust belongs to
 * the person and the machine, so it is looked up in this process's environment, not the session's.
 */
function trustedOnly(
	servers: Record<string, McpServerConfig> | undefined,
	cwd: string,
	env: NodeJS.ProcessEnv,
	warn: (text: string) => void,
): Record<string, McpServerConfig> | undefined {
	if (!servers) return undefined;
	const untrusted = new Set(untrustedServers(cwd, env));
	if (untrusted.size === 0) return servers;
	warn(
		`.mcp.json names ${untrusted.size === 1 ? 'a server' : 'servers'} that ${untrusted.size === 1 ? 'is' : 'are'} new or changed since you last trusted ${untrusted.size === 1 ? 'it' : 'them'} (${[...untrusted].join(', ')}): not started. ` +
			'Review them with `pgpair trust` (it shows what each one runs), or name the file with --mcp-config to trust it for one run.',
	);
	return Object.fromEntries(Object.entries(servers).filter(([name]) => !untrusted.has(name)));
}

/**
 * What pgpair can and cannot promise on the configured database servers: a hosted project is production (unless
 * --development), its reads go to its read-only mode and nothing can be previewed there; a DATABASE_URL without a
 * superuser gives pgpair no sandbox and no least-privilege reader, so every call asks.
 */
export async function safetyNotices(
	servers: Record<string, McpServerConfig>,
	mcp: McpHost,
	args: {development: boolean},
): Promise<Array<{level: 'info' | 'warning'; text: string}>> {
	const notices: Array<{level: 'info' | 'warning'; text: string}> = [];
	for (const [name, config] of Object.entries(servers)) {
		if (isOfficialSupabaseServer(config)) {
			notices.push({
				level: 'warning',
				text:
					`${name} is a hosted Supabase project${args.development ? ' (a development project, as you said)' : ', treated as production: schema changes need a typed confirmation (--development if it is not production)'}. ` +
					`Reads pgpair runs unasked go through its read-only mode; changes cannot be previewed there, so every change asks as destructive.`,
			});
			continue;
		}
		if (!mcp.tools().some(t => t.server === name && t.tool === 'pgpair_capabilities')) continue;
		// Not started yet: pgpair's own server on the embedded database (one for a DATABASE_URL starts at once), which
		// always has its sandbox and reader. Asking would start it for nothing.
		if (mcp.statuses().find(s => s.name === name)?.state === 'idle') continue;
		const result = await mcp.call(mcpToolName(name, 'pgpair_capabilities'), {}, new AbortController().signal);
		if (result.isError) continue;
		const can = JSON.parse(result.content) as {sandbox?: boolean; reader?: boolean; reason?: string};
		if (can.sandbox === false || can.reader === false) {
			notices.push({
				level: 'warning',
				text: `${name}: ${can.reason ?? 'no sandbox'}. Nothing is previewed on this database and nothing runs unasked: every call asks, and changes count as destructive.`,
			});
		}
	}
	return notices;
}

/**
 * Retry and stall settings from the environment: PGPAIR_MAX_RETRIES, PGPAIR_RETRY_BASE_DELAY_MS and
 * PGPAIR_STREAM_IDLE_TIMEOUT_MS (a stream silent for that long counts as a dropped connection).
 */
export function modelTuning(env: NodeJS.ProcessEnv): {maxRetries?: number; retryBaseDelayMs?: number; streamIdleTimeoutMs?: number} {
	const read = (name: string) => {
		const value = env[name];
		if (value === undefined || value === '') return undefined;
		const number = Number(value);
		return Number.isFinite(number) && number >= 0 ? number : undefined;
	};

	const maxRetries = read('PGPAIR_MAX_RETRIES');
	const retryBaseDelayMs = read('PGPAIR_RETRY_BASE_DELAY_MS');
	const streamIdleTimeoutMs = read('PGPAIR_STREAM_IDLE_TIMEOUT_MS');
	return {
		...(maxRetries === undefined ? {} : {maxRetries}),
		...(retryBaseDelayMs === undefined ? {} : {retryBaseDelayMs}),
		...(streamIdleTimeoutMs === undefined ? {} : {streamIdleTimeoutMs}),
	};
}

/**
 * Warnings about the agent file once the servers are up: tools no server offers, tools pgpair itself does not have
 * (Claude Code's WebFetch, say: the agent will not get them), and a model that is not Claude's.
 */
export function toolWarnings(agent: AgentDefinition, toolHost: ToolHostPort): string[] {
	// Every server's tools, and the local ones the agent is offered (allTools holds the servers' only).
	const available = [...new Set([...toolHost.allTools().map(t => t.name), ...toolHost.list().map(t => t.name)])];
	const unavailable = unavailableTools(available, agent.tools);
	const missing = unavailable.filter(name => name.startsWith('mcp__'));
	const unknownLocal = unavailable.filter(name => !name.startsWith('mcp__'));
	const local = available.filter(name => !name.startsWith('mcp__'));
	const warnings: string[] = [];
	if (missing.length > 0) warnings.push(`The agent lists tools no server offers: ${missing.join(', ')}`);
	if (unknownLocal.length > 0) warnings.push(`The agent lists tools pgpair does not have: ${unknownLocal.join(', ')} (it has ${local.join(', ')})`);
	if (agent.model && !/^(sonnet|opus|haiku|inherit|claude-)/.test(agent.model)) {
		warnings.push(
			`The agent asks for the model "${agent.model}", which is not a Claude model: the API will refuse it (use sonnet, opus, haiku, or a claude-… id).`,
		);
	}
	return warnings;
}

function systemPrompt(agent: AgentDefinition, cwd: string): string {
	return `${agent.systemPrompt}\n\n# Environment\nWorking directory: ${cwd}\nDate: ${new Date().toISOString().slice(0, 10)}\nYou are running inside pgpair: every tool call that changes something waits for the person's approval, and a denied call comes back as an error with their reason.`;
}
