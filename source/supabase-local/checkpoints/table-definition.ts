/**
 * A table's definition read from the catalogs as the DDL that recreates it, split by when each part must run during
 * a restore (the table and its keys before its rows; indexes, triggers and foreign keys after them, as pg_dump
 * does, so loading neither fires triggers nor depends on table order).
 *
 * Every expression is printed by Postgres (`pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`, …), which
 * qualifies names by the `search_path`: callers pin it to `pg_catalog` (`PINNED_SEARCH_PATH`) while reading and
 * while running the DDL, so a definition read at backup compares equal to one read at restore and means the same
 * objects when run.
 */

import {quoteIdent} from '../../sql/identifiers.js';
import type {SqlRunner} from '../platform.js';

export const PINNED_SEARCH_PATH = `select pg_catalog.set_config('search_path', 'pg_catalog', true)`;

export type ColumnInfo = {
	name: string;
	/** Generated (stored) columns are computed by Postgres and cannot be inserted. */
	generated: boolean;
	/** `generated always as identity`: an insert needs OVERRIDING SYSTEM VALUE, an update cannot set it. */
	identityAlways: boolean;
};

/** A sequence owned by one of the table's columns: a serial's or an identity's. */
export type OwnedSequence = {name: string; column: string; identity: boolean};

export type TableDefinition = {
	/** `schema.table`, quoted as the preview reports names. */
	name: string;
	owner: string;
	columns: ColumnInfo[];
	/** The primary key's columns, to merge rows by key; empty without one. */
	primaryKey: string[];
	sequences: OwnedSequence[];
	/** `create sequence` for serial sequences, then `create table` with columns, defaults, identity, partitioning. */
	create: string[];
	/** Primary key, unique, check and exclusion constraints: before the rows, like the table itself. */
	constraints: string[];
	/** After the rows: indexes, sequence ownership, row level security, policies, triggers, options, comments. */
	finish: string[];
	/** Last of all (every table exists and holds its rows by then): the table's own foreign keys. */
	foreignKeys: string[];
	/** Privileges of roles other than the owner, as GRANT statements. */
	grants: string[];
};

/** `schema.table` exactly as the preview prints it, from the table's oid. */
const QUALIFIED = `format('%I.%I', n.nspname, c.relname)`;

async function rows(db: SqlRunner, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
	return (await db.query(sql, params)).rows;
}

const text = (value: unknown): string => String(value ?? '');

/** The options a sequence was made with, as `create sequence` / identity options take them. */
async function sequenceOptions(db: SqlRunner, sequence: string, withType: boolean): Promise<string> {
	const [row] = await rows(
		db,
		`select format_type(s.seqtypid, null) as type, s.seqstart::text as start, s.seqincrement::text as increment, s.seqmin::text as min,
			s.seqmax::text as max, s.seqcache::text as cache, s.seqcycle as cycle
		from pg_catalog.pg_sequence s where s.seqrelid = $1::regclass`,
		[sequence],
	);
	if (!row) throw new Error(`The sequence ${sequence} has no definition.`);
	return [
		withType ? `as ${text(row.type)}` : '',
		`start with ${text(row.start)} increment by ${text(row.increment)} minvalue ${text(row.min)} maxvalue ${text(row.max)} cache ${text(row.cache)}`,
		row.cycle ? 'cycle' : 'no cycle',
	]
		.filter(Boolean)
		.join(' ');
}

type TableRow = {
	oid: number;
	name: string;
	owner: string;
	kind: string;
	unlogged: boolean;
	rls: boolean;
	force: boolean;
	options: string | null;
	comment: string | null;
	partitionOf: string | null;
	partitionBound: string | null;
	partitionKey: string | null;
};

async function tableRow(db: SqlRunner, name: string): Promise<TableRow | undefined> {
	const [row] = await rows(
		db,
		`select c.oid::int8 as oid, ${QUALIFIED} as name, quote_ident(pg_get_userbyid(c.relowner)) as owner, c.relkind::text as kind,
			c.relpersistence = 'u' as unlogged, c.relrowsecurity as rls, c.relforcerowsecurity as force,
			array_to_string(c.reloptions, ', ') as options, obj_description(c.oid, 'pg_class') as comment,
			case when c.relispartition then (select format('%I.%I', pn.nspname, p.relname)
				from pg_catalog.pg_inherits i join pg_catalog.pg_class p on p.oid = i.inhparent join pg_catalog.pg_namespace pn on pn.oid = p.relnamespace
				where i.inhrelid = c.oid) end as partition_of,
			case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
			case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key
		from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.oid = to_regclass($1) and c.relkind in ('r', 'p')`,
		[name],
	);
	if (!row) return undefined;
	return {
		oid: Number(row.oid),
		name: text(row.name),
		owner: text(row.owner),
		kind: text(row.kind),
		unlogged: row.unlogged === true,
		rls: row.rls === true,
		force: row.force === true,
		options: (row.options as string | null) ?? null,
		comment: (row.comment as string | null) ?? null,
		partitionOf: (row.partition_of as string | null) ?? null,
		partitionBound: (row.partition_bound as string | null) ?? null,
		partitionKey: (row.partition_key as string | null) ?? null,
	};
}

