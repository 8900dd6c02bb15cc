import {ALWAYS_TRUE, quoteLiteral, squashed} from '../sql.js';
import type {LintDefinition} from '../types.js';

/**
 * A USING that only pins `bucket_id` to one literal, as Postgres deparses it: `(bucket_id = 'avatars'::text)`. The
 * literal is captured as written and compared with the bucket's id quoted the same way, never lower-cased or with
 * spaces removed, so ids with capitals, spaces, quotes, backslashes or any other character compare exactly.
 */
const BUCKET_PIN = String.raw`^\s*\(*\s*bucket_id\s*=\s*(E?'(?:[^']|'')*')(\s*::\s*[[:alnum:]_.]+)?\s*\)*\s*$`;

/**
 * Public buckets serve object URLs without any policy; a SELECT policy on storage.objects only adds the ability
 * to list. A policy is "broad" when it is constant true or only pins `bucket_id` to this bucket. A policy without
 * USING exposes no row (Postgres grants nothing through it), so it is not broad. Runs only when `storage.buckets`
 * exists, since the query reads it directly.
 */
export const publicBucketAllowsListing: LintDefinition = {
	code: '0025',
	name: 'public_bucket_allows_listing',
	title: 'Public Bucket Allows Listing',
	level: 'WARN',
	type: 'security',
	description: 'Finds public storage buckets with a broad SELECT policy on storage.objects, which lets any client list every file in the bucket.',
	sql: context =>
		context.hasStorageBuckets
			? `
		with policies as (
			select p.polname, pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual
			from pg_catalog.pg_policy p
			where p.polrelid = 'storage.objects'::regclass
				and p.polpermissive
				and p.polcmd in ('r', '*')
				and p.polqual is not null
				and (
					p.polroles = '{0}'::oid[]
					or exists (select 1 from pg_catalog.pg_roles r where r.oid = any(p.polroles) and r.rolname in ('anon', 'authenticated'))
				)
		),
		listing as (
			select b.id::text as bucket_id, b.name::text as bucket_name, array_agg(p.polname::text order by p.polname) as policy_names
			from storage.buckets b
			join policies p on ${squashed('p.qual')} = any(${ALWAYS_TRUE})
				-- either spelling of the literal: plain, or E'' (Postgres writes that when standard_conforming_strings is off)
				or (pg_catalog.regexp_match(p.qual, ${quoteLiteral(BUCKET_PIN)}))[1] in ('''' || replace(b.id::text, '''', '''''') || '''', quote_literal(b.id::text))
			where b.public
			group by b.id, b.name
		)
		select
			format('Public bucket \`%s\` has %s broad SELECT %s on \`storage.objects\` (%s), so clients can list all its files. Object URLs of a public bucket work without it.',
				bucket_name, cardinality(policy_names), case when cardinality(policy_names) = 1 then 'policy' else 'policies' end, array_to_string(policy_names, ', ')) as detail,
			jsonb_build_object('schema', 'storage', 'name', bucket_name, 'type', 'bucket', 'bucket_id', bucket_id, 'bucket_name', bucket_name,
				'policy_names', to_jsonb(policy_names), 'policy_count', cardinality(policy_names)) as metadata,
			format('public_bucket_allows_listing_%s', bucket_id) as cache_key
		from listing
		order by 3`
			: null,
};
