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
import {createMcpHost, type McpHost} from '../tools/mcp-host.js';
import {createToolHost, type ToolHostPort} from '../tools/tool-host.js';
import {createLocalTools} from '../tools/local/index.js';
import type {SessionRecord} from './session-setup.js';
import type {ToolCallClassification} from '../core/events.js';
import {classifyCallSync} from '../policy/classify-call.js';
import {findForbidden} from '../policy/forbidden.js';
import {loadSqlParser} from '../policy/sql-parser.js';
import type {ToolAnnotations} from '../tools/mcp-host.js';

export type ConnectedSession = {
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
	const servers = args.mcpConfig
		? parseMcpConfig(fs.readFileSync(path.resolve(cwd, args.mcpConfig), 'utf8'), args.mcpConfig, env)
		: loadMcpConfig(cwd, env) ?? builtinServers(record.context.cliEntry, cwd, env);
	const mcp = createMcpHost(servers, line => log.write(line));
	const toolHost = createToolHost({
		mcp,
		local: createLocalTools({workspaceRoot: cwd, env}),
		isAllowed: name => filterTools([name], agent.tools).length > 0,
		classify: async (call, tool) => classifyForApproval(call, tool?.annotations, {production: args.production}),
	});

	const makeRunner = (model: ModelPort) => createRunner({
		store,
		model,
		tools: toolHost,
		clock: Date,
		agent: {systemPrompt: systemPrompt(agent, cwd), model: record.modelId},
		policy: record.context.policy,
		maxRounds: args.maxTurns,
	});

	const scriptedServers: ScriptedServer[] = [];
	const scriptedRunner = async (script: Parameters<typeof startScriptedServer>[0]) => {
		const server = await startScriptedServer(script);
		scriptedServers.push(server);
		return makeRunner(createAnthropicModel({apiKey: 'scripted', baseURL: server.url, onDebug: line => log.write(line)}));
	};

	let runner: Runner | undefined;
	if (args.scripted) {
		runner = await scriptedRunner(path.resolve(cwd, args.scripted));
	} else {
		const api = resolveApiConfig(env);
		if (api.apiKey) runner = makeRunner(createAnthropicModel({apiKey: api.apiKey, ...(api.baseURL ? {baseURL: api.baseURL} : {}), onDebug: line => log.write(line)}));
	}

	return {
		toolHost,
		mcp,
		runner,
		makeRunner,
		startDemo: scriptedRunner,
		async close() {
			record.closeTranscript();
			await mcp.close();
			await Promise.all(scriptedServers.map(async server => server.close()));
		},
	};
}

/** Class, hazards and forbidden-action violations of a call, as the approval pane shows them. */
export async function classifyForApproval(call: {name: string; input: unknown}, annotations: ToolAnnotations | undefined, target: {production: boolean}): Promise<ToolCallClassification> {
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

/** Warnings about the agent's tool list once the servers are up (e.g. a tool the server lacks). */
export function toolWarnings(agent: AgentDefinition, toolHost: ToolHostPort): string[] {
	const available = toolHost.allTools().map(t => t.name);
	const missing = unavailableTools(available, agent.tools).filter(name => name.startsWith('mcp__'));
	return missing.length > 0 ? [`The agent lists tools no server offers: ${missing.join(', ')}`] : [];
}

function systemPrompt(agent: AgentDefinition, cwd: string): string {
	return `${agent.systemPrompt}\n\n# Environment\nWorking directory: ${cwd}\nDate: ${new Date().toISOString().slice(0, 10)}\nYou are running inside pgpair: every tool call that changes something waits for the person's approval, and a denied call comes back as an error with their reason.`;
}
