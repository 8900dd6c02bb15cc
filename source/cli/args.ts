/** Command-line parsing: pure, so every flag combination is testable without starting anything. */
import {parseArgs} from 'node:util';

import type {OutputFormat, SessionArgs} from '../session/options.js';

export type {OutputFormat};

export type ChatArgs = SessionArgs & {
	command: 'chat';
	prompt?: string;
	print: boolean;
	outputFormat: OutputFormat;
	agent?: string;
	allow: string[];
	deny: string[];
	permissionMode?: 'default' | 'acceptEdits' | 'plan';
	allowDestructiveRules: boolean;
	/** Run every Bash command in the OS sandbox (also `"sandbox": {"enabled": true}` in settings). */
	sandbox?: boolean;
};

export type Command =
	| ChatArgs
	| {command: 'mcp'; argv: string[]}
	| {command: 'replay' | 'sessions' | 'export' | 'trust' | 'rewind'; argv: string[]}
	| {command: 'help'}
	| {command: 'version'};

export class UsageError extends Error {
	override name = 'UsageError';
}

export const USAGE = `pgpair — pair-program with a Claude backend engineer on Supabase/Postgres, and stay in control.

Usage
  pgpair [prompt]                 open the TUI (optionally starting with a prompt)
  pgpair -p "<prompt>"            run one turn without the TUI and print the answer
  pgpair --continue | --resume [id]
                                  go on with the latest session here, a given one, or (no id) one
                                  chosen from a list of this workspace's saved sessions
  pgpair replay <file|id> [--print]
                                  step through a saved session (nothing is executed)
  pgpair sessions [--pick] [--json]
                                  list saved sessions, newest first
  pgpair export <id> --format md|json|html [--output <file>]
                                  write a readable record of a session
  pgpair rewind --list | <checkpoint> [--yes]
                                  list the checkpoints saved before each approved change, or put the
                                  database and files back as they were at one (--session <id>)
  pgpair trust [--yes]            review the servers of ./.mcp.json that are new or changed; only
                                  trusted servers start
  pgpair mcp [--read-only] [--db <url>] [--data-dir <dir>]
                                  serve the local Supabase MCP server over stdio

Options
  -p, --print                     headless: run the prompt, print the final answer, exit
      --output-format <f>         text (default), json, stream-json (one event per line)
      --scripted <file>           answer from a script file instead of the Anthropic API (offline)
      --agent <file|name>         agent file, or a name in ./.claude/agents (default: built-in backend-engineer)
      --model <id|alias>          sonnet, opus, haiku, inherit or a model id (overrides the agent file)
      --max-turns <n>             cap on model rounds in one turn (default 100)
      --sessions-dir <dir>        where transcripts are written (default ./sessions)
  -r, --resume [id]               go on with a saved session; without an id, choose it from a list
  -c, --continue                  go on with the latest session in this folder
      --allow <rule>              allow calls matching a rule, e.g. mcp__supabase__list_tables, Bash(npm test:*) (repeatable)
      --deny <rule>               deny calls matching a rule (repeatable; deny wins over everything)
      --allowedTools <rules>      Claude Code's name for --allow: rules separated by commas or spaces
      --disallowedTools <rules>   Claude Code's name for --deny
      --permission-mode <m>       default (ask before changes), acceptEdits (file edits allowed), plan (no changes)
      --allow-destructive-rules   let an --allow rule that names a tool exactly cover its destructive calls
      --sandbox                   run shell commands in an OS sandbox: writes only in the workspace (never to
                                  .mcp.json, .claude/, .pgpair/, sessions/, .git/), no network (needs bwrap and
                                  socat on Linux; if unavailable, every shell command asks)
      --production                treat DATABASE_URL as production: schema changes must go through a branch
      --development               the hosted project (official Supabase server) is a development project
                                  (hosted projects count as production otherwise)
      --mcp-config <file>         MCP servers file (default ./.mcp.json; built-in local Supabase if none)
      --debug-log <file>          write diagnostics here (default .pgpair/debug.log)
  -h, --help                      show this help
  -v, --version                   show the version

Environment
  ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, ANTHROPIC_MODEL, DATABASE_URL`;

