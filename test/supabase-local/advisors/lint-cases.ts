/**
 * For each lint, a schema that triggers it and a near-identical one that must not. Both sides create objects with
 * the same names, so the finding they would produce has the same cache key: present on one side, absent on the
 * other. Each side runs inside a transaction that is rolled back (catalogs are transactional).
 */
import type {AdvisorType, LintFinding} from '../../../source/supabase-local/advisors/index.js';

export type LintCase = {
	lint: string;
	type: AdvisorType;
	/** What differs between the two sides, in a few words each. */
	triggers: string;
	clean: string;
	triggerSql: string;
	cleanSql: string;
	cacheKey: string;
	/** Lint-specific checks on the finding beyond its key. */
	check?: (finding: LintFinding) => void;
	/** Extension the PGlite instance must be created with. */
	needs?: 'citext';
};

/** Tables shaped like Supabase Storage's, with the listing policy Supabase's templates suggest. */
const STORAGE = `create schema storage;
	create table storage.buckets (id text primary key, name text not null unique, public boolean not null default false, owner uuid);
	create table storage.objects (id uuid primary key default gen_random_uuid(), bucket_id text references storage.buckets (id), name text, owner uuid);
	alter table storage.objects enable row level security;
	create policy "avatars are listable" on storage.objects for select to public using (bucket_id = 'avatars');`;

/**
 * pg_graphql cannot be installed here; the lints only look for its row in pg_extension, so a superuser inserts
 * one (the surrounding transaction is rolled back).
 */
const FAKE_PG_GRAPHQL = `insert into pg_catalog.pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion)
	values (999999, 'pg_graphql', (select oid from pg_catalog.pg_roles where rolname = current_user), 'pg_catalog'::regnamespace, false, '1.5.11');`;

const TODOS = `create table public.todos (id bigint generated always as identity primary key, owner uuid not null, title text not null);`;

