/**
 * The secrets pgpair itself reads, gathered once at start so redaction knows them by value: the
 * environment is read by the redactor itself; this module reads `.mcp.json` (server env values,
 * header values, `--access-token=…` / `--access-token …` arguments, passwords and tokens in URLs) and
 * Claude Code's settings files (their `env` and any secret-named field). A Supabase access token
 * written literally in `.mcp.json`, as Supabase's docs show, is then redacted wherever it appears.
 *
 * Reading is tolerant: a file that is missing or broken gives no secrets here (the tool host reports
 * its errors), and `${VAR}` is expanded where the variable is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {type KnownSecret, SECRET_ENV_NAME, urlSecrets} from './redact.js';

/** Flags and fields whose value is a credential: `--access-token`, `--api-key`, `password`, `Authorization`. */
const SECRET_NAME = /token|secret|password|passwd|pwd|api[-_]?key|access[-_]?key|private[-_]?key|auth|credential|cookie|(?:^|[-_])key$|(?:^|[-_])pat$/i;
/** Settings that name a command producing a credential (`apiKeyHelper`), not the credential. */
const COMMAND_SETTING = /(?:helper|refresh|export)$/i;
/** What stays of a header like `Authorization: Bearer <token>` once the scheme is dropped. */
const AUTH_SCHEME = /^(?:bearer|basic|token)\s+/i;

export type KnownSecretSources = {
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** `--mcp-config <file>` when given; otherwise `<cwd>/.mcp.json`. */
	mcpConfig?: string;
	/** Defaults to the user's home directory. */
	home?: string;
};

/** Secrets from `.mcp.json` and the settings files; environment variables are the redactor's own input. */
export function collectKnownSecrets(sources: KnownSecretSources): KnownSecret[] {
	const found: KnownSecret[] = [];
	const mcpFile = path.resolve(sources.cwd, sources.mcpConfig ?? '.mcp.json');
	const mcp = readJson(mcpFile);
	if (mcp !== undefined) found.push(...mcpConfigSecrets(mcp, sources.env));
	const home = sources.home ?? os.homedir();
	for (const file of [
		path.join(home, '.claude', 'settings.json'),
		path.join(sources.cwd, '.claude', 'settings.json'),
		path.join(sources.cwd, '.claude', 'settings.local.json'),
	]) {
		const settings = readJson(file);
		if (settings !== undefined) found.push(...settingsSecrets(settings, sources.env));
	}

	return found;
}

function readJson(file: string): unknown {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
	} catch {
		return undefined;
	}
}

/** Every credential a `.mcp.json` holds, with `${VAR}` expanded. */
export function mcpConfigSecrets(config: unknown, env: NodeJS.ProcessEnv = {}): KnownSecret[] {
	const servers = isRecord(config) && isRecord(config['mcpServers']) ? config['mcpServers'] : {};
	const found: KnownSecret[] = [];
	for (const [name, server] of Object.entries(servers)) {
		if (!isRecord(server)) continue;
		const kind = `mcp:${name}`;
		const add = (value: string) => found.push({value, kind});
		for (const field of ['env', 'headers'] as const) {
			const record = server[field];
			if (!isRecord(record)) continue;
			for (const [key, raw] of Object.entries(record)) {
				if (typeof raw !== 'string') continue;
				const value = expand(raw, env);
				if (SECRET_NAME.test(key) || (field === 'env' && SECRET_ENV_NAME.test(key))) {
					add(value);
					const scheme = AUTH_SCHEME.exec(value);
					if (scheme) add(value.slice(scheme[0].length));
				}

				for (const secret of urlSecrets(value)) add(secret);
			}
		}

		for (const field of ['url', 'command'] as const) {
			if (typeof server[field] === 'string') for (const secret of urlSecrets(expand(server[field], env))) add(secret);
		}

		const args = Array.isArray(server['args']) ? server['args'].filter((arg): arg is string => typeof arg === 'string').map(arg => expand(arg, env)) : [];
		for (const value of argumentSecrets(args)) add(value);
	}

	return found;
}

/** `--access-token=<t>`, `--access-token <t>`, `--password=<p>`, `-p <p>` is too vague and is left out; URLs with passwords. */
export function argumentSecrets(args: readonly string[]): string[] {
	const found: string[] = [];
	for (const [i, arg] of args.entries()) {
		const flag = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(arg);
		if (flag && SECRET_NAME.test(flag[1]!)) {
			const value = flag[2] ?? args[i + 1];
			if (value !== undefined && !value.startsWith('-')) found.push(value);
		}

		found.push(...urlSecrets(arg));
		// `KEY=value` arguments (`env FOO_TOKEN=… server`).
		const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/s.exec(arg);
		if (assignment && (SECRET_ENV_NAME.test(assignment[1]!) || SECRET_NAME.test(assignment[1]!))) found.push(assignment[2]!);
	}

	return found;
}

/** Claude Code settings: the `env` block, and any field anywhere whose name says it is a secret. */
export function settingsSecrets(settings: unknown, env: NodeJS.ProcessEnv = {}): KnownSecret[] {
	const found: KnownSecret[] = [];
	const walk = (value: unknown, key: string, inEnv: boolean): void => {
		if (typeof value === 'string') {
			const expanded = expand(value, env);
			if ((SECRET_NAME.test(key) && !COMMAND_SETTING.test(key)) || (inEnv && SECRET_ENV_NAME.test(key))) found.push({value: expanded, kind: 'settings'});
			for (const secret of urlSecrets(expanded)) found.push({value: secret, kind: 'settings'});
			return;
		}

		if (Array.isArray(value)) {
			for (const item of value) walk(item, key, inEnv);
		} else if (isRecord(value)) {
			for (const [name, item] of Object.entries(value)) walk(item, name, inEnv || name === 'env');
		}
	};

	walk(settings, '', false);
	return found;
}

/** `${VAR}` and `${VAR:-default}` as the MCP config reads them; unset variables stay as written. */
function expand(text: string, env: NodeJS.ProcessEnv): string {
	return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (match, name: string, fallback: string | undefined) => {
		const value = env[name];
		if (value !== undefined && value !== '') return value;
		return fallback ?? match;
	});
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
