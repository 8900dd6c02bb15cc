/**
 * The heavy half of session wiring: the Anthropic client, MCP clients and tool host. Loaded with a
 * dynamic import so none of it delays the first frame.
 */
import fs from 'node:fs';
import path from 'node:path';
import type {AgentDefinition} from '../agents/parse-agent.js';
import {filterTools, unavailableTools} from '../agents/tool-filter.js';
import type {ModelPort} from '../core/ports.js';
import {createAnthropicModel} from '../model/anthropic-model.js';
import {resolveApiConfig} from '../model/model-config.js';
import {startScriptedServer, type ScriptedServer} from '../model/scripted-server.js';
import {createRunner, type Runner} from '../store/runner.js';
import {loadMcpConfig, parseMcpConfig, type McpServerConfig} from '../tools/mcp-config.js';
import {createMcpHost, mcpToolName, parseMcpToolName, type McpHost} from '../tools/mcp-host.js';
import {classifySqlSync} from '../policy/classify-sql.js';
import {createPreviewer} from '../preview/index.js';
import {createToolHost, type ToolHostPort} from '../tools/tool-host.js';
import {createLocalTools} from '../tools/local/index.js';
import type {SessionRecord} from './session-setup.js';
import type {ToolCallClassification} from '../core/events.js';
import {classifyCallSync} from '../policy/classify-call.js';
import {findForbidden} from '../policy/forbidden.js';
import {loadSqlParser} from '../policy/sql-parser.js';
import type {ToolAnnotations} from '../tools/mcp-host.js';
import {CHECKLIST_TOOL_NAME, checklistToolDefinition, createChecklistEngine, createMcpEvidence, handleChecklistTool, type ChecklistEngine} from '../checklist/index.js';

export type ConnectedSession = {
	checklist: ChecklistEngine;
	toolHost: ToolHostPort;
	mcp: McpHost;
	/** Undefined when no API key is set and no script was given. */
	runner: Runner | undefined;
	/** Builds a runner on another model port (the offline demo). */
	makeRunner(model: ModelPort): Runner;
	/** Starts the offline demo's scripted server and returns its runner. */
	startDemo(script: Parameters<typeof startScriptedServer>[0]): Promise<Runner>;
	close(): Promise<void>;
};

export function builtinServers(cliEntry: string, cwd: string, env: NodeJS.ProcessEnv): Record<string, McpServerConfig> {
	const serverEnv: Record<string, string> = {};
	// Only what the server needs crosses over; the API key never reaches a tool server.
	if (env['DATABASE_URL']) serverEnv['DATABASE_URL'] = env['DATABASE_URL'];
	return {supabase: {type: 'stdio', command: process.execPath, args: [cliEntry, 'mcp', '--workspace', cwd], env: serverEnv, cwd}};
}

