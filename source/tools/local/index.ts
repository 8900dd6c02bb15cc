/**
 * Claude Code's local tools (Read, Write, Edit, Glob, Grep, Bash) under their names and parameter
 * names, so agent files written for Claude Code work unchanged. File tools are confined to the
 * workspace; Bash relies on the approval gate and, when asked for, an OS sandbox (sandbox.ts). User
 * mistakes and refusals come back as `{isError: true}` results, never as exceptions.
 */
import type {ToolCall, ToolDefinition, ToolResult} from '../../core/ports.js';
import {bashTool} from './bash-tool.js';
import {editTool} from './edit-tool.js';
import {globTool} from './glob-tool.js';
import {grepTool} from './grep-tool.js';
import type {LocalTool} from './local-tool.js';
import {readTool} from './read-tool.js';
import type {SandboxHandle} from './sandbox.js';
import {openWorkspace, ToolInputError, type Workspace} from './workspace.js';
import {writeTool} from './write-tool.js';

export type LocalTools = {
	definitions(): ToolDefinition[];
	call(call: ToolCall, signal: AbortSignal): Promise<ToolResult>;
	isLocalTool(name: string): boolean;
};

export type LocalToolsOptions = {
	/** Every file tool is confined to this directory; Bash runs in it. */
	workspaceRoot: string;
	/** The user's environment, passed to Bash without pgpair's own secrets. */
	env: Record<string, string | undefined>;
	/** Runs every Bash command inside this OS sandbox (started on the first command if not yet). */
	sandbox?: SandboxHandle;
};

export const LOCAL_TOOL_NAMES = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'] as const;

/** Never handed to commands the model runs: it could print them with `env` and they would reach the transcript. */
export const SECRET_ENV_NAMES: readonly string[] = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];

const TOOLS: ReadonlyMap<string, LocalTool> = new Map([readTool, writeTool, editTool, globTool, grepTool, bashTool].map(tool => [tool.definition.name, tool]));

export function createLocalTools(options: LocalToolsOptions): LocalTools {
	const env = commandEnvironment(options.env);
	// The root's real path is needed for every check; resolved once, on first use, off the first frame.
	let workspace: Promise<Workspace> | undefined;

	return {
		definitions: () => [...TOOLS.values()].map(tool => structuredClone(tool.definition)),
		isLocalTool: name => TOOLS.has(name),
		async call(call, signal) {
			const tool = TOOLS.get(call.name);
			if (!tool) return {isError: true, content: `Unknown tool ${call.name}.`};
			try {
				workspace ??= openWorkspace(options.workspaceRoot).catch((error: unknown) => {
					workspace = undefined;
					throw error;
				});
				return await tool.invoke(call.input, {workspace: await workspace, env, signal, ...(options.sandbox ? {sandbox: options.sandbox} : {})});
			} catch (error) {
				if (error instanceof ToolInputError) return {isError: true, content: error.message};
				// Anything else (permissions, a disk error) is still the model's to read, not a crash.
				return {isError: true, content: `${call.name} failed: ${describeError(error)}`};
			}
		},
	};
}

export function commandEnvironment(env: Record<string, string | undefined>): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(env)) {
		if (value !== undefined && !SECRET_ENV_NAMES.includes(name)) result[name] = value;
	}

	return result;
}

function describeError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const message = error instanceof Error ? error.message : String(error);
	if (code === 'EACCES' || code === 'EPERM') return `permission denied (${message})`;
	return message;
}