export const LINT_CASES: LintCase[] = [
	{
		lint: 'unindexed_foreign_keys',
		type: 'performance',
		triggers: 'a foreign key without an index',
		clean: 'the same foreign key with an index leading on it',
		triggerSql: `${TODOS} create table public.tags (id int primary key, todo_id bigint references public.todos (id), name text);`,
		cleanSql: `${TODOS} create table public.tags (id int primary key, todo_id bigint references public.todos (id), name text);
			create index tags_todo_id_name on public.tags (todo_id, name);`,
		cacheKey: 'unindexed_foreign_keys_public_tags_tags_todo_id_fkey',
		check: finding => {
			if (JSON.stringify(finding.metadata['fkey_columns']) !== '[2]') throw new Error(`fkey_columns ${JSON.stringify(finding.metadata)}`);
			if (finding.metadata['fkey_name'] !== 'tags_todo_id_fkey') throw new Error('fkey_name missing');
		},
	},
	{
		lint: 'unindexed_foreign_keys',
		type: 'performance',
		triggers: 'an index whose leading column is not the foreign key',
		clean: 'an index leading on the foreign key',
		triggerSql: `${TODOS} create table public.tags (id int primary key, todo_id bigint references public.todos (id), name text);
			create index tags_name_todo_id on public.tags (name, todo_id);`,
		cleanSql: `${TODOS} create table public.tags (id int primary key, todo_id bigint references public.todos (id), name text);
			create index tags_todo_id on public.tags (todo_id);`,
		cacheKey: 'unindexed_foreign_keys_public_tags_tags_todo_id_fkey',
	},
	{
		lint: 'auth_users_exposed',
		type: 'security',
		triggers: 'a public view over auth.users readable by the API roles',
		clean: 'the same view with SELECT revoked from anon and authenticated',
		triggerSql: `create view public.profiles as select id, email from auth.users;`,
		cleanSql: `create view public.profiles as select id, email from auth.users; revoke select on public.profiles from anon, authenticated;`,
		cacheKey: 'auth_users_exposed_public_profiles',
		check: finding => {
			if (JSON.stringify(finding.metadata['exposed_to']) !== '["anon","authenticated"]') throw new Error(JSON.stringify(finding.metadata));
		},
	},
	{
		lint: 'auth_users_exposed',
		type: 'security',
		triggers: 'a security_invoker view while auth.users has RLS off',
		clean: 'the same view once auth.users has RLS on',
		triggerSql: `create view public.profiles with (security_invoker = on) as select id, email from auth.users;`,
		cleanSql: `create view public.profiles with (security_invoker = on) as select id, email from auth.users;
			alter table auth.users enable row level security;`,
		cacheKey: 'auth_users_exposed_public_profiles',
	},
	{
		lint: 'auth_rls_initplan',
		type: 'performance',
		triggers: 'a policy calling auth.uid() directly',
		clean: 'the same policy calling (select auth.uid())',
		triggerSql: `${TODOS} alter table public.todos enable row level security;
			create policy own on public.todos for select to authenticated using (auth.uid() = owner);`,
		cleanSql: `${TODOS} alter table public.todos enable row level security;
			create policy own on public.todos for select to authenticated using ((select auth.uid()) = owner);`,
		cacheKey: 'auth_rls_init_plan_public_todos_own',
	},
	{
		lint: 'auth_rls_initplan',
		type: 'performance',
		triggers: 'a WITH CHECK calling current_setting() directly',
		clean: 'the same check wrapped in a select',
		triggerSql: `${TODOS} alter table public.todos enable row level security;
			create policy own on public.todos for insert to authenticated with check (owner::text = current_setting('request.jwt.claim.sub', true));`,
		cleanSql: `${TODOS} alter table public.todos enable row level security;
			create policy own on public.todos for insert to authenticated with check (owner::text = (select current_setting('request.jwt.claim.sub', true)));`,
		cacheKey: 'auth_rls_init_plan_public_todos_own',
	},
	{
		lint: 'no_primary_key',
		type: 'performance',
		triggers: 'a table without a primary key',
		clean: 'the same table with one',
		triggerSql: `create table public.events (id bigint not null, body text);`,
		cleanSql: `create table public.events (id bigint primary key, body text);`,
		cacheKey: 'no_primary_key_public_events',
	},
	{
		lint: 'unused_index',
		type: 'performance',
		triggers: 'a plain index never scanned',
		clean: 'the same index declared unique',
		triggerSql: `${TODOS} create index todos_title on public.todos (title);`,
		cleanSql: `${TODOS} create unique index todos_title on public.todos (title);`,
		cacheKey: 'unused_index_public_todos_todos_title',
	},
	{
		lint: 'multiple_permissive_policies',
		type: 'performance',
		triggers: 'two permissive SELECT policies for authenticated',
		clean: 'the second policy made restrictive',
		triggerSql: `${TODOS} alter table public.todos enable row level security;
			create policy mine on public.todos for select to authenticated using ((select auth.uid()) = owner);
			create policy titled on public.todos for select to authenticated using (title <> '');`,
		cleanSql: `${TODOS} alter table public.todos enable row level security;
			create policy mine on public.todos for select to authenticated using ((select auth.uid()) = owner);
			create policy titled on public.todos as restrictive for select to authenticated using (title <> '');`,
		cacheKey: 'multiple_permissive_policies_public_todos_authenticated_SELECT',
	},
	{
		lint: 'multiple_permissive_policies',
		type: 'performance',
		triggers: 'a FOR ALL policy overlapping an UPDATE policy for the same role',
		clean: 'the ALL policy given to a different role',
		triggerSql: `${TODOS} alter table public.todos enable row level security;
			create policy everything on public.todos for all to authenticated using ((select auth.uid()) = owner);
			create policy edit on public.todos for update to authenticated using (title <> '');`,
		cleanSql: `${TODOS} alter table public.todos enable row level security;
			create policy everything on public.todos for all to anon using ((select auth.uid()) = owner);
			create policy edit on public.todos for update to authenticated using (title <> '');`,
		cacheKey: 'multiple_permissive_policies_public_todos_authenticated_UPDATE',
	},
	{
		lint: 'policy_exists_rls_disabled',
		type: 'security',
		triggers: 'a policy on a table with RLS off',
		clean: 'the same policy with RLS on',
		triggerSql: `${TODOS} create policy own on public.todos for select using ((select auth.uid()) = owner);`,
		cleanSql: `${TODOS} create policy own on public.todos for select using ((select auth.uid()) = owner);
			alter table public.todos enable row level security;`,
		cacheKey: 'policy_exists_rls_disabled_public_todos',
	},
	{
		lint: 'rls_enabled_no_policy',
		type: 'security',
		triggers: 'RLS on without any policy',
		clean: 'RLS on with a policy',
		triggerSql: `${TODOS} alter table public.todos enable row level security;`,
		cleanSql: `${TODOS} alter table public.todos enable row level security;
			create policy own on public.todos for select using ((select auth.uid()) = owner);`,
		cacheKey: 'rls_enabled_no_policy_public_todos',
	},
	{
		lint: 'duplicate_index',
		type: 'performance',
		triggers: 'two identical indexes',
		clean: 'the second one partial',
		triggerSql: `${TODOS} create index todos_title_a on public.todos (title); create index todos_title_b on public.todos (title);`,
		cleanSql: `${TODOS} create index todos_title_a on public.todos (title); create index todos_title_b on public.todos (title) where title <> '';`,
		cacheKey: 'duplicate_index_public_todos_{todos_title_a,todos_title_b}',
		check: finding => {
			if (JSON.stringify(finding.metadata['indexes']) !== '["todos_title_a","todos_title_b"]') throw new Error(JSON.stringify(finding.metadata));
		},
	},
	{
		lint: 'security_definer_view',
		type: 'security',
		triggers: 'a view without security_invoker',
		clean: 'the same view with security_invoker = on',
		triggerSql: `${TODOS} create view public.todo_titles as select id, title from public.todos;`,
		cleanSql: `${TODOS} create view public.todo_titles with (security_invoker = on) as select id, title from public.todos;`,
		cacheKey: 'security_definer_view_public_todo_titles',
	},
	{
		lint: 'function_search_path_mutable',
		type: 'security',
		triggers: 'a function without a pinned search_path',
		clean: "the same function with set search_path = ''",
		triggerSql: `create function public.add_one(n int) returns int language sql as 'select n + 1';`,
		cleanSql: `create function public.add_one(n int) returns int language sql set search_path = '' as 'select n + 1';`,
		cacheKey: 'function_search_path_mutable_public_add_one_b0a155edf6c5c5245570c1cefd26d884',
	},
	{
		lint: 'rls_disabled_in_public',
		type: 'security',
		triggers: 'an exposed table with RLS off',
		clean: 'the same table with RLS on',
		triggerSql: TODOS,
		cleanSql: `${TODOS} alter table public.todos enable row level security;`,
		cacheKey: 'rls_disabled_in_public_public_todos',
	},
	{
		lint: 'rls_disabled_in_public',
		type: 'security',
		triggers: 'a table in a schema listed in pgrst.db_schemas',
		clean: 'the same table in a schema that is not listed',
		triggerSql: `set local pgrst.db_schemas = 'public, api'; create schema api; grant usage on schema api to anon;
			create table api.notes (id int primary key); grant select on api.notes to anon;`,
		cleanSql: `set local pgrst.db_schemas = 'public'; create schema api; grant usage on schema api to anon;
			create table api.notes (id int primary key); grant select on api.notes to anon;`,
		cacheKey: 'rls_disabled_in_public_api_notes',
	},
	{
		lint: 'rls_disabled_in_public',
		type: 'security',
		triggers: 'an exposed table readable by anon',
		clean: 'the same table in a system schema listed in pgrst.db_schemas',
		triggerSql: `set local pgrst.db_schemas = 'public, storage'; create table public.objects (id int primary key);`,
		cleanSql: `set local pgrst.db_schemas = 'public, storage'; create schema storage; create table storage.objects (id int primary key);
			grant usage on schema storage to anon; grant select on storage.objects to anon;`,
		cacheKey: 'rls_disabled_in_public_public_objects',
	},
	{
		lint: 'extension_in_public',
		type: 'security',
		triggers: 'citext installed in public',
		clean: 'citext installed in the extensions schema',
		triggerSql: `create extension citext schema public;`,
		cleanSql: `create schema extensions; create extension citext schema extensions;`,
		cacheKey: 'extension_in_public_citext',
		needs: 'citext',
	},
	{
		lint: 'rls_references_user_metadata',
		type: 'security',
		triggers: 'a policy reading user_metadata from auth.jwt()',
		clean: 'the same policy reading app_metadata',
		triggerSql: `${TODOS} alter table public.todos enable row level security;
			create policy admins on public.todos for select to authenticated using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');`,
		cleanSql: `${TODOS} alter table public.todos enable row level security;
			create policy admins on public.todos for select to authenticated using (((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');`,
		cacheKey: 'rls_references_user_metadata_public_todos_admins',
	},
	{
		lint: 'materialized_view_in_api',
		type: 'security',
		triggers: 'an exposed materialized view readable by the API roles',
		clean: 'the same view with SELECT revoked',
		triggerSql: `${TODOS} create materialized view public.todo_counts as select owner, count(*) from public.todos group by owner;`,
		cleanSql: `${TODOS} create materialized view public.todo_counts as select owner, count(*) from public.todos group by owner;
			revoke select on public.todo_counts from anon, authenticated;`,
		cacheKey: 'materialized_view_in_api_public_todo_counts',
	},
	{
		lint: 'foreign_table_in_api',
		type: 'security',
		triggers: 'a foreign table in public',
		clean: 'the same foreign table in a schema that is not exposed',
		// a wrapper without a handler is enough for the catalog; no FDW extension needed
		triggerSql: `create foreign data wrapper lint_fdw; create server lint_server foreign data wrapper lint_fdw;
			create foreign table public.remote_rows (id int) server lint_server; grant select on public.remote_rows to anon;`,
		cleanSql: `create foreign data wrapper lint_fdw; create server lint_server foreign data wrapper lint_fdw; create schema private;
			create foreign table private.remote_rows (id int) server lint_server; grant select on private.remote_rows to anon;`,
		cacheKey: 'foreign_table_in_api_public_remote_rows',
	},
	{
		lint: 'unsupported_reg_types',
		type: 'security',
		triggers: 'a regproc column',
		clean: 'a regclass column (pg_upgrade supports it)',
		triggerSql: `create table public.hooks (id int primary key, handler regproc);`,
		cleanSql: `create table public.hooks (id int primary key, handler regclass);`,
		cacheKey: 'unsupported_reg_types_public_hooks_handler',
		check: finding => {
			const {name, type, column, column_type} = finding.metadata;
			if (name !== 'hooks' || type !== 'table' || column !== 'handler' || column_type !== 'regproc') throw new Error(JSON.stringify(finding.metadata));
		},
	},
	{
		lint: 'insecure_queue_exposed_in_api',
		type: 'security',
		triggers: 'a pgmq queue table without RLS while pgmq_public is exposed',
		clean: 'the same queue table with RLS on',
		// pgmq itself is not installed: its queue tables are plain tables in schema pgmq
		triggerSql: `set local pgrst.db_schemas = 'public, pgmq_public'; create schema pgmq; grant usage on schema pgmq to anon;
			create table pgmq.q_jobs (msg_id bigint primary key, message jsonb); grant select on pgmq.q_jobs to anon;`,
		cleanSql: `set local pgrst.db_schemas = 'public, pgmq_public'; create schema pgmq; grant usage on schema pgmq to anon;
			create table pgmq.q_jobs (msg_id bigint primary key, message jsonb); grant select on pgmq.q_jobs to anon;
			alter table pgmq.q_jobs enable row level security;`,
		cacheKey: 'insecure_queue_exposed_in_api_pgmq_q_jobs',
	},
	{
		lint: 'table_bloat',
		type: 'performance',
		triggers: '~35 MB table with 92% of its rows deleted',
		clean: 'the same table with 8% deleted',
		triggerSql: `create table public.big (id int primary key, payload text) with (autovacuum_enabled = false);
			insert into public.big select g, repeat('x', 100) from generate_series(1, 250000) g;
			delete from public.big where id > 20000; analyze public.big;`,
		cleanSql: `create table public.big (id int primary key, payload text) with (autovacuum_enabled = false);
			insert into public.big select g, repeat('x', 100) from generate_series(1, 250000) g;
			delete from public.big where id > 230000; analyze public.big;`,
		cacheKey: 'table_bloat_public_big',
	},
	{
		lint: 'fkey_to_auth_unique',
		type: 'security',
		triggers: 'a foreign key to auth.users(email)',
		clean: 'a foreign key to auth.users(id)',
		triggerSql: `create table public.profiles (id int primary key, user_ref text references auth.users (email));`,
		cleanSql: `create table public.profiles (id int primary key, user_ref uuid references auth.users (id));`,
		cacheKey: 'fkey_to_auth_unique_public_profiles_profiles_user_ref_fkey',
	},
	{
		lint: 'extension_versions_outdated',
		type: 'security',
		triggers: "citext created at version '1.4'",
		clean: 'citext at its default version',
		triggerSql: `create schema extensions; create extension citext schema extensions version '1.4';`,
		cleanSql: `create schema extensions; create extension citext schema extensions;`,
		cacheKey: 'extension_versions_outdated_citext_1.4',
		needs: 'citext',
	},
	{
		lint: 'sensitive_columns_exposed',
		type: 'security',
		triggers: 'an exposed table without RLS holding password and api_key columns',
		clean: 'the same table with RLS on',
		triggerSql: `create table public.accounts (id int primary key, email text, password text, "API-Key" text);`,
		cleanSql: `create table public.accounts (id int primary key, email text, password text, "API-Key" text);
			alter table public.accounts enable row level security;`,
		cacheKey: 'sensitive_columns_exposed_public_accounts',
		check: finding => {
			if (JSON.stringify(finding.metadata['sensitive_columns']) !== '["API-Key","password"]') throw new Error(JSON.stringify(finding.metadata));
		},
	},
	{
		lint: 'rls_policy_always_true',
		type: 'security',
		triggers: 'an UPDATE policy for authenticated using (true)',
		clean: 'the same policy checking the owner',
		triggerSql: `${TODOS} alter table public.todos enable row level security;
			create policy edit on public.todos for update to authenticated using (true);`,
		cleanSql: `${TODOS} alter table public.todos enable row level security;
			create policy edit on public.todos for update to authenticated using ((select auth.uid()) = owner);`,
		cacheKey: 'rls_policy_always_true_public_todos_edit',
		check: finding => {
			if (finding.metadata['permissive_using'] !== true || finding.metadata['command'] !== 'UPDATE') throw new Error(JSON.stringify(finding.metadata));
		},
	},
	{
		lint: 'rls_policy_always_true',
		type: 'security',
		triggers: 'an INSERT policy with check (1 = 1)',
		clean: 'a SELECT policy using (true), public reads being deliberate',
		triggerSql: `${TODOS} alter table public.todos enable row level security;
			create policy edit on public.todos for insert to anon with check (1 = 1);`,
		cleanSql: `${TODOS} alter table public.todos enable row level security;
			create policy edit on public.todos for select to anon using (true);`,
		cacheKey: 'rls_policy_always_true_public_todos_edit',
	},
	{
		lint: 'public_bucket_allows_listing',
		type: 'security',
		triggers: "a public bucket with a SELECT policy of bucket_id = 'avatars'",
		clean: 'the same bucket and policy, bucket not public',
		triggerSql: `${STORAGE} insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);`,
		cleanSql: `${STORAGE} insert into storage.buckets (id, name, public) values ('avatars', 'avatars', false);`,
		cacheKey: 'public_bucket_allows_listing_avatars',
		check: finding => {
			if (JSON.stringify(finding.metadata['policy_names']) !== '["avatars are listable"]') throw new Error(JSON.stringify(finding.metadata));
		},
	},
	{
		lint: 'pg_graphql_anon_table_exposed',
		type: 'security',
		triggers: 'pg_graphql installed and anon can select a table',
		clean: 'the same table without pg_graphql',
		triggerSql: `${TODOS} ${FAKE_PG_GRAPHQL}`,
		cleanSql: TODOS,
		cacheKey: 'pg_graphql_anon_table_exposed_public_todos',
	},
	{
		lint: 'pg_graphql_authenticated_table_exposed',
		type: 'security',
		triggers: 'pg_graphql installed and authenticated can select one column',
		clean: 'the same with that column grant revoked',
		triggerSql: `${TODOS} revoke all on public.todos from authenticated; grant select (title) on public.todos to authenticated; ${FAKE_PG_GRAPHQL}`,
		cleanSql: `${TODOS} revoke all on public.todos from authenticated; ${FAKE_PG_GRAPHQL}`,
		cacheKey: 'pg_graphql_authenticated_table_exposed_public_todos',
	},
	{
		lint: 'anon_security_definer_function_executable',
		type: 'security',
		triggers: 'a SECURITY DEFINER function in public',
		clean: 'the same function SECURITY INVOKER',
		triggerSql: `create function public.purge(n int) returns int language sql security definer set search_path = '' as 'select n';`,
		cleanSql: `create function public.purge(n int) returns int language sql security invoker set search_path = '' as 'select n';`,
		cacheKey: 'anon_security_definer_function_executable_public_purge_n integer',
		check: finding => {
			if (finding.metadata['arguments'] !== 'n integer' || finding.metadata['language'] !== 'sql') throw new Error(JSON.stringify(finding.metadata));
		},
	},
	{
		lint: 'authenticated_security_definer_function_executable',
		type: 'security',
		triggers: 'a SECURITY DEFINER function executable by PUBLIC',
		clean: 'the same function with EXECUTE revoked from public, anon and authenticated',
		triggerSql: `create function public.purge(n int) returns int language sql security definer set search_path = '' as 'select n';`,
		cleanSql: `create function public.purge(n int) returns int language sql security definer set search_path = '' as 'select n';
			revoke execute on function public.purge(int) from public, anon, authenticated;`,
		cacheKey: 'authenticated_security_definer_function_executable_public_purge_n integer',
	},
];
