/**
 * Measures what SQL would do, in the database's sandbox (see `Sandbox` in platform.ts), never on the database
 * itself: the schema before and after (normalised dumps), the exclusive locks it takes, the rows it inserts,
 * updates or deletes per table with a few samples, the sequences and large objects it moves, the files it writes,
 * the code it leaves behind to run later, and Postgres's error if it fails. What could not be run is listed in
 * `not_previewed`; the app treats the call as destructive then.
 *
 * Sample rows of an UPDATE, DELETE or TRUNCATE are read right before that statement runs (after the statements
 * before it), confined like the statement itself; row counts come from `pg_stat_xact_user_tables` (a delta over
 * the transaction, so cascades and triggers are counted too).
 */

import type {DryRunError, DryRunMode, DryRunReport, RowChange, TableRows} from '../../sql/preview-report.js';
import {DeadlineError} from '../engine/engine-client.js';
import type {DatabasePlatform, Sandbox, SqlRunner} from '../platform.js';
import {SandboxUnavailableError} from '../postgres-sandbox.js';
import {countRows, dumpSchema, estimateRows, listRelations} from '../schema-dump.js';
import {compareState, readState} from './effects.js';
import {PINNED_PATH, planDryRun, SAMPLE_ROWS, type Step, type Target, toDryRunError} from './plan.js';

export type DryRunInput = {
	query: string;
	/** `migration` behaves like apply_migration (one transaction, no transaction control); `sql` like execute_sql. */
	mode: DryRunMode;
	/** A down migration run after `query` in the same transaction, for the reversibility check. */
	rollbackQuery?: string;
};

const SAMPLE_TEXT = 80;
/** Postgres's "insufficient privilege": in the confined sandbox, the sandbox refusing, not the SQL being wrong. */
const REFUSED_BY_SANDBOX = '42501';

/** Long values would flood the pane; samples only need to be recognisable. */
function clipValue(value: unknown): unknown {
	if (typeof value === 'string') return value.length > SAMPLE_TEXT ? `${value.slice(0, SAMPLE_TEXT)}…` : value;
	if (value !== null && typeof value === 'object') return clipValue(JSON.stringify(value));
	return value;
}

function clipRow(row: unknown): Record<string, unknown> {
	const object = (typeof row === 'string' ? JSON.parse(row) : row) as Record<string, unknown>;
	return Object.fromEntries(Object.entries(object ?? {}).map(([key, value]) => [key, clipValue(value)]));
}

type Stat = {oid: number; name: string; ins: number; upd: number; del: number};

async function tupleStats(tx: SqlRunner): Promise<Map<number, Stat>> {
	const {rows} = await tx.query(
		`select relid::int8 as oid, format('%I.%I', schemaname, relname) as name, n_tup_ins::int8 as ins, n_tup_upd::int8 as upd, n_tup_del::int8 as del
		from pg_catalog.pg_stat_xact_user_tables where n_tup_ins + n_tup_upd + n_tup_del > 0`,
	);
	return new Map(rows.map(r => [Number(r.oid), {oid: Number(r.oid), name: String(r.name), ins: Number(r.ins), upd: Number(r.upd), del: Number(r.del)}]));
}

/** Runs `fn` in a savepoint so that its failure leaves the dry run's transaction usable. */
async function guarded<T>(tx: SqlRunner, fn: () => Promise<T>): Promise<T | undefined> {
	await tx.exec('savepoint pgpair_guard');
	try {
		const result = await fn();
		await tx.exec('release savepoint pgpair_guard');
		return result;
	} catch {
		await tx.exec('rollback to savepoint pgpair_guard; release savepoint pgpair_guard');
		return undefined;
	}
}

type Samples = Map<string, {oid: number; op: Target['op']; rows: Record<string, unknown>[]}>;

