/**
 * The sandbox on a real Postgres: SQL nobody has approved runs in a transaction that is always rolled back, on a
 * connection of its own that is closed afterwards, inside a SECURITY DEFINER function owned by a throwaway role made
 * in that same transaction. What Postgres then guarantees, and what it does not:
 *
 * - Rolled back: every row, every catalog change, large objects (they are rows), NOTIFY (sent at commit only),
 *   transaction-level locks and settings.
 * - Closed with the connection: session-level advisory locks, SET without LOCAL, temporary tables, prepared
 *   statements — none outlive the preview.
 * - Not rolled back, so prevented instead: sequences (each sequence of the user's schemas gets a new relfilenode
 *   in the transaction, so `nextval` advances a copy that the rollback discards); files and programs (the role is
 *   not a superuser and belongs to none of the pg_*_server_* roles: COPY to a file, lo_export, pg_read_file,
 *   untrusted-language functions are refused by Postgres); untrusted-language functions that already exist, and
 *   SECURITY DEFINER functions owned by a superuser, are not executable inside the transaction (EXECUTE revoked,
 *   then rolled back); other sessions (no pg_signal_backend; pg_cancel/terminate_backend revoked for the
 *   transaction); role changes (Postgres refuses SET ROLE and SET SESSION AUTHORIZATION inside a SECURITY DEFINER
 *   function, also through set_config).
 * - Time: a statement_timeout and a client-side deadline that cancels, then terminates the backend.
 * - Not covered: what a trusted extension's own code does (pgcrypto, uuid-ossp, … are marked trusted by their
 *   authors and stay executable); locks the SQL takes are held, against other sessions, until the rollback (at
 *   most the deadline).
 *
 * This needs a superuser connection (to make the role, revoke EXECUTE and isolate sequences). Without one there is
 * no sandbox and pgpair previews nothing on this database: every change asks as destructive.
 */

import {quoteIdent} from '../sql/identifiers.js';
import {throwawayRoleName} from './least-privilege.js';
import type {Sandbox, SqlRunner} from './platform.js';

/** Functions that act on other sessions; executable by PUBLIC by default, revoked for the preview. */
const SIGNAL_FUNCTIONS = ['pg_catalog.pg_cancel_backend(integer)', 'pg_catalog.pg_terminate_backend(integer, bigint)'];

/** The user's schemas: everything but the catalogs. */
const userSchemas = (namespace = 'n') => `${namespace}.nspname not in ('pg_catalog', 'information_schema') and ${namespace}.nspname !~ '^pg_(toast|temp_)'`;
const USER_SCHEMAS = userSchemas();

export class SandboxUnavailableError extends Error {
	override readonly name = 'SandboxUnavailableError';
}

const OBJECT_KINDS: Record<string, string> = {r: 'tables', S: 'sequences', f: 'functions', T: 'types', n: 'schemas'};

/**
 * `ALTER DEFAULT PRIVILEGES FOR ROLE <role>` statements that copy the connection role's default privileges (what
 * `alter default privileges … grant … to anon` set up), so that a table the sandbox creates gets the grants the real
 * run would give it. A database-wide entry replaces Postgres's built-in defaults, so PUBLIC's part is reset first.
 */
async function defaultPrivilegesFor(tx: SqlRunner, role: string): Promise<string> {
	const {rows} = await tx.query(`
		select d.defaclobjtype::text as kind, n.nspname as schema, x.grantee::int8 as grantee_oid,
			coalesce(r.rolname, 'public') as grantee, x.privilege_type as privilege, x.is_grantable as grantable
		from pg_catalog.pg_default_acl d
		left join pg_catalog.pg_namespace n on n.oid = d.defaclnamespace,
		lateral aclexplode(d.defaclacl) x
		left join pg_catalog.pg_roles r on r.oid = x.grantee
		where d.defaclrole = (select oid from pg_catalog.pg_roles where rolname = current_user)`);
	const statements: string[] = [];
	const reset = new Set<string>();
	for (const row of rows) {
		const objects = OBJECT_KINDS[String(row.kind)];
		if (!objects) continue;
		const scope = row.schema ? ` in schema ${quoteIdent(String(row.schema))}` : '';
		if (!row.schema && !reset.has(objects)) {
			reset.add(objects);
			statements.push(`alter default privileges for role ${role} revoke all on ${objects} from public`);
		}
		const grantee = Number(row.grantee_oid) === 0 ? 'public' : quoteIdent(String(row.grantee));
		statements.push(
			`alter default privileges for role ${role}${scope} grant ${String(row.privilege).toLowerCase()} on ${objects} to ${grantee}${row.grantable ? ' with grant option' : ''}`,
		);
	}
	return statements.join(';\n');
}

