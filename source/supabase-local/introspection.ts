import {quoteIdent} from '../sql/identifiers.js';
import type {SqlRunner} from './platform.js';

export type TableColumn = {
	name: string;
	data_type: string;
	format: string;
	options: string[];
	default_value?: unknown;
	identity_generation?: string;
	enums?: string[];
	check?: string;
	comment?: string;
};

export type ListedTable = {
	name: string;
	rls_enabled: boolean;
	rows: number | null;
	comment?: string;
	columns?: TableColumn[];
	primary_keys?: string[];
	foreign_key_constraints?: {
		name: string;
		source_table: string;
		source_columns: string[];
		target_table: string;
		target_columns: string[];
	}[];
};

export type RlsAdvisory = {
	id: string;
	priority: number;
	level: 'critical' | 'warning' | 'info';
	title: string;
	message: string;
	remediation_sql: string;
	doc_url: string;
};

// The rows of the catalog queries below, as their select lists promise them. Oids come as int8: a string or a
// bigint, depending on the driver.
type TableRow = {oid: unknown; schema: string; name: string; rls_enabled: boolean; comment: string | null};
type ColumnRow = {
	table_oid: unknown;
	name: string;
	data_type: string;
	format: string;
	default_value: string | null;
	is_identity: boolean;
	identity_generation: string | null;
	is_generated: boolean;
	is_nullable: boolean;
	is_updatable: boolean;
	is_unique: boolean;
	enums: string[] | null;
	check: string | null;
	comment: string | null;
};
type PrimaryKeyRow = {table_oid: unknown; name: string};
type ForeignKeyRow = {
	name: string;
	source_oid: unknown;
	target_oid: unknown;
	source_table: string;
	target_table: string;
	source_columns: string[];
	target_columns: string[];
};

/** Schemas the platform owns; a table there with RLS off is not the agent's concern. */
const SYSTEM_SCHEMAS = new Set([
	'auth',
	'extensions',
	'graphql',
	'graphql_public',
	'information_schema',
	'pg_catalog',
	'pgbouncer',
	'pgpair',
	'realtime',
	'storage',
	'supabase_functions',
	'supabase_migrations',
	'vault',
]);

const TABLES_SQL = `
select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relrowsecurity as rls_enabled,
	obj_description(c.oid, 'pg_class') as comment
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and not c.relispartition
order by n.nspname, c.relname`;

const COLUMNS_SQL = `
select a.attrelid::int8 as table_oid, a.attname as name,
	case
		when t.typtype = 'e' then 'USER-DEFINED'
		when t.typcategory = 'A' then 'ARRAY'
		else format_type(a.atttypid, null)
	end as data_type,
	t.typname as format,
	pg_get_expr(d.adbin, d.adrelid) as default_value,
	a.attidentity <> '' as is_identity,
	case a.attidentity when 'a' then 'ALWAYS' when 'd' then 'BY DEFAULT' end as identity_generation,
	a.attgenerated <> '' as is_generated,
	not a.attnotnull as is_nullable,
	a.attgenerated = '' as is_updatable,
	exists (
		select 1 from pg_constraint k
		where k.conrelid = a.attrelid and k.contype = 'u' and k.conkey = array[a.attnum]
	) as is_unique,
	(select array_agg(e.enumlabel::text order by e.enumsortorder) from pg_enum e where e.enumtypid = a.atttypid) as enums,
	(
		select pg_get_constraintdef(k.oid) from pg_constraint k
		where k.conrelid = a.attrelid and k.contype = 'c' and k.conkey = array[a.attnum]
		limit 1
	) as "check",
	col_description(a.attrelid, a.attnum) as comment
from pg_attribute a
join pg_type t on t.oid = a.atttypid
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attrelid = any($1::int8[]::oid[]) and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum`;

const PRIMARY_KEYS_SQL = `
select i.indrelid::int8 as table_oid, a.attname as name
from pg_index i
join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
where i.indisprimary and i.indrelid = any($1::int8[]::oid[])
order by i.indrelid, array_position(i.indkey::int2[], a.attnum)`;

const FOREIGN_KEYS_SQL = `
select k.conname as name, k.conrelid::int8 as source_oid, k.confrelid::int8 as target_oid,
	sn.nspname || '.' || s.relname as source_table,
	tn.nspname || '.' || t.relname as target_table,
	array(select attname::text from unnest(k.conkey) with ordinality as u(n, o)
		join pg_attribute on attrelid = k.conrelid and attnum = u.n order by u.o) as source_columns,
	array(select attname::text from unnest(k.confkey) with ordinality as u(n, o)
		join pg_attribute on attrelid = k.confrelid and attnum = u.n order by u.o) as target_columns
from pg_constraint k
join pg_class s on s.oid = k.conrelid join pg_namespace sn on sn.oid = s.relnamespace
join pg_class t on t.oid = k.confrelid join pg_namespace tn on tn.oid = t.relnamespace
where k.contype = 'f' and (k.conrelid = any($1::int8[]::oid[]) or k.confrelid = any($1::int8[]::oid[]))
order by k.conname`;

