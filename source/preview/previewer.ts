/**
 * What a call will do, before it is approved: the port behind `ToolPort.preview`. SQL is measured in the server's
 * sandbox (or, for a read, proven read-only in the catalog); Write and Edit are diffed here, without writing. The
 * preview carries the class it measured, and the gate takes the stronger of that and the syntax's class. What
 * cannot be measured is not run before the decision: it is shown as not previewed and counts as destructive.
 */
import type {CallPreview, MeasuredClass} from '../core/events.js';
import type {ToolCall} from '../core/ports.js';
import {classifySql, type SqlClassification} from '../policy/classify-sql.js';
import type {DryRunMode} from '../sql/preview-report.js';
import {parseMcpToolName} from '../tools/mcp-host.js';
import {CHECK_READ_ONLY_TOOL, PREVIEW_TOOL, parseDryRunReport} from './dry-run-report.js';
import {previewEdit, previewWrite} from './file-preview.js';
import {previewFromDryRun} from './sql-preview.js';

export type ServerToolResult = {isError: boolean; content: string};

export type PreviewerOptions = {
	/**
	 * Calls a tool of a connected MCP server directly (not through the approval gate, not shown to the model);
	 * `content` is the text result. `signal` is the preview's (the turn's) cancellation.
	 */
	callServerTool(server: string, tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ServerToolResult>;
	/** Whether that server offers the tool (the hosted Supabase server has no sandbox). */
	hasServerTool(server: string, tool: string): boolean;
	/** Whether reads can go to the server's read-only mode (the official server's read-only twin). */
	hasReadOnlyRoute?(server: string): boolean;
	/** Whether the server's database is production (a hosted project unless named a development one). */
	isProduction?(server: string): boolean;
	workspaceRoot: string;
};

export type Previewer = (call: ToolCall, signal: AbortSignal) => Promise<CallPreview | undefined>;

const SQL_MODES: Record<string, DryRunMode> = {apply_migration: 'migration', execute_sql: 'sql'};

export const UNAVAILABLE_SUMMARY = 'Not previewed: this server has no sandbox to measure SQL in, so the call counts as destructive; read the SQL carefully';

const record = (input: unknown): Record<string, unknown> =>
	input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};

/** Statement kinds that change the schema (the production guard applies to them through either SQL tool). */
const SCHEMA_CHANGE = /^(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE|TRUNCATE|SECURITY LABEL|REFRESH|REINDEX|CLUSTER|IMPORT|DO|CALL)\b/;

function productionViolations(syntax: SqlClassification, migration: boolean, production: boolean): string[] {
	if (!production) return [];
	if (migration || syntax.statements.some(s => SCHEMA_CHANGE.test(s.kind))) {
		return ['This changes the schema of production directly; apply it to a development branch, test it, then merge.'];
	}
	return [];
}

function notPreviewed(summary: string, syntax: SqlClassification, violations: string[], error?: string): CallPreview {
	const hazards = [...syntax.hazards.map(h => h.message), 'not previewed: it counts as destructive'];
	return {
		kind: 'unavailable',
		summary,
		hazards,
		...(error ? {error} : {}),
		measured: {class: 'destructive', hazards, ...(violations.length > 0 ? {violations} : {}), reason: 'Not previewed, so it counts as destructive.'},
	};
}

const PROVEN: MeasuredClass = {
	class: 'read-only',
	hazards: [],
	reason: 'Proven read-only in the catalog: every function, operator, type and view it reaches is built in.',
};
const READ_ROUTE: MeasuredClass = {class: 'read-only', hazards: [], reason: "Runs through the server's read-only mode, as its read-only role."};

export function createPreviewer(options: PreviewerOptions): Previewer {
	const jsonOf = (content: string): unknown => {
		try {
			return JSON.parse(content);
		} catch {
			return undefined;
		}
	};

	return async (call, signal) => {
		const input = record(call.input);
		if (call.name === 'Write') return previewWrite(options.workspaceRoot, input);
		if (call.name === 'Edit') return previewEdit(options.workspaceRoot, input);

		const target = parseMcpToolName(call.name);
		const mode = target ? SQL_MODES[target.tool] : undefined;
		if (!target || !mode) return undefined;
		const query = typeof input['query'] === 'string' ? input['query'] : undefined;
		if (query === undefined) {
			return {
				kind: 'unavailable',
				summary: 'No preview: the call carries no SQL.',
				hazards: [],
				error: 'query must be a string.',
				measured: {class: 'destructive', hazards: ['the call carries no SQL'], reason: 'There is no SQL to check.'},
			};
		}
		const projectArgs = typeof input['project_id'] === 'string' ? {project_id: input['project_id']} : {};
		const syntax = await classifySql(query);
		const production = options.isProduction?.(target.server) ?? false;
		const violations = productionViolations(syntax, mode === 'migration', production);

		// A read runs unasked only when it is proven, here, against this database's catalog.
		let floor: MeasuredClass | undefined;
		if (mode === 'sql' && syntax.class === 'read-only') {
			if (options.hasServerTool(target.server, CHECK_READ_ONLY_TOOL)) {
				signal.throwIfAborted();
				const answer = await options.callServerTool(target.server, CHECK_READ_ONLY_TOOL, {query, ...projectArgs}, signal);
				const body = jsonOf(answer.content) as {read_only?: boolean; reasons?: string[]} | undefined;
				if (!answer.isError && body?.read_only === true)
					return {kind: 'read', summary: 'reads only: everything it reaches is built in (checked in the catalog)', hazards: [], measured: PROVEN};
				const reasons = answer.isError ? [`it could not be checked: ${toolErrorMessage(answer.content)}`] : (body?.reasons ?? ['it is not provably read-only']);
				floor = {class: 'write', hazards: reasons.map(r => `not provably read-only: ${r}`), reason: 'Not provably read-only, so it asks.'};
			} else if (options.hasReadOnlyRoute?.(target.server)) {
				return {kind: 'read', summary: "reads only: it runs through the server's read-only mode", hazards: [], measured: READ_ROUTE};
			} else {
				floor = {
					class: 'write',
					hazards: ['not provably read-only: this server cannot check it'],
					reason: 'This server cannot prove it read-only, so it asks.',
				};
			}
		}

		if (!options.hasServerTool(target.server, PREVIEW_TOOL)) return notPreviewed(UNAVAILABLE_SUMMARY, syntax, violations);

		signal.throwIfAborted();
		const result = await options.callServerTool(target.server, PREVIEW_TOOL, {query, mode, ...projectArgs}, signal);
		signal.throwIfAborted();
		if (result.isError) {
			// The sandbox could not be made (the database did not start, …): nothing is known, so nothing is assumed.
			return notPreviewed(`Not previewed: ${toolErrorMessage(result.content)}`, syntax, violations);
		}
		const preview = await previewFromDryRun(parseDryRunReport(result.content), query, {production});
		const measured = preview.measured!;
		const combinedViolations = [...new Set([...(measured.violations ?? []), ...violations])];
		const hazards = [...(floor?.hazards ?? []), ...measured.hazards];
		return {
			...preview,
			hazards,
			measured: {
				...measured,
				class: floor && measured.class === 'read-only' ? floor.class : measured.class,
				hazards,
				...(combinedViolations.length > 0 ? {violations: combinedViolations} : {}),
			},
		};
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