async function columnClauses(db: SqlRunner, table: TableRow, sequences: OwnedSequence[]) {
	const columns = await rows(
		db,
		`select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null, a.attidentity as identity,
			a.attgenerated as generated, pg_get_expr(ad.adbin, ad.adrelid) as expr,
			case when a.attcollation <> 0 and a.attcollation <> t.typcollation then
				(select format('%I.%I', cn.nspname, co.collname) from pg_catalog.pg_collation co join pg_catalog.pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation)
			end as collation,
			col_description(a.attrelid, a.attnum) as comment
		from pg_catalog.pg_attribute a
		join pg_catalog.pg_type t on t.oid = a.atttypid
		left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
		where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
		order by a.attnum`,
		[table.oid],
	);
	const clauses: string[] = [];
	const comments: string[] = [];
	const info: ColumnInfo[] = [];
	for (const column of columns) {
		const name = text(column.name);
		const generated = text(column.generated) === 's';
		const identity = text(column.identity);
		info.push({name, generated, identityAlways: identity === 'a'});
		if (column.comment != null) comments.push(`comment on column ${table.name}.${quoteIdent(name)} is ${literal(text(column.comment))}`);
		let clause = `${quoteIdent(name)} ${text(column.type)}`;
		if (column.collation) clause += ` collate ${text(column.collation)}`;
		if (generated) clause += ` generated always as (${text(column.expr)}) stored`;
		else if (column.expr != null) clause += ` default ${text(column.expr)}`;
		if (identity === 'a' || identity === 'd') {
			const sequence = sequences.find(s => s.column === name && s.identity);
			const options = sequence ? `(sequence name ${sequence.name} ${await sequenceOptions(db, sequence.name, false)})` : '';
			clause += ` generated ${identity === 'a' ? 'always' : 'by default'} as identity ${options}`.trimEnd();
		}
		if (column.not_null) clause += ' not null';
		clauses.push(clause);
	}
	return {clauses, comments, info};
}

/** A string as an SQL literal (comments); standard_conforming_strings is on in every supported Postgres. */
const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;

async function ownedSequences(db: SqlRunner, oid: number): Promise<OwnedSequence[]> {
	const found = await rows(
		db,
		`select format('%I.%I', sn.nspname, s.relname) as name, a.attname as column, d.deptype = 'i' as identity
		from pg_catalog.pg_depend d
		join pg_catalog.pg_class s on s.oid = d.objid and s.relkind = 'S'
		join pg_catalog.pg_namespace sn on sn.oid = s.relnamespace
		join pg_catalog.pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
		where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
			and d.refobjid = $1 and d.deptype in ('a', 'i')
		order by 1`,
		[oid],
	);
	return found.map(r => ({name: text(r.name), column: text(r.column), identity: r.identity === true}));
}

async function constraintStatements(db: SqlRunner, table: TableRow) {
	const found = await rows(
		db,
		`select conname as name, contype::text as type, pg_get_constraintdef(oid) as def, obj_description(oid, 'pg_constraint') as comment
		from pg_catalog.pg_constraint where conrelid = $1 and contype in ('p', 'u', 'c', 'x', 'f') and conislocal
		order by contype, conname`,
		[table.oid],
	);
	const add = (r: Record<string, unknown>) => `alter table ${table.name} add constraint ${quoteIdent(text(r.name))} ${text(r.def)}`;
	const comments = found
		.filter(r => r.comment != null)
		.map(r => `comment on constraint ${quoteIdent(text(r.name))} on ${table.name} is ${literal(text(r.comment))}`);
	return {constraints: found.filter(r => r.type !== 'f').map(add), foreignKeys: found.filter(r => r.type === 'f').map(add), comments};
}

async function primaryKey(db: SqlRunner, oid: number): Promise<string[]> {
	const found = await rows(
		db,
		`select a.attname as name from pg_catalog.pg_constraint k
		cross join lateral unnest(k.conkey) with ordinality as u(attnum, i)
		join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum
		where k.conrelid = $1 and k.contype = 'p' order by u.i`,
		[oid],
	);
	return found.map(r => text(r.name));
}

