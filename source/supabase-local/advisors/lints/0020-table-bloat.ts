import type {LintDefinition} from '../types.js';

/** Flag only when most of the table is dead space and the waste is big enough to matter. */
export const BLOAT_MIN_PERCENT = 70;
export const BLOAT_MIN_BYTES = 20 * 1024 * 1024;

/**
 * Estimates the size a table would need from planner statistics: live rows (`reltuples`) times the average row
 * width from `pg_stats`, plus a tuple header (24 B) and line pointer (4 B) per row, packed into pages minus
 * their 24 B header. Tables never analysed have no width and are skipped rather than guessed. Like upstream, every
 * schema is looked at (dead space in auth or storage tables costs the same), information_schema aside.
 */
export const tableBloat: LintDefinition = {
	code: '0020',
	name: 'table_bloat',
	title: 'Table Bloat',
	level: 'INFO',
	type: 'performance',
	description: 'Finds tables whose pages are mostly dead space left by updates and deletes; VACUUM FULL or pg_repack would reclaim it.',
	sql: () => `
		with widths as (
			select s.schemaname, s.tablename, sum((1 - s.null_frac) * s.avg_width)::numeric as row_width
			from pg_catalog.pg_stats s
			where s.schemaname <> 'information_schema'
			group by s.schemaname, s.tablename
		),
		sizes as (
			select
				n.nspname as schema_name,
				c.relname as table_name,
				c.relpages::numeric * current_setting('block_size')::numeric as actual_bytes,
				ceil(
					c.reltuples::numeric * (24 + 4 + ceil(w.row_width / 8) * 8)
					/ (current_setting('block_size')::numeric - 24)
				) * current_setting('block_size')::numeric as expected_bytes
			from pg_catalog.pg_class c
			join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			join widths w on w.schemaname = n.nspname and w.tablename = c.relname
			where c.relkind = 'r' and c.relpages > 0 and c.reltuples >= 0
		)
		select
			format('Table \`%s.%s\` is about %s%% dead space (%s wasted); consider VACUUM FULL or pg_repack.', schema_name, table_name,
				round((actual_bytes - expected_bytes) * 100 / actual_bytes), pg_catalog.pg_size_pretty(actual_bytes - expected_bytes)) as detail,
			jsonb_build_object('schema', schema_name, 'name', table_name, 'type', 'table') as metadata,
			format('table_bloat_%s_%s', schema_name, table_name) as cache_key
		from sizes
		where actual_bytes - expected_bytes > ${BLOAT_MIN_BYTES}
			and (actual_bytes - expected_bytes) * 100 > ${BLOAT_MIN_PERCENT} * actual_bytes
		order by 3`,
};
