import {extensionMember, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

/** Reads the cumulative statistics: an index counts as unused until a scan is recorded since the last reset. */
export const unusedIndex: LintDefinition = {
	code: '0005',
	name: 'unused_index',
	title: 'Unused Index',
	level: 'INFO',
	type: 'performance',
	description: 'Finds indexes that have never been scanned since statistics were last reset; they cost writes and space and may be candidates for removal.',
	sql: () => `
		select
			format('Index \`%s\` on table \`%s.%s\` has never been scanned.', s.indexrelname, s.schemaname, s.relname) as detail,
			jsonb_build_object('schema', s.schemaname, 'name', s.relname, 'type', 'table') as metadata,
			format('unused_index_%s_%s_%s', s.schemaname, s.relname, s.indexrelname) as cache_key
		from pg_catalog.pg_stat_user_indexes s
		join pg_catalog.pg_index i on i.indexrelid = s.indexrelid
		where s.idx_scan = 0
			and not i.indisunique
			and not i.indisprimary
			and ${userSchema('s.schemaname')}
			and not ${extensionMember('s.relid')}
		order by 3`,
};
