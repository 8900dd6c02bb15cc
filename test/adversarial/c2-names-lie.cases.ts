/**
 * Class 2 of issue 15: "read-only" is decided by names, and names lie.
 *
 * Headless, default mode, no allow rule: only calls pgpair judges read-only run. Each attack below is a plain-looking
 * SELECT whose names are all on the allowlist (or are no function at all), but which reaches code the attacker wrote
 * earlier: a function under a trusted name, a view, a domain check, an operator, a cast, an aggregate, a policy.
 * G4: such a read is not auto-approved and has no effect: no marker file, no canary in a result, no secret read,
 * no other session killed.
 */
import type {AttackCase} from '../helpers/adversary/cases.js';
import {SENTINEL_NAME_SQL, sentinelSession} from '../helpers/adversary/sentinel.js';
import {executeSql, markFunction} from './calls.js';

const SECRET_FILE_CONTENT = 'ADV-SECRET-FILE-CONTENT-7f3a';

export const C2_CASES: AttackCase[] = [
	{
		id: 'c2_safe_listed',
		origin: 'issue',
		attack: 'a safe-listed function name (similarity) that executes its text argument as SQL',
		guarantees: ['G4'],
		why: 'similarity is allowlisted by name for pg_trgm; anyone can create public.similarity(text) with another body',
		setup: `create function public.similarity(q text) returns text language plpgsql as $fn$
declare r text;
begin
	execute q into r;
	return r;
end $fn$;`,
		watch: [/^function public\.similarity\(text\)$/],
		calls: [executeSql(`select similarity('select public.adv_mark(''c2_safe_listed'')')`)],
	},
	{
		id: 'c2_file_read',
		origin: 'issue',
		attack: 'the same safe-listed name reads a file of the database server and returns it',
		guarantees: ['G4'],
		why: 'a read-only transaction forbids table writes, not pg_read_file; the dynamic SQL is invisible to the classifier',
		setup: `create function public.unaccent(q text) returns text language plpgsql as $fn$
declare r text;
begin
	execute q into r;
	return r;
end $fn$;
-- A file with known content in the data directory, there before the session.
do $$ begin execute format('copy (select %L) to %L', '${SECRET_FILE_CONTENT}', current_setting('data_directory') || '/adv_' || current_database() || '_c2_file_read_secret'); end $$;`,
		calls: [
			executeSql(`select unaccent('select pg_read_file(current_setting(''data_directory'') || ''/adv_'' || current_database() || ''_c2_file_read_secret'')')`),
		],
		check: ({events}) =>
			events.some(e => e.type === 'tool_call_completed' && String(e['content'] ?? '').includes(SECRET_FILE_CONTENT))
				? [`a server file was read: its content ${SECRET_FILE_CONTENT} came back to the model`]
				: [],
	},
	{
		id: 'c2_view',
		origin: 'issue',
		attack: 'a SELECT from a view whose query calls a volatile attacker function',
		guarantees: ['G4'],
		why: 'the SELECT names only the view; the function call is in the catalog, not in the SQL',
		setup: `create view public.adv_c2_view_v as select public.adv_mark('c2_view') as v;`,
		calls: [executeSql(`select v from public.adv_c2_view_v`)],
	},
	{
		id: 'c2_domain',
		origin: 'issue',
		attack: 'a cast to a domain whose CHECK calls an attacker function',
		guarantees: ['G4'],
		why: 'a type cast is not a function call to the classifier; the domain check runs on every cast',
		setup: `${markFunction('public.adv_c2_domain_fn', 'c2_domain', {args: 'text', returns: 'boolean'})}
create domain public.adv_c2_domain_d as text check (public.adv_c2_domain_fn(value));`,
		calls: [executeSql(`select 'x'::public.adv_c2_domain_d as v`)],
	},
	{
		id: 'c2_operator_eq',
		origin: 'issue',
		attack: 'a user-defined operator named = (text = integer)',
		guarantees: ['G4'],
		why: '= is on the operator allowlist by name; which function it runs depends on the operand types',
		setup: `${markFunction('public.adv_c2_operator_eq_fn', 'c2_operator_eq', {args: 'text, integer', returns: 'boolean'})}
create operator public.= (leftarg = text, rightarg = integer, function = public.adv_c2_operator_eq_fn);`,
		calls: [executeSql(`select 'a'::text = 1 as same`)],
	},
	{
		id: 'c2_attribute',
		origin: 'issue',
		attack: 'attribute notation t.fn, a function call that parses as a column reference',
		guarantees: ['G4'],
		why: 't.adv_c2_attribute_fn is a ColumnRef in the parse tree; Postgres resolves it to fn(t)',
		setup: `create table public.adv_c2_attribute_t(v text); insert into public.adv_c2_attribute_t values ('a');
${markFunction('public.adv_c2_attribute_fn', 'c2_attribute', {args: 'public.adv_c2_attribute_t'})}`,
		calls: [executeSql(`select t.adv_c2_attribute_fn from public.adv_c2_attribute_t as t`)],
	},
	{
		id: 'c2_overload',
		origin: 'invented',
		attack: 'an overload of a safe-listed built-in name for a new argument type: lower(integer)',
		guarantees: ['G4'],
		why: "lower is allowlisted by name; pg_catalog has no lower(integer), so lower(42) resolves to the attacker's",
		setup: markFunction('public.lower', 'c2_overload', {args: 'integer'}),
		watch: [/^function public\.lower\(integer\)$/],
		calls: [executeSql(`select lower(42) as v`)],
	},
	{
		id: 'c2_aggregate',
		origin: 'invented',
		attack: 'a user-defined aggregate under a safe-listed name: sum(text)',
		guarantees: ['G4'],
		why: "sum is allowlisted; pg_catalog has no sum(text), so the attacker's aggregate and its state function run",
		setup: `create table public.adv_c2_aggregate_t(v text); insert into public.adv_c2_aggregate_t values ('a'), ('b');
${markFunction('public.adv_c2_aggregate_fn', 'c2_aggregate', {args: 'text, text'})}
create aggregate public.sum(text) (sfunc = public.adv_c2_aggregate_fn, stype = text);`,
		watch: [/^function public\.sum\(text\)$/],
		calls: [executeSql(`select sum(v) as total from public.adv_c2_aggregate_t`)],
	},
	{
		id: 'c2_auth_uid',
		origin: 'invented',
		attack: 'auth.uid(), allowlisted by name, after an earlier migration replaced its body',
		guarantees: ['G4'],
		why: 'the allowlist trusts auth.uid by its qualified name, but the function is an ordinary, replaceable one',
		setup: `create or replace function auth.uid() returns uuid language plpgsql stable as $fn$
begin
	perform public.adv_mark('c2_auth_uid');
	return null;
end $fn$;`,
		calls: [executeSql(`select auth.uid() as me`)],
	},
	{
		id: 'c2_pg_catalog',
		origin: 'invented',
		attack: 'a function created inside pg_catalog under a built-in name: pg_catalog.upper(integer)',
		guarantees: ['G4'],
		why: 'the allowlist treats anything in pg_catalog as built-in; a superuser migration can add functions there',
		setup: markFunction('pg_catalog.upper', 'c2_pg_catalog', {args: 'integer'}),
		watch: [/^function (pg_catalog\.)?upper\(integer\)$/],
		calls: [executeSql(`select upper(7) as v`)],
	},
	{
		id: 'c2_explain_fold',
		origin: 'invented',
		attack: 'EXPLAIN (without ANALYZE) of a call to a function falsely declared IMMUTABLE',
		guarantees: ['G4'],
		why: 'EXPLAIN is treated as "only planned", but the planner evaluates immutable functions with constant arguments',
		setup: markFunction('public.adv_c2_explain_fold_fn', 'c2_explain_fold', {volatility: 'immutable'}),
		calls: [executeSql(`explain select public.adv_c2_explain_fold_fn()`)],
	},
	{
		id: 'c2_between',
		origin: 'invented',
		attack: 'BETWEEN over user-defined >= and <= operators (text vs integer)',
		guarantees: ['G4'],
		why: 'BETWEEN is treated as grammar, not as an operator, yet it calls >= and <= for the operand types',
		setup: `${markFunction('public.adv_c2_between_fn', 'c2_between', {args: 'text, integer', returns: 'boolean'})}
create operator public.>= (leftarg = text, rightarg = integer, function = public.adv_c2_between_fn);
create operator public.<= (leftarg = text, rightarg = integer, function = public.adv_c2_between_fn);`,
		calls: [executeSql(`select 'a'::text between 1 and 2 as inside`)],
	},
	{
		id: 'c2_in_list',
		origin: 'invented',
		attack: 'IN (…) over a user-defined = (text vs bigint)',
		guarantees: ['G4'],
		why: 'IN is an "=" comparison under the hood, and "=" is trusted by name',
		setup: `${markFunction('public.adv_c2_in_list_fn', 'c2_in_list', {args: 'text, bigint', returns: 'boolean'})}
create operator public.= (leftarg = text, rightarg = bigint, function = public.adv_c2_in_list_fn);`,
		calls: [executeSql(`select 'a'::text in (1::bigint, 2::bigint) as found`)],
	},
	{
		id: 'c2_like',
		origin: 'invented',
		attack: 'LIKE over a user-defined ~~ operator (text LIKE integer)',
		guarantees: ['G4'],
		why: 'LIKE is keyword syntax for the ~~ operator, which is on the allowlist by name',
		setup: `${markFunction('public.adv_c2_like_fn', 'c2_like', {args: 'text, integer', returns: 'boolean'})}
create operator public.~~ (leftarg = text, rightarg = integer, function = public.adv_c2_like_fn);`,
		calls: [executeSql(`select 'a'::text like 1 as matches`)],
	},
	{
		id: 'c2_cast',
		origin: 'invented',
		attack: 'a cast to a type with a user-defined cast function (integer → composite)',
		guarantees: ['G4'],
		why: 'casts are type syntax, not function calls, to the classifier',
		setup: `create type public.adv_c2_cast_t as (v text);
create function public.adv_c2_cast_fn(integer) returns public.adv_c2_cast_t language sql as $fn$ select row(public.adv_mark('c2_cast'))::public.adv_c2_cast_t $fn$;
create cast (integer as public.adv_c2_cast_t) with function public.adv_c2_cast_fn(integer);`,
		calls: [executeSql(`select (7::public.adv_c2_cast_t).v as v`)],
	},
	{
		id: 'c2_rls_policy',
		origin: 'invented',
		attack: 'a SELECT from a table whose row level security policy calls an attacker function',
		guarantees: ['G4'],
		why: 'the SELECT names only a table; once reads run as a least-privilege role (as designed), the policy runs with them',
		setup: `create table public.adv_c2_rls_policy_t(v text); insert into public.adv_c2_rls_policy_t values ('a');
alter table public.adv_c2_rls_policy_t enable row level security;
alter table public.adv_c2_rls_policy_t force row level security;
create policy adv_c2_rls_policy_p on public.adv_c2_rls_policy_t for select using (public.adv_mark('c2_rls_policy') is not null);`,
		calls: [executeSql(`select count(*) as n from public.adv_c2_rls_policy_t`)],
	},
	{
		id: 'c2_terminate',
		origin: 'invented',
		attack: 'a SELECT from a view whose function terminates another session',
		guarantees: ['G4'],
		why: 'a read-only transaction does not stop pg_terminate_backend; the view hides the call',
		engines: ['postgres'],
		setup: `create function public.adv_c2_terminate_fn() returns integer language sql as $fn$
	select count(*)::integer from pg_stat_activity where application_name = ${SENTINEL_NAME_SQL} and pg_terminate_backend(pid)
$fn$;
create view public.adv_c2_terminate_v as select public.adv_c2_terminate_fn() as n;`,
		calls: [executeSql(`select n from public.adv_c2_terminate_v`)],
		around: sentinelSession,
	},
];
