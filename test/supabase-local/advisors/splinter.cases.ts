/**
 * A splinter-style suite of our own: for every lint Supabase's linter (splinter) defines that a local project can run
 * (0001–0029; 0012 reads Auth's configuration, not the database), a schema that triggers it, a near-identical one that
 * must not, and one that triggers it through hostile names (an apostrophe, double quotes, a backslash, spaces,
 * non-ASCII letters). Extra cases pin the rules where pgpair once differed from splinter: column order of a covering
 * index, policies on realtime.messages, bucket ids with a backslash, UPDATE/ALL policies without WITH CHECK, and
 * `pgrst.db_schemas` set for the project. Driven through `pgpair mcp` by splinter-suite.ts, on both engines.
 */
import {createHash} from 'node:crypto';
import type {AdvisorType} from '../../../source/supabase-local/advisors/index.js';

export type SplinterCase = {
	/** positive and adversarial cases expect the finding, negative ones expect none of the lint. */
	kind: 'positive' | 'negative' | 'adversarial';
	says: string;
	/** Run through execute_sql before the advisors; `cleanup` undoes it, leaving the project as it was. */
	setup: string;
	cleanup: string;
	/** The finding the case is about (its cache key is `<prefix>_<schema>_<object>…` as upstream builds it). */
	cacheKey: string;
	/** Lint-specific metadata the finding must carry, besides `schema`, `name` and `type`. */
	metadata?: Record<string, unknown>;
	/** Findings of this lint that must not appear although others do. */
	absent?: string[];
	/** False when the case changes project-wide state (settings, fixed schemas) or is slow: not in the all-at-once run. */
	combinable?: boolean;
};

export type LintSpec = {
	code: string;
	name: string;
	type: AdvisorType;
	level: 'ERROR' | 'WARN' | 'INFO';
	/** An extension the lint is about that neither engine can install: the suite asserts it is absent. */
	unavailable?: string;
	cases: SplinterCase[];
};

/** A hostile name for a case: every character class that quoting or string building could get wrong. */
export const odd = (tag: string) => `Ödd 'n "${tag}" \\ ✓`;

/** The name as a quoted identifier. */
export const id = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A string literal that means `value` whatever `standard_conforming_strings` is. */
export const lit = (value: string) =>
	value.includes('\\') ? `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'` : `'${value.replaceAll("'", "''")}'`;

/** A `name[]` or `text[]` as Postgres prints it (what `format('%s', array)` puts into a cache key). */
export const pgArray = (values: string[]) =>
	`{${values.map(v => (/^[^\s"\\{},]+$/.test(v) && v.toUpperCase() !== 'NULL' ? v : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)).join(',')}}`;

/** Sets the project's exposed schemas as a person would (Supabase's API settings), by `alter database`. */
export const expose = (...schemas: string[]) => {
	const list = schemas.map(s => (/^[a-z_][a-z0-9_]*$/.test(s) ? s : id(s))).join(', ');
	return `do $expose$ begin execute format('alter database %I set pgrst.db_schemas = %L', current_database(), ${lit(list)}); end $expose$;`;
};
/** Back to what the platform sets up. */
export const EXPOSE_PUBLIC = expose('public');

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** A schema like `public` on Supabase: the API roles may use it and get every new table. */
const apiSchema = (schema: string) => `create schema ${id(schema)}; grant usage on schema ${id(schema)} to anon, authenticated;
	alter default privileges in schema ${id(schema)} grant all on tables to anon, authenticated;`;
const dropSchema = (schema: string) => `drop schema if exists ${id(schema)} cascade;`;

/** Supabase Storage's tables as far as the listing lint reads them. */
// The platform's storage schema when the project has it (pgpair's local server makes it), else a minimal one.
const STORAGE = `create schema if not exists storage;
	create table if not exists storage.buckets (id text primary key, name text not null, public boolean not null default false);
	create table if not exists storage.objects (id bigint generated always as identity primary key, bucket_id text references storage.buckets (id), name text);
	alter table storage.objects enable row level security;`;

/**
 * pg_graphql ships with neither engine (the suite asserts so); its lints only look for its row in pg_extension, so a
 * superuser inserts one for the case and deletes it afterwards.
 */
const PG_GRAPHQL_STAND_IN = `insert into pg_catalog.pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion)
	values (987654, 'pg_graphql', (select oid from pg_catalog.pg_roles where rolname = current_user), 'pg_catalog'::regnamespace, false, '1.5.11');`;
const PG_GRAPHQL_GONE = `delete from pg_catalog.pg_extension where oid = 987654;`;

function bloat(table: string, deleteAbove: number) {
	return `create table ${table} (id int primary key, payload text) with (autovacuum_enabled = false);
		insert into ${table} select g, repeat('x', 100) from generate_series(1, 250000) g;
		delete from ${table} where id > ${deleteAbove}; analyze ${table};`;
}

function securityDefinerCases(role: 'anon' | 'authenticated', code: string): SplinterCase[] {
	const lint = `${role}_security_definer_function_executable`;
	const fn = `public.s${code}_purge`;
	const S = odd(`s${code}`);
	const F = odd(`f${code}`);
	const A = odd(`a${code}`);
	return [
		{
			kind: 'positive',
			says: `a SECURITY DEFINER function in public that ${role} may execute (functions are executable by PUBLIC)`,
			setup: `create function ${fn}(n int) returns int language sql security definer set search_path = '' as $fn$select n$fn$;`,
			cleanup: `drop function if exists ${fn}(int);`,
			cacheKey: `${lint}_public_s${code}_purge_n integer`,
			metadata: {type: 'function', arguments: 'n integer', language: 'sql', security_definer: true},
		},
		{
			kind: 'negative',
			says: `the same function with EXECUTE revoked from PUBLIC and ${role}`,
			setup: `create function ${fn}(n int) returns int language sql security definer set search_path = '' as $fn$select n$fn$;
				revoke execute on function ${fn}(int) from public, ${role};`,
			cleanup: `drop function if exists ${fn}(int);`,
			cacheKey: `${lint}_public_s${code}_purge_n integer`,
		},
		{
			kind: 'adversarial',
			says: 'a SECURITY DEFINER function with hostile schema, function and argument names, the schema exposed',
			setup: `${apiSchema(S)} create function ${id(S)}.${id(F)}(${id(A)} int) returns int language sql security definer set search_path = '' as $fn$select 1$fn$;
				${expose('public', S)}`,
			cleanup: `${dropSchema(S)} ${EXPOSE_PUBLIC}`,
			cacheKey: `${lint}_${S}_${F}_${id(A)} integer`,
			metadata: {schema: S, name: F, arguments: `${id(A)} integer`},
			combinable: false,
		},
	];
}

