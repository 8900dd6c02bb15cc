/**
 * Checkpoints on a real Postgres (DATABASE_URL). pgpair cannot snapshot someone's server, so before an approved call
 * that changes the database it saves what the call will destroy: the definition and rows of each table the preview
 * says the call changes (`affectedTables`), read in one repeatable-read transaction so they are consistent with each
 * other. A rewind puts those tables back in one transaction and drops the tables the call created.
 *
 * What this cannot restore, and says so: writes other sessions made to these tables since the checkpoint (they are
 * replaced), sequences not owned by these tables, other tables (unless a foreign key of a restored table cascades
 * into them, which is reported), and anything outside the database.
 *
 * A backup directory holds `table-N.definition.json` and `table-N.rows.jsonl` (one `to_jsonb` row per line) per
 * table, each written to a temporary name and renamed, and `manifest.json` written last: a directory without a
 * manifest is an incomplete backup and is never restored.
 */

import {createReadStream} from 'node:fs';
import {mkdir, open, readFile, rename, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {quoteIdent} from '../../sql/identifiers.js';
import {type DatabasePlatform, PostgresError, type SqlRunner} from '../platform.js';
import {PINNED_SEARCH_PATH, readDefinition, sameDefinition, type TableDefinition} from './table-definition.js';

export {type AffectedTables, affectedTables} from './affected-tables.js';

export type BackupSummary = {tables: {name: string; rows: number; bytes: number}[]; bytes: number};

type SavedSequence = {name: string; value: string; called: boolean};

type ManifestTable = {name: string; rows: number; bytes: number; definition: string; data: string; sequences: SavedSequence[]};

type Manifest = {format: typeof FORMAT; complete: true; created_at: string; tables: ManifestTable[]; bytes: number};

const FORMAT = 1;
const MANIFEST = 'manifest.json';
/** Rows per fetch while saving: bounded memory whatever the table's size. */
const FETCH_ROWS = 500;
/** Rows per insert while restoring, and the most text one insert carries. */
const LOAD_ROWS = 1000;
const LOAD_BYTES = 4 * 1024 * 1024;

/** With row security off, a query that policies would filter fails instead of silently saving or restoring a subset. */
const NO_ROW_SECURITY = `select pg_catalog.set_config('row_security', 'off', true)`;

/** What a rewind cannot put back, said every time. */
export const RESTORE_LIMITS = [
	'writes by other sessions to these tables since the checkpoint are replaced',
	'sequences not owned by these tables keep their current values',
	'effects outside the database (HTTP calls, files, notifications) cannot be undone',
];

/** Writes a file under a temporary name, flushes it and renames it into place, so it is either whole or absent. */
async function writeAtomically(file: string, write: (append: (text: string) => Promise<void>) => Promise<void>): Promise<number> {
	const temporary = `${file}.tmp`;
	const handle = await open(temporary, 'w');
	try {
		await write(async text => {
			await handle.write(text);
		});
		await handle.sync();
	} finally {
		await handle.close();
	}
	await rename(temporary, file);
	return (await stat(file)).size;
}

/**
 * Tables among `names` whose row level security is forced, so that even their owner sees only what policies allow.
 * Saving or restoring them whole needs FORCE lifted; it is lifted inside the transaction only and put back before
 * it commits (ALTER TABLE holds an exclusive lock on them until then).
 */
async function forcedRowSecurity(tx: SqlRunner, names: string[]): Promise<string[]> {
	if (names.length === 0) return [];
	const {rows} = await tx.query(
		`select format('%I.%I', n.nspname, c.relname) as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where c.oid = any(select to_regclass(x) from unnest($1::text[]) x) and c.relforcerowsecurity order by 1`,
		[names],
	);
	return rows.map(r => String(r.name));
}

async function setForcedRowSecurity(tx: SqlRunner, names: string[], force: boolean): Promise<void> {
	for (const name of names) await tx.query(`alter table ${name} ${force ? '' : 'no '}force row level security`);
}

/** Streams a table's rows into `file` through a cursor, a batch at a time, inside the caller's transaction. */
async function saveRows(tx: SqlRunner, table: string, file: string): Promise<{rows: number; bytes: number}> {
	let count = 0;
	// ONLY: a table's own rows; a partition or inheritance child is saved as a table of its own.
	await tx.query(`declare pgpair_backup no scroll cursor for select to_jsonb(t)::text as row from only ${table} t`);
	const bytes = await writeAtomically(file, async append => {
		for (;;) {
			const {rows} = await tx.query(`fetch forward ${FETCH_ROWS} from pgpair_backup`);
			if (rows.length === 0) break;
			await append(rows.map(r => `${String(r.row)}\n`).join(''));
			count += rows.length;
		}
	});
	await tx.query('close pgpair_backup');
	return {rows: count, bytes};
}

async function saveSequences(tx: SqlRunner, definition: TableDefinition): Promise<SavedSequence[]> {
	const saved: SavedSequence[] = [];
	for (const sequence of definition.sequences) {
		const [row] = (await tx.query(`select last_value::text as value, is_called as called from ${sequence.name}`)).rows;
		saved.push({name: sequence.name, value: String(row?.value), called: row?.called === true});
	}
	return saved;
}

/**
 * Saves the definition and rows of `tables` into `dir`. One repeatable-read, read-only transaction reads them all,
 * so the backup is one consistent moment even while other sessions write. Throws when a table does not exist or
 * cannot be read in full (row level security that would hide rows from this role, a missing privilege).
 */
export async function backupTables(db: DatabasePlatform, tables: string[], dir: string): Promise<BackupSummary> {
	await mkdir(dir, {recursive: true});
	// A directory used before is incomplete from here until the new manifest is in place.
	await rm(path.join(dir, MANIFEST), {force: true});
	const names = [...new Set(tables)];
	const saved = await db.transaction(async tx => {
		await tx.exec('set transaction isolation level repeatable read');
		await tx.query(PINNED_SEARCH_PATH);
		await tx.query(NO_ROW_SECURITY);
		// Definitions first: lifting FORCE below must not be what the backup records.
		const definitions: TableDefinition[] = [];
		for (const name of names) {
			const definition = await readDefinition(tx, name);
			if (!definition) throw new Error(`Cannot back up ${name}: there is no such table.`);
			definitions.push(definition);
		}
		const forced = await forcedRowSecurity(tx, names);
		// Read-only unless FORCE must be lifted (and put back) for the owner to read every row.
		if (forced.length === 0) await tx.exec('set transaction read only');
		await setForcedRowSecurity(tx, forced, false);
		const entries: ManifestTable[] = [];
		for (const [index, definition] of definitions.entries()) {
			const sequences = await saveSequences(tx, definition);
			const base = `table-${index}`;
			const definitionBytes = await writeAtomically(path.join(dir, `${base}.definition.json`), append => append(JSON.stringify(definition, null, '\t')));
			const data = await saveRows(tx, definition.name, path.join(dir, `${base}.rows.jsonl`));
			entries.push({
				name: definition.name,
				rows: data.rows,
				bytes: definitionBytes + data.bytes,
				definition: `${base}.definition.json`,
				data: `${base}.rows.jsonl`,
				sequences,
			});
		}
		await setForcedRowSecurity(tx, forced, true);
		return entries;
	});
	const bytes = saved.reduce((sum, t) => sum + t.bytes, 0);
	const manifest: Manifest = {format: FORMAT, complete: true, created_at: new Date().toISOString(), tables: saved, bytes};
	await writeAtomically(path.join(dir, MANIFEST), append => append(JSON.stringify(manifest, null, '\t')));
	return {tables: saved.map(({name, rows, bytes}) => ({name, rows, bytes})), bytes};
}

type Saved = ManifestTable & {saved: TableDefinition};

async function readBackup(dir: string): Promise<Saved[]> {
	let manifest: Manifest;
	try {
		manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
	} catch {
		throw new Error(`The backup in ${dir} is incomplete (it has no manifest), so it cannot be restored; nothing was changed.`);
	}
	if (manifest.format !== FORMAT || manifest.complete !== true) throw new Error(`The backup in ${dir} is of an unknown format; nothing was changed.`);
	return Promise.all(
		manifest.tables.map(async table => ({...table, saved: JSON.parse(await readFile(path.join(dir, table.definition), 'utf8')) as TableDefinition})),
	);
}

async function tableExists(tx: SqlRunner, name: string): Promise<boolean> {
	const {rows} = await tx.query(`select exists (select 1 from pg_catalog.pg_class where oid = to_regclass($1) and relkind in ('r', 'p')) as found`, [name]);
	return rows[0]?.found === true;
}

async function countRows(tx: SqlRunner, name: string): Promise<number> {
	return Number((await tx.query(`select count(*)::int8 as n from only ${name}`)).rows[0]?.n ?? 0);
}

/** Drops tables without CASCADE: when something of the user's depends on them, fail and name it. */
async function dropTables(tx: SqlRunner, names: string[]): Promise<void> {
	if (names.length === 0) return;
	try {
		await tx.query(`drop table ${names.join(', ')}`);
	} catch (error) {
		if (error instanceof PostgresError && error.code === '2BP01') {
			throw new Error(
				`${names.join(', ')} must be dropped and recreated, but other objects depend on ${names.length > 1 ? 'them' : 'it'} (${error.detail ?? error.message}); pgpair does not drop your objects with CASCADE. Drop or change those objects first.`,
			);
		}
		throw error;
	}
}

type ForeignKey = {table: string; name: string; definition: string};

/**
 * Foreign keys of other tables that point at tables about to be dropped and recreated. They are dropped with them
 * and added back afterwards exactly as they were (and so checked against the restored rows), rather than making the
 * restore fail or dropping the referencing tables.
 */
async function foreignKeysInto(tx: SqlRunner, tables: string[]): Promise<ForeignKey[]> {
	if (tables.length === 0) return [];
	const {rows} = await tx.query(
		`select format('%I.%I', n.nspname, c.relname) as table, k.conname as name, pg_get_constraintdef(k.oid) as definition
		from pg_catalog.pg_constraint k
		join pg_catalog.pg_class c on c.oid = k.conrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
		where k.contype = 'f' and k.confrelid = any(select to_regclass(x) from unnest($1::text[]) x)
			and k.conrelid <> all(select to_regclass(x) from unnest($1::text[]) x)`,
		[tables],
	);
	return rows.map(r => ({table: String(r.table), name: String(r.name), definition: String(r.definition)}));
}

/** Parents before children among the tables whose foreign keys stay in place while their rows are replaced. */
async function parentsFirst(tx: SqlRunner, tables: Saved[]): Promise<Saved[]> {
	const {rows} = await tx.query(
		`select format('%I.%I', cn.nspname, c.relname) as child, format('%I.%I', pn.nspname, p.relname) as parent
		from pg_catalog.pg_constraint k
		join pg_catalog.pg_class c on c.oid = k.conrelid join pg_catalog.pg_namespace cn on cn.oid = c.relnamespace
		join pg_catalog.pg_class p on p.oid = k.confrelid join pg_catalog.pg_namespace pn on pn.oid = p.relnamespace
		where k.contype = 'f' and k.conrelid <> k.confrelid`,
	);
	const byName = new Map(tables.map(t => [t.name, t]));
	const ordered: Saved[] = [];
	const visiting = new Set<string>();
	const visit = (table: Saved) => {
		if (ordered.includes(table) || visiting.has(table.name)) return; // a cycle: any order, the keys decide
		visiting.add(table.name);
		for (const row of rows) {
			const parent = byName.get(String(row.parent));
			if (row.child === table.name && parent) visit(parent);
		}
		ordered.push(table);
	};
	for (const table of tables) visit(table);
	return ordered;
}

/** Loads the saved rows into a temporary copy of the table, in batches read from the file as a stream. */
async function loadSaved(tx: SqlRunner, dir: string, table: Saved, scratch: string): Promise<void> {
	await tx.query(`create temporary table ${scratch.replace('pg_temp.', '')} (like ${table.name}) on commit drop`);
	const lines = createInterface({input: createReadStream(path.join(dir, table.data), 'utf8'), crlfDelay: Number.POSITIVE_INFINITY});
	let batch: string[] = [];
	let size = 0;
	const flush = async () => {
		if (batch.length === 0) return;
		await tx.query(`insert into ${scratch} select * from jsonb_populate_recordset(null::${scratch}, $1::jsonb)`, [`[${batch.join(',')}]`]);
		batch = [];
		size = 0;
	};
	for await (const line of lines) {
		if (!line) continue;
		batch.push(line);
		size += line.length;
		if (batch.length >= LOAD_ROWS || size >= LOAD_BYTES) await flush();
	}
	await flush();
}

const columnList = (names: string[], alias?: string) => names.map(n => (alias ? `${alias}.${quoteIdent(n)}` : quoteIdent(n))).join(', ');

/** Removes the rows the saved copy does not have: by primary key when there is one, else all of them. */
async function deleteExtraRows(tx: SqlRunner, table: Saved, scratch: string): Promise<void> {
	const key = table.saved.primaryKey;
	if (key.length === 0) {
		await tx.query(`delete from only ${table.name}`);
		return;
	}
	const match = key.map(k => `s.${quoteIdent(k)} = t.${quoteIdent(k)}`).join(' and ');
	await tx.query(`delete from only ${table.name} t where not exists (select 1 from ${scratch} s where ${match})`);
}

/**
 * Puts the saved rows back. By primary key, rows that still exist are updated in place rather than deleted and
 * inserted, so rows of other tables that reference them are untouched (a delete would trip or cascade their foreign keys).
 */
async function writeSavedRows(tx: SqlRunner, table: Saved, scratch: string, merge: boolean): Promise<void> {
	const insertable = table.saved.columns.filter(c => !c.generated).map(c => c.name);
	const key = table.saved.primaryKey;
	if (!merge || key.length === 0) {
		await tx.query(`insert into ${table.name} (${columnList(insertable)}) overriding system value select ${columnList(insertable, 's')} from ${scratch} s`);
		return;
	}
	const match = key.map(k => `s.${quoteIdent(k)} = t.${quoteIdent(k)}`).join(' and ');
	// An identity column generated always cannot be updated; outside a key it keeps its current value.
	const updatable = table.saved.columns.filter(c => !c.generated && !c.identityAlways && !key.includes(c.name)).map(c => c.name);
	if (updatable.length > 0) {
		// Compared as text: some types (json, point) have no equality operator.
		await tx.query(
			`update only ${table.name} t set ${updatable.map(c => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ')} from ${scratch} s
			where ${match} and row(${columnList(updatable, 't')})::text is distinct from row(${columnList(updatable, 's')})::text`,
		);
	}
	await tx.query(
		`insert into ${table.name} (${columnList(insertable)}) overriding system value select ${columnList(insertable, 's')} from ${scratch} s
		where not exists (select 1 from only ${table.name} t where ${match})`,
	);
}

type TriggerState = {name: string; enabled: string};

/**
 * Turns off the table's enabled user triggers so restoring rows fires none of them (an audit trigger would log the
 * restore, another would write tables restored separately); returns what to turn back on. ALTER TABLE rather than
 * `session_replication_role = replica`, which needs a superuser; the internal triggers of foreign keys stay on.
 */
async function disableUserTriggers(tx: SqlRunner, table: string): Promise<TriggerState[]> {
	const {rows} = await tx.query(
		`select tgname as name, tgenabled::text as enabled from pg_catalog.pg_trigger where tgrelid = to_regclass($1) and not tgisinternal and tgenabled <> 'D'`,
		[table],
	);
	if (rows.length > 0) await tx.query(`alter table ${table} disable trigger user`);
	return rows.map(r => ({name: String(r.name), enabled: String(r.enabled)}));
}

async function enableTriggers(tx: SqlRunner, table: string, triggers: TriggerState[]): Promise<void> {
	const mode: Record<string, string> = {O: 'enable trigger', A: 'enable always trigger', R: 'enable replica trigger'};
	for (const trigger of triggers) await tx.query(`alter table ${table} ${mode[trigger.enabled] ?? 'enable trigger'} ${quoteIdent(trigger.name)}`);
}

/** Makes a dropped or differing table again from its saved definition, up to (not including) its rows. */
async function createTable(tx: SqlRunner, definition: TableDefinition): Promise<void> {
	for (const statement of [...definition.create, ...definition.constraints]) await tx.query(statement);
}

/** What follows the rows of a recreated table: indexes, policies, triggers…, its owner and its grants. */
async function finishTable(tx: SqlRunner, definition: TableDefinition): Promise<void> {
	for (const statement of definition.finish) await tx.query(statement);
	const me = String((await tx.query('select quote_ident(current_user) as me')).rows[0]?.me);
	if (definition.owner !== me) await tx.query(`alter table ${definition.name} owner to ${definition.owner}`);
	// Default privileges may have granted the new table to roles the old one did not have: start from none.
	const {rows} = await tx.query(
		`select distinct case when x.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(x.grantee)) end as grantee
		from pg_catalog.pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) x
		where c.oid = to_regclass($1) and x.grantee <> c.relowner`,
		[definition.name],
	);
	for (const row of rows) await tx.query(`revoke all on table ${definition.name} from ${String(row.grantee)}`);
	for (const grant of definition.grants) await tx.query(grant);
}

/** Rows of tables outside the restore that changed during it: only foreign keys of restored tables can do that. */
async function sideEffects(tx: SqlRunner, restored: Set<string>): Promise<string[]> {
	const {rows} = await tx.query(
		`select format('%I.%I', schemaname, relname) as name, n_tup_del::int8 as deleted, n_tup_upd::int8 as updated
		from pg_catalog.pg_stat_xact_user_tables where schemaname !~ '^pg_' and n_tup_del + n_tup_upd > 0`,
	);
	return rows
		.filter(r => !restored.has(String(r.name)))
		.map(
			r =>
				`${String(r.name)}: ${Number(r.deleted)} rows deleted and ${Number(r.updated)} updated by the foreign keys of restored tables (it is not part of the checkpoint)`,
		);
}

/** Every step of a restore, inside its one transaction; returns the report lines. */
async function restoreInTransaction(tx: SqlRunner, dir: string, saved: Saved[], drop: string[]): Promise<string[]> {
	const report: string[] = [];
	const savedNames = new Set(saved.map(t => t.name));

	// Tables the checkpointed call created (or renamed a saved table to) are not part of the state being restored.
	const created = [];
	for (const name of new Set(drop)) if (await tableExists(tx, name)) created.push(name);
	await dropTables(tx, created);
	for (const name of created) report.push(`${name}: dropped (created after the checkpoint)`);

	// Each saved table is either still there as it was (only its rows go back) or missing or changed (recreated).
	const was = new Map<string, number | undefined>();
	const recreate: Saved[] = [];
	const refill: Saved[] = [];
	const existing: string[] = [];
	for (const table of saved) {
		const current = await readDefinition(tx, table.name);
		if (current) existing.push(table.name);
		if (current && sameDefinition(current, table.saved)) refill.push(table);
		else recreate.push(table);
	}
	// Only now (the definitions are compared): FORCE comes off so that counting and restoring see every row.
	const forced = await forcedRowSecurity(tx, existing);
	await setForcedRowSecurity(tx, forced, false);
	for (const name of existing) was.set(name, await countRows(tx, name));

	const replaced = recreate.filter(t => was.get(t.name) !== undefined).map(t => t.name);
	const keptKeys = await foreignKeysInto(tx, replaced);
	for (const key of keptKeys) await tx.query(`alter table ${key.table} drop constraint ${quoteIdent(key.name)}`);
	await dropTables(tx, replaced);
	// A partition needs its parent first.
	const creationOrder = [...recreate].sort(
		(a, b) => Number(a.saved.create.at(-1)?.includes(' partition of ')) - Number(b.saved.create.at(-1)?.includes(' partition of ')),
	);
	for (const table of creationOrder) await createTable(tx, table.saved);

	const triggers = new Map<string, TriggerState[]>();
	for (const table of refill) triggers.set(table.name, await disableUserTriggers(tx, table.name));
	const scratch = new Map(saved.map((t, i) => [t.name, `pg_temp.pgpair_restore_${i}`]));
	for (const table of saved) await loadSaved(tx, dir, table, scratch.get(table.name)!);

	// Rows of tables that keep their foreign keys: children's extra rows go first, parents' rows come back first.
	const ordered = await parentsFirst(tx, refill);
	for (const table of [...ordered].reverse()) await deleteExtraRows(tx, table, scratch.get(table.name)!);
	for (const table of ordered) await writeSavedRows(tx, table, scratch.get(table.name)!, true);
	for (const table of recreate) await writeSavedRows(tx, table, scratch.get(table.name)!, false);

	for (const table of saved) {
		// A check that the table holds exactly what was saved, while no policy can hide rows from the count.
		const now = await countRows(tx, table.name);
		if (now !== table.rows) throw new Error(`${table.name} holds ${now} rows after the restore instead of the ${table.rows} saved.`);
		const before = was.get(table.name);
		const how = recreate.includes(table)
			? `recreated from its saved definition (${before === undefined ? 'it was missing' : `it had another definition and ${before} rows`}), ${now} rows restored`
			: `${now} rows restored (was ${before})`;
		report.push(`${table.name}: ${how}`);
		if ((triggers.get(table.name) ?? []).length > 0)
			report.push(`${table.name}: its user triggers were disabled while its rows were restored, so none of them fired`);
		for (const sequence of table.sequences) {
			await tx.query('select pg_catalog.setval($1::regclass, $2::int8, $3)', [sequence.name, sequence.value, sequence.called]);
			report.push(`${sequence.name}: set back to ${sequence.value}${sequence.called ? '' : ' (not yet used)'}`);
		}
	}

	for (const table of creationOrder) await finishTable(tx, table.saved);
	for (const table of recreate) for (const key of table.saved.foreignKeys) await tx.query(key);
	for (const key of keptKeys) await tx.query(`alter table ${key.table} add constraint ${quoteIdent(key.name)} ${key.definition}`);
	for (const [name, states] of triggers) await enableTriggers(tx, name, states);
	// Tables recreated above got their FORCE back from their saved definition.
	await setForcedRowSecurity(
		tx,
		forced.filter(name => refill.some(t => t.name === name)),
		true,
	);
	report.push(...(await sideEffects(tx, savedNames)));
	return report;
}

/**
 * Restores the tables saved in `dir` and drops `options.drop` (tables created after the checkpoint), all in one
 * transaction. A table still defined as it was gets its rows replaced (user triggers off meanwhile); one that is
 * missing or defined differently is dropped and recreated from the saved DDL, refusing when other objects (views,
 * functions…) depend on it. Owned sequences get their saved values. Returns plain report lines, ending with what a
 * restore cannot undo. Any failure rolls everything back, and the error says nothing was changed.
 */
export async function restoreTables(db: DatabasePlatform, dir: string, options: {drop: string[]}): Promise<string[]> {
	const saved = await readBackup(dir);
	try {
		const report = await db.transaction(async tx => {
			await tx.query(PINNED_SEARCH_PATH);
			await tx.query(NO_ROW_SECURITY);
			return restoreInTransaction(tx, dir, saved, options.drop);
		});
		return [...report, ...RESTORE_LIMITS.map(limit => `not restored: ${limit}`)];
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const detail = error instanceof PostgresError && error.detail && !message.includes(error.detail) ? ` (${error.detail})` : '';
		throw new Error(`The restore failed and was rolled back, so nothing was changed: ${message}${detail}`, {cause: error});
	}
}
