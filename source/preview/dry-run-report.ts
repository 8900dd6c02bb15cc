/**
 * The result of the local server's `pgpair_preview_sql` as the app receives it (JSON in an MCP text block). The
 * server lives behind MCP, so its type is restated here rather than imported; `parseDryRunReport` checks the parts
 * the preview relies on, so a server of another version fails loudly instead of showing a wrong diff.
 */

export const PREVIEW_TOOL = 'pgpair_preview_sql';
/** The server's proof that SQL only reads (source/supabase-local/read-proof.ts). */
export const CHECK_READ_ONLY_TOOL = 'pgpair_check_read_only';
/** Where SQL that runs unasked goes: proven again, then run as a least-privilege role under a deadline. */
export const READ_ONLY_SQL_TOOL = 'pgpair_execute_sql_read_only';

export type DryRunMode = 'migration' | 'sql';

export type DryRunError = {message: string; code?: string; position?: number; detail?: string; hint?: string};

export type DryRunRelation = {oid: number; name: string; schema: string; table: string; kind: 'table' | 'view'; foreign?: true; filenode: number};

/** Code the SQL leaves behind to run later (a trigger's function, a rule, an event trigger), with its source. */
export type DryRunCode = {
	kind: 'function' | 'procedure' | 'rule' | 'event trigger';
	name: string;
	language?: string;
	securityDefiner?: boolean;
	definition: string;
	replaced?: boolean;
};

export type DryRunEffects = {
	sequences: {name: string; before: number | string | null; after: number | string | null}[];
	largeObjects: {before: number; after: number};
	/** Files written outside the database's own files (a clone can tell; a confined role cannot write any). */
	files?: string[];
	code: DryRunCode[];
};

export type DryRunReport = {
	mode: DryRunMode;
	/** Where it ran: the frozen embedded engine, a throwaway clone, a rolled-back transaction as a confined role, or nowhere. */
	sandbox: 'frozen' | 'clone' | 'rolled-back-transaction' | 'none';
	effects: DryRunEffects;
	/** What was not run and why; nothing is known about it. */
	not_previewed: string[];
	before: string;
	after: string;
	after_rollback?: string;
	error?: DryRunError;
	rollback_error?: DryRunError;
	locks: {relation: string; mode: string}[];
	rows: {table: string; operation: 'insert' | 'update' | 'delete' | 'truncate'; count: number; sample: Record<string, unknown>[]}[];
	tables: {name: string; rows: number; estimated?: boolean}[];
	relations: {before: DryRunRelation[]; after: DryRunRelation[]};
	notes: string[];
	duration_ms: number;
};

export function parseDryRunReport(text: string): DryRunReport {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw new Error(`The dry run answered with something that is not JSON: ${text.slice(0, 120)}`);
	}
	const report = value as Partial<DryRunReport> | null;
	const valid =
		report !== null &&
		typeof report === 'object' &&
		typeof report.before === 'string' &&
		typeof report.after === 'string' &&
		Array.isArray(report.locks) &&
		Array.isArray(report.rows) &&
		Array.isArray(report.tables) &&
		Array.isArray(report.relations?.before) &&
		Array.isArray(report.relations?.after);
	if (!valid || !report.effects || !Array.isArray(report.not_previewed)) {
		throw new Error('The dry run answered in an unexpected shape; is the local server the same version as pgpair?');
	}
	return {...(report as DryRunReport), notes: Array.isArray(report.notes) ? report.notes : []};
}

/** Postgres's error as one line: the code, the message, where, and the hint. */
export function formatDryRunError(error: DryRunError): string {
	const parts = [`${error.code ? `ERROR ${error.code}: ` : 'ERROR: '}${error.message}`];
	if (error.position !== undefined) parts.push(`at character ${error.position}`);
	if (error.detail) parts.push(error.detail);
	if (error.hint) parts.push(`hint: ${error.hint}`);
	return parts.join(' · ');
}
