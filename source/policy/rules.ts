/**
 * Permission rules in Claude Code's syntax (`allow` / `ask` / `deny` lists of strings).
 *
 *   mcp__supabase__list_tables   one MCP tool
 *   mcp__supabase, mcp__supabase__*   every tool of a server (a wildcard: never an explicit opt-in)
 *   Bash                         every shell command
 *   Bash(git status)             exactly this command
 *   Bash(npm test:*)             commands starting with `npm test` (word boundary), without shell operators
 *   Read(./secrets/**), Edit(src/**), Write(docs/*.md)   gitignore-style globs: `/x` and `./x` are relative
 *                                to the workspace root, `//x` absolute, `~/x` under the home directory, and a
 *                                pattern without an inner slash matches at any depth
 *
 * `Edit(...)` rules cover every editing tool (Edit, Write, MultiEdit, NotebookEdit) and `Read(...)` rules
 * every reading tool (Read, Glob, Grep), as in Claude Code. A malformed rule throws: dropping a deny rule
 * silently would fail open.
 */
import path from 'node:path';
import type {PolicyCall} from './classify-call.js';
import {EDIT_TOOLS, parseToolName, READ_TOOLS} from './classify-call.js';
import {isObject} from './sql-parser.js';

export type RuleList = 'allow' | 'ask' | 'deny';

export type RuleTool = {kind: 'tool'; name: string} | {kind: 'mcp-server'; server: string};

export type RuleSpecifier =
	| {kind: 'command'; command: string}
	| {kind: 'command-prefix'; prefix: string}
	| {kind: 'path'; pattern: string; base: 'workspace' | 'root' | 'home'; regex: RegExp};

export type PermissionRule = {raw: string; list: RuleList; tool: RuleTool; specifier?: RuleSpecifier};

export type PermissionRules = {allow: PermissionRule[]; ask: PermissionRule[]; deny: PermissionRule[]};

export type PermissionSettings = {allow?: readonly string[]; ask?: readonly string[]; deny?: readonly string[]};

export type RuleProblem = {rule: string; list: RuleList; message: string};

export class RuleSyntaxError extends Error {
	readonly problems: RuleProblem[];

	constructor(problems: RuleProblem[]) {
		super(problems.map(p => `Invalid ${p.list} rule "${p.rule}": ${p.message}`).join('\n'));
		this.name = 'RuleSyntaxError';
		this.problems = problems;
	}
}

/** Where paths are resolved from. `homeDir` is only needed for `~/` rules. */
export type MatchContext = {workspaceRoot: string; homeDir?: string};

export const EMPTY_RULES: PermissionRules = {allow: [], ask: [], deny: []};

const PATH_TOOLS = new Set([...READ_TOOLS, ...EDIT_TOOLS]);
const IDENTIFIER = /^[A-Za-z0-9_-]+$/;

export function parseRules(settings: PermissionSettings): PermissionRules {
	const rules: PermissionRules = {allow: [], ask: [], deny: []};
	const problems: RuleProblem[] = [];
	for (const list of ['allow', 'ask', 'deny'] as const) {
		for (const raw of settings[list] ?? []) {
			try {
				rules[list].push(parseRule(raw, list));
			} catch (error) {
				if (error instanceof RuleSyntaxError) problems.push(...error.problems);
				else throw error;
			}
		}
	}

	if (problems.length > 0) throw new RuleSyntaxError(problems);
	return rules;
}

export function parseRule(raw: string, list: RuleList): PermissionRule {
	const fail = (message: string): never => {
		throw new RuleSyntaxError([{rule: raw, list, message}]);
	};

	if (typeof raw !== 'string') return fail('a rule must be a string');
	const text = raw.trim();
	if (text === '') return fail('the rule is empty');
	const open = text.indexOf('(');
	if (open === -1 && text.includes(')')) fail('there is a ")" without a "("');
	if (open !== -1 && !text.endsWith(')')) fail('the specifier must end with ")"');
	const toolText = open === -1 ? text : text.slice(0, open);
	const specifierText = open === -1 ? undefined : text.slice(open + 1, -1);
	const tool = parseRuleTool(toolText, fail);
	if (specifierText === undefined) return {raw, list, tool};
	if (specifierText.trim() === '') fail('the parentheses are empty; write the tool name alone to match every use');
	if (tool.kind === 'mcp-server' || parseToolName(tool.name).kind === 'mcp') fail('MCP tools take no specifier; name the tool instead');
	if (tool.kind !== 'tool') return fail('unreachable');
	if (tool.name === 'Bash') return {raw, list, tool, specifier: parseCommandSpecifier(specifierText, fail)};
	if (PATH_TOOLS.has(tool.name)) return {raw, list, tool, specifier: parsePathSpecifier(specifierText, fail)};
	return fail(`${tool.name} takes no specifier here; only Bash and the file tools (${[...PATH_TOOLS].join(', ')}) do`);
}

