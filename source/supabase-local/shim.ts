import {createHash} from 'node:crypto';
import {DB_SCHEMAS_SETTING_SQL} from './advisors/exposed-schemas.js';
import type {DatabasePlatform} from './platform.js';

/**
 * What a bare Postgres lacks to behave like a Supabase project for the agent's SQL: the API roles and their default
 * grants (so RLS is the only barrier, as on Supabase), the `auth` schema whose functions read the JWT claims from
 * `request.jwt.claims`, Storage's tables, the migration ledger the Supabase CLI keeps, and `pgrst.db_schemas`. Every statement is
 * idempotent so the shim can run on any database, including one that already is a Supabase database.
 */
const ROLES_SQL = `
do $shim$
declare
	r record;
begin
	for r in select * from (values
		('anon', 'nologin noinherit'),
		('authenticated', 'nologin noinherit'),
		('service_role', 'nologin noinherit bypassrls')
	) as t(name, options) loop
		if not exists (select 1 from pg_roles where rolname = r.name) then
			begin
				execute format('create role %I %s', r.name, r.options);
			exception when duplicate_object or unique_violation then
				-- another connection created it between our check and our create
				null;
			end;
		end if;
		if not exists (select 1 from pg_roles where rolname = current_user and rolsuper) then
			begin
				-- a non-superuser needs membership to impersonate the role in RLS tests
				execute format('grant %I to %I', r.name, current_user);
			exception when others then
				null;
			end;
		end if;
	end loop;
end
$shim$;
`;

const EXTENSIONS_SQL = `
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
do $shim$
declare
	e text;
begin
	-- Supabase installs these into "extensions" by default; on a server without them we simply skip.
	foreach e in array array['pgcrypto', 'uuid-ossp'] loop
		if exists (select 1 from pg_available_extensions where name = e) then
			execute format('create extension if not exists %I with schema extensions', e);
		end if;
	end loop;
end
$shim$;
`;

const GRANTS_SQL = `
grant usage on schema public to anon, authenticated, service_role;
grant all on all tables in schema public to anon, authenticated, service_role;
grant all on all sequences in schema public to anon, authenticated, service_role;
grant all on all functions in schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
`;

/** auth.<name>(): one claim of the JWT, from either setting PostgREST may have used. */
const claimFunction = (name: string, claim: string, type: string) => `create or replace function auth.${name}() returns ${type} language sql stable as $fn$
	select coalesce(
		nullif(current_setting('request.jwt.claim.${claim}', true), ''),
		(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> '${claim}')
	)::${type}
$fn$;`;

const AUTH_SQL = `
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
	instance_id uuid,
	id uuid primary key default gen_random_uuid(),
	aud varchar(255) default 'authenticated',
	role varchar(255) default 'authenticated',
	email varchar(255),
	encrypted_password varchar(255),
	email_confirmed_at timestamptz,
	invited_at timestamptz,
	confirmation_token varchar(255),
	confirmation_sent_at timestamptz,
	recovery_token varchar(255),
	recovery_sent_at timestamptz,
	email_change varchar(255),
	last_sign_in_at timestamptz,
	raw_app_meta_data jsonb default '{}'::jsonb,
	raw_user_meta_data jsonb default '{}'::jsonb,
	is_super_admin boolean,
	created_at timestamptz default now(),
	updated_at timestamptz default now(),
	phone text unique default null,
	phone_confirmed_at timestamptz,
	banned_until timestamptz,
	deleted_at timestamptz,
	is_sso_user boolean not null default false,
	is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;
grant all on auth.users to service_role;

-- Newer PostgREST sets the whole claims object; older versions set one setting per claim. Read both.
create or replace function auth.jwt() returns jsonb language sql stable as $fn$
	select coalesce(
		nullif(current_setting('request.jwt.claim', true), ''),
		nullif(current_setting('request.jwt.claims', true), '')
	)::jsonb
$fn$;

${claimFunction('uid', 'sub', 'uuid')}

${claimFunction('role', 'role', 'text')}

${claimFunction('email', 'email', 'text')}

grant execute on function auth.jwt(), auth.uid(), auth.role(), auth.email() to anon, authenticated, service_role;
`;

const LEDGER_SQL = `
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
	version text primary key,
	statements text[],
	name text
);
`;

/**
 * Supabase Storage's tables, for the SQL written against them (policies on storage.objects, a bucket inserted by a
 * migration) and for list_storage_buckets. Only on a database without them: a Supabase database has its own, owned by
 * the storage service's role. Columns as Supabase has them; the helpers policies call on object paths too.
 */
