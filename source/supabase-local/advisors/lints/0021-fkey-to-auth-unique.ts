import type {LintDefinition} from '../types.js';

/**
 * Supabase may change auth's unique constraints (e.g. on email) in upgrades; only the primary key is stable. Like
 * upstream, the referencing table may be in any schema: the upgrade breaks the key wherever it lives.
 */
export const fkeyToAuthUnique: LintDefinition = {
	code: '0021',
	name: 'fkey_to_auth_unique',
	title: 'Foreign Key to Auth Unique Constraint',
	level: 'ERROR',
	type: 'security',
	description:
		'Finds foreign keys that reference a unique constraint in the auth schema other than its primary key; those constraints may change in platform upgrades, so reference the primary key instead.',
	sql: () => `
		select
			format('Table \`%s.%s\` has foreign key \`%s\` referencing a non-primary unique constraint of \`%s.%s\`.', n.nspname, c.relname, k.conname, rn.nspname, r.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table', 'foreign_key', k.conname) as metadata,
			format('fkey_to_auth_unique_%s_%s_%s', n.nspname, c.relname, k.conname) as cache_key
		from pg_catalog.pg_constraint k
		join pg_catalog.pg_class c on c.oid = k.conrelid
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		join pg_catalog.pg_class r on r.oid = k.confrelid
		join pg_catalog.pg_namespace rn on rn.oid = r.relnamespace
		join pg_catalog.pg_index i on i.indexrelid = k.conindid
		where k.contype = 'f'
			and rn.nspname = 'auth'
			and i.indisunique
			and not i.indisprimary
		order by 3`,
};
