import type {LintDefinition} from '../types.js';

/**
 * These reg* types store raw OIDs that pg_upgrade cannot carry over (regclass, regtype and regrole it can). Such a
 * column blocks the upgrade whoever owns it, so like upstream every schema is scanned but Postgres' own (and its
 * temporary and TOAST schemas) and pgsodium's.
 */
const UNSUPPORTED = `array['regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure']`;

export const unsupportedRegTypes: LintDefinition = {
	code: '0018',
	name: 'unsupported_reg_types',
	title: 'Unsupported reg types',
	level: 'WARN',
	type: 'security',
	description: 'Finds table columns of reg* types that pg_upgrade refuses to carry over, which blocks upgrading the database to a newer Postgres.',
	sql: () => `
		select
			format('Column \`%s\` of table \`%s.%s\` uses reg* type \`%s\`, which blocks pg_upgrade.', a.attname, n.nspname, c.relname, t.typname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table', 'column', a.attname, 'column_type', t.typname) as metadata,
			format('unsupported_reg_types_%s_%s_%s', n.nspname, c.relname, a.attname) as cache_key
		from pg_catalog.pg_attribute a
		join pg_catalog.pg_class c on c.oid = a.attrelid
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		join pg_catalog.pg_type t on t.oid = a.atttypid
		where a.attnum > 0
			and not a.attisdropped
			and c.relkind in ('r', 'p', 'm')
			and t.typnamespace = 'pg_catalog'::regnamespace
			and t.typname = any(${UNSUPPORTED})
			and n.nspname not in ('information_schema', 'pgsodium')
			and n.nspname !~ '^pg_'
		order by 3`,
};
