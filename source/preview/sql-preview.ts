import type {CallPreview} from '../core/events.js';
import {loadSqlParser, type ParsedStatement, parseSql} from '../policy/sql-parser.js';
import type {DryRunReport} from '../sql/preview-report.js';
import {formatDryRunError} from './dry-run-report.js';
import {objectKey} from './dump-lines.js';
import {type MeasureContext, measuredClassification} from './measured.js';
import {coloriseDiffLines, unifiedDiff} from './unified-diff.js';

export const SCHEMA_BEFORE = 'schema before';
export const SCHEMA_AFTER = 'schema after';

/** Dump line kinds in the order a summary names them. */
const OBJECT_KINDS = ['schema', 'table', 'column', 'constraint', 'index', 'policy', 'trigger', 'function', 'view', 'type', 'grant'] as const;

/** "2 columns added, 1 policy removed, 1 index changed" from the +/- lines of a schema diff. */
export function summariseSchemaDiff(diff: string): string {
	const added = new Map<string, {kind: string}>();
	const removed = new Map<string, {kind: string}>();
	for (const line of coloriseDiffLines(diff)) {
		if (line.kind !== 'add' && line.kind !== 'remove') continue;
		const identity = objectKey(line.text.slice(1));
		if (!identity) continue;
		(line.kind === 'add' ? added : removed).set(identity.key, identity);
	}
	const counts = new Map<string, {added: number; removed: number; changed: number}>();
	const bump = (kind: string, field: 'added' | 'removed' | 'changed') => {
		const entry = counts.get(kind) ?? {added: 0, removed: 0, changed: 0};
		entry[field]++;
		counts.set(kind, entry);
	};
	for (const [key, {kind}] of added) bump(kind, removed.has(key) ? 'changed' : 'added');
	for (const [key, {kind}] of removed) if (!added.has(key)) bump(kind, 'removed');
	const parts: string[] = [];
	for (const kind of OBJECT_KINDS) {
		const entry = counts.get(kind);
		if (!entry) continue;
		for (const field of ['added', 'changed', 'removed'] as const) {
			const n = entry[field];
			if (n > 0) parts.push(`${n} ${kind === 'index' && n > 1 ? 'indexes' : kind === 'policy' && n > 1 ? 'policies' : n > 1 ? `${kind}s` : kind} ${field}`);
		}
	}
	return parts.join(', ');
}

function rowsSummary(rows: DryRunReport['rows']): string {
	const verbs = {insert: 'insert', update: 'update', delete: 'delete', truncate: 'truncate'} as const;
	return rows.map(r => `${verbs[r.operation]} ${r.count.toLocaleString('en-US')} row${r.count === 1 ? '' : 's'} in ${r.table}`).join(', ');
}

async function statementsOf(query: string): Promise<ParsedStatement[]> {
	await loadSqlParser();
	const parsed = parseSql(query);
	return parsed.ok ? parsed.statements : [];
}

const WHERE: Record<DryRunReport['sandbox'], string> = {
	frozen: 'Measured in the database engine after freezing it: nothing it did reached the database, and it was restarted from the untouched files.',
	clone: 'Measured in a throwaway clone of the database.',
	'rolled-back-transaction': 'Measured in a rolled-back transaction, as a role without superuser, file or program rights.',
	none: 'Not previewed.',
};

/** Turns the server's dry run of `query` into what the approval pane shows, with the class it measured. */
export async function previewFromDryRun(report: DryRunReport, query: string, context: MeasureContext = {production: false}): Promise<CallPreview> {
	const statements = await statementsOf(query);
	const diff = unifiedDiff(SCHEMA_BEFORE, SCHEMA_AFTER, report.before, report.after);
	const measured = measuredClassification(report, statements, context);
	const hazards = measured.hazards.map(h => h.message);
	const schemaChange = summariseSchemaDiff(diff);
	const kind = report.mode === 'migration' || diff ? 'schema' : 'rows';
	const informational = report.notes.filter(note => !note.startsWith('Not dry-run'));
	let summary: string;
	if (report.sandbox === 'none') {
		summary = `not previewed: ${report.not_previewed.join('; ')}`;
	} else if (report.error) {
		summary = 'dry run failed: nothing would change; this SQL cannot be approved as is';
	} else {
		const parts = [schemaChange ? `schema change: ${schemaChange}` : kind === 'schema' ? 'no schema change' : ''];
		if (report.rows.length > 0) parts.push(`would ${rowsSummary(report.rows)}`);
		else if (kind === 'rows') parts.push('no rows would change');
		summary = parts.filter(Boolean).join('; ');
	}
	if (informational.length > 0) summary += ` (${informational.join(' ')})`;
	return {
		kind: report.sandbox === 'none' ? 'unavailable' : kind,
		summary,
		...(diff ? {diff} : {}),
		...(report.rows.length > 0 ? {rows: report.rows.map(r => ({table: r.table, operation: r.operation, count: r.count, sample: r.sample}))} : {}),
		hazards,
		...(report.error ? {error: formatDryRunError(report.error)} : {}),
		measured: {class: measured.class, hazards, ...(measured.violations.length > 0 ? {violations: measured.violations} : {}), reason: WHERE[report.sandbox]},
	};
}

/**
 * For the checklist's "migration reversible": an up then down dry run (`rollback_query`) must give back the
 * original schema. Returns the diff between the original and the round trip ('' when reversible).
 */
export function roundTripDiff(report: DryRunReport): {reversible: boolean; diff: string; error?: string} {
	if (report.error) return {reversible: false, diff: '', error: `the up migration fails: ${formatDryRunError(report.error)}`};
	if (report.rollback_error) return {reversible: false, diff: '', error: `the down migration fails: ${formatDryRunError(report.rollback_error)}`};
	if (report.after_rollback === undefined) return {reversible: false, diff: '', error: 'no down migration was run'};
	const diff = unifiedDiff(SCHEMA_BEFORE, 'schema after up and down', report.before, report.after_rollback);
	return {reversible: diff === '', diff};
}
