/**
 * Which tables a checkpoint on a real Postgres must back up before an approved call, read from the call's preview
 * (`DryRunReport`). Pure: the report already holds everything needed (relations by oid before and after, row changes,
 * the normalised schema dumps), so this is decided without touching the database.
 */

import type {DryRunRelation, DryRunReport} from '../../sql/preview-report.js';

export type AffectedTables = {
	/** Existing user tables the call changes the rows or the definition of, by name as it was before. */
	tables: string[];
	/**
	 * Tables that exist only after the call: created by it (a new oid), or an existing table under the new name it was
	 * renamed or moved to. A rewind drops these; the renamed table itself comes back under its old name from the backup.
	 */
	created: string[];
};

/** Only ordinary and partitioned tables hold rows pgpair can save; a foreign table's rows live elsewhere. */
const isLocalTable = (relation: DryRunRelation): boolean => relation.kind === 'table' && !relation.foreign;

/**
 * The dump lines that describe one table: its `table` line and its columns, constraints, indexes, policies,
 * triggers and grants. Every kind names the table as `schema.table` quoted like the report's names, followed by
 * a space, a dot or a colon, so `public.a` never picks up the lines of `public.ab`.
 */
export function definitionLines(dump: string, name: string): string[] {
	const prefixes = [`table ${name} `, `column ${name}.`, `constraint ${name}.`, `index ${name}.`, `policy ${name}.`, `trigger ${name}.`, `grant ${name} to `];
	return dump.split('\n').filter(line => prefixes.some(prefix => line.startsWith(prefix)));
}

/**
 * A table's definition lines with its own name replaced, so that a renamed table whose definition is otherwise the
 * same compares equal (the rename alone is recorded separately).
 */
function anonymised(lines: string[], name: string): string {
	return lines.map(line => line.replace(name, '\u0000')).join('\n');
}

export function affectedTables(report: DryRunReport): AffectedTables {
	const before = report.relations.before.filter(isLocalTable);
	const afterByOid = new Map(report.relations.after.map(r => [r.oid, r]));
	const beforeOids = new Set(report.relations.before.map(r => r.oid));
	const beforeNames = new Set(before.map(r => r.name));
	const tables = new Set<string>();
	const created = new Set<string>();

	// Any row change (insert, update, delete, truncate, also by a trigger or a cascade) to a table that existed.
	for (const change of report.rows) if (beforeNames.has(change.table)) tables.add(change.table);

	for (const table of before) {
		const after = afterByOid.get(table.oid);
		if (!after) {
			tables.add(table.name); // dropped
			continue;
		}
		if (after.filenode !== table.filenode) tables.add(table.name); // rewritten (TRUNCATE, type change, …)
		if (after.name !== table.name) {
			tables.add(table.name); // renamed or moved to another schema
			created.add(after.name);
			continue;
		}
		const was = anonymised(definitionLines(report.before, table.name), table.name);
		const now = anonymised(definitionLines(report.after, after.name), after.name);
		if (was !== now) tables.add(table.name); // altered: columns, constraints, indexes, policies, triggers, grants
	}

	for (const relation of report.relations.after) {
		if (isLocalTable(relation) && !beforeOids.has(relation.oid)) created.add(relation.name);
	}
	return {tables: [...tables].sort(), created: [...created].sort()};
}