/** The bootstrap superuser (`postgres` on Debian, the installing user on Homebrew): it owns the catalogs. */
const BOOTSTRAP = 10;

export type ConfineOptions = {
	/** Names the SQL changes the definition of: the bootstrap superuser's objects among them are handed over. */
	redefines: readonly string[];
};

/**
 * Prepares the confinement inside an open transaction on `tx` (the connection's own role, a superuser) and returns
 * the sandbox. Every statement here is rolled back with the transaction.
 */
export async function confine(tx: SqlRunner, options: ConfineOptions = {redefines: []}): Promise<Omit<Sandbox, 'filesWritten'> & {notes: string[]}> {
	const {rows} = await tx.query(`select rolsuper from pg_catalog.pg_roles where rolname = current_user`);
	if (rows[0]?.rolsuper !== true) {
		throw new SandboxUnavailableError('the connection is not a superuser, so pgpair cannot make a confined role for previews');
	}
	const role = throwawayRoleName('sandbox');
	const name = quoteIdent(role);
	await tx.exec(`create role ${name} nologin bypassrls`);
	const notes: string[] = [];

	// Ownership lets the role change the user's objects the way the connection would; superuser status is an
	// attribute, not a privilege, so membership does not pass it on, and SET ROLE is refused in the wrapper below.
	// Never the bootstrap superuser's: it owns the catalogs and their functions (lo_export, pg_read_file… are
	// executable by their owner), so its members could write and read server files.
	const owners = await tx.query(`
		select distinct r.rolname from (
			select relowner as owner from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where ${USER_SCHEMAS}
			union select proowner from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace where ${USER_SCHEMAS}
			union select typowner from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace where ${USER_SCHEMAS}
			union select nspowner from pg_catalog.pg_namespace n where ${USER_SCHEMAS}
			union select datdba from pg_catalog.pg_database where datname = current_database()
			union select oid from pg_catalog.pg_roles where rolname = current_user
		) o join pg_catalog.pg_roles r on r.oid = o.owner
		where r.rolname !~ '^pg_' and r.oid <> ${BOOTSTRAP}`);
	const ownerList = owners.rows.map(r => quoteIdent(String(r.rolname)));
	if (ownerList.length > 0) await tx.exec(`grant ${ownerList.join(', ')} to ${name}`);
	await grantBootstrapOwned(tx, role, options.redefines);

	// Objects the role creates must get the grants the connection's role would give them by default.
	const defaults = await defaultPrivilegesFor(tx, name);
	if (defaults) await tx.exec(defaults);

	// Code that would act outside the transaction whoever calls it: functions in an untrusted language that are not
	// part of Postgres itself or of a trusted extension. Not executable for the transaction.
	const UNTRUSTED = `p.oid >= 16384 and not l.lanpltrusted and not exists (
		select 1 from pg_catalog.pg_depend d
		join pg_catalog.pg_extension e on e.oid = d.refobjid
		join pg_catalog.pg_available_extension_versions v on v.name = e.extname and v.version = e.extversion
		where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e' and v.trusted)`;
	const untrusted = await tx.query(`
		select p.oid::regprocedure::text as signature
		from pg_catalog.pg_proc p join pg_catalog.pg_language l on l.oid = p.prolang
		where ${UNTRUSTED}`);
	const grantees = ['public', ...ownerList, name].join(', ');
	const signatures = [...SIGNAL_FUNCTIONS, ...untrusted.rows.map(r => String(r.signature))];
	await tx.exec(`revoke execute on function ${signatures.join(', ')} from ${grantees}`);

	// A foreign table reads and writes somewhere else (another server, a file, a program's output): nothing there is
	// rolled back. Not reachable for the transaction.
	const foreign = await tx.query(`
		select format('%I.%I', n.nspname, c.relname) as name
		from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.relkind = 'f' and ${USER_SCHEMAS}`);
	if (foreign.rows.length > 0) {
		// SQL that touches one is refused (permission denied), so its preview is incomplete and says so.
		await tx.exec(`revoke all on ${foreign.rows.map(r => String(r.name)).join(', ')} from ${grantees}`);
	}

	// A SECURITY DEFINER function runs as its owner, and a trigger fires its function with no EXECUTE check: a
	// superuser's such function becomes the role's for the transaction, so it runs without superuser rights.
	const definers = await tx.query(`
		select p.oid::regprocedure::text as signature, p.prokind::text as kind
		from pg_catalog.pg_proc p join pg_catalog.pg_roles o on o.oid = p.proowner
		where p.oid >= 16384 and p.prosecdef and o.rolsuper`);
	if (definers.rows.length > 0) {
		await tx.exec(definers.rows.map(r => `alter ${r.kind === 'p' ? 'procedure' : 'function'} ${r.signature} owner to ${name}`).join(';\n'));
	}

	// Triggers and event triggers call their function without an EXECUTE check; one in an untrusted language would
	// act outside the transaction. They do not fire in the preview, and the preview says so (it then counts as
	// destructive).
	const untrustedTriggers = await tx.query(`
		select format('%I on %s', t.tgname, t.tgrelid::regclass) as name, format('%I', t.tgname) as trigger, t.tgrelid::regclass::text as relation
		from pg_catalog.pg_trigger t join pg_catalog.pg_proc p on p.oid = t.tgfoid join pg_catalog.pg_language l on l.oid = p.prolang
		where not t.tgisinternal and t.tgenabled <> 'D' and ${UNTRUSTED}`);
	for (const row of untrustedTriggers.rows) {
		await tx.exec(`alter table ${row.relation} disable trigger ${row.trigger}`);
		notes.push(`the trigger ${row.name} is written in an untrusted language and did not fire in the preview`);
	}
	const untrustedEvents = await tx.query(`
		select format('%I', e.evtname) as name
		from pg_catalog.pg_event_trigger e join pg_catalog.pg_proc p on p.oid = e.evtfoid join pg_catalog.pg_language l on l.oid = p.prolang
		where e.evtenabled <> 'D' and ${UNTRUSTED}`);
	for (const row of untrustedEvents.rows) {
		await tx.exec(`alter event trigger ${row.name} disable`);
		notes.push(`the event trigger ${row.name} is written in an untrusted language and did not fire in the preview`);
	}

	// A sequence altered in a transaction gets new storage that the rollback throws away with its value.
	const sequences = await tx.query(`
		select format('%I.%I', n.nspname, c.relname) as name, s.seqcache::text as cache
		from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		join pg_catalog.pg_sequence s on s.seqrelid = c.oid
		where c.relkind = 'S' and ${USER_SCHEMAS}`);
	if (sequences.rows.length > 0) {
		await tx.exec(sequences.rows.map(r => `alter sequence ${r.name} cache ${r.cache}`).join(';\n'));
	}

	// Building an index, refreshing a materialized view, ANALYZE, CLUSTER and a rewriting ALTER TABLE run the
	// relation's index expressions and queries as its owner (a "security-restricted operation"): a relation owned
	// by a superuser would let code the SQL put there run as a superuser. So, for the transaction only, every
	// superuser that owns a relation of the user's stops being one (other sessions still see the committed role) —
	// the connection's own role included, which is why this is the last step that needs superuser rights. The
	// bootstrap superuser cannot be demoted; its relations that the SQL redefines belong to the role by now, and the
	// others it cannot run such operations on.
	const superOwners = await tx.query(`
		select distinct o.rolname
		from pg_catalog.pg_class c
		join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		join pg_catalog.pg_roles o on o.oid = c.relowner
		where c.relkind in ('r', 'p', 'm') and o.rolsuper and o.oid <> ${BOOTSTRAP} and ${USER_SCHEMAS}`);
	const demoted = superOwners.rows.map(r => quoteIdent(String(r.rolname)));

	// The wrappers: SECURITY DEFINER, so the SQL runs as the role, and Postgres refuses role changes inside them.
	await tx.exec(`
		create function pg_temp.pgpair_confined(q text) returns void language plpgsql security definer
			as $pgpair$ begin execute q; end $pgpair$;
		create function pg_temp.pgpair_confined_rows(q text) returns setof jsonb language plpgsql security definer
			as $pgpair$ begin return query execute format('select to_jsonb(pgpair_row) from (%s) pgpair_row', q); end $pgpair$;
		alter function pg_temp.pgpair_confined(text) owner to ${name};
		alter function pg_temp.pgpair_confined_rows(text) owner to ${name};`);

	// Last: from here the connection's own role may no longer be a superuser.
	if (demoted.length > 0) await tx.exec(demoted.map(role => `alter role ${role} nosuperuser`).join(';\n'));

	return {
		kind: 'rolled-back-transaction',
		notes,
		query: (sql, params) => tx.query(sql, params),
		exec: sql => tx.exec(sql),
		async runConfined(sql) {
			await tx.query('select pg_temp.pgpair_confined($1)', [sql]);
		},
		async queryConfined(sql) {
			const {rows} = await tx.query('select pg_temp.pgpair_confined_rows($1) as row', [sql]);
			return rows.map(r => r.row as Record<string, unknown>);
		},
	};
}