function graphqlCases(role: 'anon' | 'authenticated', code: string): SplinterCase[] {
	const lint = `pg_graphql_${role}_table_exposed`;
	const table = `public.s${code}_items`;
	const S = odd(`s${code}`);
	const T = odd(`t${code}`);
	return [
		{
			kind: 'positive',
			says: `pg_graphql installed (its catalog row standing in) and ${role} may select a table`,
			setup: `create table ${table} (id int primary key); ${PG_GRAPHQL_STAND_IN}`,
			cleanup: `drop table if exists ${table}; ${PG_GRAPHQL_GONE}`,
			cacheKey: `${lint}_public_s${code}_items`,
			metadata: {type: 'table'},
			combinable: false,
		},
		{
			kind: 'negative',
			says: `the same, with SELECT revoked from ${role}`,
			setup: `create table ${table} (id int primary key); revoke all on ${table} from ${role}; ${PG_GRAPHQL_STAND_IN}`,
			cleanup: `drop table if exists ${table}; ${PG_GRAPHQL_GONE}`,
			cacheKey: `${lint}_public_s${code}_items`,
		},
		{
			kind: 'adversarial',
			says: `a table with hostile schema and table names that ${role} may select`,
			setup: `${apiSchema(S)} create table ${id(S)}.${id(T)} (id int primary key); ${PG_GRAPHQL_STAND_IN}`,
			cleanup: `${dropSchema(S)} ${PG_GRAPHQL_GONE}`,
			cacheKey: `${lint}_${S}_${T}`,
			metadata: {schema: S, name: T, type: 'table'},
			combinable: false,
		},
	];
}

