/**
 * What "the live database exactly as it was" means, as data: the catalog (relations with RLS flags and ACLs,
 * columns, functions with their bodies, policies, triggers, rules, event triggers, types, operators, casts,
 * constraints, schemas), the rows of every user table, sequence values, large objects, and the files at the top of
 * the data directory. Each entry is `key → value`, so a diff names exactly what appeared, vanished or changed.
 */
import type {Db} from './arena.js';

export type DbState = Map<string, string>;

/** Schemas pgpair or Postgres own whose contents are not the user's data (and churn legitimately). */
const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema', 'pg_toast')`;

const CATALOG_SQL = `
with ns as (
	select oid, nspname, nspowner, nspacl from pg_namespace
	where nspname not in ${SYSTEM_SCHEMAS} and nspname not like 'pg\\_temp\\_%' and nspname not like 'pg\\_toast\\_temp\\_%'
)
select 'relation ' || c.oid::regclass::text as key,
	'kind=' || c.relkind::text || ' rls=' || c.relrowsecurity || ' force=' || c.relforcerowsecurity || ' acl=' || coalesce(c.relacl::text, '-') || ' owner=' || c.relowner::regrole::text as value
	from pg_class c join ns on ns.oid = c.relnamespace where c.relkind::text <> 't'
union all
select 'column ' || a.attrelid::regclass::text || '.' || a.attname, format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
	from pg_attribute a join pg_class c on c.oid = a.attrelid join ns on ns.oid = c.relnamespace
	left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
	where a.attnum > 0 and not a.attisdropped and c.relkind::text <> 't'
union all
select 'function ' || p.oid::regprocedure::text,
	'kind=' || p.prokind::text || ' secdef=' || p.prosecdef || ' volatile=' || p.provolatile::text || ' lang=' || l.lanname || ' acl=' || coalesce(p.proacl::text, '-') || ' body=' || md5(coalesce(p.prosrc, '') || coalesce(p.probin, ''))
	from pg_proc p join pg_language l on l.oid = p.prolang join pg_namespace n on n.oid = p.pronamespace
	where n.nspname not in ('information_schema', 'pg_toast') and (n.nspname <> 'pg_catalog' or p.oid >= 16384)
union all
select 'policy ' || pol.polrelid::regclass::text || '.' || pol.polname,
	'cmd=' || pol.polcmd::text || ' permissive=' || pol.polpermissive || ' roles=' || (select coalesce(string_agg(case r when 0 then 'public' else r::regrole::text end, ',' order by 1), '') from unnest(pol.polroles) r) ||
	' using=' || coalesce(pg_get_expr(pol.polqual, pol.polrelid), '-') || ' check=' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '-')
	from pg_policy pol
union all
select 'trigger ' || t.tgrelid::regclass::text || '.' || t.tgname, t.tgfoid::regproc::text || ' enabled=' || t.tgenabled::text
	from pg_trigger t where not t.tgisinternal
union all
select 'rule ' || r.ev_class::regclass::text || '.' || r.rulename, md5(pg_get_ruledef(r.oid))
	from pg_rewrite r join pg_class c on c.oid = r.ev_class join ns on ns.oid = c.relnamespace
union all
select 'event trigger ' || e.evtname, e.evtevent || ' ' || e.evtfoid::regproc::text || ' enabled=' || e.evtenabled::text
	from pg_event_trigger e
union all
select 'type ' || t.oid::regtype::text, 'typtype=' || t.typtype::text || ' acl=' || coalesce(t.typacl::text, '-')
	from pg_type t join pg_namespace n on n.oid = t.typnamespace
	where t.oid >= 16384 and t.typtype::text in ('d', 'e', 'r', 'm', 'b') and n.nspname not in ('information_schema')
union all
select 'enum ' || e.enumtypid::regtype::text || ' #' || e.enumsortorder, e.enumlabel
	from pg_enum e where e.enumtypid >= 16384
union all
select 'operator ' || o.oid::regoperator::text, o.oprcode::regproc::text
	from pg_operator o where o.oid >= 16384
union all
select 'cast ' || format_type(c.castsource, null) || ' -> ' || format_type(c.casttarget, null), coalesce(c.castfunc::regprocedure::text, '-') || ' ' || c.castcontext::text
	from pg_cast c where c.oid >= 16384
union all
select 'constraint ' || coalesce(nullif(co.conrelid, 0)::regclass::text, co.contypid::regtype::text) || '.' || co.conname, pg_get_constraintdef(co.oid)
	from pg_constraint co join pg_namespace n on n.oid = co.connamespace
	where n.nspname not in ${SYSTEM_SCHEMAS}
union all
select 'schema ' || n.nspname, 'owner=' || n.nspowner::regrole::text || ' acl=' || coalesce(n.nspacl::text, '-')
	from ns n
union all
select 'default acl ' || coalesce(n.nspname, '*') || '.' || d.defaclobjtype::text || ' of ' || d.defaclrole::regrole::text, d.defaclacl::text
	from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
union all
select 'role ' || r.rolname, 'super=' || r.rolsuper || ' bypassrls=' || r.rolbypassrls || ' login=' || r.rolcanlogin
	from pg_roles r where r.rolname in ('anon', 'authenticated', 'service_role', 'authenticator')
union all
select 'extension ' || x.extname, x.extversion from pg_extension x
union all
select 'comment ' || d.objoid::regclass::text, d.description
	from pg_description d where d.classoid = 'pg_class'::regclass and d.objsubid = 0 and d.objoid >= 16384
`;

