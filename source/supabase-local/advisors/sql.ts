import type {ApiRole, LintContext} from './types.js';

/**
 * Schemas that belong to the platform or to extensions: never linted, whatever `pgrst.db_schemas` says.
 * Names starting with `pg_` (pg_toast, pg_temp_N, …) are excluded separately by pattern.
 */
export const SYSTEM_SCHEMAS: readonly string[] = [
	'_timescaledb_cache',
	'_timescaledb_catalog',
	'_timescaledb_config',
	'_timescaledb_internal',
	'auth',
	'cron',
	'extensions',
	'graphql',
	'graphql_public',
	'information_schema',
	'net',
	'pgbouncer',
	'pgmq',
	'pgroonga',
	'pgsodium',
	'pgsodium_masks',
	'pgtle',
	'pg_catalog',
	'realtime',
	'repack',
	'storage',
	'supabase_functions',
	'supabase_migrations',
	'tiger',
	'topology',
	'vault',
];

export function isSystemSchema(name: string): boolean {
	return name.startsWith('pg_') || SYSTEM_SCHEMAS.includes(name);
}

/**
 * A string literal that means `value` whatever `standard_conforming_strings` says: a value with a backslash is
 * written as an escape string (`E'…'`), where the backslash is doubled.
 */
export function quoteLiteral(value: string): string {
	const quoted = value.replaceAll("'", "''");
	return value.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/** A `text[]` SQL expression holding `values`; lint queries are built from probed names, so quote them. */
export function textArray(values: readonly string[]): string {
	return values.length === 0 ? `'{}'::text[]` : `array[${values.map(quoteLiteral).join(', ')}]::text[]`;
}

/**
 * True when `schemaColumn` is a schema users own (any, exposed or not), or one of the platform schemas in `alsoScanned`
 * (upstream scans `realtime` for some lints: its `messages` table carries the user's Broadcast and Presence policies).
 */
export function userSchema(schemaColumn: string, alsoScanned: readonly string[] = []): string {
	const excluded = SYSTEM_SCHEMAS.filter(schema => !alsoScanned.includes(schema));
	return `(${schemaColumn} <> all(${textArray(excluded)}) and ${schemaColumn} !~ '^pg_')`;
}

/** True when `schemaColumn` is one PostgREST serves. */
export function exposedSchema(schemaColumn: string, context: LintContext): string {
	return `(${schemaColumn} = any(${textArray(context.exposedSchemas)}))`;
}

/** True when an object (by its `pg_class` oid) is part of an extension, and so not the user's to fix. */
export function extensionMember(oidColumn: string, catalog: 'pg_class' | 'pg_proc' = 'pg_class'): string {
	return `exists (select 1 from pg_catalog.pg_depend dep where dep.classid = '${catalog}'::regclass and dep.objid = ${oidColumn} and dep.deptype = 'e')`;
}

/** Who holds each API role, as lint messages name them. */
export const API_ROLE_AUDIENCE: Readonly<Record<ApiRole, string>> = {anon: 'anyone with the anon key', authenticated: 'every signed-in user'};

/** True when one of the API roles may SELECT the relation; false when the roles do not exist. */
export function readableByApi(oidColumn: string, roles: readonly ApiRole[]): string {
	if (roles.length === 0) return 'false';
	return `(${roles.map(role => `pg_catalog.has_table_privilege(${quoteLiteral(role)}, ${oidColumn}, 'SELECT')`).join(' or ')})`;
}

/** `jsonb` array of the API roles that may SELECT the relation. */
export function apiReaders(oidColumn: string, roles: readonly ApiRole[]): string {
	if (roles.length === 0) return `'[]'::jsonb`;
	const entries = roles.map(role => `case when pg_catalog.has_table_privilege(${quoteLiteral(role)}, ${oidColumn}, 'SELECT') then ${quoteLiteral(role)} end`);
	return `to_jsonb(array_remove(array[${entries.join(', ')}]::text[], null))`;
}

/** A policy's command letter spelled the way `pg_policies` spells it. */
export function policyCommand(column: string): string {
	return `(case ${column} when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end)`;
}

/** Expression text with case and whitespace removed, so `( TRUE )` and `true` compare equal. */
export function squashed(expression: string): string {
	return `regexp_replace(lower(coalesce(${expression}, '')), '\\s+', '', 'g')`;
}

/** Normalised expressions that grant every row. */
export const ALWAYS_TRUE = `array['true', '(true)', '1=1', '(1=1)']`;

/** True when the view (alias `c` of pg_class) runs as the caller; Postgres stores the boolean as written. */
export const SECURITY_INVOKER = `exists (select 1 from unnest(coalesce(c.reloptions, '{}')) o where lower(o) ~ '^security_invoker=(t|tr|tru|true|y|ye|yes|on|1)$')`;
