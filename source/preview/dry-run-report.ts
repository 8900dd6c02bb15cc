/**
 * The local server's tools the preview calls, and the report of `pgpair_preview_sql` read back from JSON.
 * `parseDryRunReport` checks the parts the preview relies on, so a server of another version fails loudly instead
 * of showing a wrong diff.
 */
import type {DryRunError, DryRunReport} from '../sql/preview-report.js';

export const PREVIEW_TOOL = 'pgpair_preview_sql';
/** The server's proof that SQL only reads (source/supabase-local/read-proof.ts). */
export const CHECK_READ_ONLY_TOOL = 'pgpair_check_read_only';
/** Where SQL that runs unasked goes: proven again, then run as a least-privilege role under a deadline. */
export const READ_ONLY_SQL_TOOL = 'pgpair_execute_sql_read_only';

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
