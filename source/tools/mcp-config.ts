/**
 * `.mcp.json` in Claude Code's format: {"mcpServers": {"name": {command, args, env} | {type: "http", url, headers}}}.
 * `${VAR}` and `${VAR:-default}` are expanded from the environment, as Claude Code does.
 */
import fs from 'node:fs';
import path from 'node:path';

export type StdioServerConfig = {
	type: 'stdio';
	command: string;
	args: string[];
	env: Record<string, string>;
	cwd?: string;
	/**
	 * What the kernel sends the server when pgpair dies (Linux). SIGKILL unless the server watches its parent and
	 * escalates by itself, as pgpair's own does: then SIGTERM, so it can close its database cleanly when it is free to.
	 */
	parentDeathSignal?: 'KILL' | 'TERM';
	/**
	 * The tools the server is known to offer (pgpair's own server, from its build): offered to the model at once, and
	 * the server starts on the first call that needs it rather than at launch. Never read from `.mcp.json`.
	 */
	knownTools?: KnownTool[];
};
export type KnownTool = {name: string; description?: string; inputSchema: Record<string, unknown>; annotations?: Record<string, unknown>};
export type HttpServerConfig = {type: 'http'; url: string; headers: Record<string, string>};
export type McpServerConfig = StdioServerConfig | HttpServerConfig;

export class McpConfigError extends Error {
	override name = 'McpConfigError';
}

const SERVER_NAME = /^[A-Za-z0-9_-]+$/;

export function expandVariables(text: string, env: NodeJS.ProcessEnv, where: string): string {
	return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
		const value = env[name];
		if (value !== undefined && value !== '') return value;
		if (fallback !== undefined) return fallback;
		throw new McpConfigError(`${where}: environment variable ${name} is not set`);
	});
}

export function parseMcpConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Record<string, McpServerConfig> {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (error) {
		throw new McpConfigError(`${file}: not valid JSON (${(error as Error).message})`);
	}

	const servers = (raw as {mcpServers?: unknown})?.mcpServers;
	if (!isRecord(servers)) throw new McpConfigError(`${file}: expected an object with "mcpServers"`);

	const result: Record<string, McpServerConfig> = {};
	for (const [name, value] of Object.entries(servers)) {
		const where = `${file}: mcpServers.${name}`;
		// Tool names become mcp__<server>__<tool>; a server name with "__" would make them ambiguous.
		if (!SERVER_NAME.test(name) || name.includes('__')) throw new McpConfigError(`${where}: server names may use letters, digits, "-" and "_" (no "__")`);
		if (!isRecord(value)) throw new McpConfigError(`${where}: expected an object`);
		const type = value['type'] ?? (value['url'] ? 'http' : 'stdio');
		if (type === 'http' || type === 'streamable-http') {
			if (typeof value['url'] !== 'string') throw new McpConfigError(`${where}: "url" must be a string`);
			result[name] = {type: 'http', url: expandVariables(value['url'], env, where), headers: expandRecord(value['headers'], env, `${where}.headers`)};
		} else if (type === 'stdio') {
			if (typeof value['command'] !== 'string' || value['command'] === '') throw new McpConfigError(`${where}: "command" must be a non-empty string`);
			const args = value['args'] ?? [];
			if (!Array.isArray(args) || !args.every(a => typeof a === 'string')) throw new McpConfigError(`${where}: "args" must be a list of strings`);
			result[name] = {
				type: 'stdio',
				command: expandVariables(value['command'], env, where),
				args: args.map(a => expandVariables(a, env, `${where}.args`)),
				env: expandRecord(value['env'], env, `${where}.env`),
			};
		} else {
			throw new McpConfigError(`${where}: unsupported type ${JSON.stringify(type)} (use "stdio" or "http")`);
		}
	}

	return result;
}

/** Reads `<cwd>/.mcp.json` if present; `undefined` when there is none. */
export function loadMcpConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): Record<string, McpServerConfig> | undefined {
	const file = path.join(cwd, '.mcp.json');
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}

	return parseMcpConfig(text, '.mcp.json', env);
}

function expandRecord(value: unknown, env: NodeJS.ProcessEnv, where: string): Record<string, string> {
	if (value === undefined) return {};
	if (!isRecord(value)) throw new McpConfigError(`${where}: expected an object of strings`);
	const result: Record<string, string> = {};
	for (const [key, v] of Object.entries(value)) {
		if (typeof v !== 'string') throw new McpConfigError(`${where}.${key}: expected a string`);
		result[key] = expandVariables(v, env, `${where}.${key}`);
	}

	return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