function parseRuleTool(text: string, fail: (message: string) => never): RuleTool {
	if (/\s/.test(text)) fail('the tool name contains a space');
	if (text.startsWith('mcp__')) {
		const rest = text.slice('mcp__'.length);
		const separator = rest.indexOf('__');
		const server = separator === -1 ? rest : rest.slice(0, separator);
		const toolName = separator === -1 ? undefined : rest.slice(separator + 2);
		if (!IDENTIFIER.test(server) || server.includes('*')) fail('write mcp__<server> or mcp__<server>__<tool> with a server name');
		if (toolName === undefined || toolName === '*') return {kind: 'mcp-server', server};
		if (!IDENTIFIER.test(toolName)) fail('MCP tool names use letters, digits, "_" and "-"; the only wildcard is mcp__<server>__*');
		return {kind: 'tool', name: text};
	}

	if (text.includes('*')) fail('wildcards are only supported as mcp__<server>__* or inside a specifier');
	if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(text)) fail('the tool name must be letters and digits, e.g. Bash or Read');
	return {kind: 'tool', name: text};
}

function parseCommandSpecifier(text: string, fail: (message: string) => never): RuleSpecifier {
	const command = text.trim();
	if (command.endsWith(':*')) {
		const prefix = command.slice(0, -2).trim();
		if (prefix === '') fail('":*" needs a command before it, e.g. Bash(npm test:*)');
		if (prefix.includes(':*')) fail('":*" may only appear once, at the end');
		return {kind: 'command-prefix', prefix};
	}

	if (command.includes(':*')) fail('":*" may only appear at the end, e.g. Bash(npm test:*)');
	return {kind: 'command', command};
}

function parsePathSpecifier(text: string, fail: (message: string) => never): RuleSpecifier {
	let pattern = text.trim();
	let base: 'workspace' | 'root' | 'home' = 'workspace';
	let anchored = false;
	if (pattern.startsWith('//')) {
		base = 'root';
		pattern = pattern.slice(2);
		anchored = true;
	} else if (pattern.startsWith('~/')) {
		base = 'home';
		pattern = pattern.slice(2);
		anchored = true;
	} else if (pattern.startsWith('./')) {
		pattern = pattern.slice(2);
		anchored = true;
	} else if (pattern.startsWith('/')) {
		pattern = pattern.slice(1);
		anchored = true;
	}

	if (pattern === '' || pattern === '/') fail('the path pattern is empty');
	if (pattern.split('/').includes('..')) fail('path patterns may not contain ".."');
	// gitignore: a slash at the start or in the middle anchors the pattern; a trailing one means "directory".
	const directory = pattern.endsWith('/');
	if (directory) pattern = pattern.slice(0, -1);
	if (pattern.includes('/')) anchored = true;
	const body = globToRegex(pattern);
	const regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}${directory ? '/.*' : '(?:/.*)?'}$`);
	return {kind: 'path', pattern: text.trim(), base, regex};
}

function globToRegex(glob: string): string {
	let out = '';
	for (let i = 0; i < glob.length; i++) {
		const char = glob[i]!;
		if (char === '/' && glob.slice(i) === '/**') {
			// `dir/**` also covers `dir` itself, so a deny on a folder's contents catches a search of the folder.
			out += '(?:/.*)?';
			break;
		}

		if (char === '*' && glob[i + 1] === '*') {
			const slashAfter = glob[i + 2] === '/';
			out += slashAfter ? '(?:.*/)?' : '.*';
			i += slashAfter ? 2 : 1;
		} else if (char === '*') {
			out += '[^/]*';
		} else if (char === '?') {
			out += '[^/]';
		} else if (char === '[') {
			const close = glob.indexOf(']', i + 1);
			if (close === -1) {
				out += '\\[';
			} else {
				out += `[${glob
					.slice(i + 1, close)
					.replace(/^!/, '^')
					.replace(/\\/g, '\\\\')}]`;
				i = close;
			}
		} else {
			out += char.replace(/[.+^${}()|\\]/g, '\\$&');
		}
	}

	return out;
}