const STORAGE_SQL = `
do $shim$
begin
	if to_regclass('storage.buckets') is not null then
		return;
	end if;
	create schema if not exists storage;
	grant usage on schema storage to anon, authenticated, service_role;
	create table storage.buckets (
		id text primary key,
		name text not null,
		owner uuid,
		owner_id text,
		public boolean default false,
		avif_autodetection boolean default false,
		file_size_limit bigint,
		allowed_mime_types text[],
		type text not null default 'STANDARD',
		created_at timestamptz default now(),
		updated_at timestamptz default now()
	);
	create unique index bname on storage.buckets (name);
	create table storage.objects (
		id uuid primary key default gen_random_uuid(),
		bucket_id text references storage.buckets (id),
		name text,
		owner uuid,
		owner_id text,
		metadata jsonb,
		user_metadata jsonb,
		path_tokens text[] generated always as (string_to_array(name, '/')) stored,
		version text,
		created_at timestamptz default now(),
		updated_at timestamptz default now(),
		last_accessed_at timestamptz default now()
	);
	create unique index bucketid_objname on storage.objects (bucket_id, name);
	-- As on Supabase: the API roles reach both tables, and row level security decides what they see.
	alter table storage.buckets enable row level security;
	alter table storage.objects enable row level security;
	grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
	-- 'a/b/c.png': folders {a,b}, file name 'c.png', extension 'png'.
	create function storage.foldername(name text) returns text[] language sql immutable as $fn$
		select (string_to_array(name, '/'))[1:coalesce(array_length(string_to_array(name, '/'), 1), 1) - 1]
	$fn$;
	create function storage.filename(name text) returns text language sql immutable as $fn$
		select (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)]
	$fn$;
	create function storage.extension(name text) returns text language sql immutable as $fn$
		select reverse(split_part(reverse(storage.filename(name)), '.', 1))
	$fn$;
	grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text) to anon, authenticated, service_role;
end
$shim$;
`;

// pgpair's own bookkeeping lives in the database it describes, so every client of the same database agrees on it.
const BOOKKEEPING_SQL = `
create schema if not exists pgpair;
revoke all on schema pgpair from public;
create table if not exists pgpair.project (
	singleton boolean primary key default true check (singleton),
	ref text not null,
	created_at timestamptz not null default now()
);
create table if not exists pgpair.branches (
	id uuid primary key,
	name text not null unique,
	project_ref text not null unique,
	status text not null,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
-- The project's storage settings (Supabase keeps them outside the database, behind its Management API).
create table if not exists pgpair.storage_config (
	singleton boolean primary key default true check (singleton),
	file_size_limit bigint not null,
	image_transformation boolean not null,
	s3_protocol boolean not null,
	updated_at timestamptz not null default now()
);
create table if not exists pgpair.edge_function_versions (
	project_ref text not null,
	slug text not null,
	version integer not null,
	function_id uuid not null,
	name text not null,
	entrypoint_path text not null,
	import_map_path text,
	verify_jwt boolean not null,
	files jsonb not null,
	created_at timestamptz not null default now(),
	primary key (project_ref, slug, version)
);
`;

// Database-level settings; ALTER DATABASE needs ownership, which a shared server may not grant us.
const SETTINGS_SQL = `
do $shim$
begin
	execute format('alter database %I set search_path = "$user", public, extensions', current_database());
	if coalesce(current_setting('pgrst.db_schemas', true), '') = '' then
		execute format('alter database %I set pgrst.db_schemas = %L', current_database(), 'public');
	end if;
exception when insufficient_privilege then
	null;
end
$shim$;
`;

export const SHIM_SQL = [ROLES_SQL, EXTENSIONS_SQL, GRANTS_SQL, AUTH_SQL, STORAGE_SQL, LEDGER_SQL, BOOKKEEPING_SQL, SETTINGS_SQL].join('\n');

/** Changes whenever the shim does, so cached base snapshots and installed databases are recognised as stale. */
export const SHIM_VERSION = createHash('sha256').update(SHIM_SQL).digest('hex').slice(0, 12);

const MARKER = `pgpair shim ${SHIM_VERSION}`;

/** Installs the shim unless this exact version is already there; cheap on every reopen. */
export async function installShim(db: DatabasePlatform): Promise<void> {
	const {rows} = await db.query(
		`select obj_description(oid, 'pg_namespace') as marker, current_setting('pgrst.db_schemas', true) as schemas
		from pg_namespace where nspname = 'pgpair'`,
	);
	if (rows[0]?.marker !== MARKER) {
		await db.transaction(tx => tx.exec(`${SHIM_SQL}\ncomment on schema pgpair is '${MARKER}';`));
	} else if (!rows[0]?.schemas) {
		// A database copied from a template keeps the objects but not the database-level settings.
		await db.exec(SETTINGS_SQL);
	}
	// Database-level settings only reach new sessions; give the current one the same view.
	await db.exec(SESSION_SETTINGS_SQL);
}

/** The session's `pgrst.db_schemas` follows the database's, which may have changed since the session began. */
export const SESSION_SETTINGS_SQL = `set search_path = "$user", public, extensions;
select set_config('pgrst.db_schemas', coalesce(${DB_SCHEMAS_SETTING_SQL}, 'public'), false);`;

/**
 * Run after SQL the agent wrote: ends whatever transaction it left open and undoes `set role`, `set_config` and
 * friends, so an impersonation (`set role anon`) never leaks into the next tool call. Settings are re-applied
 * explicitly because a freshly initialised embedded database got them after its session began.
 */
export const RESET_SESSION_SQL = `reset session authorization; reset all; ${SESSION_SETTINGS_SQL}`;