/** Tables of the given schemas in the shape of the official `list_tables`; `verbose` adds columns and keys. */
export async function listTables(db: SqlRunner, schemas: string[], verbose: boolean): Promise<ListedTable[]> {
	const tables = (await db.query(TABLES_SQL, [schemas])).rows as TableRow[];
	const oids = tables.map(t => Number(t.oid));
	const result: ListedTable[] = [];
	for (const table of tables) {
		// Exact counts: this is a development database, and a stale estimate of 0 misleads the model.
		const {rows} = await db.query(`select count(*)::int8 as n from ${quoteIdent(table.schema)}.${quoteIdent(table.name)}`);
		result.push({
			name: `${table.schema}.${table.name}`,
			rls_enabled: Boolean(table.rls_enabled),
			rows: rows[0] ? Number(rows[0].n) : null,
			...(table.comment ? {comment: String(table.comment)} : {}),
		});
	}
	if (!verbose || oids.length === 0) return result;

	const [columns, keys, foreign] = await Promise.all([
		db.query(COLUMNS_SQL, [oids]).then(({rows}) => rows as ColumnRow[]),
		db.query(PRIMARY_KEYS_SQL, [oids]).then(({rows}) => rows as PrimaryKeyRow[]),
		db.query(FOREIGN_KEYS_SQL, [oids]).then(({rows}) => rows as ForeignKeyRow[]),
	]);
	tables.forEach((table, index) => {
		const oid = Number(table.oid);
		const entry = result[index]!;
		entry.columns = columns
			.filter(c => Number(c.table_oid) === oid)
			.map(c => {
				const options: string[] = [];
				if (c.is_identity) options.push('identity');
				if (c.is_generated) options.push('generated');
				if (c.is_nullable) options.push('nullable');
				if (c.is_updatable) options.push('updatable');
				if (c.is_unique) options.push('unique');
				return {
					name: c.name,
					data_type: c.data_type,
					format: c.format,
					options,
					...(c.default_value !== null ? {default_value: c.default_value} : {}),
					...(c.identity_generation ? {identity_generation: c.identity_generation} : {}),
					...(c.enums && c.enums.length > 0 ? {enums: c.enums} : {}),
					...(c.check ? {check: c.check} : {}),
					...(c.comment ? {comment: c.comment} : {}),
				};
			});
		entry.primary_keys = keys.filter(k => Number(k.table_oid) === oid).map(k => String(k.name));
		const related = foreign.filter(f => Number(f.source_oid) === oid || Number(f.target_oid) === oid);
		if (related.length > 0) {
			entry.foreign_key_constraints = related.map(f => ({
				name: f.name,
				source_table: f.source_table,
				source_columns: f.source_columns,
				target_table: f.target_table,
				target_columns: f.target_columns,
			}));
		}
	});
	return result;
}

/** The warning the official server attaches when a listed table in an API-facing schema has RLS off. */
export function rlsAdvisory(tables: ListedTable[]): RlsAdvisory | undefined {
	const exposed = tables.filter(t => !t.rls_enabled && !SYSTEM_SCHEMAS.has(t.name.split('.')[0] ?? ''));
	if (exposed.length === 0) return undefined;
	const names = exposed.map(t => t.name);
	return {
		id: 'rls_disabled',
		priority: 1,
		level: 'critical',
		title: 'Row Level Security is disabled',
		message:
			`${names.length} table(s) have Row Level Security disabled: ${names.join(', ')}. The anon and authenticated ` +
			'roles can read and change every row of these tables. Tell the user about this. Do not apply the remediation ' +
			'on your own: enabling RLS without policies blocks all access, so let the user decide on the policies.',
		remediation_sql: names.map(n => `alter table ${n} enable row level security;`).join('\n'),
		doc_url: 'https://supabase.com/docs/guides/database/postgres/row-level-security',
	};
}

export async function listExtensions(db: SqlRunner) {
	const {rows} = await db.query(`
		select a.name, n.nspname as schema, a.default_version, e.extversion as installed_version, a.comment
		from pg_available_extensions a
		left join pg_extension e on e.extname = a.name
		left join pg_namespace n on n.oid = e.extnamespace
		order by a.name`);
	return rows.map(r => ({
		name: String(r.name),
		schema: (r.schema as string | null) ?? null,
		default_version: String(r.default_version ?? ''),
		installed_version: (r.installed_version as string | null) ?? null,
		comment: (r.comment as string | null) ?? null,
	}));
}
