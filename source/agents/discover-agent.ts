/**
 * Which agent a session runs. The rule is deliberately short so it is predictable:
 * - no `--agent`: the built-in `backend-engineer`, whatever files exist (a file never takes over silently);
 * - `--agent` with a `/` or ending in `.md`: that file, relative to the working directory;
 * - `--agent <name>`: `<cwd>/.claude/agents/*.md`, then `~/.claude/agents/*.md` (in each, a front-matter
 *   `name` match before a file-name match), then the built-in.
 */
import type {Dirent} from 'node:fs';
import {readdir, readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import path from 'node:path';
import {BUILTIN_AGENT_NAME, builtinAgent} from './builtin-agent.js';
import {type AgentDefinition, AgentFileError, parseAgent} from './parse-agent.js';

export type AgentScope = 'project' | 'user' | 'builtin';

/** An agent file found on disk (or the built-in): parsed, or the reason it could not be. */
export type AgentCandidate =
	| {scope: AgentScope; path?: string; label: string; agent: AgentDefinition; error?: undefined}
	| {scope: AgentScope; path: string; label: string; agent?: undefined; error: AgentFileError};

export type DiscoverOptions = {
	cwd: string;
	/** Defaults to the current user's home directory; tests pass a temporary one. */
	home?: string;
};

export type LoadAgentOptions = DiscoverOptions & {
	/** The `--agent` value: a path or a name. */
	agent?: string;
};

export class AgentNotFoundError extends Error {
	override readonly name = 'AgentNotFoundError';
	readonly requested: string;
	readonly candidates: AgentCandidate[];

	constructor(requested: string, candidates: AgentCandidate[], message: string) {
		super(message);
		this.requested = requested;
		this.candidates = candidates;
	}
}

const AGENTS_DIR = path.join('.claude', 'agents');

export async function loadAgent(options: LoadAgentOptions): Promise<AgentDefinition> {
	const requested = options.agent?.trim();
	if (!requested) return builtinAgent();
	const home = options.home ?? homedir();

	if (looksLikePath(requested)) {
		const file = path.resolve(options.cwd, expandHome(requested, home));
		const candidate = await readCandidate(file, 'project', displayPath(file, options.cwd, home));
		if (candidate.error) throw candidate.error;
		return candidate.agent;
	}

	const candidates = await listAgents(options);
	for (const scope of ['project', 'user'] as const) {
		const inScope = candidates.filter(candidate => candidate.scope === scope);
		const byName = inScope.find(candidate => candidate.agent?.name === requested);
		if (byName?.agent) return byName.agent;
		const byFile = inScope.find(candidate => candidate.path !== undefined && path.basename(candidate.path, '.md') === requested);
		// The person named this file: its parse error is the answer, not "not found".
		if (byFile?.error) throw byFile.error;
		if (byFile?.agent) return byFile.agent;
	}
	if (requested === BUILTIN_AGENT_NAME) return builtinAgent();
	throw notFound(requested, candidates, options.cwd, home);
}

/** Every agent in search order: project files, user files, then the built-in. Shadowed ones are included. */
export async function listAgents(options: DiscoverOptions): Promise<AgentCandidate[]> {
	const home = options.home ?? homedir();
	const projectDir = path.resolve(options.cwd, AGENTS_DIR);
	const userDir = path.resolve(home, AGENTS_DIR);
	const project = await readAgentsDir(projectDir, 'project', options.cwd, home);
	// Run from the home directory, both places are one folder: list its files once.
	const user = userDir === projectDir ? [] : await readAgentsDir(userDir, 'user', options.cwd, home);
	return [...project, ...user, {scope: 'builtin', label: 'built-in', agent: builtinAgent()}];
}

function looksLikePath(value: string): boolean {
	return value.includes('/') || value.includes(path.sep) || value.endsWith('.md');
}

function expandHome(value: string, home: string): string {
	return value === '~' || value.startsWith('~/') ? path.join(home, value.slice(1)) : value;
}

/** How a file is named in messages: relative to the project, `~/…` under home, else absolute. */
function displayPath(file: string, cwd: string, home: string): string {
	const fromCwd = path.relative(cwd, file);
	if (!fromCwd.startsWith('..') && !path.isAbsolute(fromCwd)) return fromCwd;
	const fromHome = path.relative(home, file);
	if (!fromHome.startsWith('..') && !path.isAbsolute(fromHome)) return path.join('~', fromHome);
	return file;
}

async function readAgentsDir(dir: string, scope: 'project' | 'user', cwd: string, home: string): Promise<AgentCandidate[]> {
	let entries: Dirent[];
	try {
		entries = await readdir(dir, {withFileTypes: true});
	} catch (error) {
		if (isMissing(error)) return [];
		throw error;
	}
	const files = entries
		.filter(entry => entry.name.endsWith('.md') && !entry.isDirectory())
		.map(entry => path.join(dir, entry.name))
		// Sorted so that, of two files declaring one name, the same one wins on every machine.
		.sort();
	return Promise.all(files.map(file => readCandidate(file, scope, displayPath(file, cwd, home))));
}

async function readCandidate(file: string, scope: 'project' | 'user', label: string): Promise<AgentCandidate> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const reason = isMissing(error) ? 'no such agent file' : `cannot read the agent file (${errorCode(error)})`;
		return {scope, path: file, label, error: new AgentFileError(label, undefined, reason)};
	}
	try {
		return {scope, path: file, label, agent: parseAgent(text, {source: {kind: 'file', path: file}, label})};
	} catch (error) {
		if (error instanceof AgentFileError) return {scope, path: file, label, error};
		throw error;
	}
}

function notFound(requested: string, candidates: AgentCandidate[], cwd: string, home: string): AgentNotFoundError {
	const found = candidates.flatMap(candidate => (candidate.agent ? [`${candidate.agent.name} (${candidate.label})`] : []));
	const broken = candidates.flatMap(candidate => (candidate.error ? [candidate.error.message] : []));
	const lines = [
		`no agent named "${requested}". Looked in ${displayPath(path.resolve(cwd, AGENTS_DIR), cwd, home)}/ and ~/${AGENTS_DIR}/.`,
		`Available: ${found.join(', ')}.`,
	];
	if (broken.length > 0) lines.push(`Could not load: ${broken.join('; ')}.`);
	return new AgentNotFoundError(requested, candidates, lines.join('\n'));
}

function isMissing(error: unknown): boolean {
	const code = errorCode(error);
	return code === 'ENOENT' || code === 'ENOTDIR';
}

function errorCode(error: unknown): string {
	return (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
}
