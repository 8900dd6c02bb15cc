/**
 * Hazard labels from a dry run: what the schema dumps, the relations by oid, the locks and the row changes show,
 * helped by the parsed SQL where the dumps cannot tell (a rename is not a drop; a NOT NULL column on a table with
 * rows fails before there is an "after" to look at). Pure: the inputs are data.
 */
import {type Hazard, type HazardCode, rlsDisabledHazard} from '../policy/hazards.js';
import type {ParsedStatement} from '../policy/sql-parser.js';
import {asArray, isObject, onlyEntry} from '../policy/sql-parser.js';
import {quoteIdent} from '../sql/identifiers.js';
import type {DryRunRelation, DryRunReport} from '../sql/preview-report.js';

export type DumpIdentity = {names: string[]; rest: string};

/** Reads `count` dot-separated identifiers, bare or double-quoted as `format('%I')` prints them. */
export function readIdentifiers(text: string, count: number): DumpIdentity | undefined {
	const names: string[] = [];
	let index = 0;
	for (let n = 0; n < count; n++) {
		if (n > 0) {
			if (text[index] !== '.') return undefined;
			index++;
		}
		if (text[index] === '"') {
			let name = '';
			index++;
			for (;;) {
				const quote = text.indexOf('"', index);
				if (quote === -1) return undefined;
				name += text.slice(index, quote);
				if (text[quote + 1] === '"') {
					name += '"';
					index = quote + 2;
				} else {
					index = quote + 1;
					break;
				}
			}
			names.push(name);
		} else {
			const match = /^[^\s."():]+/.exec(text.slice(index));
			if (!match) return undefined;
			names.push(match[0]);
			index += match[0].length;
		}
	}
	return {names, rest: text.slice(index)};
}

type Line = {kind: string; names: string[]; rest: string};

/** Dump lines of the kinds the hazards read, by their identity. */
function parseDump(dump: string): Line[] {
	const lines: Line[] = [];
	for (const text of dump.split('\n')) {
		const match = /^(table|partitioned table|column|policy) /.exec(text);
		if (!match) continue;
		const kind = match[1]!;
		const parsed = readIdentifiers(text.slice(match[0].length), kind === 'column' || kind === 'policy' ? 3 : 2);
		if (parsed) lines.push({kind: kind === 'partitioned table' ? 'table' : kind, ...parsed});
	}
	return lines;
}

const tableKey = (schema: string, table: string) => `${schema}\u0000${table}`;

function plural(count: number, word: string): string {
	return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

/** "12 rows", "no rows", "about 40,000 rows" for an estimate. */
export function rowsText(table: {rows: number; estimated?: boolean} | undefined): string {
	if (!table) return 'rows unknown';
	if (table.rows === 0 && !table.estimated) return 'no rows';
	return `${table.estimated ? 'about ' : ''}${plural(table.rows, 'row')}`;
}

type Relation = {schemaname?: string; relname: string};

function rangeVar(node: unknown): Relation | undefined {
	const body = isObject(node) && isObject(node.RangeVar) ? node.RangeVar : node;
	if (!isObject(body) || typeof body.relname !== 'string') return undefined;
	return {relname: body.relname, ...(typeof body.schemaname === 'string' ? {schemaname: body.schemaname} : {})};
}

/** Resolves a name as written (maybe unqualified) to a table that existed before: `public` first, as search_path does. */
function resolve(relations: readonly DryRunRelation[], relation: Relation | undefined): DryRunRelation | undefined {
	if (!relation) return undefined;
	const candidates = relations.filter(r => r.table === relation.relname && (relation.schemaname === undefined || r.schema === relation.schemaname));
	return candidates.find(r => r.schema === 'public') ?? candidates[0];
}

type AlterCommand = {table: DryRunRelation | undefined; subtype: string; name?: string; def: Record<string, unknown>};

function alterCommands(statements: readonly ParsedStatement[], relations: readonly DryRunRelation[]): AlterCommand[] {
	const commands: AlterCommand[] = [];
	for (const statement of statements) {
		if (statement.type !== 'AlterTableStmt') continue;
		const table = resolve(relations, rangeVar(statement.body.relation));
		for (const item of asArray(statement.body.cmds)) {
			const [, cmd] = onlyEntry(item);
			commands.push({
				table,
				subtype: String(cmd.subtype),
				...(typeof cmd.name === 'string' ? {name: cmd.name} : {}),
				def: isObject(cmd.def) ? cmd.def : {},
			});
		}
	}
	return commands;
}

function renamedColumns(statements: readonly ParsedStatement[], relations: readonly DryRunRelation[]): Set<string> {
	const renamed = new Set<string>();
	for (const statement of statements) {
		if (statement.type !== 'RenameStmt' || statement.body.renameType !== 'OBJECT_COLUMN') continue;
		const table = resolve(relations, rangeVar(statement.body.relation));
		if (table && typeof statement.body.subname === 'string') renamed.add(`${table.oid}:${statement.body.subname}`);
	}
	return renamed;
}

/** The constraint kinds of a `ColumnDef`. */
function columnConstraints(def: Record<string, unknown>): Set<string> {
	const column = isObject(def.ColumnDef) ? def.ColumnDef : {};
	const kinds = new Set<string>();
	for (const item of asArray(column.constraints)) {
		const [, constraint] = onlyEntry(item);
		if (typeof constraint.contype === 'string') kinds.add(constraint.contype);
	}
	if (column.identity || column.generated) kinds.add('CONSTR_IDENTITY');
	return kinds;
}

const quoteIfNeeded = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdent(name));
const displayKey = (key: string) => key.split('\u0000').map(quoteIfNeeded).join('.');

/**
 * Every hazard the dry run shows, as labels for the pane: data deleted, table rewrite, NOT NULL without default on
 * a table with rows, exclusive locks, RLS disabled, policy removed, and statements that were not previewed.
 */
export function dryRunHazards(report: DryRunReport, statements: readonly ParsedStatement[]): Hazard[] {
	const found: Hazard[] = [];
	const hazards = {
		push(message: string, code: HazardCode = codeOf(message), object?: string) {
			found.push({code, message, ...(object ? {object} : {})});
		},
	};
	const before = report.relations.before;
	const afterByOid = new Map(report.relations.after.map(r => [r.oid, r]));
	const rowsOf = new Map(report.tables.map(t => [t.name, t]));
	const truncated = new Set(report.rows.filter(r => r.operation === 'truncate').map(r => r.table));
	const commands = alterCommands(statements, before);

	// Data deleted: tables gone (a renamed table keeps its oid), columns gone, truncations, deleted rows.
	for (const relation of before) {
		if (relation.kind === 'table' && !afterByOid.has(relation.oid)) {
			hazards.push(`data deleted: table ${relation.name} is dropped with its ${rowsText(rowsOf.get(relation.name))}`);
		}
	}
	if (!report.error) {
		const beforeLines = parseDump(report.before);
		const afterLines = parseDump(report.after);
		const columnsAfter = new Set(afterLines.filter(l => l.kind === 'column').map(l => `${tableKey(l.names[0]!, l.names[1]!)}:${l.names[2]}`));
		const renamed = renamedColumns(statements, before);
		const byKey = new Map(before.map(r => [tableKey(r.schema, r.table), r]));
		for (const line of beforeLines.filter(l => l.kind === 'column')) {
			const table = byKey.get(tableKey(line.names[0]!, line.names[1]!));
			const now = table && afterByOid.get(table.oid);
			if (!table || !now || renamed.has(`${table.oid}:${line.names[2]}`)) continue;
			if (!columnsAfter.has(`${tableKey(now.schema, now.table)}:${line.names[2]}`)) {
				hazards.push(`data deleted: column ${now.name}.${quoteIfNeeded(line.names[2]!)} is dropped with its data (${rowsText(rowsOf.get(table.name))})`);
			}
		}
	}
	for (const change of report.rows) {
		if (change.operation === 'truncate' && change.count > 0) hazards.push(`data deleted: TRUNCATE empties ${change.table} (${rowsText({rows: change.count})})`);
		else if (change.operation === 'delete' && change.count > 0) hazards.push(`data deleted: ${plural(change.count, 'row')} deleted from ${change.table}`);
	}

	// Table rewrite: Postgres gives a rewritten table new storage (a new filenode).
	for (const relation of before) {
		const now = afterByOid.get(relation.oid);
		if (!now || relation.kind !== 'table' || relation.filenode === 0 || now.filenode === relation.filenode || truncated.has(relation.name)) continue;
		const typeChanges = commands.filter(c => c.table?.oid === relation.oid && c.subtype === 'AT_AlterColumnType' && c.name).map(c => c.name!);
		const why = typeChanges.length > 0 ? ` (type change of ${typeChanges.map(quoteIfNeeded).join(', ')})` : '';
		hazards.push(`table rewrite: ${relation.name} is rewritten${why}, ${rowsText(rowsOf.get(relation.name))}; reads and writes wait until it finishes`);
	}

	// NOT NULL without a default on a table with rows: existing rows have no value, so Postgres refuses it.
	for (const command of commands) {
		const table = command.table;
		const rows = table ? rowsOf.get(table.name) : undefined;
		if (!table || !rows || rows.rows === 0) continue;
		if (command.subtype === 'AT_AddColumn') {
			const kinds = columnConstraints(command.def);
			const notNull = kinds.has('CONSTR_NOTNULL') || kinds.has('CONSTR_PRIMARY');
			const filled = kinds.has('CONSTR_DEFAULT') || kinds.has('CONSTR_IDENTITY') || kinds.has('CONSTR_GENERATED');
			const column = isObject(command.def.ColumnDef) && typeof command.def.ColumnDef.colname === 'string' ? command.def.ColumnDef.colname : '?';
			if (notNull && !filled) hazards.push(`NOT NULL without default: new column ${table.name}.${quoteIfNeeded(column)} on a table with ${rowsText(rows)}`);
		} else if (command.subtype === 'AT_SetNotNull' && command.name) {
			const line = parseDump(report.before).find(
				l => l.kind === 'column' && l.names[0] === table.schema && l.names[1] === table.table && l.names[2] === command.name,
			);
			if (line && !line.rest.includes(' default '))
				hazards.push(`NOT NULL without default: ${table.name}.${quoteIfNeeded(command.name)} becomes NOT NULL on a table with ${rowsText(rows)}`);
		}
	}

	for (const lock of report.locks) {
		hazards.push(`exclusive lock: ACCESS EXCLUSIVE on ${lock.relation} blocks its readers and writers until the change commits`);
	}

	if (!report.error) {
		const beforeLines = parseDump(report.before);
		const afterLines = parseDump(report.after);
		const byKey = new Map(before.map(r => [tableKey(r.schema, r.table), r]));
		// Follows renames through the oid; platform tables (storage.objects) are not in the list and keep their name.
		const nowKey = (schema: string, table: string): string | undefined => {
			const relation = byKey.get(tableKey(schema, table));
			if (!relation) return tableKey(schema, table);
			const now = afterByOid.get(relation.oid);
			return now ? tableKey(now.schema, now.table) : undefined;
		};
		const rlsAfter = new Map(afterLines.filter(l => l.kind === 'table').map(l => [tableKey(l.names[0]!, l.names[1]!), l.rest]));
		for (const line of beforeLines.filter(l => l.kind === 'table' && l.rest.startsWith(' (rls on'))) {
			const key = nowKey(line.names[0]!, line.names[1]!);
			if (key && rlsAfter.get(key)?.startsWith(' (rls off')) {
				hazards.push(rlsDisabledHazard(displayKey(key)), 'rls_disabled', displayKey(key));
			}
		}
		const policiesAfter = afterLines.filter(l => l.kind === 'policy');
		const namesAfter = new Set(policiesAfter.map(l => `${tableKey(l.names[0]!, l.names[1]!)}:${l.names[2]}`));
		// A renamed policy keeps its definition on the same table: not a removal.
		const definitionsAfter = new Set(policiesAfter.map(l => `${tableKey(l.names[0]!, l.names[1]!)}:${l.rest}`));
		for (const line of beforeLines.filter(l => l.kind === 'policy')) {
			const key = nowKey(line.names[0]!, line.names[1]!);
			if (!key || namesAfter.has(`${key}:${line.names[2]}`) || definitionsAfter.has(`${key}:${line.rest}`)) continue;
			const what = /^ (permissive|restrictive) for (\w+) to (.*?)(?: using \(| with check \(|$)/.exec(line.rest);
			const guarded = what ? ` (it guarded ${what[2]} for ${what[3]})` : '';
			hazards.push(
				`policy removed: "${line.names[2]}" on ${displayKey(tableKey(line.names[0]!, line.names[1]!))}${guarded}; rows it guarded may become visible or writable`,
			);
		}
	}

	return found;
}

/** The vocabulary code of a label, from its leading words (the labels above all start with one). */
function codeOf(message: string): HazardCode {
	if (message.startsWith('data deleted')) return 'data_loss';
	if (message.startsWith('table rewrite')) return 'table_rewrite';
	if (message.startsWith('exclusive lock')) return 'exclusive_lock';
	if (message.startsWith('disables row level security')) return 'rls_disabled';
	if (message.startsWith('policy removed')) return 'policy_removed';
	if (message.startsWith('NOT NULL without default')) return 'not_null_without_default';
	return 'not_previewed';
}
