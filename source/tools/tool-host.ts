/**
 * The tool host the runner sees: the local Claude Code tools (if given) and MCP tools (started in the
 * background, never before the first frame), both filtered by the agent file's `tools` list.
 */
import type {CallPreview} from '../core/events.js';
import type {LocalTools} from './local/index.js';
import {type McpHost, type McpTool, parseMcpToolName} from './mcp-host.js';
import type {ToolCall, ToolCallClassification, ToolDefinition, ToolResult} from './types.js';

export type ToolHostOptions = {
	mcp: McpHost;
	/** Read, Write, Edit, Glob, Grep, Bash; listed before the MCP tools. */
	local?: LocalTools;
	/** Decides which tool names the model may see (the agent's `tools` list). */
	isAllowed: (name: string) => boolean;
	/** Classifies every call, local ones included (with `tool` undefined for them). */
	classify?: (call: ToolCall, tool: McpTool | undefined) => Promise<ToolCallClassification>;
	/** What a call would do, before it is approved (dry runs, file diffs). */
	preview?: (call: ToolCall, signal: AbortSignal) => Promise<CallPreview | undefined>;
	/**
	 * pgpair's own tools (the checklist): always offered, whatever the agent's list says, because they
	 * change nothing outside pgpair.
	 */
	own?: OwnTools;
};

export type OwnTools = {
	definitions(): ToolDefinition[];
	has(name: string): boolean;
	call(call: ToolCall): Promise<ToolResult>;
};

/** Server tools named `pgpair_*` serve pgpair itself (dry runs, probes); the model never sees them. */
export function isInternalTool(tool: {tool?: string; name: string}): boolean {
	return (tool.tool ?? tool.name).startsWith('pgpair_');
}

export type ToolHostPort = {
	ready(): Promise<void>;
	list(): ToolDefinition[];
	call(call: ToolCall, signal: AbortSignal): Promise<ToolResult>;
	classify(call: ToolCall): Promise<ToolCallClassification>;
	preview?(call: ToolCall, signal: AbortSignal): Promise<CallPreview | undefined>;
	/** Tools of the configured servers, before the agent filter (for warnings and `/tools`). */
	allTools(): McpTool[];
	/** The model has begun a call to `name`: its server starts now if it has not (see ToolPort.warm). */
	warm(name: string): void;
	/** Why a call to `name` cannot run now (see ToolPort.unavailable). */
	unavailable(name: string): string | undefined;
};

export function createToolHost(options: ToolHostOptions): ToolHostPort {
	let started: Promise<void> | undefined;
	const ready = async () => {
		started ??= options.mcp.start();
		return started;
	};

	const mcpTools = () => options.mcp.tools().filter(tool => !isInternalTool(tool));
	const visible = (): ToolDefinition[] => [
		...[...(options.local?.definitions() ?? []), ...mcpTools()].filter(tool => options.isAllowed(tool.name)),
		...(options.own?.definitions() ?? []),
	];

	return {
		ready,
		list: () => visible().map(({name, description, inputSchema}) => ({name, description, inputSchema})),
		async call(call, signal) {
			if (options.own?.has(call.name)) return options.own.call(call);
			const internal = options.mcp.tools().find(t => t.name === call.name && isInternalTool(t));
			if (!options.isAllowed(call.name) || internal) {
				// The model asked for a tool it was never offered: refuse without touching any server.
				return {isError: true, content: `The tool ${call.name} is not available to this agent.`};
			}

			if (options.local?.isLocalTool(call.name)) return options.local.call(call, signal);
			if (call.readOnly) return options.mcp.callReadOnly(call.name, call.input, signal);
			return options.mcp.call(call.name, call.input, signal);
		},
		async classify(call) {
			const tool = options.mcp.tools().find(t => t.name === call.name);
			if (options.classify) return options.classify(call, tool);
			return classifyByAnnotations(tool);
		},
		...(options.preview ? {preview: options.preview} : {}),
		allTools: () => mcpTools(),
		warm(name) {
			// Only a server tool this agent may call; never one it was not offered.
			if (options.isAllowed(name) && mcpTools().some(tool => tool.name === name)) options.mcp.warm(name);
		},
		unavailable(name) {
			const parsed = parseMcpToolName(name);
			if (!parsed || options.own?.has(name)) return undefined;
			const {server, tool} = parsed;
			const status = options.mcp.statuses().find(s => s.name === server);
			if (!status) return `no tool server named ${server} is running (see the warnings at start, or \`pgpair trust\`)`;
			if (status.state === 'failed') return `the ${server} tool server is down (${status.error ?? 'it failed to start'})`;
			// A server that has started and lists its tools: a name it does not list is not a call to put to anyone.
			if (status.state === 'ready' && !options.mcp.tools().some(t => t.name === name)) return `the ${server} server has no tool named ${tool}`;
			return undefined;
		},
	};
}

/** MCP annotations as a first approximation; SQL-aware classification replaces this for SQL tools. */
export function classifyByAnnotations(tool: McpTool | undefined): ToolCallClassification {
	const annotations = tool?.annotations;
	if (annotations?.readOnlyHint === true) return {class: 'read-only', hazards: []};
	if (annotations?.destructiveHint === false) return {class: 'write', hazards: []};
	// The MCP spec's default for destructiveHint is true: unknown tools are treated as destructive.
	return {class: 'destructive', hazards: annotations ? [] : ['unknown tool: no annotations']};
}
