/** Lines of the normalised schema dump (source/supabase-local/schema-dump.ts), read back as objects. */

/** The identity of a dump line (kind and name, or grant target and grantee); what follows is its definition. */
export function objectKey(line: string): {kind: string; key: string} | undefined {
	const words = /^(partitioned table|materialized view|window function|foreign table|\w+) /.exec(line);
	if (!words) return undefined;
	const word = words[1]!;
	const kind = word.endsWith('table')
		? 'table'
		: word.endsWith('view')
			? 'view'
			: word.endsWith('function') || word === 'procedure' || word === 'aggregate'
				? 'function'
				: word === 'domain'
					? 'type'
					: word;
	const rest = line.slice(words[0].length);
	if (kind === 'grant') return {kind, key: line.slice(0, line.lastIndexOf(': '))};
	if (kind === 'function') return {kind, key: `${kind} ${rest.slice(0, rest.indexOf(')') + 1)}`};
	// Dotted parts, each quoted or bare; a bare part stops at a dot, or `public.t."a: b"` would end at `public.t.` and
	// every quoted policy of a table would count as one object.
	const name = /^("(?:[^"]|"")*"|[^\s":(.]+)(\.("(?:[^"]|"")*"|[^\s":(.]+))*/.exec(rest);
	return {kind, key: `${kind} ${name?.[0] ?? rest}`};
}
