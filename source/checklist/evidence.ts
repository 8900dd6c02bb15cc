/**
 * The evidence port: everything a checklist evaluator may ask the database or the workspace. Evaluators see only
 * this interface, so they stay testable and the core never touches MCP; `createMcpEvidence` implements it over the
 * local Supabase MCP server's tools.
 */
import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {parseToolJson, unfenceRows} from './tool-results.js';

export type Row = Record<string, unknown>;

export type AdvisorLint = {
	name: string;
	title: string;
	level: 'ERROR' | 'WARN' | 'INFO' | (string & {});
	count?: number;
	findings: Array<{detail: string; metadata: Record<string, unknown>}>;
};

export type WorkspaceFile = {path: string; content: string};

/** One ledger row joined with its workspace files, oldest first. */
export type MigrationRecord = {
	version: string;
	name: string;
	/** `supabase/migrations/<version>_<name>.sql`, when present. */
	file?: WorkspaceFile;
	/** `supabase/migrations/<version>_<name>.down.sql`, when present. */
	downFile?: WorkspaceFile;
};

/** Normalised schema dumps of a dry run on a scratch copy: before, after `query`, after `rollback_query` too. */
export type SchemaPreview =
	| {available: true; before: string; after: string; after_rollback?: string; error?: string}
	/** The server cannot dry-run (no `pgpair_preview_sql`), or the call failed for another reason. */
	| {available: false; reason: string};

export type EdgeFunctionSource = {
	slug: string;
	version: number;
	entrypoint: string;
	files: Array<{name: string; content: string}>;
};

export type Evidence = {
	/** Read-only SQL on the main project; rows of the last statement. Throws with the server's message. */
	query(sql: string): Promise<Row[]>;
	advisors(type: 'security' | 'performance'): Promise<AdvisorLint[]>;
	migrations(): Promise<MigrationRecord[]>;
	previewSql(input: {query: string; rollback_query?: string; project_id?: string}): Promise<SchemaPreview>;
	edgeFunctions(): Promise<EdgeFunctionSource[]>;
	/** Calls a deployed function with a malformed body and without authorization (the server's probe). */
	probeEdgeFunction?(slug: string): Promise<EdgeFunctionProbe>;
};

export type EdgeFunctionProbe =
	| {available: true; ok: boolean; probes: Array<{name: string; status: number; json: boolean; survived: boolean}>}
	| {available: false; reason: string};

export const PROBE_TOOL = 'pgpair_probe_edge_function';

/** Calls one tool of the Supabase MCP server by its bare name (`execute_sql`), as the server names it. */
export type CallTool = (name: string, args: object) => Promise<{isError: boolean; content: string}>;

export const PREVIEW_TOOL = 'pgpair_preview_sql';

export class EvidenceError extends Error {
	override name = 'EvidenceError';
}

/** The tool's error text: `{"error":{"message"}}` from our server, or the SDK's plain text. */
function errorText(content: string): string {
	try {
		const body = JSON.parse(content) as {error?: {message?: unknown}};
		if (typeof body.error?.message === 'string') return body.error.message;
	} catch {
		// Not JSON: the SDK's own message, e.g. "MCP error -32602: Tool … not found".
	}
	return content;
}

async function callJson(callTool: CallTool, name: string, args: object): Promise<unknown> {
	const result = await callTool(name, args);
	if (result.isError) throw new EvidenceError(`${name} failed: ${errorText(result.content)}`);
	return parseToolJson(result.content);
}

/** The dry run reports Postgres errors as `{message, code, position, …}`; older builds as plain text. */
function dryRunError(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (value && typeof value === 'object' && typeof (value as {message?: unknown}).message === 'string') return (value as {message: string}).message;
	return undefined;
}

const MISSING_TOOL = /not found|unknown tool|no such tool|not available/i;

export type McpEvidenceOptions = {
	/** Where `supabase/migrations` lives; without it `migrations()` reports the ledger only. */
	workspace?: string;
};

