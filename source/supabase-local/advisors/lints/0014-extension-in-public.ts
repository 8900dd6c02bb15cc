import type {LintDefinition} from '../types.js';

export const extensionInPublic: LintDefinition = {
	code: '0014',
	name: 'extension_in_public',
	title: 'Extension in Public',
	level: 'WARN',
	type: 'security',
	description:
		'Finds extensions installed in the public schema, where their functions and tables become part of the API surface. Install them in a separate schema such as `extensions`.',
	sql: () => `
		select
			format('Extension \`%s\` is installed in the public schema; move it to another schema.', e.extname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', e.extname, 'type', 'extension') as metadata,
			format('extension_in_public_%s', e.extname) as cache_key
		from pg_catalog.pg_extension e
		join pg_catalog.pg_namespace n on n.oid = e.extnamespace
		-- plpgsql lives in pg_catalog by default, but is harmless wherever it is
		where n.nspname = 'public' and e.extname <> 'plpgsql'
		order by 3`,
};