/** Indexes not made by a constraint (those come back with it), nor cloned from a partitioned parent's index. */
async function indexStatements(db: SqlRunner, oid: number): Promise<string[]> {
	const found = await rows(
		db,
		`select pg_get_indexdef(i.indexrelid) as def from pg_catalog.pg_index i
		join pg_catalog.pg_class ic on ic.oid = i.indexrelid
		where i.indrelid = $1
			and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = i.indexrelid and k.conrelid = $1 and k.contype in ('p', 'u', 'x'))
			and not exists (select 1 from pg_catalog.pg_inherits h where h.inhrelid = i.indexrelid)
		order by ic.relname`,
		[oid],
	);
	// A partitioned table's index is printed `ON ONLY` (pg_dump attaches each partition's index after). Without ONLY
	// it is built on every partition too, as a partition created later gets the parent's indexes by itself.
	return found.map(r => text(r.def).replace(/ ON ONLY /, ' ON '));
}

async function policyStatements(db: SqlRunner, table: TableRow): Promise<string[]> {
	const found = await rows(
		db,
		`select format('create policy %I on %s as %s for %s to %s', p.polname, $2::text,
				case when p.polpermissive then 'permissive' else 'restrictive' end,
				case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
				array_to_string(array(select case when x = 0 then 'public' else quote_ident(pg_get_userbyid(x)) end from unnest(p.polroles) x order by 1), ', '))
			|| coalesce(' using (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
			|| coalesce(' with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '') as def
		from pg_catalog.pg_policy p where p.polrelid = $1 order by p.polname`,
		[table.oid, table.name],
	);
	return found.map(r => text(r.def));
}

/** User triggers (not the internal ones behind foreign keys, nor clones of a parent's), with their enabled state. */
async function triggerStatements(db: SqlRunner, table: TableRow): Promise<string[]> {
	const found = await rows(
		db,
		`select tgname as name, pg_get_triggerdef(oid) as def, tgenabled::text as enabled from pg_catalog.pg_trigger
		where tgrelid = $1 and not tgisinternal and tgparentid = 0 order by tgname`,
		[table.oid],
	);
	const enable: Record<string, string> = {D: 'disable trigger', A: 'enable always trigger', R: 'enable replica trigger'};
	return found.flatMap(r => {
		const state = enable[text(r.enabled)];
		return [text(r.def), ...(state ? [`alter table ${table.name} ${state} ${quoteIdent(text(r.name))}`] : [])];
	});
}

/** Table privileges held by roles other than the owner (the owner's come with ownership). */
async function grantStatements(db: SqlRunner, table: TableRow): Promise<string[]> {
	const found = await rows(
		db,
		`select case when x.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(x.grantee)) end as grantee, x.privilege_type as privilege, x.is_grantable as grantable
		from pg_catalog.pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) x
		where c.oid = $1 and x.grantee <> c.relowner
		order by 1, 2`,
		[table.oid],
	);
	return found.map(r => `grant ${text(r.privilege).toLowerCase()} on table ${table.name} to ${text(r.grantee)}${r.grantable ? ' with grant option' : ''}`);
}

/** The definition of the table called `name`, or undefined when there is no such table. */
export async function readDefinition(db: SqlRunner, name: string): Promise<TableDefinition | undefined> {
	const table = await tableRow(db, name);
	if (!table) return undefined;
	const sequences = await ownedSequences(db, table.oid);
	const columns = await columnClauses(db, table, sequences);
	const keys = await constraintStatements(db, table);
	const create: string[] = [];
	for (const sequence of sequences.filter(s => !s.identity)) create.push(`create sequence ${sequence.name} ${await sequenceOptions(db, sequence.name, true)}`);
	const persistence = table.unlogged ? 'unlogged ' : '';
	// A partition takes its columns from its parent (per-partition defaults are not kept).
	const body = table.partitionOf ? `partition of ${table.partitionOf} ${table.partitionBound}` : `(${columns.clauses.join(', ')})`;
	create.push(`create ${persistence}table ${table.name} ${body}${table.partitionKey ? ` partition by ${table.partitionKey}` : ''}`);
	const finish = [
		...(await indexStatements(db, table.oid)),
		...sequences.filter(s => !s.identity).map(s => `alter sequence ${s.name} owned by ${table.name}.${quoteIdent(s.column)}`),
		...(table.rls ? [`alter table ${table.name} enable row level security`] : []),
		...(table.force ? [`alter table ${table.name} force row level security`] : []),
		...(await policyStatements(db, table)),
		...(await triggerStatements(db, table)),
		...(table.options ? [`alter table ${table.name} set (${table.options})`] : []),
		...(table.comment != null ? [`comment on table ${table.name} is ${literal(table.comment)}`] : []),
		...columns.comments,
		...keys.comments,
	];
	return {
		name: table.name,
		owner: table.owner,
		columns: columns.info,
		primaryKey: await primaryKey(db, table.oid),
		sequences,
		create,
		constraints: keys.constraints,
		finish,
		foreignKeys: keys.foreignKeys,
		grants: await grantStatements(db, table),
	};
}

/** Two definitions describe the same table when every statement that would recreate it is the same. */
export function sameDefinition(a: TableDefinition, b: TableDefinition): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}
