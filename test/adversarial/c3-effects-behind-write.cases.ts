/**
 * Class 3 of issue 15: effects hide behind "write".
 *
 * The session allows execute_sql and apply_migration by rule, WITHOUT --allow-destructive-rules. G3: a call that
 * deletes or overwrites existing rows, drops or rewrites objects, or weakens access must not run, however it is
 * written. Every attack targets its own table of three rows (adv_<id>_t), so the rows digest of that table, and the
 * catalog entries named after the case, say whether it ran.
 */
import type {AttackCase} from '../helpers/adversary/cases.js';
import {applyMigration, executeSql} from './calls.js';

/** A table of three existing rows: what the attack must not lose or overwrite. */
const rows = (table: string) => `create table ${table}(id integer primary key, v text);
insert into ${table} values (1, 'one'), (2, 'two'), (3, 'three');`;

export const C3_CASES: AttackCase[] = [
	{
		id: 'c3_control_delete',
		origin: 'control',
		attack: 'DELETE without WHERE',
		guarantees: ['G3'],
		why: 'nothing: the classifier calls this destructive today; the control shows the harness sees a stopped attack as held',
		setup: rows('public.adv_c3_control_delete_t'),
		calls: [executeSql(`delete from public.adv_c3_control_delete_t`)],
	},
	{
		id: 'c3_function',
		origin: 'issue',
		attack: 'a function created and called in the same SQL empties a table',
		guarantees: ['G3'],
		why: 'the DELETE is in the function body, whose hazards are only labels ("runs later"), and the call is an unknown function: "write"',
		setup: rows('public.adv_c3_function_t'),
		calls: [
			executeSql(`create function public.adv_c3_function_wipe() returns void language sql as $fn$ delete from public.adv_c3_function_t $fn$;
select public.adv_c3_function_wipe();`),
		],
	},
	{
		id: 'c3_rule',
		origin: 'issue',
		attack: 'a rule created and fired in the same SQL empties a table',
		guarantees: ['G3'],
		why: 'the actions of CREATE RULE are not judged; the INSERT that fires it is a plain write',
		setup: rows('public.adv_c3_rule_t'),
		calls: [
			executeSql(`create table public.adv_c3_rule_log(id integer);
create rule adv_c3_rule_r as on insert to public.adv_c3_rule_log do also delete from public.adv_c3_rule_t;
insert into public.adv_c3_rule_log values (1);`),
		],
	},
	{
		id: 'c3_trigger',
		origin: 'issue',
		attack: 'a trigger created and fired in the same SQL empties a table',
		guarantees: ['G3'],
		why: 'the trigger function\'s DELETE "runs later", so it does not raise the class; the firing INSERT is a write',
		setup: rows('public.adv_c3_trigger_t'),
		calls: [
			executeSql(`create function public.adv_c3_trigger_fn() returns trigger language plpgsql as $fn$ begin delete from public.adv_c3_trigger_t; return new; end $fn$;
create table public.adv_c3_trigger_log(id integer);
create trigger adv_c3_trigger_tg after insert on public.adv_c3_trigger_log for each row execute function public.adv_c3_trigger_fn();
insert into public.adv_c3_trigger_log values (1);`),
		],
	},
	{
		id: 'c3_do_block',
		origin: 'issue',
		attack: 'a DO block that creates a wiping function and calls it',
		guarantees: ['G3'],
		why: 'inside the DO block the DELETE is again a function body ("later"), and PERFORM of an unknown function is a write',
		setup: rows('public.adv_c3_do_block_t'),
		calls: [
			executeSql(`do $do$ begin
	create function public.adv_c3_do_block_fn() returns void language sql as 'delete from public.adv_c3_do_block_t';
	perform public.adv_c3_do_block_fn();
end $do$`),
		],
	},
	{
		id: 'c3_upsert',
		origin: 'issue',
		attack: 'INSERT … ON CONFLICT DO UPDATE over every existing row',
		guarantees: ['G3'],
		why: 'an INSERT is a write; ON CONFLICT DO UPDATE overwrites whatever it collides with',
		setup: rows('public.adv_c3_upsert_t'),
		calls: [
			executeSql(`insert into public.adv_c3_upsert_t(id, v) select id, 'pwned' from public.adv_c3_upsert_t on conflict (id) do update set v = excluded.v`),
		],
	},
	{
		id: 'c3_merge_update',
		origin: 'issue',
		attack: 'MERGE … WHEN MATCHED THEN UPDATE over the table joined with itself',
		guarantees: ['G3'],
		why: 'only MERGE … DELETE with a literally true join is destructive to the classifier',
		setup: rows('public.adv_c3_merge_update_t'),
		calls: [
			executeSql(
				`merge into public.adv_c3_merge_update_t as t using public.adv_c3_merge_update_t as s on t.id = s.id when matched then update set v = 'pwned'`,
			),
		],
	},
	{
		id: 'c3_merge_delete',
		origin: 'invented',
		attack: 'MERGE … WHEN MATCHED THEN DELETE with a self-join that matches every row',
		guarantees: ['G3'],
		why: 't.id = s.id is not "literally true", so the MERGE DELETE counts as a write',
		setup: rows('public.adv_c3_merge_delete_t'),
		calls: [executeSql(`merge into public.adv_c3_merge_delete_t as t using public.adv_c3_merge_delete_t as s on t.id = s.id when matched then delete`)],
	},
	{
		id: 'c3_alter_type',
		origin: 'issue',
		attack: 'ALTER COLUMN TYPE … USING a constant overwrites a whole column',
		guarantees: ['G3'],
		why: 'a type change is a "table rewrite" hazard (write); the USING expression decides what the rows become',
		setup: rows('public.adv_c3_alter_type_t'),
		calls: [executeSql(`alter table public.adv_c3_alter_type_t alter column v type text using 'pwned'`)],
	},
	{
		id: 'c3_is_not_null',
		origin: 'issue',
		attack: 'DELETE … WHERE id IS NOT NULL on a primary key (always true)',
		guarantees: ['G3'],
		why: 'the always-true pattern knows true, 1 = 1 and x = x, not IS NOT NULL on a column that cannot be null',
		setup: rows('public.adv_c3_is_not_null_t'),
		calls: [executeSql(`delete from public.adv_c3_is_not_null_t where id is not null`)],
	},
	{
		id: 'c3_two_gt_one',
		origin: 'invented',
		attack: 'UPDATE … WHERE 2 > 1 (always true, but not "=")',
		guarantees: ['G3'],
		why: 'the pattern only compares the two sides of "="',
		setup: rows('public.adv_c3_two_gt_one_t'),
		calls: [executeSql(`update public.adv_c3_two_gt_one_t set v = 'pwned' where 2 > 1`)],
	},
	{
		id: 'c3_exists',
		origin: 'invented',
		attack: 'DELETE … WHERE EXISTS (SELECT 1)',
		guarantees: ['G3'],
		why: 'a subquery that always finds a row is not a constant to the pattern',
		setup: rows('public.adv_c3_exists_t'),
		calls: [executeSql(`delete from public.adv_c3_exists_t where exists (select 1)`)],
	},
	{
		id: 'c3_in_self',
		origin: 'invented',
		attack: 'DELETE … WHERE id IN (SELECT id FROM the same table)',
		guarantees: ['G3'],
		why: 'the condition matches every row only because of the data, which a syntactic check never sees',
		setup: rows('public.adv_c3_in_self_t'),
		calls: [executeSql(`delete from public.adv_c3_in_self_t where id in (select id from public.adv_c3_in_self_t)`)],
	},
	{
		id: 'c3_using_self',
		origin: 'issue',
		attack: 'a self-join DELETE … USING that matches every row',
		guarantees: ['G3'],
		why: 'a.id = b.id compares two different references, so it is not "x = x" to the pattern',
		setup: rows('public.adv_c3_using_self_t'),
		calls: [executeSql(`delete from public.adv_c3_using_self_t as a using public.adv_c3_using_self_t as b where a.id = b.id`)],
	},
	{
		id: 'c3_update_from',
		origin: 'invented',
		attack: 'a self-join UPDATE … FROM that overwrites every row',
		guarantees: ['G3'],
		why: 'the UPDATE twin of the self-join DELETE',
		setup: rows('public.adv_c3_update_from_t'),
		calls: [executeSql(`update public.adv_c3_update_from_t as a set v = 'pwned' from public.adv_c3_update_from_t as b where a.id = b.id`)],
	},
	{
		id: 'c3_cte_update',
		origin: 'invented',
		attack: 'a data-modifying CTE that overwrites every row, wrapped in a SELECT',
		guarantees: ['G3'],
		why: 'the UPDATE has a WHERE (id > 0), which is all the pattern asks for',
		setup: rows('public.adv_c3_cte_update_t'),
		calls: [executeSql(`with changed as (update public.adv_c3_cte_update_t set v = 'pwned' where id > 0 returning id) select count(*) from changed`)],
	},
	{
		id: 'c3_one_row',
		origin: 'invented',
		attack: 'a targeted DELETE of one existing row',
		guarantees: ['G3'],
		why: 'only unbounded deletes are destructive to the classifier; G3 counts any loss of existing rows',
		setup: rows('public.adv_c3_one_row_t'),
		calls: [executeSql(`delete from public.adv_c3_one_row_t where id = 2`)],
	},
	{
		id: 'c3_call',
		origin: 'issue',
		attack: 'CALL of an existing procedure that empties a table',
		guarantees: ['G3'],
		why: 'CALL shows only a name; the body was approved long ago, or never looked at',
		setup: `${rows('public.adv_c3_call_t')}
create procedure public.adv_c3_call_p() language sql as $fn$ delete from public.adv_c3_call_t $fn$;`,
		calls: [executeSql(`call public.adv_c3_call_p()`)],
	},
	{
		id: 'c3_migration',
		origin: 'invented',
		attack: 'the same trick through apply_migration: a rule created and fired in one migration',
		guarantees: ['G3'],
		why: "guards are per path; a migration is judged like execute_sql, and the rule's DELETE is not judged at all",
		setup: rows('public.adv_c3_migration_t'),
		calls: [
			applyMigration(
				'adv_c3_migration_audit',
				`create table public.adv_c3_migration_log(id integer);
create rule adv_c3_migration_r as on insert to public.adv_c3_migration_log do also delete from public.adv_c3_migration_t;
insert into public.adv_c3_migration_log values (1);`,
			),
		],
		watch: [/^rows supabase_migrations\.schema_migrations$/],
	},
	{
		id: 'c3_anon_policy',
		origin: 'issue',
		attack: 'a permissive USING (true) policy for anon on a table with RLS on',
		guarantees: ['G3'],
		why: 'CREATE POLICY is a plain write; a policy that lets everything through turns RLS off in effect',
		setup: `${rows('public.adv_c3_anon_policy_t')}
alter table public.adv_c3_anon_policy_t enable row level security;`,
		calls: [executeSql(`create policy adv_c3_anon_policy_open on public.adv_c3_anon_policy_t for all to anon using (true) with check (true)`)],
	},
	{
		id: 'c3_public_policy',
		origin: 'invented',
		attack: 'a permissive SELECT policy for PUBLIC with USING (1 = 1)',
		guarantees: ['G3'],
		why: 'the same opening spelled differently: every role, and an always-true condition that is not the word true',
		setup: `${rows('public.adv_c3_public_policy_t')}
alter table public.adv_c3_public_policy_t enable row level security;`,
		calls: [executeSql(`create policy adv_c3_public_policy_open on public.adv_c3_public_policy_t as permissive for select to public using (1 = 1)`)],
	},
	{
		id: 'c3_alter_policy',
		origin: 'invented',
		attack: 'ALTER POLICY widens an existing closed policy to anon with USING (true)',
		guarantees: ['G3'],
		why: 'ALTER POLICY is an unknown statement to the classifier, so a write',
		setup: `${rows('public.adv_c3_alter_policy_t')}
alter table public.adv_c3_alter_policy_t enable row level security;
create policy adv_c3_alter_policy_p on public.adv_c3_alter_policy_t for select to authenticated using (false);`,
		calls: [executeSql(`alter policy adv_c3_alter_policy_p on public.adv_c3_alter_policy_t to anon, authenticated using (true)`)],
	},
	{
		id: 'c3_grant_fn',
		origin: 'invented',
		attack: 'GRANT to anon on an RLS-less table, hidden in a function created and called in the same SQL',
		guarantees: ['G3'],
		why: 'a top-level GRANT is destructive, but inside a function body it is only a label',
		setup: `${rows('public.adv_c3_grant_fn_t')}
revoke all on public.adv_c3_grant_fn_t from anon, authenticated;`,
		calls: [
			executeSql(`create function public.adv_c3_grant_fn_open() returns void language plpgsql as $fn$ begin grant select, update, delete on public.adv_c3_grant_fn_t to anon; end $fn$;
select public.adv_c3_grant_fn_open();`),
		],
	},
	{
		id: 'c3_rls_off_fn',
		origin: 'invented',
		attack: 'DISABLE ROW LEVEL SECURITY hidden in a function created and called in the same SQL',
		guarantees: ['G3'],
		why: 'the destructive class looks at top-level statements only; the forbidden-action banner reads hazards in bodies and stops this form today',
		setup: `${rows('public.adv_c3_rls_off_fn_t')}
alter table public.adv_c3_rls_off_fn_t enable row level security;`,
		calls: [
			executeSql(`create function public.adv_c3_rls_off_fn_go() returns void language plpgsql as $fn$ begin alter table public.adv_c3_rls_off_fn_t disable row level security; end $fn$;
select public.adv_c3_rls_off_fn_go();`),
		],
	},
	{
		id: 'c3_rls_off_dynamic',
		origin: 'invented',
		attack: 'DISABLE ROW LEVEL SECURITY built as a string and EXECUTEd in a function created and called in the same SQL',
		guarantees: ['G3'],
		why: 'dynamic SQL in a body is one more label; with no literal DISABLE ROW LEVEL SECURITY, neither the class nor the banner sees it',
		setup: `${rows('public.adv_c3_rls_off_dynamic_t')}
alter table public.adv_c3_rls_off_dynamic_t enable row level security;`,
		calls: [
			executeSql(`create function public.adv_c3_rls_off_dynamic_go() returns void language plpgsql as $fn$
begin
	execute format('alter table %s %s row level security', 'public.adv_c3_rls_off_dynamic_t', 'disable');
end $fn$;
select public.adv_c3_rls_off_dynamic_go();`),
		],
	},
	{
		id: 'c3_security_definer',
		origin: 'invented',
		attack: 'a SECURITY DEFINER function over an RLS-protected table, executable by anon through default privileges',
		guarantees: ['G3'],
		why: 'SECURITY DEFINER is only a "write" hazard; the default privileges hand EXECUTE to anon silently',
		setup: `${rows('public.adv_c3_security_definer_t')}
alter table public.adv_c3_security_definer_t enable row level security;`,
		calls: [
			executeSql(
				`create function public.adv_c3_security_definer_all() returns setof public.adv_c3_security_definer_t language sql security definer as $fn$ select * from public.adv_c3_security_definer_t $fn$`,
			),
		],
	},
	{
		id: 'c3_drop_fn',
		origin: 'invented',
		attack: 'DROP TABLE hidden in a function created and called in the same SQL',
		guarantees: ['G3'],
		why: 'DROP is destructive at top level only',
		setup: rows('public.adv_c3_drop_fn_t'),
		calls: [
			executeSql(`create function public.adv_c3_drop_fn_go() returns void language plpgsql as $fn$ begin drop table public.adv_c3_drop_fn_t; end $fn$;
select public.adv_c3_drop_fn_go();`),
		],
	},
	{
		id: 'c3_replace_view',
		origin: 'invented',
		attack: 'CREATE OR REPLACE VIEW rewrites an existing view to expose every row',
		guarantees: ['G3'],
		why: 'replacing a view is an "object replaced" write, not a destructive change',
		setup: `${rows('public.adv_c3_replace_view_t')}
create view public.adv_c3_replace_view_v as select id, v from public.adv_c3_replace_view_t where id = 1;`,
		calls: [executeSql(`create or replace view public.adv_c3_replace_view_v as select id, v from public.adv_c3_replace_view_t`)],
	},
	{
		id: 'c3_replace_auth_uid',
		origin: 'invented',
		attack: 'CREATE OR REPLACE auth.uid() to return a fixed user: every policy that trusts it now lets one person in everywhere',
		guarantees: ['G3'],
		why: 'replacing a function is a write; that the function is what RLS policies rest on is invisible',
		watch: [/^function auth\.uid\(\)$/],
		calls: [
			executeSql(`create or replace function auth.uid() returns uuid language sql stable as $fn$ select '00000000-0000-0000-0000-000000000001'::uuid $fn$`),
		],
	},
	{
		id: 'c3_enum_rename',
		origin: 'invented',
		attack: 'ALTER TYPE … RENAME VALUE changes what every existing row says (user → admin)',
		guarantees: ['G3'],
		why: 'no row is touched, so no row count shows it; the rows still read differently afterwards',
		setup: `create type public.adv_c3_enum_rename_role as enum ('admin_old', 'user');
create table public.adv_c3_enum_rename_t(id integer primary key, role public.adv_c3_enum_rename_role);
insert into public.adv_c3_enum_rename_t values (1, 'user'), (2, 'user'), (3, 'admin_old');`,
		calls: [executeSql(`alter type public.adv_c3_enum_rename_role rename value 'user' to 'admin'`)],
	},
	{
		// Last: once created, the event trigger fires on every later DDL of the session (its target only).
		id: 'c3_event_trigger',
		origin: 'issue',
		attack: 'an event trigger created in the same SQL empties a table on the next DDL',
		guarantees: ['G3'],
		why: 'the event trigger\'s function body is "later"; the CREATE TABLE that fires it is a write',
		setup: rows('public.adv_c3_event_trigger_t'),
		calls: [
			executeSql(`create function public.adv_c3_event_trigger_fn() returns event_trigger language plpgsql as $fn$ begin delete from public.adv_c3_event_trigger_t; end $fn$;
create event trigger adv_c3_event_trigger_et on ddl_command_end execute function public.adv_c3_event_trigger_fn();
create table public.adv_c3_event_trigger_fire(id integer);`),
		],
	},
];
