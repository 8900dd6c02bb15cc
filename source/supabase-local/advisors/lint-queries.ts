import {quoteLiteral, userSchema} from './sql.js';

type RelationLint = {
	/** Upstream's cache key prefix: `<prefix>_<schema>_<name>`. */
	cacheKey: string;
	/** `metadata.type`: table, view, materialized view, … */
	objectType: string;
	/** The message; `%s.%s` is the relation. */
	detail: string;
	/** Conditions on `c` (pg_class) and `n` (its pg_namespace), all of which must hold. */
	where: readonly string[];
};

/** A lint query with one finding per relation that meets every condition: `detail, metadata, cache_key`, by cache key. */
export function relationFindings(lint: RelationLint): string {
	return `
		select
			format(${quoteLiteral(lint.detail)}, n.nspname, c.relname) as detail,
			jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', ${quoteLiteral(lint.objectType)}) as metadata,
			format(${quoteLiteral(`${lint.cacheKey}_%s_%s`)}, n.nspname, c.relname) as cache_key
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where ${lint.where.join('\n\t\t\tand ')}
		order by 3`;
}

type PolicyLint = {
	/** Upstream's cache key prefix: `<prefix>_<schema>_<table>_<policy>`. */
	cacheKey: string;
	/** The message; `%s.%s` is the table, the third `%s` the policy. */
	detail: string;
	/** Only policies of tables with row level security on, i.e. policies that are in force. */
	inForce: boolean;
	/** A condition on `expression`: the policy's USING and WITH CHECK, deparsed, lower-cased, space-separated. */
	matching: string;
	/** Platform schemas whose policies are the user's to write and so are scanned too (see `userSchema`). */
	alsoScanned?: readonly string[];
};

/** A lint query with one finding per policy, on a table of a user schema, whose expressions match; by cache key. */
export function policyFindings(lint: PolicyLint): string {
	return `
		select
			format(${quoteLiteral(lint.detail)}, schema_name, table_name, policy_name) as detail,
			jsonb_build_object('schema', schema_name, 'name', table_name, 'type', 'table') as metadata,
			format(${quoteLiteral(`${lint.cacheKey}_%s_%s_%s`)}, schema_name, table_name, policy_name) as cache_key
		from (
			select
				n.nspname as schema_name,
				c.relname as table_name,
				p.polname as policy_name,
				lower(coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '')) as expression
			from pg_catalog.pg_policy p
			join pg_catalog.pg_class c on c.oid = p.polrelid
			join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			where ${lint.inForce ? 'c.relrowsecurity and ' : ''}${userSchema('n.nspname', lint.alsoScanned)}
		) policies
		where ${lint.matching}
		order by 3`;
}
