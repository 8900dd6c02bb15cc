/**
 * Permission settings in Claude Code's files: `~/.claude/settings.json`, `.claude/settings.json`
 * and `.claude/settings.local.json` (`{"permissions": {"allow", "ask", "deny", "defaultMode"}}`),
 * merged with the command line's --allow/--deny. Lists add up; the most local defaultMode wins.
 * The same files' `sandbox` key (`{"enabled": true, "network": {"allowedDomains": [...]}}`, named as
 * in Claude Code's settings; `allowedDomains` as in the sandbox runtime's) turns on the OS sandbox
 * for Bash: any file enabling it enables it, and allowed domains add up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {PermissionMode} from '../core/events.js';
import {type PermissionRules, type PermissionSettings, parseRules} from '../policy/rules.js';

export type SandboxSetting = {enabled: boolean; allowedDomains: string[]};

export type LoadedPermissions = {rules: PermissionRules; defaultMode?: PermissionMode; files: string[]; sandbox: SandboxSetting};

const MODES: readonly PermissionMode[] = ['default', 'acceptEdits', 'plan'];

export class SettingsError extends Error {
	override name = 'SettingsError';
}

export function loadPermissions(options: {cwd: string; home?: string; allow?: readonly string[]; deny?: readonly string[]}): LoadedPermissions {
	const home = options.home ?? os.homedir();
	const candidates = [
		path.join(home, '.claude', 'settings.json'),
		path.join(options.cwd, '.claude', 'settings.json'),
		path.join(options.cwd, '.claude', 'settings.local.json'),
	];
	const merged: Required<PermissionSettings> = {allow: [], ask: [], deny: []};
	let defaultMode: PermissionMode | undefined;
	const files: string[] = [];
	const sandbox: SandboxSetting = {enabled: false, allowedDomains: []};
	for (const file of candidates) {
		let text: string;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch {
			continue;
		}

		files.push(file);
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (error) {
			throw new SettingsError(`${file}: not valid JSON (${(error as Error).message})`);
		}

		readSandbox(file, (parsed as {sandbox?: unknown})?.sandbox, sandbox);
		const permissions = (parsed as {permissions?: Record<string, unknown>})?.permissions;
		if (permissions === undefined) continue;
		for (const list of ['allow', 'ask', 'deny'] as const) {
			const value = permissions[list];
			if (value === undefined) continue;
			if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) throw new SettingsError(`${file}: permissions.${list} must be a list of strings`);
			(merged[list] as string[]).push(...value);
		}

		const mode = permissions['defaultMode'];
		if (mode !== undefined) {
			if (!MODES.includes(mode as PermissionMode))
				throw new SettingsError(`${file}: permissions.defaultMode must be one of ${MODES.join(', ')} (bypassPermissions is not supported)`);
			defaultMode = mode as PermissionMode;
		}
	}

	(merged.allow as string[]).push(...(options.allow ?? []));
	(merged.deny as string[]).push(...(options.deny ?? []));
	try {
		return {rules: parseRules(merged), ...(defaultMode ? {defaultMode} : {}), files, sandbox};
	} catch (error) {
		throw new SettingsError(`Permission rules: ${(error as Error).message}`);
	}
}

function readSandbox(file: string, value: unknown, into: SandboxSetting): void {
	if (value === undefined) return;
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new SettingsError(`${file}: sandbox must be an object, e.g. {"enabled": true}`);
	const {enabled, network} = value as {enabled?: unknown; network?: unknown};
	if (enabled !== undefined && typeof enabled !== 'boolean') throw new SettingsError(`${file}: sandbox.enabled must be true or false`);
	if (enabled === true) into.enabled = true;
	if (network === undefined) return;
	const domains = (network as {allowedDomains?: unknown} | null)?.allowedDomains;
	if (domains === undefined) return;
	if (!Array.isArray(domains) || !domains.every(d => typeof d === 'string' && d.trim() !== ''))
		throw new SettingsError(`${file}: sandbox.network.allowedDomains must be a list of domain names`);
	into.allowedDomains.push(...domains);
}
