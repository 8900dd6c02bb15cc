/**
 * Class 1 of issue 15: the preview executes on the live database before the decision.
 *
 * Every session here is headless in the default mode with no allow rule, so every call below is denied. The preview
 * (dry run) still happens before the denial; a rolled-back transaction does not undo files written, sequences
 * moved, programs run or sessions killed, and nothing bounds how long it may take. G1/G2: after the session the
 * database must be exactly as before, no preview may outlive its deadline, and the database must still answer.
 */
import {type AttackCase, nextStartWorks} from '../helpers/adversary/cases.js';
import {SENTINEL_NAME_SQL, sentinelSession} from '../helpers/adversary/sentinel.js';
import {executeSql, MARKER_LO, marker, markFunction} from './calls.js';

export const C1_CASES: AttackCase[] = [
	{
		id: 'c1_lo_alias',
		origin: 'issue',
		attack: 'a LANGUAGE internal alias of lo_export, created and called in the same SQL, writes a file into the data directory',
		guarantees: ['G1', 'G2'],
		why: 'the previewer skips SQL that names lo_export, but the alias has another name and its body is a C symbol, not SQL',
		calls: [
			executeSql(`create function public.adv_c1_lo_alias_export(oid, text) returns integer language internal strict as 'be_lo_export';
create table public.adv_c1_lo_alias_t as select public.adv_c1_lo_alias_export(${MARKER_LO}, ${marker('c1_lo_alias')}) as written;`),
		],
	},
	{
		id: 'c1_start_breaker',
		origin: 'issue',
		attack: 'the preview of a denied call overwrites postgresql.auto.conf, and the next start fails',
		guarantees: ['G1', 'G2'],
		why: 'a file written by lo_export is not rolled back; the server reads the file at its next start',
		// Overwriting a real server's configuration would break the shared test cluster for everyone: PGlite only.
		engines: ['pglite'],
		isolated: true,
		setup: `select lo_from_bytea(0, convert_to(E'adv_c1_start_breaker = = = broken\\n', 'UTF8'));`,
		calls: [
			executeSql(`create function public.adv_c1_start_breaker_export(oid, text) returns integer language internal strict as 'be_lo_export';
create table public.adv_c1_start_breaker_t as select public.adv_c1_start_breaker_export((select max(oid) from pg_largeobject_metadata), current_setting('data_directory') || '/postgresql.auto.conf') as written;`),
		],
		watch: [/^data file postgresql\.auto\.conf$/],
		check: async ({arena}) => nextStartWorks(arena),
	},
	{
		id: 'c1_sequence',
		origin: 'issue',
		attack: 'the preview of a denied INSERT … nextval() advances a sequence',
		guarantees: ['G1', 'G2'],
		why: 'nextval is known to have an effect, but inside an INSERT the classifier does not flag it, and sequences ignore rollback',
		setup: `create sequence public.adv_c1_sequence_s; select nextval('public.adv_c1_sequence_s'); create table public.adv_c1_sequence_t(id bigint);`,
		calls: [executeSql(`insert into public.adv_c1_sequence_t values (nextval('public.adv_c1_sequence_s'))`)],
	},
	{
		id: 'c1_identity',
		origin: 'invented',
		attack: 'the preview of a plain INSERT into an identity-column table advances the hidden sequence',
		guarantees: ['G1', 'G2'],
		why: 'no function is named at all: the column default calls nextval, and the SQL text looks like a plain insert',
		setup: `create table public.adv_c1_identity_t(id integer generated always as identity, v text); insert into public.adv_c1_identity_t(v) values ('first');`,
		calls: [executeSql(`insert into public.adv_c1_identity_t(v) values ('second')`)],
	},
	{
		id: 'c1_setval',
		origin: 'invented',
		attack: 'the preview of a denied INSERT … setval() rewinds a sequence (future ids would collide)',
		guarantees: ['G1', 'G2'],
		why: 'setval is only a "write" inside a write, so nothing keeps it out of the dry run, and setval is not transactional',
		setup: `create sequence public.adv_c1_setval_s; select setval('public.adv_c1_setval_s', 500); create table public.adv_c1_setval_t(n bigint);`,
		calls: [executeSql(`insert into public.adv_c1_setval_t values (setval('public.adv_c1_setval_s', 1))`)],
	},
	{
		id: 'c1_copy_proc',
		origin: 'issue',
		attack: 'the preview of CALL of an existing procedure runs its COPY … TO a server file',
		guarantees: ['G1', 'G2'],
		why: 'the COPY is inside the procedure body, which the CALL does not show; COPY TO a file is not transactional',
		setup: `create procedure public.adv_c1_copy_proc_p() language plpgsql as $fn$
begin
	execute format('copy (select 1) to %L', ${marker('c1_copy_proc')});
end $fn$;`,
		calls: [executeSql(`call public.adv_c1_copy_proc_p()`)],
	},
	{
		id: 'c1_copy_program',
		origin: 'invented',
		attack: 'the preview of CALL of an existing procedure runs COPY … TO PROGRAM (a shell command on the server)',
		guarantees: ['G1', 'G2'],
		why: "the stand-in for the issue's libc system() example, which a real Postgres refuses (no magic block): COPY TO PROGRAM in a body is just as invisible",
		// PGlite cannot start programs.
		engines: ['postgres'],
		setup: `create procedure public.adv_c1_copy_program_p() language plpgsql as $fn$
begin
	execute format('copy (select 1) to program %L', 'touch ' || ${marker('c1_copy_program')});
end $fn$;`,
		calls: [executeSql(`call public.adv_c1_copy_program_p()`)],
	},
	{
		id: 'c1_do_block',
		origin: 'invented',
		attack: 'the preview of a DO block whose INSERT calls an existing function that writes a file',
		guarantees: ['G1', 'G2'],
		why: 'the DO block is analysed, but inside its INSERT a user function only makes it a "write", which is still dry-run',
		setup: `${markFunction('public.adv_c1_do_block_fn', 'c1_do_block')}
create table public.adv_c1_do_block_t(v text);`,
		calls: [executeSql(`do $$ begin insert into public.adv_c1_do_block_t select public.adv_c1_do_block_fn(); end $$`)],
	},
	{
		id: 'c1_operator',
		origin: 'invented',
		attack: 'an operator bound to lo_export, created and used in the same SQL, writes a file at preview time',
		guarantees: ['G1', 'G2'],
		why: "operators are never checked inside a write, and lo_export appears only as an operator's FUNCTION option, not as a call",
		calls: [
			executeSql(`create operator public.#>>> (leftarg = oid, rightarg = text, function = pg_catalog.lo_export);
create table public.adv_c1_operator_t as select ${MARKER_LO} operator(public.#>>>) (${marker('c1_operator')}) as written;`),
		],
	},
	{
		id: 'c1_default_expr',
		origin: 'invented',
		attack: 'a column DEFAULT calling an existing function fires during the preview of an INSERT into a new table',
		guarantees: ['G1', 'G2'],
		why: 'defaults in CREATE TABLE are not inspected, and the INSERT names no function at all',
		setup: markFunction('public.adv_c1_default_expr_fn', 'c1_default_expr', {returns: 'integer'}),
		calls: [
			executeSql(`create table public.adv_c1_default_expr_t(id integer, n integer default public.adv_c1_default_expr_fn());
insert into public.adv_c1_default_expr_t(id) values (1);`),
		],
	},
	{
		id: 'c1_existing_trigger',
		origin: 'invented',
		attack: 'the preview of an ordinary INSERT fires an existing trigger whose function writes a file',
		guarantees: ['G1', 'G2'],
		why: 'the SQL is as harmless as SQL gets; the effect lives in a trigger that exists already',
		setup: `${markFunction('public.adv_c1_existing_trigger_fn', 'c1_existing_trigger', {returns: 'trigger'})}
create table public.adv_c1_existing_trigger_t(id integer);
create trigger adv_c1_existing_trigger_tg before insert on public.adv_c1_existing_trigger_t for each row execute function public.adv_c1_existing_trigger_fn();`,
		calls: [executeSql(`insert into public.adv_c1_existing_trigger_t values (1)`)],
	},
	{
		id: 'c1_rule',
		origin: 'invented',
		attack: 'a rule created and fired in the same SQL runs an existing function at preview time',
		guarantees: ['G1', 'G2'],
		why: 'the actions of CREATE RULE are never inspected, and the INSERT that fires it looks plain',
		setup: `${markFunction('public.adv_c1_rule_fn', 'c1_rule')}
create table public.adv_c1_rule_t(id integer);`,
		calls: [
			executeSql(`create rule adv_c1_rule_r as on insert to public.adv_c1_rule_t do also select public.adv_c1_rule_fn();
insert into public.adv_c1_rule_t values (1);`),
		],
	},
	{
		id: 'c1_event_trigger',
		origin: 'invented',
		attack: 'an existing event trigger fires during the preview of a plain CREATE TABLE',
		guarantees: ['G1', 'G2'],
		why: 'event triggers run on DDL inside the dry run, and nothing in the SQL mentions them',
		setup: `create function public.adv_c1_event_trigger_fn() returns event_trigger language plpgsql as $fn$
begin
	-- Only its own case's DDL sets it off, so other cases' previews cannot fire it.
	if exists (select 1 from pg_event_trigger_ddl_commands() where object_identity like '%adv_c1_event_trigger_new%') then
		perform public.adv_mark('c1_event_trigger');
	end if;
end $fn$;
create event trigger adv_c1_event_trigger_et on ddl_command_end execute function public.adv_c1_event_trigger_fn();`,
		calls: [executeSql(`create table public.adv_c1_event_trigger_new(id integer)`)],
	},
	{
		id: 'c1_domain_check',
		origin: 'invented',
		attack: 'the preview of an INSERT into a column whose domain CHECK calls an existing function',
		guarantees: ['G1', 'G2'],
		why: "the check is part of the column's type, not of the SQL",
		setup: `${markFunction('public.adv_c1_domain_check_fn', 'c1_domain_check', {args: 'text', returns: 'boolean'})}
create domain public.adv_c1_domain_check_d as text check (public.adv_c1_domain_check_fn(value));
create table public.adv_c1_domain_check_t(v public.adv_c1_domain_check_d);`,
		calls: [executeSql(`insert into public.adv_c1_domain_check_t values ('x')`)],
	},
	{
		id: 'c1_index_expr',
		origin: 'invented',
		attack: 'the preview of CREATE INDEX on an expression evaluates a function falsely declared IMMUTABLE for every row',
		guarantees: ['G1', 'G2'],
		why: 'index expressions are evaluated while the index is built, and volatility is whatever the author declared',
		setup: `${markFunction('public.adv_c1_index_expr_fn', 'c1_index_expr', {args: 'text', volatility: 'immutable'})}
create table public.adv_c1_index_expr_t(v text); insert into public.adv_c1_index_expr_t values ('a');`,
		calls: [executeSql(`create index adv_c1_index_expr_i on public.adv_c1_index_expr_t ((public.adv_c1_index_expr_fn(v)))`)],
	},
	{
		id: 'c1_check_constraint',
		origin: 'invented',
		attack: 'the preview of ADD CONSTRAINT … CHECK validates existing rows with an attacker function',
		guarantees: ['G1', 'G2'],
		why: 'validation runs the expression over every existing row; ALTER TABLE ADD CONSTRAINT is only a "write"',
		setup: `${markFunction('public.adv_c1_check_constraint_fn', 'c1_check_constraint', {args: 'text', returns: 'boolean'})}
create table public.adv_c1_check_constraint_t(v text); insert into public.adv_c1_check_constraint_t values ('a');`,
		calls: [executeSql(`alter table public.adv_c1_check_constraint_t add constraint adv_c1_check_constraint_c check (public.adv_c1_check_constraint_fn(v))`)],
	},
	{
		id: 'c1_refresh_matview',
		origin: 'invented',
		attack: "the preview of REFRESH MATERIALIZED VIEW runs the view's query, which calls attacker code",
		guarantees: ['G1', 'G2'],
		why: 'REFRESH names only the view; its query is in the catalog',
		setup: `create materialized view public.adv_c1_refresh_matview_v as select public.adv_mark('c1_refresh_matview') as v with no data;`,
		calls: [executeSql(`refresh materialized view public.adv_c1_refresh_matview_v`)],
	},
	{
		id: 'c1_terminate',
		origin: 'invented',
		attack: 'the preview of an INSERT calling an existing function terminates another session',
		guarantees: ['G1', 'G2'],
		why: 'pg_terminate_backend hides in a function body; a rollback cannot bring a killed session back',
		// PGlite has one session only.
		engines: ['postgres'],
		setup: `create function public.adv_c1_terminate_fn() returns integer language sql as $fn$
	select count(*)::integer from pg_stat_activity where application_name = ${SENTINEL_NAME_SQL} and pg_terminate_backend(pid)
$fn$;
create table public.adv_c1_terminate_t(n integer);`,
		calls: [executeSql(`insert into public.adv_c1_terminate_t select public.adv_c1_terminate_fn()`)],
		around: sentinelSession,
	},
	{
		id: 'c1_copy_stdin',
		origin: 'issue',
		attack: 'the preview of COPY … FROM STDIN never returns',
		guarantees: ['G2'],
		why: 'the dry run sends the COPY and waits for data nobody sends; nothing bounds a preview',
		mayHang: true,
		deadline: 'preview',
		followUpRead: true,
		check: async ({arena}) => nextStartWorks(arena),
		setup: `create table public.adv_c1_copy_stdin_t(id integer);`,
		calls: [executeSql(`copy public.adv_c1_copy_stdin_t from stdin`)],
	},
	{
		id: 'c1_sleep',
		origin: 'invented',
		attack: 'the preview of an INSERT … FROM pg_sleep(86400) holds the database for a day',
		guarantees: ['G2'],
		why: 'pg_sleep is only flagged in reads; inside a write it is dry-run, and the dry run has no deadline',
		mayHang: true,
		deadline: 'preview',
		followUpRead: true,
		check: async ({arena}) => nextStartWorks(arena),
		setup: `create table public.adv_c1_sleep_t(id integer);`,
		calls: [executeSql(`insert into public.adv_c1_sleep_t select 1 from pg_sleep(86400)`)],
	},
	{
		id: 'c1_loop',
		origin: 'invented',
		attack: 'the preview of a DO block with an endless loop spins the database for ever',
		guarantees: ['G2'],
		why: 'the DO block is analysed statement by statement and each statement is harmless; the loop is not',
		mayHang: true,
		deadline: 'preview',
		followUpRead: true,
		check: async ({arena}) => nextStartWorks(arena),
		calls: [executeSql(`do $$ begin loop perform 1; end loop; end $$`)],
	},
];