const TABLES_SQL = `
select format('%I.%I', n.nspname, c.relname) as name
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind::text in ('r', 'p') and n.nspname not in ${SYSTEM_SCHEMAS} and n.nspname not like 'pg\\_temp\\_%'
order by 1`;

const SEQUENCES_SQL = `
select format('%I.%I', schemaname, sequencename) as name, coalesce(last_value::text, 'unused') as value
from pg_sequences where schemaname not in ${SYSTEM_SCHEMAS}`;

const LARGE_OBJECTS_SQL = `select oid::text as oid, md5(lo_get(oid)) as digest from pg_largeobject_metadata`;

/** Top-level names in the data directory; markers and overwritten server files are found here. */
const DATA_DIR_SQL = `select name, coalesce((pg_stat_file(name, true)).size::text, '?') as size from pg_ls_dir('.') as name`;

/** Files at the top of a data directory that a running server or a start rewrites (not attack evidence). */
const DATA_DIR_CHURN = new Set(['postmaster.pid', 'postmaster.opts', 'current_logfiles', 'pg_stat_tmp', 'pg_stat']);

export type SnapshotOptions = {
	/** On a shared Postgres cluster, only files with this prefix are this arena's (others belong to other tests). */
	dataDirPrefix?: string;
};

export async function snapshot(db: Db, options: SnapshotOptions = {}): Promise<DbState> {
	const state: DbState = new Map();
	// Names print schema-qualified whatever search_path the database was given (pgpair sets one per database).
	await db.exec('set search_path to pg_catalog');
	for (const row of await db.query<{key: string; value: string}>(CATALOG_SQL)) state.set(row.key, row.value);
	for (const {name} of await db.query<{name: string}>(TABLES_SQL)) {
		// Row order does not matter, contents do: a digest of the sorted rows plus the count.
		const [digest] = await db.query<{n: string; digest: string}>(
			`select count(*)::text as n, coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '-') as digest from ${name} as t`,
		);
		state.set(`rows ${name}`, `${digest!.n} rows, digest ${digest!.digest}`);
	}
	for (const row of await db.query<{name: string; value: string}>(SEQUENCES_SQL)) state.set(`sequence ${row.name}`, row.value);
	for (const row of await db.query<{oid: string; digest: string}>(LARGE_OBJECTS_SQL)) state.set(`large object ${row.oid}`, row.digest);
	for (const row of await db.query<{name: string; size: string}>(DATA_DIR_SQL)) {
		if (DATA_DIR_CHURN.has(row.name)) continue;
		if (options.dataDirPrefix && !row.name.startsWith(options.dataDirPrefix)) continue;
		// Directories' sizes change as Postgres works; a file's size is evidence (an overwritten config file).
		state.set(`data file ${row.name}`, row.name.includes('.') || row.name.startsWith('adv_') || row.name === 'PG_VERSION' ? row.size : 'dir');
	}
	return state;
}

export type StateChange = {key: string; before?: string; after?: string};

export function diffStates(before: DbState, after: DbState, include: (key: string) => boolean = () => true): StateChange[] {
	const changes: StateChange[] = [];
	for (const [key, value] of before) {
		if (!include(key)) continue;
		const now = after.get(key);
		if (now === undefined) changes.push({key, before: value});
		else if (now !== value) changes.push({key, before: value, after: now});
	}
	for (const [key, value] of after) if (include(key) && !before.has(key)) changes.push({key, after: value});
	return changes;
}

export function describeChange(change: StateChange): string {
	if (change.before === undefined) return `appeared: ${change.key} (${change.after})`;
	if (change.after === undefined) return `vanished: ${change.key} (was ${change.before})`;
	return `changed: ${change.key}: ${change.before} → ${change.after}`;
}