/** Runs the steps in order, sampling before each; stops at the first error as Postgres would. */
async function runSteps(
	sandbox: Sandbox,
	steps: Step[],
	userPath: string,
	samples: Samples,
	options: {timeoutMs: number},
): Promise<{error?: DryRunError; unblocking: boolean}> {
	const unblocking = steps.some(step => step.unblocking);
	await sandbox.query(`select set_config('search_path', $1, true)`, [userPath]);
	for (const step of steps) {
		for (const target of step.targets) {
			const found = await guarded(sandbox, async () => {
				const {rows} = await sandbox.query('select to_regclass($1)::oid::int8 as oid', [target.regclass]);
				const oid = rows[0]?.oid == null ? undefined : Number(rows[0].oid);
				if (oid === undefined) return undefined;
				// The sample query carries the statement's own condition: it runs confined, like the statement.
				const sampled = target.sample ? (await sandbox.queryConfined(target.sample)).map(r => clipRow(r['row'] ?? r)) : [];
				return {oid, sampled};
			});
			if (!found) continue;
			const key = `${found.oid}:${target.op}`;
			const entry = samples.get(key) ?? {oid: found.oid, op: target.op, rows: []};
			entry.rows.push(...found.sampled.slice(0, SAMPLE_ROWS - entry.rows.length));
			samples.set(key, entry);
		}
		try {
			if (step.control) await sandbox.exec(step.sql);
			else await sandbox.runConfined(step.sql);
		} catch (error) {
			// A cancelled statement (the deadline, on Postgres) says nothing about the SQL: the whole preview ends.
			if (error instanceof DeadlineError || (error as {code?: unknown}).code === '57014') throw new DeadlineError(options.timeoutMs, 'The preview');
			return {error: toDryRunError(error, step.rewritten ? 0 : step.offset), unblocking};
		}
	}
	// Whatever role or path the SQL switched to, the collection below runs as the session's own user.
	await sandbox.exec('reset role');
	await sandbox.query(PINNED_PATH);
	return {unblocking};
}

/** The report of a preview that could not run at all: nothing measured, and why. */
function unmeasured(input: DryRunInput, reason: string, started: number): DryRunReport {
	return {
		mode: input.mode,
		sandbox: 'none',
		before: '',
		after: '',
		locks: [],
		rows: [],
		tables: [],
		relations: {before: [], after: []},
		effects: {sequences: [], largeObjects: {before: 0, after: 0}, code: []},
		not_previewed: [reason],
		notes: [],
		duration_ms: Math.round(performance.now() - started),
	};
}

/**
 * The dry run itself. The caller holds the project's write lock, so no migration interleaves; the sandbox's
 * transaction is never committed, and on a clone nothing reaches the live database at all.
 */
