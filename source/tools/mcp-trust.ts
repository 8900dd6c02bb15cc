/**
 * A workspace's `.mcp.json` names programs pgpair would start. Anyone who can write that file — the agent, with one
 * approved Write — could make the next start run a command of their choosing, so a server that is new or changed
 * since the person last looked does not start until they trust it (`pgpair trust`). Trust is remembered per
 * workspace and per server, keyed by a hash of the server's entry as written (before `${VAR}` expansion, so no
 * secret is hashed and a new token does not ask again), in a file outside every workspace.
 *
 * A configuration named on the command line (`--mcp-config <file>`) is trusted: the person typed it.
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type TrustStore = {workspaces: Record<string, Record<string, string>>};

export function trustFile(env: NodeJS.ProcessEnv = process.env): string {
	const base = env['XDG_CONFIG_HOME'] || path.join(env['HOME'] || os.homedir(), '.config');
	return path.join(base, 'pgpair', 'trusted-mcp-servers.json');
}

function readStore(file: string): TrustStore {
	try {
		const value = JSON.parse(fs.readFileSync(file, 'utf8')) as TrustStore;
		return value && typeof value.workspaces === 'object' ? value : {workspaces: {}};
	} catch {
		return {workspaces: {}};
	}
}

/** A server entry's identity: its JSON with keys sorted, hashed. */
export function fingerprint(entry: unknown): string {
	const canonical = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(canonical);
		if (value && typeof value === 'object')
			return Object.fromEntries(
				Object.keys(value)
					.sort()
					.map(k => [k, canonical((value as Record<string, unknown>)[k])]),
			);
		return value;
	};
	return createHash('sha256')
		.update(JSON.stringify(canonical(entry)))
		.digest('hex');
}

/** The raw `mcpServers` entries of a workspace's `.mcp.json`, or undefined when there is no such file or it is not JSON. */
export function rawServers(workspace: string): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(fs.readFileSync(path.join(workspace, '.mcp.json'), 'utf8')) as {mcpServers?: unknown};
		return value.mcpServers && typeof value.mcpServers === 'object' ? (value.mcpServers as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

const workspaceKey = (workspace: string) => {
	try {
		return fs.realpathSync(workspace);
	} catch {
		return path.resolve(workspace);
	}
};

/** Servers of the workspace's `.mcp.json` that are new or changed since they were last trusted. */
export function untrustedServers(workspace: string, env: NodeJS.ProcessEnv = process.env): string[] {
	const servers = rawServers(workspace) ?? {};
	const trusted = readStore(trustFile(env)).workspaces[workspaceKey(workspace)] ?? {};
	return Object.entries(servers)
		.filter(([name, entry]) => trusted[name] !== fingerprint(entry))
		.map(([name]) => name);
}

/** Records the current entries of `names` as trusted for this workspace. */
export function trustServers(workspace: string, names: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
	const servers = rawServers(workspace) ?? {};
	const file = trustFile(env);
	const store = readStore(file);
	const key = workspaceKey(workspace);
	const entries = {...(store.workspaces[key] ?? {})};
	for (const name of names) if (name in servers) entries[name] = fingerprint(servers[name]);
	store.workspaces[key] = entries;
	fs.mkdirSync(path.dirname(file), {recursive: true});
	const temporary = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(temporary, `${JSON.stringify(store, null, '\t')}\n`, {mode: 0o600});
	fs.renameSync(temporary, file);
}

/** How a server entry reads to a person deciding whether to trust it (values of env and headers are not shown). */
export function describeServer(name: string, entry: unknown): string {
	const e = (entry ?? {}) as {command?: unknown; args?: unknown; url?: unknown; env?: unknown; headers?: unknown};
	const parts = [`${name}:`];
	if (typeof e.url === 'string') parts.push(`connects to ${e.url}`);
	else parts.push(`runs ${[e.command, ...(Array.isArray(e.args) ? e.args : [])].map(String).join(' ')}`);
	const keys = (value: unknown) => (value && typeof value === 'object' ? Object.keys(value) : []);
	if (keys(e.env).length > 0) parts.push(`with environment ${keys(e.env).join(', ')}`);
	if (keys(e.headers).length > 0) parts.push(`with headers ${keys(e.headers).join(', ')}`);
	return parts.join(' ');
}
