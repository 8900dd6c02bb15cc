/**
 * Classifies any tool call: MCP tools by their annotations, SQL tools by their SQL, and the local
 * Claude Code tools by what they are. The class drives the approval gate; hazards label the pane.
 *
 * `classifyCall` is async (it loads the SQL and shell parsers on first use); `classifyCallSync` needs
 * `await loadSqlParser()` (and, for Bash, `await loadShellParser()`) to have run.
 */

import {classifyShellSync} from './classify-shell.js';
import type {SqlClassification} from './classify-sql.js';
import {classifySqlSync} from './classify-sql.js';
import type {Hazard, ToolCallClass} from './hazards.js';
import {maxClass} from './hazards.js';
import {isShellParserLoaded, loadShellParser} from './shell-parser.js';
import {isObject, loadSqlParser} from './sql-parser.js';

/** MCP tool annotations as a server reports them in `tools/list`. */
export type ToolAnnotations = {
	readOnlyHint?: boolean;
	destructiveHint?: boolean;
	idempotentHint?: boolean;
	openWorldHint?: boolean;
};

export type PolicyCall = {name: string; input: unknown; annotations?: ToolAnnotations};

export type CallClassification = {
	class: ToolCallClass;
	hazards: Hazard[];
	/** One sentence on how the class was reached, for the pane and the transcript. */
	reason: string;
	/** Set for SQL tools. */
	sql?: SqlClassification;
	/** Set for Bash: the literal arguments and redirection targets of every command in it. */
	shellWords?: string[];
};

export type ToolName = {kind: 'mcp'; server: string; tool: string} | {kind: 'local'; tool: string};

export function parseToolName(name: string): ToolName {
	const match = /^mcp__(.+?)__(.+)$/.exec(name);
	if (match?.[1] && match[2]) return {kind: 'mcp', server: match[1], tool: match[2]};
	return {kind: 'local', tool: name};
}

/**
 * Tools whose `query` input is SQL. Their annotations say destructive for every call, which would
 * make even `select 1` need a key press, so the SQL decides instead.
 */
export const SQL_TOOLS: ReadonlySet<string> = new Set(['execute_sql', 'apply_migration']);

export const READ_TOOLS: ReadonlySet<string> = new Set(['Read', 'Glob', 'Grep', 'LS', 'NotebookRead']);
export const EDIT_TOOLS: ReadonlySet<string> = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

/** The SQL of an SQL tool call, or undefined for any other call. */
export function sqlOf(call: PolicyCall): string | undefined {
	const name = parseToolName(call.name);
	if (name.kind !== 'mcp' || !SQL_TOOLS.has(name.tool)) return undefined;
	return isObject(call.input) && typeof call.input.query === 'string' ? call.input.query : undefined;
}

export async function classifyCall(call: PolicyCall): Promise<CallClassification> {
	await loadSqlParser();
	if (call.name === 'Bash') await loadShellParser();
	return classifyCallSync(call);
}

export function classifyCallSync(call: PolicyCall): CallClassification {
	const name = parseToolName(call.name);
	if (name.kind === 'mcp') return SQL_TOOLS.has(name.tool) ? classifySqlCall(call, name.tool) : classifyByAnnotations(call.annotations);
	if (READ_TOOLS.has(name.tool)) return {class: 'read-only', hazards: [], reason: `${name.tool} only reads files.`};
	if (EDIT_TOOLS.has(name.tool)) return {class: 'write', hazards: [], reason: `${name.tool} changes files.`};
	if (name.tool === 'Bash') return classifyBash(call.input);
	return {class: 'write', hazards: [], reason: `${name.tool} is not known to be read-only.`};
}

function classifySqlCall(call: PolicyCall, tool: string): CallClassification {
	const query = isObject(call.input) ? call.input.query : undefined;
	if (typeof query !== 'string') {
		return {
			class: 'destructive',
			hazards: [{code: 'parse_error', message: `${tool} was called without a query string`}],
			reason: 'The call carries no SQL to check.',
		};
	}

	const sql = classifySqlSync(query);
	// A migration is recorded in the ledger even when its SQL only reads.
	const cls = tool === 'apply_migration' ? maxClass(sql.class, 'write') : sql.class;
	const reason = sql.parseError
		? 'The SQL does not parse, so nothing about it can be proven.'
		: `Classified from its SQL (${sql.statements.length} statement${sql.statements.length === 1 ? '' : 's'}).`;
	return {class: cls, hazards: sql.hazards, reason, sql};
}

/**
 * The reading of MCP annotations: destructiveHint wins, then readOnlyHint; no annotations
 * means write. (The MCP spec defaults destructiveHint to true; the gate still asks for every write,
 * so the difference is only whether "allow for the session" can cover the tool.)
 */
function classifyByAnnotations(annotations: ToolAnnotations | undefined): CallClassification {
	if (!annotations) return {class: 'write', hazards: [], reason: 'The tool has no annotations.'};
	if (annotations.destructiveHint === true) return {class: 'destructive', hazards: [], reason: 'The tool is annotated destructive.'};
	if (annotations.readOnlyHint === true) return {class: 'read-only', hazards: [], reason: 'The tool is annotated read-only.'};
	return {class: 'write', hazards: [], reason: 'The tool is annotated as changing state.'};
}

function classifyBash(input: unknown): CallClassification {
	const command = isObject(input) && typeof input.command === 'string' ? input.command : undefined;
	if (command === undefined)
		return {
			class: 'destructive',
			hazards: [{code: 'parse_error', message: 'Bash was called without a command string'}],
			reason: 'The call carries no command to check.',
		};
	// Fail closed: a caller that skipped `loadShellParser()` gets a question, not a guess.
	if (!isShellParserLoaded())
		return {
			class: 'destructive',
			hazards: [{code: 'parse_error', message: 'The shell parser is not loaded, so the command was not analysed'}],
			reason: 'The command could not be analysed.',
		};
	const {words, ...shell} = classifyShellSync(command);
	return {...shell, shellWords: words};
}