export async function dryRun(db: DatabasePlatform, input: DryRunInput, options: {timeoutMs: number}): Promise<DryRunReport> {
	const started = performance.now();
	const plan = await planDryRun(input.query, input.mode);
	const rollbackPlan = input.rollbackQuery === undefined ? undefined : await planDryRun(input.rollbackQuery, 'migration');
	try {
		return await db.sandbox(
			async sandbox => {
				const userPath = String((await sandbox.query(`select current_setting('search_path') as path`)).rows[0]?.path ?? 'public');
				await sandbox.query(PINNED_PATH);
				const relationsBefore = await listRelations(sandbox);
				const before = await dumpSchema(sandbox);
				const mentioned = plan.mentioned;
				// The hazards that need exact counts (dropped, truncated, rewritten, NOT NULL) all name their tables.
				const exact = relationsBefore.filter(r => !mentioned || mentioned.names.has(r.table) || mentioned.schemas.has(r.schema));
				const tables: TableRows[] = (await guarded(sandbox, () => countRows(sandbox, exact))) ?? (await estimateRows(sandbox));
				const stateBefore = await readState(sandbox);
				const result: DryRunReport = {
					mode: input.mode,
					sandbox: sandbox.kind,
					before,
					after: before,
					locks: [],
					rows: [],
					tables,
					relations: {before: relationsBefore, after: relationsBefore},
					effects: {sequences: [], largeObjects: {before: stateBefore.largeObjects, after: stateBefore.largeObjects}, code: []},
					not_previewed: [...plan.notPreviewed, ...(sandbox.notes ?? [])],
					notes: [...plan.notes],
					duration_ms: 0,
				};
				const finish = () => {
					result.duration_ms = Math.round(performance.now() - started);
					return result;
				};
				if (plan.error) {
					result.error = plan.error;
					return finish();
				}
				const baseline = await tupleStats(sandbox);
				// Locks the sandbox itself took while setting up are not the SQL's.
				const heldBefore = new Set((await exclusiveLocks(sandbox)).map(r => Number(r.oid)));
				const samples: Samples = new Map();
				const run = await runSteps(sandbox, plan.steps, userPath, samples, options);
				if (run.error) {
					if (sandbox.kind === 'rolled-back-transaction' && run.error.code === REFUSED_BY_SANDBOX) {
						// The confined role was refused something the real run (as the connection's role) may be allowed.
						result.not_previewed.push(`the sandbox refused part of it: ${run.error.message}`);
					} else {
						result.error = run.error;
					}
					result.effects.files = (await sandbox.filesWritten()) ?? undefined;
					if (result.effects.files === undefined) delete result.effects.files;
					return finish();
				}

				const names = new Map(relationsBefore.map(r => [r.oid, r.name]));
				if (!run.unblocking) {
					result.locks = (await exclusiveLocks(sandbox))
						.filter(r => names.has(Number(r.oid)) && !heldBefore.has(Number(r.oid)))
						.map(r => ({relation: names.get(Number(r.oid))!, mode: String(r.mode)}))
						.sort((a, b) => (a.relation < b.relation ? -1 : 1));
				}
				result.rows = rowChanges(baseline, await tupleStats(sandbox), samples, tables, names);
				result.relations.after = await listRelations(sandbox);
				result.after = await dumpSchema(sandbox);
				result.effects = compareState(stateBefore, await readState(sandbox), await sandbox.filesWritten());

				if (rollbackPlan) {
					if (rollbackPlan.error) {
						result.rollback_error = rollbackPlan.error;
					} else {
						result.notes.push(...rollbackPlan.notes);
						const down = await runSteps(sandbox, rollbackPlan.steps, userPath, new Map(), options);
						if (down.error) result.rollback_error = down.error;
						else result.after_rollback = await dumpSchema(sandbox);
					}
				}
				return finish();
			},
			{
				...options,
				redefines: [...plan.redefines, ...(rollbackPlan?.redefines ?? [])],
			},
		);
	} catch (error) {
		if (error instanceof DeadlineError)
			return unmeasured(
				input,
				`it did not finish within the preview's ${options.timeoutMs / 1000} s (PGPAIR_PREVIEW_TIMEOUT_MS); the sandbox was stopped`,
				started,
			);
		if (error instanceof SandboxUnavailableError) return unmeasured(input, `this database has no sandbox: ${error.message}`, started);
		throw error;
	}
}

async function exclusiveLocks(sandbox: Sandbox) {
	const {rows} = await sandbox.query(
		`select distinct relation::int8 as oid, mode from pg_catalog.pg_locks
		where pid = pg_backend_pid() and locktype = 'relation' and mode = 'AccessExclusiveLock' and granted`,
	);
	return rows;
}

const OPERATION_ORDER = {insert: 0, update: 1, delete: 2, truncate: 3} as const;

function rowChanges(baseline: Map<number, Stat>, now: Map<number, Stat>, samples: Samples, tables: TableRows[], names: Map<number, string>): RowChange[] {
	const changes: RowChange[] = [];
	const sampleOf = (oid: number, op: RowChange['operation']) => samples.get(`${oid}:${op}`)?.rows ?? [];
	for (const stat of now.values()) {
		const base = baseline.get(stat.oid);
		const delta = {insert: stat.ins - (base?.ins ?? 0), update: stat.upd - (base?.upd ?? 0), delete: stat.del - (base?.del ?? 0)};
		for (const op of ['insert', 'update', 'delete'] as const) {
			if (delta[op] > 0) changes.push({table: stat.name, operation: op, count: delta[op], sample: sampleOf(stat.oid, op)});
		}
	}
	const counts = new Map(tables.map(t => [t.name, t.rows]));
	for (const entry of samples.values()) {
		if (entry.op !== 'truncate') continue;
		const name = names.get(entry.oid);
		if (name) changes.push({table: name, operation: 'truncate', count: counts.get(name) ?? 0, sample: entry.rows});
	}
	return changes.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : OPERATION_ORDER[a.operation] - OPERATION_ORDER[b.operation]));
}
