/**
 * The result of the local server's `pgpair_preview_sql` as the app receives it (JSON in an MCP text block). The
 * server lives behind MCP, so its type is restated here rather than imported; `parseDryRunReport` checks the parts
 * the preview relies on, so a server of another version fails loudly instead of showing a wrong diff.
 */

export const PREVIEW_TOOL = 'pgpair_preview_sql';

export type DryRunMode = 'migration' | 'sql';

export type DryRunError = {message: string; code?: string; position?: number; detail?: string; hint?: string};

export type DryRunRelation = {oid: number; name: string; schema: string; table: string; kind: 'table' | 'view'; filenode: number};

export type DryRunReport = {
	mode: DryRunMode;
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
	if (!valid) throw new Error('The dry run answered in an unexpected shape; is the local server the same version as pgpair?');
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
