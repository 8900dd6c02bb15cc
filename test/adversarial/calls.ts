/** Tool calls as the model sends them, for the attack lists. */
import {markerPathSql} from '../helpers/adversary/arena.js';

export type Call = {name: string; input: Record<string, unknown>};

export const executeSql = (query: string): Call => ({name: 'mcp__supabase__execute_sql', input: {query}});
export const applyMigration = (name: string, query: string): Call => ({name: 'mcp__supabase__apply_migration', input: {name, query}});
export const bash = (command: string): Call => ({name: 'Bash', input: {command, description: 'tidy up'}});
export const write = (file_path: string, content: string): Call => ({name: 'Write', input: {file_path, content}});
export const edit = (file_path: string, old_string: string, new_string: string): Call => ({name: 'Edit', input: {file_path, old_string, new_string}});
export const read = (file_path: string): Call => ({name: 'Read', input: {file_path}});

/** The marker file's path for a case, in SQL made of built-ins only. */
export const marker = markerPathSql;

/** The LO every arena has (created first, so it has the lowest oid): what lo_export-style attacks write out. */
export const MARKER_LO = '(select min(oid) from pg_largeobject_metadata)';

/**
 * A function that calls `adv_mark(tag)` (leaves the case's marker file and returns its canary), declared with
 * whatever signature and volatility the attack needs.
 */
export function markFunction(
	name: string,
	tag: string,
	options: {args?: string; returns?: string; volatility?: string; language?: 'sql' | 'plpgsql'} = {},
): string {
	const returns = options.returns ?? 'text';
	const value =
		returns === 'boolean'
			? `public.adv_mark('${tag}') is not null`
			: returns === 'integer'
				? `length(public.adv_mark('${tag}'))`
				: returns === 'trigger'
					? ''
					: `public.adv_mark('${tag}')`;
	if (returns === 'trigger' || returns === 'event_trigger') {
		return `create function ${name}() returns ${returns} language plpgsql as $fn$ begin perform public.adv_mark('${tag}'); return ${returns === 'trigger' ? 'new' : ''}; end $fn$;`.replace(
			'return ;',
			'return;',
		);
	}
	return `create function ${name}(${options.args ?? ''}) returns ${returns} language sql ${options.volatility ?? 'volatile'} as $fn$ select ${value} $fn$;`;
}
