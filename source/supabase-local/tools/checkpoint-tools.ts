import {existsSync} from 'node:fs';
import {mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import type {TableRows} from '../../sql/preview-report.js';
import {isCompleteSnapshot} from '../checkpoints/pglite-snapshot.js';
import {affectedTables, backupTables, RESTORE_LIMITS, restoreTables} from '../checkpoints/table-backup.js';
import {CHECKPOINT_PLAN_TOOL, CHECKPOINT_RESTORE_TOOL, CHECKPOINT_SAVE_TOOL} from '../checkpoints/tool-names.js';
import type {LocalSupabase} from '../local-project.js';
import type {DatabasePlatform, SqlRunner} from '../platform.js';
import {dryRun} from '../preview/dry-run.js';
import {countRows, listRelations} from '../schema-dump.js';
import {DESTRUCTIVE, defineTool, projectId, READ_ONLY, type ToolContext} from './util.js';

/** What `pgpair_checkpoint_save` answers. */
export type SavedDatabase = {kind: 'snapshot' | 'tables' | 'none'; ref: string; bytes: number; totalBytes?: number; tables?: string[]; note?: string};

/** What `pgpair_checkpoint_plan` answers. */
export type DatabasePlan = {
	available: boolean;
	reason?: string;
	tables: {name: string; rowsThen: number | null; rowsNow: number | null; estimated?: true}[];
	notes: string[];
};

const checkpointId = z
	.string()
	.regex(/^cp-[a-z0-9]{4,32}$/, 'a checkpoint id looks like cp-1a2b3c4d')
	.describe('The checkpoint, as the app named it.');

/** `<workspace>/.pgpair/checkpoints`: beside the database, a control directory no tool call may write. */
export function checkpointsRoot(local: LocalSupabase): string {
	if (!local.workspace) throw new Error('Checkpoints need a workspace directory.');
	return path.join(local.workspace, '.pgpair', 'checkpoints');
}

const snapshotDir = (root: string, id: string, ref: string) => path.join(root, id, 'db', ref);
/** A Postgres checkpoint: the tables the call will change, saved by table-backup.ts, and the ones it will create. */
const tablesDir = (root: string, id: string) => path.join(root, id, 'tables');
const CREATED_FILE = 'created.json';
/** Beside a snapshot: its tables' row counts when it was saved. */
const ROWS_FILE = 'rows.json';

/** Tables up to this size are counted when a snapshot is saved; a larger one is counted only if a plan needs it. */
const COUNTED_AT_SAVE_BYTES = 8 * 1024 * 1024;

/** A table's rows: exact up to EXACT_COUNT_LIMIT, else the planner's estimate (see countRows). */
type Rows = {rows: number; estimated?: true};

type SavedRows = {counts: Record<string, Rows>; uncounted: string[]};

async function smallTableRows(db: SqlRunner): Promise<SavedRows> {
	const relations = await listRelations(db);
	const sizes = new Map(
		(
			await db.query(
				`select format('%I.%I', n.nspname, c.relname) as name, pg_catalog.pg_total_relation_size(c.oid)::int8 as bytes
				from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p')`,
			)
		).rows.map(row => [String(row.name), Number(row.bytes)]),
	);
	const small = relations.filter(r => r.kind === 'table' && (sizes.get(r.name) ?? 0) <= COUNTED_AT_SAVE_BYTES);
	const counted = new Map((await countRows(db, small)).map(t => [t.name, rowsOf(t)]));
	const tables = relations.filter(r => r.kind === 'table' && !r.foreign).map(r => r.name);
	return {
		counts: Object.fromEntries(tables.filter(name => small.some(r => r.name === name)).map(name => [name, counted.get(name) ?? {rows: 0}])),
		uncounted: tables.filter(name => !small.some(r => r.name === name)),
	};
}

/** The row counts saved beside a snapshot, unless one of its tables was too large to count then. */
async function savedRows(snapshot: string): Promise<Map<string, Rows> | undefined> {
	try {
		const saved = JSON.parse(await readFile(path.join(snapshot, ROWS_FILE), 'utf8')) as SavedRows;
		return saved.uncounted.length === 0 ? new Map(Object.entries(saved.counts)) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * pgpair's own tools (not part of the official interface) for checkpoints: the app saves the database before an
 * approved call changes it, asks what a rewind would bring back, and restores. The model never sees them.
 */
export function registerCheckpointTools(server: McpServer, context: ToolContext): void {
	const {local} = context;
	/** The newest complete snapshot of each database this server has saved: the next one shares its unchanged files. */
	const latest = new Map<string, string>();

	defineTool(
		server,
		context,
		{
			name: CHECKPOINT_SAVE_TOOL,
			title: 'Save checkpoint (pgpair)',
			audience: 'pgpair',
			description:
				'pgpair internal: saves the database a call is about to change under .pgpair/checkpoints/<checkpoint_id>, so a ' +
				'rewind can bring it back. The embedded database is saved whole (unchanged files are shared with the previous ' +
				'checkpoint).',
			input: z.strictObject({
				checkpoint_id: checkpointId,
				project_id: projectId,
				query: z.string().optional().describe('The SQL the call will run: on Postgres, the tables it changes are found by previewing it.'),
				mode: z.enum(['migration', 'sql']).optional().describe('migration: like apply_migration; sql (default): like execute_sql.'),
			}),
			annotations: READ_ONLY,
			writes: true,
		},
		async ({checkpoint_id, project_id, query, mode}): Promise<SavedDatabase> =>
			local.exclusive(async () => {
				const project = await local.project(project_id);
				if (!project.db.snapshots) return saveTables(local, project.db, project.ref, checkpoint_id, query, mode ?? 'sql');
				const root = checkpointsRoot(local);
				const target = snapshotDir(root, checkpoint_id, project.ref);
				if (existsSync(target)) throw new Error(`Checkpoint ${checkpoint_id} already holds a snapshot of ${project.ref}.`);
				const previous = latest.get(project.ref) ?? (await newestSnapshot(root, project.ref));
				const saved = await project.db.snapshots.save(target, previous && (await isCompleteSnapshot(previous)) ? previous : undefined);
				latest.set(project.ref, target);
				// The tables' rows as saved, for the rewind's plan (reading them back later means opening the snapshot in an
				// engine of its own). Only small tables are counted: a scan of a large one rewrites some of its pages (hint
				// bits), and the next checkpoint would copy the whole file again for it.
				await writeFile(path.join(target, ROWS_FILE), JSON.stringify(await smallTableRows(project.db)));
				return {kind: 'snapshot', ref: project.ref, bytes: saved.bytes, totalBytes: saved.totalBytes};
			}),
	);

	defineTool(
		server,
		context,
		{
			name: CHECKPOINT_PLAN_TOOL,
			title: 'Plan rewind (pgpair)',
			audience: 'pgpair',
			description:
				'pgpair internal: what rewinding to the first of checkpoint_ids would restore in the database (every table with ' +
				'its rows then and now), reading the saved copy in an engine of its own. Changes nothing.',
			input: z.strictObject({checkpoint_ids: z.array(checkpointId).min(1).describe('The checkpoint rewound to, then every later one, oldest first.')}),
			annotations: READ_ONLY,
		},
		async ({checkpoint_ids}): Promise<DatabasePlan> =>
			local.exclusive(async () => {
				const root = checkpointsRoot(local);
				const {main, mainRef} = await local.ready();
				if (!main.snapshots) return planTables(main, root, checkpoint_ids);
				const chosen = await earliestSnapshots(root, checkpoint_ids);
				const snapshot = chosen.get(mainRef);
				if (!snapshot) return {available: false, reason: 'no call since this checkpoint saved the main database', tables: [], notes: []};
				const [then, now] = [(await savedRows(snapshot)) ?? (await main.snapshots.read(snapshot, tableRows)), await tableRows(main)];
				const notes = await branchNotes(local, chosen, mainRef);
				return {available: true, tables: compareRows(then, now), notes};
			}),
	);

	defineTool(
		server,
		context,
		{
			name: CHECKPOINT_RESTORE_TOOL,
			title: 'Restore checkpoint (pgpair)',
			audience: 'pgpair',
			description:
				'pgpair internal: puts the database back as it was at the first of checkpoint_ids: each database (main, a branch) ' +
				'from the earliest of those checkpoints that saved it. Branches themselves are kept as they are now.',
			input: z.strictObject({checkpoint_ids: z.array(checkpointId).min(1).describe('The checkpoint rewound to, then every later one, oldest first.')}),
			annotations: DESTRUCTIVE,
			writes: true,
		},
		async ({checkpoint_ids}): Promise<{report: string[]}> =>
			local.exclusive(async () => {
				const root = checkpointsRoot(local);
				const {main, mainRef} = await local.ready();
				if (!main.snapshots) return {report: await restoreSavedTables(main, root, checkpoint_ids)};
				const chosen = await earliestSnapshots(root, checkpoint_ids);
				const report: string[] = [];
				const branches = await main.query('select id, name, project_ref, status, created_at, updated_at from pgpair.branches');
				for (const [ref, dir] of chosen) {
					if (ref === mainRef) continue;
					const branch = branches.rows.find(b => b.project_ref === ref);
					if (!branch) {
						report.push(`Branch ${ref} was deleted after this checkpoint: not brought back (rewind never recreates a branch).`);
						continue;
					}
					const db = await local.branchDatabase(ref);
					if (!db.snapshots) continue;
					await db.snapshots.restore(dir);
					report.push(`Branch ${String(branch.name)} (${ref}): database restored.`);
				}
				const snapshot = chosen.get(mainRef);
				if (snapshot && main.snapshots) {
					await main.snapshots.restore(snapshot);
					// The branch list is not rewound: a branch made since keeps its database (never lost), one deleted since
					// stays deleted (never silently resurrected). The list is put back as it was just before the restore.
					await main.transaction(async tx => {
						await tx.query('delete from pgpair.branches');
						for (const b of branches.rows) {
							await tx.query('insert into pgpair.branches (id, name, project_ref, status, created_at, updated_at) values ($1, $2, $3, $4, $5, $6)', [
								b.id,
								b.name,
								b.project_ref,
								b.status,
								b.created_at,
								b.updated_at,
							]);
						}
					});
					report.unshift('Database restored as it was at the checkpoint.');
					if (branches.rows.length > 0) report.push(`Branches are kept as they are now (${branches.rows.length}).`);
				}
				latest.clear();
				return {report};
			}),
	);
}

/** For each database, the earliest of `ids` (oldest first) holding a complete snapshot of it: its state at the first. */
async function earliestSnapshots(root: string, ids: readonly string[]): Promise<Map<string, string>> {
	const chosen = new Map<string, string>();
	for (const id of ids) {
		let refs: string[];
		try {
			refs = await readdir(path.join(root, id, 'db'));
		} catch {
			continue;
		}
		for (const ref of refs) {
			const dir = snapshotDir(root, id, ref);
			if (!chosen.has(ref) && (await isCompleteSnapshot(dir))) chosen.set(ref, dir);
		}
	}
	return chosen;
}

/** The newest complete snapshot of `ref` under `root`, after a restart (this server has saved none yet). */
async function newestSnapshot(root: string, ref: string): Promise<string | undefined> {
	let ids: string[];
	try {
		ids = await readdir(root);
	} catch {
		return undefined;
	}
	let best: {dir: string; at: number} | undefined;
	for (const id of ids) {
		const dir = snapshotDir(root, id, ref);
		try {
			const at = (await stat(path.join(dir, 'snapshot.json'))).mtimeMs;
			if (!best || at > best.at) best = {dir, at};
		} catch {
			// Not a snapshot of this database.
		}
	}
	return best?.dir;
}

const rowsOf = (t: TableRows): Rows => ({rows: t.rows, ...(t.estimated ? {estimated: true as const} : {})});

async function tableRows(db: SqlRunner): Promise<Map<string, Rows>> {
	const relations = await listRelations(db);
	const counts = await countRows(db, relations);
	return new Map(counts.map(t => [t.name, rowsOf(t)]));
}

function compareRows(then: Map<string, Rows>, now: Map<string, Rows>): DatabasePlan['tables'] {
	const names = [...new Set([...then.keys(), ...now.keys()])].sort();
	return names
		.map(name => {
			const [before, after] = [then.get(name), now.get(name)];
			const estimated = before?.estimated || after?.estimated;
			return {name, rowsThen: before?.rows ?? null, rowsNow: after?.rows ?? null, ...(estimated ? {estimated: true as const} : {})};
		})
		.sort((a, b) => Number(a.rowsThen === a.rowsNow) - Number(b.rowsThen === b.rowsNow) || a.name.localeCompare(b.name));
}

async function branchNotes(local: LocalSupabase, chosen: Map<string, string>, mainRef: string): Promise<string[]> {
	const {main} = await local.ready();
	const {rows} = await main.query('select name, project_ref from pgpair.branches');
	const notes: string[] = [];
	for (const ref of chosen.keys()) {
		if (ref === mainRef) continue;
		const branch = rows.find(r => r.project_ref === ref);
		notes.push(branch ? `Branch ${String(branch.name)} is restored too.` : `Branch ${ref} was deleted since: it is not brought back.`);
	}
	if (rows.length > 0) notes.push('The list of branches is kept as it is now: a rewind neither deletes nor recreates branches.');
	return notes;
}

/**
 * A Postgres database cannot be saved whole: what the call will change is found by previewing it in the sandbox
 * (rows changed, tables dropped, rewritten or altered), and those tables are saved; the tables it will create are
 * noted, so a rewind drops them. A call that cannot be previewed saves nothing, and says so.
 */
async function saveTables(
	local: LocalSupabase,
	db: DatabasePlatform,
	ref: string,
	id: string,
	query: string | undefined,
	mode: 'migration' | 'sql',
): Promise<SavedDatabase> {
	if (!query) return {kind: 'none', ref, bytes: 0, note: 'only SQL can be previewed on a Postgres server, so nothing was saved for this call'};
	// The preview the person decided on, when there was one; a preview that failed is not run again.
	const previewed = local.takePreview({ref, mode, query});
	if (previewed?.error)
		return {kind: 'none', ref, bytes: 0, note: `the call could not be previewed (${previewed.error}), so pgpair could not tell which tables to save`};
	const report = previewed?.report ?? (await dryRun(db, {query, mode}, {timeoutMs: local.deadlines.previewMs}));
	if (report.sandbox === 'none' || report.not_previewed.length > 0) {
		const why = report.not_previewed[0] ?? 'the preview could not run here';
		return {kind: 'none', ref, bytes: 0, note: `the call could not be previewed (${why}), so pgpair could not tell which tables to save`};
	}
	const {tables, created} = affectedTables(report);
	const dir = tablesDir(checkpointsRoot(local), id);
	await mkdir(dir, {recursive: true, mode: 0o700});
	const saved = await backupTables(db, tables, dir);
	await writeFile(path.join(dir, CREATED_FILE), JSON.stringify(created));
	return {kind: 'tables', ref, bytes: saved.bytes, tables: [...tables, ...created.map(name => `${name} (created)`)]};
}

type SavedTables = {id: string; dir: string; tables: {name: string; rows: number}[]; created: string[]};

async function savedTables(root: string, ids: readonly string[]): Promise<SavedTables[]> {
	const out: SavedTables[] = [];
	for (const id of ids) {
		const dir = tablesDir(root, id);
		try {
			const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {tables: {name: string; rows: number}[]};
			const created = JSON.parse(await readFile(path.join(dir, CREATED_FILE), 'utf8')) as string[];
			out.push({id, dir, tables: manifest.tables, created});
		} catch {
			// A checkpoint that saved no tables (nothing to save, or not previewable).
		}
	}
	return out;
}

async function planTables(db: DatabasePlatform, root: string, ids: readonly string[]): Promise<DatabasePlan> {
	const saved = await savedTables(root, ids);
	if (saved.length === 0) return {available: false, reason: 'no call since this checkpoint saved any table', tables: [], notes: []};
	// Each table as the earliest checkpoint saved it; a table only created since is absent then.
	const then = new Map<string, number | null>();
	for (const s of saved) {
		for (const t of s.tables) if (!then.has(t.name)) then.set(t.name, t.rows);
		for (const name of s.created) if (!then.has(name)) then.set(name, null);
	}
	const now = await tableRows(db);
	const tables = [...then].map(([name, rowsThen]) => {
		const after = now.get(name);
		return {name, rowsThen, rowsNow: after?.rows ?? null, ...(after?.estimated ? {estimated: true as const} : {})};
	});
	return {available: true, tables, notes: RESTORE_LIMITS.map(line => `${line[0]!.toUpperCase()}${line.slice(1)}.`)};
}

/** Newest first, so that each table ends as the earliest checkpoint saved it. */
async function restoreSavedTables(db: DatabasePlatform, root: string, ids: readonly string[]): Promise<string[]> {
	const saved = await savedTables(root, ids);
	const report: string[] = [];
	for (const s of [...saved].reverse()) report.push(...(await restoreTables(db, s.dir, {drop: s.created})));
	return report;
}