/**
 * What the bootstrap superuser owns in the user's schemas (everything, on a database made as `postgres`) becomes
 * usable by the role through plain privileges, rolled back with the transaction: the rows of every table, every
 * sequence and function, creating in every schema and the database. Not MAINTAIN or ownership, which would let the
 * role start operations that run as the owner.
 *
 * Objects the SQL redefines need ownership; those it names pass to the role for the transaction. For relations this
 * is a write to pg_class (and their row types, indexes, TOAST tables and owned sequences) rather than ALTER … OWNER,
 * which would take each table's ACCESS EXCLUSIVE lock and hide the locks the SQL itself takes. Anything else that
 * needs ownership is refused in the preview, which then counts as destructive.
 */
async function grantBootstrapOwned(tx: SqlRunner, roleName: string, redefines: readonly string[]): Promise<void> {
	const role = quoteIdent(roleName);
	const {rows: schemas} = await tx.query(`select format('%I', n.nspname) as name from pg_catalog.pg_namespace n where ${USER_SCHEMAS}`);
	const statements = [`grant create, temporary on database ${quoteIdent(String((await tx.query('select current_database() as db')).rows[0]?.db))} to ${role}`];
	for (const {name: schema} of schemas) {
		statements.push(
			`grant usage, create on schema ${schema} to ${role}`,
			`grant select, insert, update, delete, truncate, references, trigger on all tables in schema ${schema} to ${role}`,
			`grant usage, select, update on all sequences in schema ${schema} to ${role}`,
			`grant execute on all functions in schema ${schema} to ${role}`,
		);
	}
	await tx.exec(statements.join(';\n'));
	if (redefines.length === 0) return;

	// Extension members stay the extension's: the SQL cannot redefine them without the extension either.
	const notExtension = (catalog: string) =>
		`not exists (select 1 from pg_catalog.pg_depend d where d.classid = '${catalog}'::regclass and d.objid = x.oid and d.deptype = 'e')`;
	const roleOid = `(select oid from pg_catalog.pg_roles where rolname = $2)`;
	await tx.query(
		`with named as (
			select x.oid from pg_catalog.pg_class x join pg_catalog.pg_namespace n on n.oid = x.relnamespace
			where x.relowner = ${BOOTSTRAP} and x.relkind in ('r', 'p', 'm', 'v', 'f', 'S', 'c') and x.relname = any($1) and ${USER_SCHEMAS} and ${notExtension('pg_catalog.pg_class')}
		), parts as (
			select oid from named
			union select i.indexrelid from pg_catalog.pg_index i join named on named.oid = i.indrelid
			union select c.reltoastrelid from pg_catalog.pg_class c join named on named.oid = c.oid where c.reltoastrelid <> 0
			union select d.objid from pg_catalog.pg_depend d join named on named.oid = d.refobjid
				where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i')
		), relations as (
			update pg_catalog.pg_class c set relowner = ${roleOid} from parts where c.oid = parts.oid and c.relowner = ${BOOTSTRAP} returning c.oid
		)
		update pg_catalog.pg_type t set typowner = ${roleOid} from relations where t.typrelid = relations.oid and t.typowner = ${BOOTSTRAP}`,
		[redefines, roleName],
	);
	const {rows: others} = await tx.query(
		`select format('%s %s', case x.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end, x.oid::regprocedure) as object
			from pg_catalog.pg_proc x join pg_catalog.pg_namespace n on n.oid = x.pronamespace
			where x.proowner = ${BOOTSTRAP} and x.proname = any($1) and ${USER_SCHEMAS} and ${notExtension('pg_catalog.pg_proc')}
		union all
		select format('%s %s', case x.typtype when 'd' then 'domain' else 'type' end, x.oid::regtype)
			from pg_catalog.pg_type x join pg_catalog.pg_namespace n on n.oid = x.typnamespace
			where x.typowner = ${BOOTSTRAP} and x.typname = any($1) and x.typtype in ('d', 'e', 'r', 'm') and ${USER_SCHEMAS} and ${notExtension('pg_catalog.pg_type')}
		union all
		select format('schema %I', x.nspname)
			from pg_catalog.pg_namespace x
			where x.nspowner = ${BOOTSTRAP} and x.nspname = any($1) and ${userSchemas('x')} and ${notExtension('pg_catalog.pg_namespace')}`,
		[redefines],
	);
	if (others.length > 0) await tx.exec(others.map(r => `alter ${String(r.object)} owner to ${role}`).join(';\n'));
}
