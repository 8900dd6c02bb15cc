/**
 * The tool host the runner sees: the local Claude Code tools (if given) and MCP tools (started in the
 * background, never before the first frame), both filtered by the agent file's `tools` list.
 */
import type {ToolCall, ToolCallClassification, ToolDefinition, ToolResult} from './types.js';
import type {LocalTools} from './local/index.js';
import type {McpHost, McpTool} from './mcp-host.js';

export type ToolHostOptions = {
	mcp: McpHost;
	/** Read, Write, Edit, Glob, Grep, Bash; listed before the MCP tools. */
	local?: LocalTools;
	/** Decides which tool names the model may see (the agent's `tools` list). */
	isAllowed: (name: string) => boolean;
	/** Classifies every call, local ones included (with `tool` undefined for them). */
	classify?: (call: ToolCall, tool: McpTool | undefined) => Promise<ToolCallClassification>;
};

export type ToolHostPort = {
	ready(): Promise<void>;
	list(): ToolDefinition[];
	call(call: ToolCall, signal: AbortSignal): Promise<ToolResult>;
	classify(call: ToolCall): Promise<ToolCallClassification>;
	/** Tools of the configured servers, before the agent filter (for warnings and `/tools`). */
	allTools(): McpTool[];
};

export function createToolHost(options: ToolHostOptions): ToolHostPort {
	let started: Promise<void> | undefined;
	const ready = async () => {
		started ??= options.mcp.start();
		return started;
	};

	const visible = (): ToolDefinition[] => [...(options.local?.definitions() ?? []), ...options.mcp.tools()].filter(tool => options.isAllowed(tool.name));

	return {
		ready,
		list: () => visible().map(({name, description, inputSchema}) => ({name, description, inputSchema})),
		async call(call, signal) {
			if (!options.isAllowed(call.name)) {
				// The model asked for a tool it was never offered: refuse without touching any server.
				return {isError: true, content: `The tool ${call.name} is not available to this agent.`};
			}

			if (options.local?.isLocalTool(call.name)) return options.local.call(call, signal);
			return options.mcp.call(call.name, call.input, signal);
		},
		async classify(call) {
			const tool = options.mcp.tools().find(t => t.name === call.name);
			if (options.classify) return options.classify(call, tool);
			return classifyByAnnotations(tool);
		},
		allTools: () => options.mcp.tools(),
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
