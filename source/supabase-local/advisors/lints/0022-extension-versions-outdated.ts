import type {LintDefinition} from '../types.js';

export const extensionVersionsOutdated: LintDefinition = {
	code: '0022',
	name: 'extension_versions_outdated',
	title: 'Extension Versions Outdated',
	level: 'WARN',
	type: 'security',
	description: 'Finds installed extensions whose version differs from the default version the server ships, which may miss security fixes.',
	sql: () => `
		select
			format('Extension \`%s\` is at version \`%s\`; the server ships \`%s\`. Run ALTER EXTENSION %s UPDATE.', e.extname, e.extversion, a.default_version, e.extname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', e.extname, 'type', 'extension',
				'extension_name', e.extname, 'installed_version', e.extversion, 'default_version', a.default_version) as metadata,
			format('extension_versions_outdated_%s_%s', e.extname, e.extversion) as cache_key
		from pg_catalog.pg_extension e
		join pg_catalog.pg_namespace n on n.oid = e.extnamespace
		join pg_catalog.pg_available_extensions a on a.name = e.extname
		where a.default_version is not null
			and e.extversion <> a.default_version
			-- a version without an install script (left behind by pg_upgrade) cannot be compared meaningfully
			and exists (select 1 from pg_catalog.pg_available_extension_versions v where v.name = e.extname and v.version = e.extversion)
		order by 3`,
};