export function parseCommand(argv: readonly string[]): Command {
	if (argv[0] === 'mcp') return {command: 'mcp', argv: argv.slice(1)};
	if (argv[0] === 'replay' || argv[0] === 'sessions' || argv[0] === 'export' || argv[0] === 'trust' || argv[0] === 'rewind')
		return {command: argv[0], argv: argv.slice(1)};

	const bare = withoutBareResume(argv);
	const {values, positionals} = parseChatOptions(bare.argv);
	if (values.help) return {command: 'help'};
	if (values.version) return {command: 'version'};

	const outputFormat = values['output-format'] ?? 'text';
	if (outputFormat !== 'text' && outputFormat !== 'json' && outputFormat !== 'stream-json') {
		throw new UsageError(`--output-format must be text, json or stream-json (got ${outputFormat})`);
	}

	const maxTurns = values['max-turns'] === undefined ? 100 : Number(values['max-turns']);
	if (!Number.isInteger(maxTurns) || maxTurns < 1) throw new UsageError(`--max-turns must be a positive whole number (got ${values['max-turns']})`);

	const permissionMode = values['permission-mode'];
	if (permissionMode !== undefined && permissionMode !== 'default' && permissionMode !== 'acceptEdits' && permissionMode !== 'plan') {
		throw new UsageError(`--permission-mode must be default, acceptEdits or plan (got ${permissionMode})`);
	}

	const prompt = positionals.join(' ').trim() || undefined;
	const print = values.print === true;
	if (print && !prompt) throw new UsageError('-p needs a prompt: pgpair -p "list my tables"');
	if (print && bare.pick) throw new UsageError('-p cannot choose a session from a list: give --resume a session id, or use --continue');

	return {
		command: 'chat',
		...(prompt ? {prompt} : {}),
		print,
		outputFormat,
		...(values.scripted ? {scripted: values.scripted} : {}),
		...(values.agent ? {agent: values.agent} : {}),
		...(values.model ? {model: values.model} : {}),
		maxTurns,
		...(values['sessions-dir'] ? {sessionsDir: values['sessions-dir']} : {}),
		allow: [...(values.allow ?? []), ...ruleList(values.allowedTools), ...ruleList(values['allowed-tools'])],
		deny: [...(values.deny ?? []), ...ruleList(values.disallowedTools), ...ruleList(values['disallowed-tools'])],
		...(permissionMode ? {permissionMode} : {}),
		allowDestructiveRules: values['allow-destructive-rules'] === true,
		...(values.sandbox ? {sandbox: true} : {}),
		production: values.production === true,
		development: values.development === true,
		...(values['mcp-config'] ? {mcpConfig: values['mcp-config']} : {}),
		...(values.resume ? {resume: values.resume} : bare.pick ? {resume: true as const} : {}),
		continue: values.continue === true,
		...(values['debug-log'] ? {debugLog: values['debug-log']} : {}),
	};
}

const CHAT_OPTIONS = {
	print: {type: 'boolean', short: 'p'},
	'output-format': {type: 'string'},
	scripted: {type: 'string'},
	agent: {type: 'string'},
	model: {type: 'string'},
	'max-turns': {type: 'string'},
	'sessions-dir': {type: 'string'},
	allow: {type: 'string', multiple: true},
	deny: {type: 'string', multiple: true},
	// Claude Code's names for the same: a list of rules, separated by commas or spaces, repeatable.
	allowedTools: {type: 'string', multiple: true},
	'allowed-tools': {type: 'string', multiple: true},
	disallowedTools: {type: 'string', multiple: true},
	'disallowed-tools': {type: 'string', multiple: true},
	'permission-mode': {type: 'string'},
	'allow-destructive-rules': {type: 'boolean'},
	sandbox: {type: 'boolean'},
	production: {type: 'boolean'},
	development: {type: 'boolean'},
	'mcp-config': {type: 'string'},
	resume: {type: 'string', short: 'r'},
	continue: {type: 'boolean', short: 'c'},
	'debug-log': {type: 'string'},
	help: {type: 'boolean', short: 'h'},
	version: {type: 'boolean', short: 'v'},
} as const;

/**
 * `--resume` (or `-r`) with no id after it (the end, or another option) asks for the list of saved sessions, as Claude
 * Code's does; parseArgs knows no optional values, so such a bare one is taken out before it parses.
 */
function withoutBareResume(argv: readonly string[]): {argv: string[]; pick: boolean} {
	const end = argv.indexOf('--');
	const options = end === -1 ? argv.length : end;
	const kept: string[] = [];
	let pick = false;
	for (const [index, arg] of argv.entries()) {
		const next = argv[index + 1];
		if (index < options && (arg === '--resume' || arg === '-r') && (index + 1 >= options || next === undefined || next.startsWith('-'))) pick = true;
		else kept.push(arg);
	}

	return {argv: kept, pick};
}

/**
 * Rules as Claude Code's `--allowedTools` takes them: `"Bash(git log:*) Edit,Read"`. A comma or a space separates
 * rules, except inside a rule's parentheses, where a command's own spaces are.
 */
export function ruleList(values: readonly string[] | undefined): string[] {
	const rules: string[] = [];
	for (const value of values ?? []) {
		let depth = 0;
		let current = '';
		for (const char of value) {
			if (char === '(') depth++;
			if (char === ')') depth = Math.max(0, depth - 1);
			if (depth === 0 && (char === ',' || /\s/.test(char))) {
				if (current) rules.push(current);
				current = '';
				continue;
			}
			current += char;
		}
		if (current) rules.push(current);
	}
	return rules;
}

function parseChatOptions(argv: readonly string[]) {
	try {
		return parseArgs({args: [...argv], allowPositionals: true, strict: true, options: CHAT_OPTIONS});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}