// ---------------------------------------------------------------------------------------------
// Matching.

/** The most severe rule matching the call: deny over ask over allow. */
export function findRule(call: PolicyCall, rules: PermissionRules, context: MatchContext): PermissionRule | undefined {
	for (const list of ['deny', 'ask', 'allow'] as const) {
		const rule = rules[list].find(candidate => ruleMatches(candidate, call, context));
		if (rule) return rule;
	}

	return undefined;
}

export function ruleMatches(rule: PermissionRule, call: PolicyCall, context: MatchContext): boolean {
	if (!toolMatches(rule.tool, call.name)) return false;
	const {specifier} = rule;
	if (!specifier) return true;
	const input = isObject(call.input) ? call.input : {};
	// Glob and Grep search the workspace root when no path is given.
	if (specifier.kind === 'path') return pathMatches(specifier, toolFilePath(call) ?? (call.name === 'Glob' || call.name === 'Grep' ? '.' : undefined), context);
	const command = typeof input.command === 'string' ? input.command.trim() : undefined;
	if (command === undefined) return false;
	if (specifier.kind === 'command') return command === specifier.command;
	// A prefix rule that allows must not allow `npm test && rm -rf ~`; one that denies or asks must still catch it.
	if (rule.list !== 'allow') return [command, ...shellSegments(command)].some(segment => startsWithWords(segment, specifier.prefix));
	return !SHELL_OPERATORS.test(command) && startsWithWords(command, specifier.prefix);
}

/** Whether the rule names this exact tool, as opposed to covering it through a server or family. */
export function namesToolExactly(rule: PermissionRule, toolName: string): boolean {
	return rule.tool.kind === 'tool' && rule.tool.name === toolName;
}

function toolMatches(tool: RuleTool, name: string): boolean {
	if (tool.kind === 'mcp-server') {
		const parsed = parseToolName(name);
		return parsed.kind === 'mcp' && parsed.server === tool.server;
	}

	if (tool.name === name) return true;
	if (tool.name === 'Edit') return EDIT_TOOLS.has(name);
	if (tool.name === 'Read') return READ_TOOLS.has(name);
	return false;
}

const SHELL_OPERATORS = /[;&|`\n<>]|\$\(/;

function shellSegments(command: string): string[] {
	return command
		.split(/&&|\|\||[;&|\n`()]|\$\(/)
		.map(segment => segment.trim())
		.filter(Boolean);
}

function startsWithWords(command: string, prefix: string): boolean {
	return command === prefix || command.startsWith(`${prefix} `);
}

/** The file or directory a local file tool acts on, as given in its input. */
export function toolFilePath(call: PolicyCall): string | undefined {
	if (!isObject(call.input)) return undefined;
	for (const key of ['file_path', 'notebook_path', 'path']) {
		const value = call.input[key];
		if (typeof value === 'string') return value;
	}

	return undefined;
}

function pathMatches(specifier: Extract<RuleSpecifier, {kind: 'path'}>, filePath: string | undefined, context: MatchContext): boolean {
	if (filePath === undefined) return false;
	const absolute = resolveInWorkspace(filePath, context);
	const base = specifier.base === 'root' ? '/' : specifier.base === 'home' ? context.homeDir : context.workspaceRoot;
	if (base === undefined) return false;
	const relative = path.posix.relative(base, absolute);
	if (escapes(relative)) return false;
	return specifier.regex.test(relative === '' ? '.' : relative);
}

/** Absolute, normalised path of a tool's file argument (relative paths are relative to the workspace). */
export function resolveInWorkspace(filePath: string, context: MatchContext): string {
	return path.posix.resolve(context.workspaceRoot, filePath);
}

export function isInsideWorkspace(filePath: string, context: MatchContext): boolean {
	return !escapes(path.posix.relative(context.workspaceRoot, resolveInWorkspace(filePath, context)));
}

function escapes(relative: string): boolean {
	return relative === '..' || relative.startsWith('../') || path.posix.isAbsolute(relative);
}
