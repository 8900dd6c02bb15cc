/**
 * The smallest slice of the Supabase platform the advisors look at: API roles, default grants and `auth`.
 * Stands in for the platform shim in source/supabase-local until that lands; idempotent, safe on a shared cluster.
 */
export const PLATFORM_SQL = `
do $$
begin
	-- roles are cluster-wide on a real server: another test database may have created them already
	if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
	if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
	if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
end
$$;

grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
	id uuid primary key,
	email text unique,
	phone text unique,
	raw_user_meta_data jsonb,
	raw_app_meta_data jsonb,
	created_at timestamptz default now(),
	updated_at timestamptz default now(),
	last_sign_in_at timestamptz,
	email_confirmed_at timestamptz,
	is_anonymous boolean not null default false,
	deleted_at timestamptz
);

create or replace function auth.jwt() returns jsonb language sql stable set search_path = '' as $fn$
	select coalesce(nullif(current_setting('request.jwt.claims', true), ''), nullif(current_setting('request.jwt.claim', true), ''))::jsonb
$fn$;
create or replace function auth.uid() returns uuid language sql stable set search_path = '' as $fn$
	select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), auth.jwt() ->> 'sub')::uuid
$fn$;
create or replace function auth.role() returns text language sql stable set search_path = '' as $fn$
	select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''), auth.jwt() ->> 'role')
$fn$;
create or replace function auth.email() returns text language sql stable set search_path = '' as $fn$
	select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''), auth.jwt() ->> 'email')
$fn$;
`;

/** `exec` must accept several statements at once: PGlite's `exec`, or `pg`'s `query` without parameters. */
export async function installPlatform(exec: (sql: string) => Promise<unknown>): Promise<void> {
	await exec(PLATFORM_SQL);
}