export const SPLINTER_SUITE: LintSpec[] = [
	{
		code: '0001',
		name: 'unindexed_foreign_keys',
		type: 'performance',
		level: 'INFO',
		cases: (() => {
			const tables = `create table public.s0001_parent (a int, b int, primary key (a, b));
				create table public.s0001_child (id int primary key, a int, b int, foreign key (a, b) references public.s0001_parent (a, b));`;
			const cleanup = 'drop table if exists public.s0001_child, public.s0001_parent;';
			const key = 'unindexed_foreign_keys_public_s0001_child_s0001_child_a_b_fkey';
			const S = odd('s0001');
			const T = odd('t0001');
			const C = odd('c0001');
			const FK = odd('fk0001');
			return [
				{
					kind: 'positive',
					says: 'a two-column foreign key whose only index has its columns in the other order',
					setup: `${tables} create index s0001_child_b_a on public.s0001_child (b, a);`,
					cleanup,
					cacheKey: key,
					metadata: {schema: 'public', name: 's0001_child', type: 'table', fkey_name: 's0001_child_a_b_fkey', fkey_columns: [2, 3]},
				},
				{
					kind: 'negative',
					says: 'the same foreign key with an index leading with its columns, in order, then one more',
					setup: `${tables} create index s0001_child_a_b_id on public.s0001_child (a, b, id);`,
					cleanup,
					cacheKey: key,
				},
				{
					kind: 'positive',
					says: 'a foreign key without any index',
					setup: tables,
					cleanup,
					cacheKey: key,
					combinable: false,
				},
				{
					kind: 'adversarial',
					says: 'a foreign key with hostile schema, table and constraint names',
					setup: `create schema ${id(S)}; create table ${id(S)}.${id(T)} (id int primary key);
						create table ${id(S)}.${id(C)} (id int primary key, ref int, constraint ${id(FK)} foreign key (ref) references ${id(S)}.${id(T)} (id));`,
					cleanup: dropSchema(S),
					cacheKey: `unindexed_foreign_keys_${S}_${C}_${FK}`,
					metadata: {schema: S, name: C, fkey_name: FK, fkey_columns: [2]},
				},
			];
		})(),
	},
	{
		code: '0002',
		name: 'auth_users_exposed',
		type: 'security',
		level: 'ERROR',
		cases: (() => {
			const S = odd('s0002');
			const V = odd('v0002');
			return [
				{
					kind: 'positive',
					says: 'a view over auth.users in public that the API roles may select',
					setup: 'create view public.s0002_profiles as select id, email from auth.users;',
					cleanup: 'drop view if exists public.s0002_profiles;',
					cacheKey: 'auth_users_exposed_public_s0002_profiles',
					metadata: {type: 'view', exposed_to: ['anon', 'authenticated']},
				},
				{
					kind: 'negative',
					says: 'the same view with SELECT revoked from anon and authenticated',
					setup: `create view public.s0002_profiles as select id, email from auth.users;
						revoke select on public.s0002_profiles from anon, authenticated;`,
					cleanup: 'drop view if exists public.s0002_profiles;',
					cacheKey: 'auth_users_exposed_public_s0002_profiles',
				},
				{
					kind: 'adversarial',
					says: 'a view over auth.users with hostile names in a schema exposed through pgrst.db_schemas',
					setup: `create schema ${id(S)}; grant usage on schema ${id(S)} to anon;
						create view ${id(S)}.${id(V)} as select id from auth.users; grant select on ${id(S)}.${id(V)} to anon;
						${expose('public', S)}`,
					cleanup: `${dropSchema(S)} ${EXPOSE_PUBLIC}`,
					cacheKey: `auth_users_exposed_${S}_${V}`,
					metadata: {schema: S, name: V, type: 'view', exposed_to: ['anon']},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0003',
		name: 'auth_rls_initplan',
		type: 'performance',
		level: 'WARN',
		cases: (() => {
			const todos = `create table public.s0003_todos (id bigint primary key, owner uuid not null);
				alter table public.s0003_todos enable row level security;`;
			const realtime = `create schema realtime;
				create table realtime.messages (id bigint generated always as identity primary key, topic text not null, extension text not null);
				alter table realtime.messages enable row level security;`;
			const T = odd('t0003');
			const P = odd('p0003');
			return [
				{
					kind: 'positive',
					says: 'a policy calling auth.uid() directly',
					setup: `${todos} create policy "s0003 own" on public.s0003_todos for select to authenticated using (auth.uid() = owner);`,
					cleanup: 'drop table if exists public.s0003_todos;',
					cacheKey: 'auth_rls_init_plan_public_s0003_todos_s0003 own',
					metadata: {schema: 'public', name: 's0003_todos', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'the same policy calling (select auth.uid())',
					setup: `${todos} create policy "s0003 own" on public.s0003_todos for select to authenticated using ((select auth.uid()) = owner);`,
					cleanup: 'drop table if exists public.s0003_todos;',
					cacheKey: 'auth_rls_init_plan_public_s0003_todos_s0003 own',
				},
				{
					kind: 'positive',
					says: 'a Realtime authorization policy on realtime.messages calling auth.uid() directly (splinter scans realtime)',
					setup: `${realtime} create policy "s0003 room" on realtime.messages for insert to authenticated
						with check (topic = 'room:' || auth.uid()::text);`,
					cleanup: 'drop schema if exists realtime cascade;',
					cacheKey: 'auth_rls_init_plan_realtime_messages_s0003 room',
					metadata: {schema: 'realtime', name: 'messages', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'the same Realtime policy calling (select auth.uid())',
					setup: `${realtime} create policy "s0003 room" on realtime.messages for insert to authenticated
						with check (topic = 'room:' || (select auth.uid())::text);`,
					cleanup: 'drop schema if exists realtime cascade;',
					cacheKey: 'auth_rls_init_plan_realtime_messages_s0003 room',
				},
				{
					kind: 'adversarial',
					says: 'a policy with hostile table and policy names calling current_setting() directly',
					setup: `create table public.${id(T)} (id bigint primary key, owner text); alter table public.${id(T)} enable row level security;
						create policy ${id(P)} on public.${id(T)} for update to authenticated using (owner = current_setting('request.jwt.claim.sub', true));`,
					cleanup: `drop table if exists public.${id(T)};`,
					cacheKey: `auth_rls_init_plan_public_${T}_${P}`,
					metadata: {schema: 'public', name: T},
				},
			];
		})(),
	},
	{
		code: '0004',
		name: 'no_primary_key',
		type: 'performance',
		level: 'INFO',
		cases: (() => {
			const S = odd('s0004');
			const T = odd('t0004');
			return [
				{
					kind: 'positive',
					says: 'a table without a primary key',
					setup: 'create table public.s0004_events (id bigint not null, body text);',
					cleanup: 'drop table if exists public.s0004_events;',
					cacheKey: 'no_primary_key_public_s0004_events',
					metadata: {schema: 'public', name: 's0004_events', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'the same table with one',
					setup: 'create table public.s0004_events (id bigint primary key, body text);',
					cleanup: 'drop table if exists public.s0004_events;',
					cacheKey: 'no_primary_key_public_s0004_events',
				},
				{
					kind: 'adversarial',
					says: 'a table without a primary key, hostile schema and table names',
					setup: `create schema ${id(S)}; create table ${id(S)}.${id(T)} (id int);`,
					cleanup: dropSchema(S),
					cacheKey: `no_primary_key_${S}_${T}`,
					metadata: {schema: S, name: T, type: 'table'},
				},
			];
		})(),
	},
	{
		code: '0005',
		name: 'unused_index',
		type: 'performance',
		level: 'INFO',
		cases: (() => {
			const table = 'create table public.s0005_items (id int primary key, v int);';
			const S = odd('s0005');
			const T = odd('t0005');
			const I = odd('i0005');
			return [
				{
					kind: 'positive',
					says: 'a plain index never scanned',
					setup: `${table} create index s0005_items_v on public.s0005_items (v);`,
					cleanup: 'drop table if exists public.s0005_items;',
					cacheKey: 'unused_index_public_s0005_items_s0005_items_v',
					metadata: {schema: 'public', name: 's0005_items', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'the same index declared unique',
					setup: `${table} create unique index s0005_items_v on public.s0005_items (v);`,
					cleanup: 'drop table if exists public.s0005_items;',
					cacheKey: 'unused_index_public_s0005_items_s0005_items_v',
				},
				{
					kind: 'adversarial',
					says: 'an unused index with hostile schema, table and index names',
					setup: `create schema ${id(S)}; create table ${id(S)}.${id(T)} (id int primary key, v int); create index ${id(I)} on ${id(S)}.${id(T)} (v);`,
					cleanup: dropSchema(S),
					cacheKey: `unused_index_${S}_${T}_${I}`,
					metadata: {schema: S, name: T},
				},
			];
		})(),
	},
	{
		code: '0006',
		name: 'multiple_permissive_policies',
		type: 'performance',
		level: 'WARN',
		cases: (() => {
			const posts = `create table public.s0006_posts (id int primary key, owner uuid, title text);
				alter table public.s0006_posts enable row level security;
				create policy s0006_mine on public.s0006_posts for select to authenticated using ((select auth.uid()) = owner);`;
			const T = odd('t0006');
			const R = odd('r0006');
			return [
				{
					kind: 'positive',
					says: 'two permissive SELECT policies for authenticated',
					setup: `${posts} create policy s0006_titled on public.s0006_posts for select to authenticated using (title <> '');`,
					cleanup: 'drop table if exists public.s0006_posts;',
					cacheKey: 'multiple_permissive_policies_public_s0006_posts_authenticated_SELECT',
					metadata: {schema: 'public', name: 's0006_posts', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'the second policy made restrictive',
					setup: `${posts} create policy s0006_titled on public.s0006_posts as restrictive for select to authenticated using (title <> '');`,
					cleanup: 'drop table if exists public.s0006_posts;',
					cacheKey: 'multiple_permissive_policies_public_s0006_posts_authenticated_SELECT',
				},
				{
					kind: 'adversarial',
					says: 'two permissive UPDATE policies for a role with a hostile name, on a table with one',
					setup: `create role ${id(R)} nologin; create table public.${id(T)} (id int primary key, title text);
						alter table public.${id(T)} enable row level security;
						create policy one on public.${id(T)} for update to ${id(R)} using (id > 0);
						create policy two on public.${id(T)} for all to ${id(R)} using (title <> '');`,
					cleanup: `drop table if exists public.${id(T)}; drop role if exists ${id(R)};`,
					cacheKey: `multiple_permissive_policies_public_${T}_${R}_UPDATE`,
					metadata: {schema: 'public', name: T},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0007',
		name: 'policy_exists_rls_disabled',
		type: 'security',
		level: 'ERROR',
		cases: (() => {
			const notes = `create table public.s0007_notes (id int primary key, owner uuid);
				create policy s0007_own on public.s0007_notes for select using ((select auth.uid()) = owner);`;
			const T = odd('t0007');
			return [
				{
					kind: 'positive',
					says: 'a policy on a table whose RLS is off',
					setup: notes,
					cleanup: 'drop table if exists public.s0007_notes;',
					cacheKey: 'policy_exists_rls_disabled_public_s0007_notes',
					metadata: {schema: 'public', name: 's0007_notes', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'the same policy with RLS on',
					setup: `${notes} alter table public.s0007_notes enable row level security;`,
					cleanup: 'drop table if exists public.s0007_notes;',
					cacheKey: 'policy_exists_rls_disabled_public_s0007_notes',
				},
				{
					kind: 'adversarial',
					says: 'a policy with a hostile name on a hostile table whose RLS is off',
					setup: `create table public.${id(T)} (id int primary key); create policy ${id(T)} on public.${id(T)} for select using (true);`,
					cleanup: `drop table if exists public.${id(T)};`,
					cacheKey: `policy_exists_rls_disabled_public_${T}`,
					metadata: {schema: 'public', name: T},
				},
			];
		})(),
	},
	{
		code: '0008',
		name: 'rls_enabled_no_policy',
		type: 'security',
		level: 'INFO',
		cases: (() => {
			const table = 'create table public.s0008_notes (id int primary key); alter table public.s0008_notes enable row level security;';
			const S = odd('s0008');
			const T = odd('t0008');
			return [
				{
					kind: 'positive',
					says: 'RLS on without any policy',
					setup: table,
					cleanup: 'drop table if exists public.s0008_notes;',
					cacheKey: 'rls_enabled_no_policy_public_s0008_notes',
					metadata: {schema: 'public', name: 's0008_notes', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'RLS on with a policy',
					setup: `${table} create policy s0008_read on public.s0008_notes for select to authenticated using (true);`,
					cleanup: 'drop table if exists public.s0008_notes;',
					cacheKey: 'rls_enabled_no_policy_public_s0008_notes',
				},
				{
					kind: 'adversarial',
					says: 'RLS on without a policy, hostile schema and table names',
					setup: `create schema ${id(S)}; create table ${id(S)}.${id(T)} (id int primary key); alter table ${id(S)}.${id(T)} enable row level security;`,
					cleanup: dropSchema(S),
					cacheKey: `rls_enabled_no_policy_${S}_${T}`,
					metadata: {schema: S, name: T, type: 'table'},
				},
			];
		})(),
	},
	{
		code: '0009',
		name: 'duplicate_index',
		type: 'performance',
		level: 'WARN',
		cases: (() => {
			const table = 'create table public.s0009_tags (id int primary key, name text);';
			const T = odd('t0009');
			const I1 = odd('i0009 a');
			const I2 = odd('i0009 b');
			return [
				{
					kind: 'positive',
					says: 'two identical indexes',
					setup: `${table} create index s0009_tags_a on public.s0009_tags (name); create index s0009_tags_b on public.s0009_tags (name);`,
					cleanup: 'drop table if exists public.s0009_tags;',
					cacheKey: 'duplicate_index_public_s0009_tags_{s0009_tags_a,s0009_tags_b}',
					metadata: {schema: 'public', name: 's0009_tags', type: 'table', indexes: ['s0009_tags_a', 's0009_tags_b']},
				},
				{
					kind: 'negative',
					says: 'the second one partial',
					setup: `${table} create index s0009_tags_a on public.s0009_tags (name); create index s0009_tags_b on public.s0009_tags (name) where name <> '';`,
					cleanup: 'drop table if exists public.s0009_tags;',
					cacheKey: 'duplicate_index_public_s0009_tags_{s0009_tags_a,s0009_tags_b}',
				},
				{
					kind: 'adversarial',
					says: 'two identical indexes with hostile names on a hostile table',
					setup: `create table public.${id(T)} (id int primary key, name text);
						create index ${id(I1)} on public.${id(T)} (name); create index ${id(I2)} on public.${id(T)} (name);`,
					cleanup: `drop table if exists public.${id(T)};`,
					cacheKey: `duplicate_index_public_${T}_${pgArray([I1, I2])}`,
					metadata: {schema: 'public', name: T, indexes: [I1, I2]},
				},
			];
		})(),
	},
	{
		code: '0010',
		name: 'security_definer_view',
		type: 'security',
		level: 'ERROR',
		cases: (() => {
			const base = 'create table public.s0010_base (id int primary key, title text);';
			const S = odd('s0010');
			const V = odd('v0010');
			return [
				{
					kind: 'positive',
					says: 'an exposed view without security_invoker',
					setup: `${base} create view public.s0010_titles as select id, title from public.s0010_base;`,
					cleanup: 'drop view if exists public.s0010_titles; drop table if exists public.s0010_base;',
					cacheKey: 'security_definer_view_public_s0010_titles',
					metadata: {schema: 'public', name: 's0010_titles', type: 'view'},
				},
				{
					kind: 'negative',
					says: 'the same view with security_invoker = on',
					setup: `${base} create view public.s0010_titles with (security_invoker = on) as select id, title from public.s0010_base;`,
					cleanup: 'drop view if exists public.s0010_titles; drop table if exists public.s0010_base;',
					cacheKey: 'security_definer_view_public_s0010_titles',
				},
				{
					kind: 'adversarial',
					says: 'a definer view with hostile names in a schema exposed through pgrst.db_schemas',
					setup: `${apiSchema(S)} create view ${id(S)}.${id(V)} as select 1 as one; ${expose('public', S)}`,
					cleanup: `${dropSchema(S)} ${EXPOSE_PUBLIC}`,
					cacheKey: `security_definer_view_${S}_${V}`,
					metadata: {schema: S, name: V, type: 'view'},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0011',
		name: 'function_search_path_mutable',
		type: 'security',
		level: 'WARN',
		cases: (() => {
			const S = odd('s0011');
			const F = odd('f0011');
			return [
				{
					kind: 'positive',
					says: 'a function without a pinned search_path',
					setup: 'create function public.s0011_add(n int) returns int language sql as $fn$select n + 1$fn$;',
					cleanup: 'drop function if exists public.s0011_add(int);',
					cacheKey: `function_search_path_mutable_public_s0011_add_${md5('select n + 1')}`,
					metadata: {schema: 'public', name: 's0011_add', type: 'function'},
				},
				{
					kind: 'negative',
					says: "the same function with set search_path = ''",
					setup: "create function public.s0011_add(n int) returns int language sql set search_path = '' as $fn$select n + 1$fn$;",
					cleanup: 'drop function if exists public.s0011_add(int);',
					cacheKey: `function_search_path_mutable_public_s0011_add_${md5('select n + 1')}`,
				},
				{
					kind: 'adversarial',
					says: 'a function with hostile schema and function names',
					setup: `create schema ${id(S)}; create function ${id(S)}.${id(F)}() returns text language sql as $fn$select 'x\\y'$fn$;`,
					cleanup: dropSchema(S),
					cacheKey: `function_search_path_mutable_${S}_${F}_${md5("select 'x\\y'")}`,
					metadata: {schema: S, name: F, type: 'function'},
				},
			];
		})(),
	},
	{
		code: '0013',
		name: 'rls_disabled_in_public',
		type: 'security',
		level: 'ERROR',
		cases: (() => {
			const api = `${apiSchema('s0013_api')} create table s0013_api.notes (id int primary key);`;
			const S = odd('s0013');
			const T = odd('t0013');
			return [
				{
					kind: 'positive',
					says: 'an exposed table with RLS off',
					setup: 'create table public.s0013_notes (id int primary key);',
					cleanup: 'drop table if exists public.s0013_notes;',
					cacheKey: 'rls_disabled_in_public_public_s0013_notes',
					metadata: {schema: 'public', name: 's0013_notes', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'the same table with RLS on',
					setup: 'create table public.s0013_notes (id int primary key); alter table public.s0013_notes enable row level security;',
					cleanup: 'drop table if exists public.s0013_notes;',
					cacheKey: 'rls_disabled_in_public_public_s0013_notes',
				},
				{
					kind: 'positive',
					says: 'a table in a schema the project exposes with alter database … set pgrst.db_schemas',
					setup: `${api} ${expose('public', 's0013_api')}`,
					cleanup: `${dropSchema('s0013_api')} ${EXPOSE_PUBLIC}`,
					cacheKey: 'rls_disabled_in_public_s0013_api_notes',
					metadata: {schema: 's0013_api', name: 'notes'},
					combinable: false,
				},
				{
					kind: 'negative',
					says: 'the same table while the schema is not in pgrst.db_schemas',
					setup: api,
					cleanup: dropSchema('s0013_api'),
					cacheKey: 'rls_disabled_in_public_s0013_api_notes',
				},
				{
					kind: 'adversarial',
					says: 'a table with hostile names in a schema listed (double-quoted) in pgrst.db_schemas',
					setup: `${apiSchema(S)} create table ${id(S)}.${id(T)} (id int primary key); ${expose('public', S)}`,
					cleanup: `${dropSchema(S)} ${EXPOSE_PUBLIC}`,
					cacheKey: `rls_disabled_in_public_${S}_${T}`,
					metadata: {schema: S, name: T, type: 'table'},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0014',
		name: 'extension_in_public',
		type: 'security',
		level: 'WARN',
		cases: (() => {
			const S = odd('s0014');
			return [
				{
					kind: 'positive',
					says: 'citext installed in public',
					setup: 'create extension citext schema public;',
					cleanup: 'drop extension if exists citext cascade;',
					cacheKey: 'extension_in_public_citext',
					metadata: {schema: 'public', name: 'citext', type: 'extension'},
				},
				{
					kind: 'negative',
					says: 'citext installed in the extensions schema',
					setup: 'create extension citext schema extensions;',
					cleanup: 'drop extension if exists citext cascade;',
					cacheKey: 'extension_in_public_citext',
				},
				{
					kind: 'adversarial',
					says: 'hstore in a schema with a hostile name (not flagged) next to ltree in public (flagged)',
					setup: `create schema ${id(S)}; create extension hstore schema ${id(S)}; create extension ltree schema public;`,
					cleanup: `drop extension if exists hstore, ltree cascade; ${dropSchema(S)}`,
					cacheKey: 'extension_in_public_ltree',
					metadata: {schema: 'public', name: 'ltree', type: 'extension'},
					absent: ['extension_in_public_hstore'],
				},
			];
		})(),
	},
	{
		code: '0015',
		name: 'rls_references_user_metadata',
		type: 'security',
		level: 'ERROR',
		cases: (() => {
			const table = 'create table public.s0015_docs (id int primary key); alter table public.s0015_docs enable row level security;';
			const T = odd('t0015');
			const P = odd('p0015');
			return [
				{
					kind: 'positive',
					says: 'a policy reading user_metadata from auth.jwt()',
					setup: `${table} create policy s0015_admins on public.s0015_docs for select to authenticated
						using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');`,
					cleanup: 'drop table if exists public.s0015_docs;',
					cacheKey: 'rls_references_user_metadata_public_s0015_docs_s0015_admins',
					metadata: {schema: 'public', name: 's0015_docs', type: 'table'},
				},
				{
					kind: 'negative',
					says: 'the same policy reading app_metadata',
					setup: `${table} create policy s0015_admins on public.s0015_docs for select to authenticated
						using (((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');`,
					cleanup: 'drop table if exists public.s0015_docs;',
					cacheKey: 'rls_references_user_metadata_public_s0015_docs_s0015_admins',
				},
				{
					kind: 'adversarial',
					says: 'a WITH CHECK reading user_metadata, hostile table and policy names',
					setup: `create table public.${id(T)} (id int primary key); alter table public.${id(T)} enable row level security;
						create policy ${id(P)} on public.${id(T)} for insert to authenticated with check ((auth.jwt() -> 'user_metadata' ->> 'ok') = 'yes');`,
					cleanup: `drop table if exists public.${id(T)};`,
					cacheKey: `rls_references_user_metadata_public_${T}_${P}`,
					metadata: {schema: 'public', name: T},
				},
			];
		})(),
	},
	{
		code: '0016',
		name: 'materialized_view_in_api',
		type: 'security',
		level: 'WARN',
		cases: (() => {
			const view = 'create materialized view public.s0016_counts as select 1 as n;';
			const S = odd('s0016');
			const V = odd('v0016');
			return [
				{
					kind: 'positive',
					says: 'an exposed materialized view the API roles may select',
					setup: view,
					cleanup: 'drop materialized view if exists public.s0016_counts;',
					cacheKey: 'materialized_view_in_api_public_s0016_counts',
					metadata: {schema: 'public', name: 's0016_counts', type: 'materialized view'},
				},
				{
					kind: 'negative',
					says: 'the same view with SELECT revoked',
					setup: `${view} revoke select on public.s0016_counts from anon, authenticated;`,
					cleanup: 'drop materialized view if exists public.s0016_counts;',
					cacheKey: 'materialized_view_in_api_public_s0016_counts',
				},
				{
					kind: 'adversarial',
					says: 'a materialized view with hostile names in an exposed schema',
					setup: `${apiSchema(S)} create materialized view ${id(S)}.${id(V)} as select 1 as n; ${expose('public', S)}`,
					cleanup: `${dropSchema(S)} ${EXPOSE_PUBLIC}`,
					cacheKey: `materialized_view_in_api_${S}_${V}`,
					metadata: {schema: S, name: V, type: 'materialized view'},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0017',
		name: 'foreign_table_in_api',
		type: 'security',
		level: 'WARN',
		cases: (() => {
			// A wrapper without a handler is enough for the catalog; no FDW extension needed.
			const server = 'create foreign data wrapper s0017_fdw; create server s0017_server foreign data wrapper s0017_fdw;';
			const S = odd('s0017');
			const T = odd('t0017');
			return [
				{
					kind: 'positive',
					says: 'a foreign table in public that anon may select',
					setup: `${server} create foreign table public.s0017_remote (id int) server s0017_server; grant select on public.s0017_remote to anon;`,
					cleanup: 'drop foreign data wrapper if exists s0017_fdw cascade;',
					cacheKey: 'foreign_table_in_api_public_s0017_remote',
					metadata: {schema: 'public', name: 's0017_remote', type: 'foreign table'},
				},
				{
					kind: 'negative',
					says: 'the same foreign table in a schema that is not exposed',
					setup: `${server} create schema s0017_private; create foreign table s0017_private.s0017_remote (id int) server s0017_server;
						grant usage on schema s0017_private to anon; grant select on s0017_private.s0017_remote to anon;`,
					cleanup: 'drop foreign data wrapper if exists s0017_fdw cascade; drop schema if exists s0017_private cascade;',
					cacheKey: 'foreign_table_in_api_s0017_private_s0017_remote',
				},
				{
					kind: 'adversarial',
					says: 'a foreign table, its wrapper and server all with hostile names, in an exposed schema',
					setup: `create foreign data wrapper ${id(odd('w0017'))}; create server ${id(odd('v0017'))} foreign data wrapper ${id(odd('w0017'))};
						${apiSchema(S)} create foreign table ${id(S)}.${id(T)} (id int) server ${id(odd('v0017'))};
						grant select on ${id(S)}.${id(T)} to anon; ${expose('public', S)}`,
					cleanup: `drop foreign data wrapper if exists ${id(odd('w0017'))} cascade; ${dropSchema(S)} ${EXPOSE_PUBLIC}`,
					cacheKey: `foreign_table_in_api_${S}_${T}`,
					metadata: {schema: S, name: T, type: 'foreign table'},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0018',
		name: 'unsupported_reg_types',
		type: 'security',
		level: 'WARN',
		cases: (() => {
			const S = odd('s0018');
			const T = odd('t0018');
			const C = odd('c0018');
			return [
				{
					kind: 'positive',
					says: 'a regproc column',
					setup: 'create table public.s0018_hooks (id int primary key, handler regproc);',
					cleanup: 'drop table if exists public.s0018_hooks;',
					cacheKey: 'unsupported_reg_types_public_s0018_hooks_handler',
					metadata: {schema: 'public', name: 's0018_hooks', type: 'table', column: 'handler', column_type: 'regproc'},
				},
				{
					kind: 'negative',
					says: 'a regclass column (pg_upgrade carries it over)',
					setup: 'create table public.s0018_hooks (id int primary key, handler regclass);',
					cleanup: 'drop table if exists public.s0018_hooks;',
					cacheKey: 'unsupported_reg_types_public_s0018_hooks_handler',
				},
				{
					kind: 'positive',
					says: 'a regprocedure column in a platform schema (it blocks the upgrade all the same; splinter scans it)',
					setup: 'create table auth.s0018_hooks (id int primary key, handler regprocedure);',
					cleanup: 'drop table if exists auth.s0018_hooks;',
					cacheKey: 'unsupported_reg_types_auth_s0018_hooks_handler',
					metadata: {schema: 'auth', name: 's0018_hooks', column_type: 'regprocedure'},
				},
				{
					kind: 'adversarial',
					says: 'a regnamespace column with hostile schema, table and column names',
					setup: `create schema ${id(S)}; create table ${id(S)}.${id(T)} (id int primary key, ${id(C)} regnamespace);`,
					cleanup: dropSchema(S),
					cacheKey: `unsupported_reg_types_${S}_${T}_${C}`,
					metadata: {schema: S, name: T, type: 'table', column: C, column_type: 'regnamespace'},
				},
			];
		})(),
	},
	{
		code: '0019',
		name: 'insecure_queue_exposed_in_api',
		type: 'security',
		level: 'ERROR',
		cases: (() => {
			// pgmq itself is not installed: its queue tables are plain tables in schema pgmq.
			const queue = (table: string) => `create schema pgmq; grant usage on schema pgmq to anon;
				create table pgmq.${table} (msg_id bigint primary key, message jsonb); grant select on pgmq.${table} to anon;`;
			const cleanup = `drop schema if exists pgmq cascade; ${EXPOSE_PUBLIC}`;
			const Q = `q_${odd('0019')}`;
			return [
				{
					kind: 'positive',
					says: 'a queue table without RLS while pgmq_public is in pgrst.db_schemas',
					setup: `${queue('q_s0019')} ${expose('public', 'pgmq_public')}`,
					cleanup,
					cacheKey: 'insecure_queue_exposed_in_api_pgmq_q_s0019',
					metadata: {schema: 'pgmq', name: 'q_s0019', type: 'table'},
					combinable: false,
				},
				{
					kind: 'negative',
					says: 'the same queue table with RLS on',
					setup: `${queue('q_s0019')} alter table pgmq.q_s0019 enable row level security; ${expose('public', 'pgmq_public')}`,
					cleanup,
					cacheKey: 'insecure_queue_exposed_in_api_pgmq_q_s0019',
				},
				{
					kind: 'adversarial',
					says: 'a queue table with a hostile name',
					setup: `${queue(id(Q))} ${expose('public', 'pgmq_public')}`,
					cleanup,
					cacheKey: `insecure_queue_exposed_in_api_pgmq_${Q}`,
					metadata: {schema: 'pgmq', name: Q},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0020',
		name: 'table_bloat',
		type: 'performance',
		level: 'INFO',
		cases: (() => {
			const S = odd('s0020');
			const T = odd('t0020');
			return [
				{
					kind: 'positive',
					says: 'a ~35 MB table with 92% of its rows deleted',
					setup: bloat('public.s0020_big', 20000),
					cleanup: 'drop table if exists public.s0020_big;',
					cacheKey: 'table_bloat_public_s0020_big',
					metadata: {schema: 'public', name: 's0020_big', type: 'table'},
					combinable: false,
				},
				{
					kind: 'negative',
					says: 'the same table with 8% deleted',
					setup: bloat('public.s0020_big', 230000),
					cleanup: 'drop table if exists public.s0020_big;',
					cacheKey: 'table_bloat_public_s0020_big',
				},
				{
					kind: 'adversarial',
					says: 'a bloated table with hostile schema and table names',
					setup: `create schema ${id(S)}; ${bloat(`${id(S)}.${id(T)}`, 20000)}`,
					cleanup: dropSchema(S),
					cacheKey: `table_bloat_${S}_${T}`,
					metadata: {schema: S, name: T, type: 'table'},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0021',
		name: 'fkey_to_auth_unique',
		type: 'security',
		level: 'ERROR',
		cases: (() => {
			const S = odd('s0021');
			const T = odd('t0021');
			const FK = odd('fk0021');
			return [
				{
					kind: 'positive',
					says: 'a foreign key to auth.users(phone), a unique constraint that is not the primary key',
					setup: 'create table public.s0021_profiles (id int primary key, phone text references auth.users (phone));',
					cleanup: 'drop table if exists public.s0021_profiles;',
					cacheKey: 'fkey_to_auth_unique_public_s0021_profiles_s0021_profiles_phone_fkey',
					metadata: {schema: 'public', name: 's0021_profiles', type: 'table', foreign_key: 's0021_profiles_phone_fkey'},
				},
				{
					kind: 'negative',
					says: 'a foreign key to auth.users(id)',
					setup: 'create table public.s0021_profiles (id int primary key, user_id uuid references auth.users (id));',
					cleanup: 'drop table if exists public.s0021_profiles;',
					cacheKey: 'fkey_to_auth_unique_public_s0021_profiles_s0021_profiles_user_id_fkey',
				},
				{
					kind: 'adversarial',
					says: 'the same key with hostile schema, table and constraint names',
					setup: `create schema ${id(S)}; create table ${id(S)}.${id(T)} (id int primary key, phone text, constraint ${id(FK)} foreign key (phone) references auth.users (phone));`,
					cleanup: dropSchema(S),
					cacheKey: `fkey_to_auth_unique_${S}_${T}_${FK}`,
					metadata: {schema: S, name: T, foreign_key: FK},
				},
			];
		})(),
	},
	{
		code: '0022',
		name: 'extension_versions_outdated',
		type: 'security',
		level: 'WARN',
		cases: (() => {
			const S = odd('s0022');
			return [
				{
					kind: 'positive',
					says: "ltree created at version '1.1', older than the default",
					setup: "create extension ltree schema extensions version '1.1';",
					cleanup: 'drop extension if exists ltree cascade;',
					cacheKey: 'extension_versions_outdated_ltree_1.1',
					metadata: {schema: 'extensions', name: 'ltree', type: 'extension', installed_version: '1.1'},
				},
				{
					kind: 'negative',
					says: 'ltree at its default version',
					setup: 'create extension ltree schema extensions;',
					cleanup: 'drop extension if exists ltree cascade;',
					cacheKey: 'extension_versions_outdated_ltree_1.1',
				},
				{
					kind: 'adversarial',
					says: "hstore at '1.4' in a schema with a hostile name",
					setup: `create schema ${id(S)}; create extension hstore schema ${id(S)} version '1.4';`,
					cleanup: `drop extension if exists hstore cascade; ${dropSchema(S)}`,
					cacheKey: 'extension_versions_outdated_hstore_1.4',
					metadata: {schema: S, name: 'hstore', installed_version: '1.4'},
				},
			];
		})(),
	},
	{
		code: '0023',
		name: 'sensitive_columns_exposed',
		type: 'security',
		level: 'ERROR',
		cases: (() => {
			const table = 'create table public.s0023_accounts (id int primary key, email text, password text, "API-Key" text);';
			const S = odd('s0023');
			const T = odd('t0023');
			return [
				{
					kind: 'positive',
					says: 'an exposed table without RLS holding password and API-Key columns',
					setup: table,
					cleanup: 'drop table if exists public.s0023_accounts;',
					cacheKey: 'sensitive_columns_exposed_public_s0023_accounts',
					metadata: {schema: 'public', name: 's0023_accounts', type: 'table', sensitive_columns: ['API-Key', 'password']},
				},
				{
					kind: 'negative',
					says: 'the same table with RLS on',
					setup: `${table} alter table public.s0023_accounts enable row level security;`,
					cleanup: 'drop table if exists public.s0023_accounts;',
					cacheKey: 'sensitive_columns_exposed_public_s0023_accounts',
				},
				{
					kind: 'adversarial',
					says: 'an Access-Token column next to a hostile one, hostile table in an exposed schema with a hostile name',
					setup: `${apiSchema(S)} create table ${id(S)}.${id(T)} (id int primary key, "Access-Token" text, ${id(odd('c0023'))} text); ${expose('public', S)}`,
					cleanup: `${dropSchema(S)} ${EXPOSE_PUBLIC}`,
					cacheKey: `sensitive_columns_exposed_${S}_${T}`,
					metadata: {schema: S, name: T, sensitive_columns: ['Access-Token']},
					combinable: false,
				},
			];
		})(),
	},
	{
		code: '0024',
		name: 'rls_policy_always_true',
		type: 'security',
		level: 'WARN',
		cases: (() => {
			const posts = `create table public.s0024_posts (id int primary key, owner uuid, title text);
				alter table public.s0024_posts enable row level security;`;
			const cleanup = 'drop table if exists public.s0024_posts;';
			const key = 'rls_policy_always_true_public_s0024_posts_s0024_edit';
			const T = odd('t0024');
			const P = odd('p0024');
			return [
				{
					kind: 'positive',
					says: 'an UPDATE policy using (true) without WITH CHECK: Postgres checks new rows with USING, so both are always true',
					setup: `${posts} create policy s0024_edit on public.s0024_posts for update to authenticated using (true);`,
					cleanup,
					cacheKey: key,
					metadata: {command: 'UPDATE', roles: ['authenticated'], permissive_using: true, permissive_with_check: true, with_check: null},
				},
				{
					kind: 'negative',
					says: 'an UPDATE policy checking the owner, without WITH CHECK (USING checks new rows)',
					setup: `${posts} create policy s0024_edit on public.s0024_posts for update to authenticated using ((select auth.uid()) = owner);`,
					cleanup,
					cacheKey: key,
				},
				{
					kind: 'positive',
					says: 'a FOR ALL policy for anon using (true) without WITH CHECK',
					setup: `${posts} create policy s0024_edit on public.s0024_posts for all to anon using (true);`,
					cleanup,
					cacheKey: key,
					metadata: {command: 'ALL', roles: ['anon'], permissive_using: true, permissive_with_check: true},
					combinable: false,
				},
				{
					kind: 'negative',
					says: 'a SELECT policy using (true), public reads being deliberate',
					setup: `${posts} create policy s0024_edit on public.s0024_posts for select to anon using (true);`,
					cleanup,
					cacheKey: key,
				},
				{
					kind: 'negative',
					says: 'the UPDATE policy with USING and WITH CHECK (true) made restrictive',
					setup: `${posts} create policy s0024_edit on public.s0024_posts as restrictive for update to authenticated using (true) with check (true);`,
					cleanup,
					cacheKey: key,
				},
				{
					kind: 'adversarial',
					says: 'an INSERT policy with check (1 = 1) for public, hostile table and policy names',
					setup: `create table public.${id(T)} (id int primary key); alter table public.${id(T)} enable row level security;
						create policy ${id(P)} on public.${id(T)} for insert with check (1 = 1);`,
					cleanup: `drop table if exists public.${id(T)};`,
					cacheKey: `rls_policy_always_true_public_${T}_${P}`,
					metadata: {schema: 'public', name: T, policy_name: P, command: 'INSERT', roles: ['public'], permissive_using: false, permissive_with_check: true},
				},
			];
		})(),
	},
	{
		code: '0025',
		name: 'public_bucket_allows_listing',
		type: 'security',
		level: 'WARN',
		cases: (() => {
			const listable = (bucket: string, isPublic: boolean) => `${STORAGE}
				insert into storage.buckets (id, name, public) values (${lit(bucket)}, ${lit(bucket)}, ${isPublic});
				create policy ${id(`list ${bucket}`)} on storage.objects for select to public using (bucket_id = ${lit(bucket)});`;
			const cleanup = 'drop schema if exists storage cascade;';
			const B = odd('b0025');
			return [
				{
					kind: 'positive',
					says: "a public bucket with a SELECT policy of bucket_id = 'avatars'",
					setup: listable('avatars', true),
					cleanup,
					cacheKey: 'public_bucket_allows_listing_avatars',
					metadata: {schema: 'storage', name: 'avatars', type: 'bucket', bucket_id: 'avatars', policy_names: ['list avatars'], policy_count: 1},
				},
				{
					kind: 'negative',
					says: 'the same bucket and policy, bucket not public',
					setup: listable('avatars', false),
					cleanup,
					cacheKey: 'public_bucket_allows_listing_avatars',
				},
				{
					kind: 'positive',
					says: 'a public bucket whose id has a backslash',
					setup: listable('user\\files', true),
					cleanup,
					cacheKey: 'public_bucket_allows_listing_user\\files',
					metadata: {bucket_id: 'user\\files'},
					combinable: false,
				},
				{
					kind: 'negative',
					says: 'a public bucket with a FOR ALL policy that has only WITH CHECK (no USING: it exposes no row)',
					setup: `${STORAGE} insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
						create policy uploads on storage.objects for all to authenticated with check (bucket_id = 'avatars');`,
					cleanup,
					cacheKey: 'public_bucket_allows_listing_avatars',
				},
				{
					kind: 'adversarial',
					says: 'a public bucket whose id has capitals, spaces, quotes, a backslash and non-ASCII letters',
					setup: listable(B, true),
					cleanup,
					cacheKey: `public_bucket_allows_listing_${B}`,
					metadata: {schema: 'storage', name: B, bucket_id: B, policy_names: [`list ${B}`]},
					combinable: false,
				},
			];
		})(),
	},
	{code: '0026', name: 'pg_graphql_anon_table_exposed', type: 'security', level: 'WARN', unavailable: 'pg_graphql', cases: graphqlCases('anon', '0026')},
	{
		code: '0027',
		name: 'pg_graphql_authenticated_table_exposed',
		type: 'security',
		level: 'WARN',
		unavailable: 'pg_graphql',
		cases: graphqlCases('authenticated', '0027'),
	},
	{code: '0028', name: 'anon_security_definer_function_executable', type: 'security', level: 'WARN', cases: securityDefinerCases('anon', '0028')},
	{
		code: '0029',
		name: 'authenticated_security_definer_function_executable',
		type: 'security',
		level: 'WARN',
		cases: securityDefinerCases('authenticated', '0029'),
	},
];

/** Splinter's lints 0001–0029 that read the database; 0012 (anonymous sign-ins) reads Auth's configuration. */
export const SPLINTER_DATABASE_LINTS = [
	'0001',
	'0002',
	'0003',
	'0004',
	'0005',
	'0006',
	'0007',
	'0008',
	'0009',
	'0010',
	'0011',
	'0013',
	'0014',
	'0015',
	'0016',
	'0017',
	'0018',
	'0019',
	'0020',
	'0021',
	'0022',
	'0023',
	'0024',
	'0025',
	'0026',
	'0027',
	'0028',
	'0029',
];