export function createMcpEvidence(callTool: CallTool, options: McpEvidenceOptions = {}): Evidence {
	return {
		async query(sql) {
			// The caller sends this through the read route: the SQL is proven read-only again and runs as a
			// least-privilege role in a read-only transaction (or on a hosted project's read-only server).
			const body = await callJson(callTool, 'execute_sql', {query: sql});
			const result = (body as {result?: unknown}).result;
			if (typeof result !== 'string') throw new EvidenceError('execute_sql returned no result text.');
			return unfenceRows(result);
		},

		async advisors(type) {
			const body = (await callJson(callTool, 'get_advisors', {type})) as {result?: {lints?: AdvisorLint[]}};
			return body.result?.lints ?? [];
		},

		async migrations() {
			const body = (await callJson(callTool, 'list_migrations', {})) as {migrations?: Array<{version: string; name: string}>};
			const ledger = body.migrations ?? [];
			const files = options.workspace ? await migrationFiles(options.workspace) : new Map<string, WorkspaceFile>();
			return ledger.map(({version, name}) => {
				const file = files.get(`${version}_${name}.sql`);
				const downFile = files.get(`${version}_${name}.down.sql`);
				return {version, name, ...(file ? {file} : {}), ...(downFile ? {downFile} : {})};
			});
		},

		async previewSql(input) {
			let result: {isError: boolean; content: string};
			try {
				result = await callTool(PREVIEW_TOOL, {mode: 'migration', ...input});
			} catch (error) {
				return {available: false, reason: `${PREVIEW_TOOL} failed: ${(error as Error).message}`};
			}
			if (result.isError) {
				const message = errorText(result.content);
				const reason =
					MISSING_TOOL.test(message) && message.includes(PREVIEW_TOOL) ? `the server has no ${PREVIEW_TOOL} tool` : `${PREVIEW_TOOL} failed: ${message}`;
				return {available: false, reason};
			}
			const body = parseToolJson(result.content) as Partial<{before: string; after: string; after_rollback: string; error: unknown; rollback_error: unknown}>;
			const error = dryRunError(body.error);
			const rollbackError = dryRunError(body.rollback_error);
			const failure = error ?? (rollbackError ? `the rollback failed: ${rollbackError}` : undefined);
			if (typeof body.before !== 'string' || typeof body.after !== 'string') {
				// A dry run that failed before producing dumps still tells us why.
				if (failure) return {available: true, before: '', after: '', error: failure};
				return {available: false, reason: `${PREVIEW_TOOL} returned no schema dumps`};
			}
			return {
				available: true,
				before: body.before,
				after: body.after,
				...(typeof body.after_rollback === 'string' ? {after_rollback: body.after_rollback} : {}),
				...(failure ? {error: failure} : {}),
			};
		},

		async edgeFunctions() {
			const body = (await callJson(callTool, 'list_edge_functions', {})) as {functions?: Array<{slug: string}>};
			const sources: EdgeFunctionSource[] = [];
			for (const {slug} of body.functions ?? []) {
				const fn = (await callJson(callTool, 'get_edge_function', {function_slug: slug})) as {
					slug: string;
					version: number;
					entrypoint_path?: string;
					files?: Array<{name: string; content: string}>;
				};
				sources.push({slug: fn.slug, version: fn.version, entrypoint: fn.entrypoint_path ?? 'index.ts', files: fn.files ?? []});
			}
			return sources;
		},

		async probeEdgeFunction(slug) {
			const result = await callTool(PROBE_TOOL, {slug});
			if (result.isError) return {available: false, reason: result.content.slice(0, 200)};
			const body = JSON.parse(result.content) as {ok: boolean; probes: Array<{name: string; status: number; json: boolean; survived: boolean; body?: string}>};
			// Without Deno the gateway itself answers 503: that says nothing about the function's own error handling.
			if (body.probes.every(probe => (probe.body ?? '').includes('DENO_NOT_INSTALLED')))
				return {available: false, reason: 'Deno is not installed, so functions cannot be called'};
			return {available: true, ok: body.ok, probes: body.probes.map(({name, status, json, survived}) => ({name, status, json, survived}))};
		},
	};
}

async function migrationFiles(workspace: string): Promise<Map<string, WorkspaceFile>> {
	const directory = path.join(workspace, 'supabase', 'migrations');
	let names: string[];
	try {
		names = await readdir(directory);
	} catch {
		return new Map();
	}
	const files = new Map<string, WorkspaceFile>();
	for (const name of names.filter(n => n.endsWith('.sql'))) {
		const file = path.join(directory, name);
		files.set(name, {path: path.relative(workspace, file), content: await readFile(file, 'utf8')});
	}
	return files;
}
