/**
 * The parts of a sandbox's state that the schema dump and the row statistics do not show, read before and after the
 * SQL under preview: sequence values, large objects, and the source of code that runs later (routines, rules,
 * event triggers), so the app can judge what that code will do when it fires.
 */

import type {CreatedCode, MeasuredEffects, SequenceChange} from '../../sql/preview-report.js';
import {userSchema} from '../advisors/sql.js';
import type {SqlRunner} from '../platform.js';

const _USER_SCHEMA = `(${userSchema('n.nspname')} and n.nspname <> 'pgpair')`;

/**
 * Code anywhere but the catalogs and pgpair's own: a replaced `auth.uid()` changes every policy that trusts it, so
 * the platform schemas (auth, storage, …) count here although the schema dump leaves them out.
 */
const CODE_SCHEMA = `(n.nspname not in ('pg_catalog', 'information_schema', 'pgpair') and n.nspname !~ '^pg_')`;

export type StateSnapshot = {
	sequences: Map<string, number | string | null>;
	largeObjects: number;
	code: Map<string, CreatedCode>;
};

const CODE_SQL = `
select kind, name, language, security_definer, definition from (
	select case p.prokind when 'p' then 'procedure' else 'function' end as kind,
		format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as name,
		l.lanname as language, p.prosecdef as security_definer,
		coalesce(pg_catalog.pg_get_function_sqlbody(p.oid), p.prosrc) as definition
	from pg_catalog.pg_proc p
	join pg_catalog.pg_namespace n on n.oid = p.pronamespace
	join pg_catalog.pg_language l on l.oid = p.prolang
	where ${CODE_SCHEMA} and p.prokind in ('f', 'p')
		and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
	union all
	select 'rule', format('%I.%I.%I', n.nspname, c.relname, r.rulename), null, null, pg_catalog.pg_get_ruledef(r.oid)
	from pg_catalog.pg_rewrite r
	join pg_catalog.pg_class c on c.oid = r.ev_class
	join pg_catalog.pg_namespace n on n.oid = c.relnamespace
	where r.rulename <> '_RETURN' and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
	union all
	select 'event trigger', e.evtname, null, null,
		'on ' || e.evtevent || coalesce(' when tag in (' || array_to_string(e.evttags, ', ') || ')', '') || ' execute function ' || e.evtfoid::regprocedure::text
		|| ' (' || case e.evtenabled when 'D' then 'disabled' else 'enabled' end || ')'
	from pg_catalog.pg_event_trigger e
) code`;

export async function readState(db: SqlRunner): Promise<StateSnapshot> {
	const sequences = await db.query(`
		select format('%I.%I', schemaname, sequencename) as name, last_value
		from pg_catalog.pg_sequences where schemaname not in ('pg_catalog', 'information_schema', 'pgpair')`);
	const objects = await db.query(`select count(*)::int8 as n from pg_catalog.pg_largeobject_metadata`);
	const code = await db.query(CODE_SQL);
	return {
		sequences: new Map(sequences.rows.map(r => [String(r.name), (r.last_value ?? null) as number | string | null])),
		largeObjects: Number(objects.rows[0]?.n ?? 0),
		code: new Map(
			code.rows.map(r => {
				const entry: CreatedCode = {kind: r.kind as CreatedCode['kind'], name: String(r.name), definition: String(r.definition ?? '')};
				if (r.language) entry.language = String(r.language);
				if (r.security_definer !== null && r.security_definer !== undefined) entry.securityDefiner = Boolean(r.security_definer);
				return [`${entry.kind} ${entry.name}`, entry];
			}),
		),
	};
}

/** What changed between two snapshots: moved sequences, large objects, new or replaced code. */
export function compareState(before: StateSnapshot, after: StateSnapshot, files: string[] | undefined): MeasuredEffects {
	const sequences: SequenceChange[] = [];
	for (const [name, value] of after.sequences) {
		const was = before.sequences.get(name);
		// A sequence made by the SQL itself starts somewhere; only existing ones that moved are a lasting effect.
		if (before.sequences.has(name) && String(was) !== String(value)) sequences.push({name, before: was ?? null, after: value});
	}
	const code: CreatedCode[] = [];
	for (const [key, entry] of after.code) {
		const was = before.code.get(key);
		if (!was) code.push(entry);
		else if (was.definition !== entry.definition || was.securityDefiner !== entry.securityDefiner || was.language !== entry.language)
			code.push({...entry, replaced: true});
	}
	return {
		sequences,
		largeObjects: {before: before.largeObjects, after: after.largeObjects},
		...(files ? {files} : {}),
		code,
	};
}
