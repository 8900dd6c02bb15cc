/**
 * What a call will do, before it is approved: the port behind `ToolPort.preview`. SQL goes to the local server's
 * dry run; Write and Edit are diffed here, without writing. Calls it knows nothing about get no preview.
 */
import type {CallPreview} from '../core/events.js';
import type {ToolCall} from '../core/ports.js';
import {classifySql} from '../policy/classify-sql.js';
import {parseMcpToolName} from '../tools/mcp-host.js';
import {parseDryRunReport, PREVIEW_TOOL, type DryRunMode} from './dry-run-report.js';
import {previewEdit, previewWrite} from './file-preview.js';
import {previewFromDryRun} from './sql-preview.js';

export type ServerToolResult = {isError: boolean; content: string};

export type PreviewerOptions = {
	/**
	 * Calls a tool of a connected MCP server directly (not through the approval gate, not shown to the model);
	 * `content` is the text result. `signal` is the preview's (the turn's) cancellation.
	 */
	callServerTool(server: string, tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ServerToolResult>;
	/** Whether that server offers the tool (the hosted Supabase server has no dry run). */
	hasServerTool(server: string, tool: string): boolean;
	workspaceRoot: string;
};

export type Previewer = (call: ToolCall, signal: AbortSignal) => Promise<CallPreview | undefined>;

const SQL_MODES: Record<string, DryRunMode> = {apply_migration: 'migration', execute_sql: 'sql'};

export const UNAVAILABLE_SUMMARY = 'This server cannot dry-run SQL; read the SQL carefully';

const record = (input: unknown): Record<string, unknown> => (input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {});

/**
 * Hazards that keep SQL out of the dry run: calls that act outside the transaction (side-effecting or
 * unknown functions, dynamic SQL, files, programs, server settings) or that the parser could not read.
 */
const NOT_DRY_RUNNABLE: ReadonlySet<string> = new Set(['side_effect_function', 'unknown_function', 'dynamic_sql', 'unanalysable_code', 'server_file_access', 'program_execution', 'system_config', 'parse_error']);

export function createPreviewer(options: PreviewerOptions): Previewer {
	return async (call, signal) => {
		const input = record(call.input);
		if (call.name === 'Write') return previewWrite(options.workspaceRoot, input);
		if (call.name === 'Edit') return previewEdit(options.workspaceRoot, input);

		const target = parseMcpToolName(call.name);
		const mode = target ? SQL_MODES[target.tool] : undefined;
		if (!target || !mode) return undefined;
		const query = typeof input['query'] === 'string' ? input['query'] : undefined;
		if (query === undefined) return {kind: 'unavailable', summary: 'No preview: the call carries no SQL.', hazards: [], error: 'query must be a string.'};

		if (!options.hasServerTool(target.server, PREVIEW_TOOL)) {
			const classification = await classifySql(query);
			return {kind: 'unavailable', summary: UNAVAILABLE_SUMMARY, hazards: classification.hazards.map((h) => h.message)};
		}

		// A dry run executes the SQL before anyone approved it. Only SQL whose every effect a rollback
		// undoes may run early; anything that can reach outside the transaction is shown unrun.
		const classification = await classifySql(query);
		const unsafe = classification.hazards.filter(h => NOT_DRY_RUNNABLE.has(h.code));
		if (unsafe.length > 0) {
			return {
				kind: 'unavailable',
				summary: 'Not dry-run: this SQL may have effects a rolled-back transaction cannot undo, so it only runs once you approve it.',
				hazards: classification.hazards.map(h => h.message),
				...(classification.parseError ? {error: classification.parseError.message} : {}),
			};
		}

		signal.throwIfAborted();
		const args: Record<string, unknown> = {query, mode, ...(typeof input['project_id'] === 'string' ? {project_id: input['project_id']} : {})};
		const result = await options.callServerTool(target.server, PREVIEW_TOOL, args, signal);
		signal.throwIfAborted();
		if (result.isError) {
			// The dry run could not be made (the database did not start, …): that says nothing against the SQL.
			const classification = await classifySql(query);
			return {kind: 'unavailable', summary: `No dry run: ${toolErrorMessage(result.content)}`, hazards: classification.hazards.map((h) => h.message)};
		}
		return previewFromDryRun(parseDryRunReport(result.content), query);
	};
}

function toolErrorMessage(content: string): string {
	try {
		const body = JSON.parse(content) as {error?: {message?: unknown}};
		if (typeof body.error?.message === 'string') return body.error.message;
	} catch {
		// plain text from the SDK (e.g. an input validation error)
	}
	return content.slice(0, 200);
}
