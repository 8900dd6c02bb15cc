/**
 * The schemas PostgREST serves, from `pgrst.db_schemas` (Supabase's API settings; PostgREST's `db-schemas`). A local
 * project sets it with `alter database … set pgrst.db_schemas = 'public, api'`; unset, PostgREST serves `public`.
 */

/** PostgREST's default when `pgrst.db_schemas` is unset. */
const DEFAULT_EXPOSED_SCHEMAS = ['public'];

const SETTING = 'pgrst.db_schemas';

/**
 * The setting's text: the database's own value, read from the catalog because a session keeps the value it started
 * with (an embedded database has one session for its whole life), else the session's (a `set`, or a database without
 * the setting), else null.
 */
export const DB_SCHEMAS_SETTING_SQL = `coalesce(
	(select nullif(substr(c.setting, ${SETTING.length + 2}), '')
		from pg_catalog.pg_db_role_setting s
		cross join lateral unnest(s.setconfig) as c(setting)
		where s.setrole = 0
			and s.setdatabase = (select d.oid from pg_catalog.pg_database d where d.datname = current_database())
			and starts_with(c.setting, '${SETTING}=')),
	nullif(current_setting('${SETTING}', true), ''))`;

/**
 * Parses the setting as PostgREST reads `db-schemas`: a comma list, surrounding spaces dropped. A name may be
 * double-quoted (`"My Schema"`, with `""` for a quote inside) to keep spaces or capitals as they are.
 */
export function parseSchemaList(setting: string | null | undefined): string[] {
	const names = (setting ?? '')
		.split(',')
		.map(name => name.trim())
		.map(name => (/^".*"$/s.test(name) ? name.slice(1, -1).replaceAll('""', '"') : name))
		.filter(name => name.length > 0);
	return names.length > 0 ? [...new Set(names)] : DEFAULT_EXPOSED_SCHEMAS;
}
