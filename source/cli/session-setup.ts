/**
 * Wiring of one session: agent, model, tool servers, transcript, store and runner. Nothing here may
 * block the first frame: tool servers (and so the embedded database) start after it.
 */
import path from 'node:path';
import type {AgentDefinition} from '../agents/parse-agent.js';
import {filterTools, unavailableTools} from '../agents/tool-filter.js';
import type {ModelPort} from '../core/ports.js';
import {createAnthropicModel, missingKeyMessage, resolveApiConfig, resolveModelId} from '../model/anthropic-model.js';
import {startScriptedServer, type ScriptedServer} from '../model/scripted-server.js';
import {createEventStore, type EventStore} from '../store/event-store.js';
import {createRunner, type ApprovalPolicy, type Runner} from '../store/runner.js';
import {loadMcpConfig, parseMcpConfig, type McpServerConfig} from '../tools/mcp-config.js';
import {createMcpHost, type McpHost} from '../tools/mcp-host.js';
import {createToolHost, type ToolHostPort} from '../tools/tool-host.js';
import {createRedactor, createTextRedactor} from '../transcripts/redact.js';
import {newSessionId, transcriptFileName, TRANSCRIPT_VERSION} from '../transcripts/format.js';
import {openTranscript, type TranscriptWriter} from '../transcripts/writer.js';
import type {ChatArgs} from './args.js';
import {openDebugLog, type DebugLog} from './debug-log.js';
import fs from 'node:fs';

export {PGPAIR_VERSION} from './version.js';
import {PGPAIR_VERSION} from './version.js';

export type SessionSetup = {
	agent: AgentDefinition;
	modelId: string;
	sessionId: string;
	transcriptPath: string;
	store: EventStore;
	toolHost: ToolHostPort;
	mcp: McpHost;
	log: DebugLog;
	/** Undefined when no API key is set and no script was given. */
	runner: Runner | undefined;
	/** Builds a runner on a model port (used by the offline demo). */
	makeRunner(model: ModelPort): Runner;
	/** Why there is no runner, for the person. */
	setupMessage?: string;
	close(): Promise<void>;
};

export type SetupContext = {
	args: ChatArgs;
	agent: AgentDefinition;
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** Path of the built CLI entry, used to spawn the built-in `supabase` server as `pgpair mcp`. */
	cliEntry: string;
	policy: ApprovalPolicy;
};

export function builtinServers(cliEntry: string, cwd: string, env: NodeJS.ProcessEnv): Record<string, McpServerConfig> {
	const serverEnv: Record<string, string> = {};
	// Only what the server needs crosses over; the API key never reaches a tool server.
	if (env['DATABASE_URL']) serverEnv['DATABASE_URL'] = env['DATABASE_URL'];
	return {supabase: {type: 'stdio', command: process.execPath, args: [cliEntry, 'mcp', '--workspace', cwd], env: serverEnv, cwd}};
}

export async function setupSession(context: SetupContext): Promise<SessionSetup> {
	const {args, agent, cwd, env} = context;
	const redact = createRedactor({env});
	const log = openDebugLog(args.debugLog ? path.resolve(cwd, args.debugLog) : path.join(cwd, '.pgpair', 'debug.log'), createTextRedactor({env}));

	const modelId = resolveModelId(args.model ?? (agent.model && agent.model !== 'inherit' ? agent.model : env['ANTHROPIC_MODEL']));
	const sessionId = newSessionId();
	const sessionsDir = path.resolve(cwd, args.sessionsDir ?? 'sessions');
	const transcriptPath = path.join(sessionsDir, transcriptFileName(new Date(), sessionId));

	const servers = args.mcpConfig
		? parseMcpConfig(fs.readFileSync(path.resolve(cwd, args.mcpConfig), 'utf8'), args.mcpConfig, env)
		: loadMcpConfig(cwd, env) ?? builtinServers(context.cliEntry, cwd, env);
	const mcp = createMcpHost(servers, line => log.write(line));
	const toolHost = createToolHost({mcp, isAllowed: name => filterTools([name], agent.tools).length > 0});

	let writer: TranscriptWriter | undefined;
	const store = createEventStore({
		clock: Date,
		sink: {
			append(event) {
				// The file is created with the first event, so a session that never starts leaves nothing behind.
				writer ??= openTranscript(transcriptPath, {
					kind: 'pgpair-transcript',
					version: TRANSCRIPT_VERSION,
					sessionId,
					createdAt: new Date().toISOString(),
					cwd,
					agent: {name: agent.name, source: agent.source.kind === 'file' ? agent.source.path : 'builtin', model: modelId},
					pgpairVersion: PGPAIR_VERSION,
				}, {redact});
				writer.append(event);
			},
		},
	});

	const makeRunner = (model: ModelPort) => createRunner({
		store,
		model,
		tools: toolHost,
		clock: Date,
		agent: {systemPrompt: systemPrompt(agent, cwd), model: modelId},
		policy: context.policy,
		maxRounds: args.maxTurns,
	});

	let scripted: ScriptedServer | undefined;
	let runner: Runner | undefined;
	let setupMessage: string | undefined;
	if (args.scripted) {
		scripted = await startScriptedServer(path.resolve(cwd, args.scripted));
		runner = makeRunner(createAnthropicModel({apiKey: 'scripted', baseURL: scripted.url, onDebug: line => log.write(line)}));
	} else {
		const api = resolveApiConfig(env);
		if (api.apiKey) {
			runner = makeRunner(createAnthropicModel({apiKey: api.apiKey, ...(api.baseURL ? {baseURL: api.baseURL} : {}), onDebug: line => log.write(line)}));
		} else {
			setupMessage = missingKeyMessage;
		}
	}

	return {
		agent,
		modelId,
		sessionId,
		transcriptPath,
		store,
		toolHost,
		mcp,
		log,
		runner,
		makeRunner,
		...(setupMessage ? {setupMessage} : {}),
		async close() {
			store.flush();
			writer?.close();
			await mcp.close();
			await scripted?.close();
		},
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