export async function connect(record: SessionRecord): Promise<ConnectedSession> {
	const {args, agent, cwd, env} = record.context;
	const {log, store} = record;
	// Redaction reads SQL from its parse tree as events are committed; until the parser is loaded it
	// has only its patterns, so no turn starts before it is (it loads while the tool servers start).
	const parserReady = loadSqlParser().catch((error: unknown) => log.write(`[sql] parser failed to load: ${(error as Error).message}`));
	const servers = args.mcpConfig
		? parseMcpConfig(fs.readFileSync(path.resolve(cwd, args.mcpConfig), 'utf8'), args.mcpConfig, env)
		: loadMcpConfig(cwd, env) ?? builtinServers(record.context.cliEntry, cwd, env);
	const mcp = createMcpHost(servers, line => log.write(line));
	// The checklist asks the database server directly: its look-ups are evidence gathering, not the
	// agent's actions, so they never wait for approval and never enter the transcript.
	const databaseServer = 'supabase' in servers ? 'supabase' : Object.keys(servers)[0] ?? 'supabase';
	const checklist = createChecklistEngine({
		items: agent.checklist,
		evidence: createMcpEvidence(async (name, args) => mcp.call(`mcp__${databaseServer}__${name}`, args, new AbortController().signal), {workspace: cwd}),
		onChange: change => store.append(change),
		initial: store.getState().checklist,
		onError: (item, error) => log.write(`[checklist] ${item.id}: ${(error as Error).message ?? String(error)}`),
	});
	const stopEvaluating = store.subscribe(() => {
		void checklist.evaluate(store.getEvents());
	});
	const toolHost = createToolHost({
		mcp: withReadOnlySql(mcp),
		local: createLocalTools({workspaceRoot: cwd, env}),
		isAllowed: name => filterTools([name], agent.tools).length > 0,
		classify: async (call, tool) => classifyForApproval(call, tool?.annotations, {production: args.production}),
		preview: createPreviewer({
			callServerTool: async (server, tool, toolArgs, signal) => mcp.call(mcpToolName(server, tool), toolArgs, signal ?? new AbortController().signal),
			hasServerTool: (server, tool) => mcp.tools().some(t => t.server === server && t.tool === tool),
			workspaceRoot: cwd,
		}),
		own: {
			definitions: () => (agent.checklist.length > 0 ? [checklistToolDefinition(checklist)] : []),
			has: name => name === CHECKLIST_TOOL_NAME && agent.checklist.length > 0,
			call: async call => handleChecklistTool(checklist, call.input),
		},
	});

	const makeRunner = (model: ModelPort): Runner => {
		const runner = createRunner({
			store,
			model,
			tools: toolHost,
			clock: Date,
			agent: {systemPrompt: systemPrompt(agent, cwd), model: record.modelId},
			policy: record.context.policy,
			maxRounds: args.maxTurns,
		});
		return {
			...runner,
			async submitPrompt(text) {
				await parserReady;
				await runner.submitPrompt(text);
				// "Done" while the checklist has open items is worth saying, in the chat, once per turn.
				await checklist.evaluate(store.getEvents()).catch(() => undefined);
				const notice = checklist.openItemsNotice(store.getState());
				if (notice) store.append({type: 'notice_shown', level: 'warning', text: notice});
			},
		};
	};

	const scriptedServers: ScriptedServer[] = [];
	const scriptedRunner = async (script: Parameters<typeof startScriptedServer>[0]) => {
		const server = await startScriptedServer(script);
		scriptedServers.push(server);
		return makeRunner(createAnthropicModel({apiKey: 'scripted', baseURL: server.url, ...modelTuning(env), onDebug: line => log.write(line)}));
	};

	let runner: Runner | undefined;
	if (args.scripted) {
		runner = await scriptedRunner(path.resolve(cwd, args.scripted));
	} else {
		const api = resolveApiConfig(env);
		if (api.apiKey) runner = makeRunner(createAnthropicModel({apiKey: api.apiKey, ...(api.baseURL ? {baseURL: api.baseURL} : {}), ...modelTuning(env), onDebug: line => log.write(line)}));
	}

	return {
		checklist,
		toolHost,
		mcp,
		runner,
		makeRunner,
		startDemo: scriptedRunner,
		async close() {
			stopEvaluating();
			record.closeTranscript();
			await mcp.close();
			await Promise.all(scriptedServers.map(async server => server.close()));
		},
	};
}

/** Class, hazards and forbidden-action violations of a call, as the approval pane shows them. */
export async function classifyForApproval(call: {name: string; input: unknown}, annotations: ToolAnnotations | undefined, target: {production: boolean}): Promise<ToolCallClassification> {
	if (call.name === CHECKLIST_TOOL_NAME) return {class: 'read-only', hazards: [], reason: 'Only updates the quality checklist.'};
	await loadSqlParser();
	const policyCall = {name: call.name, input: call.input, ...(annotations ? {annotations} : {})};
	const classification = classifyCallSync(policyCall);
	const violations = findForbidden(policyCall, {target});
	return {
		class: classification.class,
		hazards: classification.hazards.map(h => h.message),
		...(violations.length > 0 ? {violations: violations.map(v => v.message)} : {}),
		reason: classification.reason,
	};
}

/**
 * SQL that pgpair runs without asking is SQL it classified read-only; where the server offers it, such
 * SQL goes through a read-only transaction, so a write the classifier missed fails in the database.
 */
export function withReadOnlySql(mcp: McpHost): McpHost {
	return {
		...mcp,
		async call(name, input, signal) {
			const target = parseMcpToolName(name);
			const query = (input as {query?: unknown} | undefined)?.query;
			if (target?.tool === 'execute_sql' && typeof query === 'string') {
				const readOnlyTool = mcpToolName(target.server, 'pgpair_execute_sql_read_only');
				if (mcp.tools().some(t => t.name === readOnlyTool)) {
					await loadSqlParser();
					if (classifySqlSync(query).class === 'read-only') return mcp.call(readOnlyTool, input, signal);
				}
			}

			return mcp.call(name, input, signal);
		},
	};
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

/** Warnings about the agent's tool list once the servers are up (e.g. a tool the server lacks). */
export function toolWarnings(agent: AgentDefinition, toolHost: ToolHostPort): string[] {
	const available = toolHost.allTools().map(t => t.name);
	const missing = unavailableTools(available, agent.tools).filter(name => name.startsWith('mcp__'));
	return missing.length > 0 ? [`The agent lists tools no server offers: ${missing.join(', ')}`] : [];
}

function systemPrompt(agent: AgentDefinition, cwd: string): string {
	return `${agent.systemPrompt}\n\n# Environment\nWorking directory: ${cwd}\nDate: ${new Date().toISOString().slice(0, 10)}\nYou are running inside pgpair: every tool call that changes something waits for the person's approval, and a denied call comes back as an error with their reason.`;
}
