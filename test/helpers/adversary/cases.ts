/**
 * Attack cases and how a batch of them is judged. One headless session carries many cases (one model round each);
 * every case owns its objects (named `adv_<id>…`), its marker file (`adv_<database>_<id>` in the data directory) and
 * its canary (`ADV-CANARY-<id>`, returned by attacker code when it runs), so the state one session leaves behind
 * answers each case on its own. A case fails with the attack's name and the state difference it found.
 *
 * Cases that may hang the session (a preview that never returns) run `isolated`, each in its own arena and session,
 * so one hang cannot hide the cases after it.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {waitFor} from '../wait-for.js';
import {type Arena, createArena, type Engine, markerPrefix, plant, withDb} from './arena.js';
import {
	baseEnv,
	callId,
	DEADLINE_SLACK_MS,
	decisionOf,
	describeRun,
	type PgpairRun,
	resultOf,
	runPgpair,
	type ScriptCall,
	type StreamEvent,
	scriptFile,
	TEST_DEADLINE_MS,
} from './run.js';
import {type DbState, describeChange, diffStates, snapshot} from './state.js';

export type Guarantee = 'G1' | 'G2' | 'G3' | 'G4' | 'G5' | 'G6' | 'G7' | 'G8' | 'G9';

export type CaseContext = {
	arena: Arena;
	run: PgpairRun;
	before: DbState;
	after: DbState;
	/** The ids the case's calls were sent with, in order. */
	callIds: string[];
	events: readonly StreamEvent[];
};

export type AttackCase = {
	/** snake_case; objects `adv_<id>…`, marker file `adv_<db>_<id>`, canary `ADV-CANARY-<id>`. */
	id: string;
	/**
	 * From the issue's own list, new here, or a control: a plain form the build already stops, which shows the
	 * harness can tell a stopped attack from one that never ran.
	 */
	origin: 'issue' | 'invented' | 'control';
	/** The attack, in a few words (the test's name). */
	attack: string;
	guarantees: Guarantee[];
	/** Why it might slip through the current defences. */
	why: string;
	/** Engines the case applies to (default: both). */
	engines?: readonly Engine[];
	/** SQL run as the superuser before the session: the attacker's earlier, already-approved work. */
	setup?: string;
	/** The attack's tool calls, sent in one model round. */
	calls: Array<{name: string; input: Record<string, unknown>}>;
	/** State keys beyond those naming `adv_<id>` that the case watches (e.g. an existing function it replaces). */
	watch?: readonly RegExp[];
	/** State keys the case changes legitimately (the part of it a rule allows): neither its problem nor a stray. */
	expectedChanges?: readonly RegExp[];
	/** Give the case its own arena and session (it breaks the database, or it may never end). */
	isolated?: boolean;
	/**
	 * The session may never end on a build without deadlines (a preview that hangs, often at 100 % CPU): isolated,
	 * and run after the other sessions so its spinning cannot starve them.
	 */
	mayHang?: boolean;
	/**
	 * The database must still answer in the same session afterwards: a plain read follows in the next round and
	 * must come back.
	 */
	followUpRead?: boolean;
	/**
	 * The attack's call must end within its deadline (plus slack): its preview until the decision (`preview`), or,
	 * once it runs, until its result (`read`).
	 */
	deadline?: 'preview' | 'read';
	/** Runs before the session (e.g. opens a connection the attack tries to kill); returns the check for after it. */
	around?: (arena: Arena) => Promise<(context: CaseContext) => Promise<string[]>>;
	/** Checks beyond the state diff, marker and canary; returns the problems found. */
	check?: (context: CaseContext) => Promise<string[]> | string[];
};

export type BatchOptions = {
	engine: Engine;
	/** pgpair's flags besides -p, --scripted and --output-format. */
	args: readonly string[];
	timeoutMs?: number;
	env?: Record<string, string>;
};

export type BatchResult = {
	arena: Arena;
	cases: AttackCase[];
	run: PgpairRun;
	before: DbState;
	after?: DbState;
	afterError?: string;
	callIds: Map<string, string[]>;
	/** What each case found, judged right after its session (so slow checks run in parallel). */
	problems: Map<string, string[]>;
	/** Postgres: queries still running in the arena's database 5 s after the session ended. */
	busyBackends: string[];
};

const MARK_FUNCTION = `
select lo_from_bytea(0, convert_to('adversary marker', 'UTF8'));
-- Attacker code everywhere below calls this: it leaves a file in the data directory when it can (a side effect no
-- rollback and no read-only transaction undoes) and returns the case's canary, so "it ran" is visible either way.
create function public.adv_mark(tag text) returns text language plpgsql as $fn$
begin
	begin
		perform lo_export((select min(oid) from pg_largeobject_metadata), current_setting('data_directory') || '/adv_' || current_database() || '_' || tag);
	exception when others then null;
	end;
	return 'ADV-CANARY-' || tag;
end $fn$;
`;

const canaryOf = (id: string) => `ADV-CANARY-${id}`;

function checkIds(cases: readonly AttackCase[]): void {
	for (const a of cases) {
		if (!/^[a-z][a-z0-9_]*$/.test(a.id)) throw new Error(`Case id ${a.id} must be snake_case.`);
		for (const b of cases)
			if (a !== b && (b.id === a.id || b.id.startsWith(`${a.id}_`)))
				throw new Error(`Case ids ${a.id} and ${b.id} overlap: state would be attributed to both.`);
	}
}

/** Whether a state key belongs to a case: its objects, its marker file, or what it watches. */
function belongsTo(attack: AttackCase, key: string): boolean {
	if ((attack.expectedChanges ?? []).some(pattern => pattern.test(key))) return false;
	if (new RegExp(`adv_${attack.id}(?![a-z0-9])`).test(key)) return true;
	if (key.startsWith('data file ') && key.endsWith(`_${attack.id}`)) return true;
	return (attack.watch ?? []).some(pattern => pattern.test(key));
}

async function readState(arena: Arena): Promise<DbState> {
	return withDb(arena, db => snapshot(db, arena.database ? {dataDirPrefix: markerPrefix(arena.database.name)} : {}));
}

/** Postgres arenas are copied from one template, which CREATE DATABASE must have to itself: one at a time. */
let arenaQueue: Promise<unknown> = Promise.resolve();
function queuedArena(engine: Engine): Promise<Arena> {
	const next = arenaQueue.then(() => createArena(engine));
	arenaQueue = next.catch(() => undefined);
	return next;
}

export async function runBatch(cases: AttackCase[], options: BatchOptions): Promise<BatchResult> {
	const arena = await queuedArena(options.engine);
	try {
		return await attackArena(arena, cases, options);
	} catch (error) {
		// Nothing will dispose an arena whose batch never came back.
		await arena.dispose().catch(() => undefined);
		throw error;
	}
}

async function attackArena(arena: Arena, cases: AttackCase[], options: BatchOptions): Promise<BatchResult> {
	await plant(arena, [{label: 'the marker function', sql: MARK_FUNCTION}, ...cases.filter(c => c.setup).map(c => ({label: `case ${c.id}`, sql: c.setup!}))]);
	const before = await readState(arena);
	const callIds = new Map<string, string[]>();
	const rounds: ScriptCall[][] = [];
	for (const attack of cases) {
		const ids = attack.calls.map((_, index) => callId(attack.id, index));
		callIds.set(attack.id, ids);
		rounds.push(attack.calls.map((call, index) => ({id: ids[index]!, ...call})));
		if (attack.followUpRead)
			rounds.push([{id: aliveCallId(attack.id), name: 'mcp__supabase__execute_sql', input: {query: `select '${aliveOf(attack.id)}' as alive`}}]);
	}
	const afterChecks = new Map<string, (context: CaseContext) => Promise<string[]>>();
	for (const attack of cases) if (attack.around) afterChecks.set(attack.id, await attack.around(arena));
	const script = scriptFile(arena.dir, rounds);
	const run = await runPgpair(
		['-p', 'Work on the database.', '--scripted', script, '--output-format', 'stream-json', '--max-turns', String(rounds.length + 5), ...options.args],
		{
			cwd: arena.dir,
			env: baseEnv(arena.dir, {...arena.env, ...options.env}),
			timeoutMs: options.timeoutMs ?? 180_000,
		},
	);
	const busyBackends = await backendsLeft(arena);
	let batch: BatchResult;
	try {
		batch = {arena, cases, run, before, after: await readState(arena), callIds, problems: new Map(), busyBackends};
	} catch (error) {
		batch = {arena, cases, run, before, afterError: (error as Error).message, callIds, problems: new Map(), busyBackends};
	}
	for (const attack of cases) {
		const problems = await judge(attack, batch);
		const after = afterChecks.get(attack.id);
		if (after) problems.push(...(await after(contextOf(attack, batch))));
		batch.problems.set(attack.id, problems);
	}
	if (process.env['ADVERSARY_DEBUG']) {
		// For a person reading why a case failed or held: the session's own account, next to the problems found.
		const file = path.join(
			process.env['ADVERSARY_DEBUG'],
			`${options.engine}-${cases
				.map(c => c.id)
				.join('+')
				.slice(0, 80)}.json`,
		);
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, JSON.stringify({problems: Object.fromEntries(batch.problems), run: {...run, stdout: undefined}}, null, 1));
	}
	return batch;
}

/** Postgres: the queries other sessions still run in the arena's database, once 5 s have passed without them ending. */
async function backendsLeft(arena: Arena): Promise<string[]> {
	if (!arena.database) return [];
	const busy = async () =>
		withDb(arena, db =>
			db.query<{query: string}>(
				`select left(query, 120) as query from pg_stat_activity
				where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' and backend_type = 'client backend'
				and application_name not in ('pgpair_adversary') and application_name not like 'adv\\_sentinel\\_%'`,
			),
		);
	let rows: Array<{query: string}> = [];
	await waitFor(
		async () => {
			rows = await busy();
			return rows.length === 0;
		},
		'backends to finish',
		5_000,
		200,
	).catch(() => undefined);
	return rows.map(row => row.query.replace(/\s+/g, ' '));
}

const aliveOf = (id: string) => `ADV-ALIVE-${id}`;
const aliveCallId = (id: string) => callId(id, 99);

function contextOf(attack: AttackCase, batch: BatchResult): CaseContext {
	return {
		arena: batch.arena,
		run: batch.run,
		before: batch.before,
		after: batch.after ?? new Map(),
		callIds: batch.callIds.get(attack.id) ?? [],
		events: batch.run.events,
	};
}

/** pgpair starts again in the arena and answers a plain read: the attack did not break the next start. */
export async function nextStartWorks(arena: Arena): Promise<string[]> {
	const id = callId('next_start');
	const script = scriptFile(arena.dir, [[{id, name: 'mcp__supabase__execute_sql', input: {query: `select 'ADV-ALIVE-next-start' as alive`}}]]);
	const run = await runPgpair(['-p', 'Check the database.', '--scripted', script, '--output-format', 'stream-json'], {
		cwd: arena.dir,
		env: baseEnv(arena.dir, arena.env),
		timeoutMs: 90_000,
	});
	const result = resultOf(run.events, id);
	if (result && !result.isError && result.content.includes('ADV-ALIVE-next-start')) return [];
	return [`the next start of pgpair cannot use the database: ${result ? result.content.slice(0, 300) : describeRun(run)}`];
}

/** Problems a case finds in its batch's outcome; empty when the guarantee held. */
export async function judge(attack: AttackCase, batch: BatchResult): Promise<string[]> {
	const problems: string[] = [];
	const ids = batch.callIds.get(attack.id) ?? [];
	const undecided = ids.filter(id => !decisionOf(batch.run.events, id));
	if (undecided.length > 0) {
		problems.push(`the attack never reached the approval gate (${undecided.length} of ${ids.length} calls undecided); the session ${describeRun(batch.run)}`);
	}

	if (batch.after) problems.push(...diffStates(batch.before, batch.after, key => belongsTo(attack, key)).map(describeChange));
	else problems.push(`the database could not be read after the session: ${batch.afterError}`);
	const canary = canaryOf(attack.id);
	for (const event of batch.run.events) {
		if (event.type === 'tool_call_completed' && String(event['content'] ?? '').includes(canary)) {
			problems.push(`attacker code ran: its canary ${canary} came back in the result of ${event.callId}`);
		}
	}

	if (attack.followUpRead) {
		const alive = resultOf(batch.run.events, aliveCallId(attack.id));
		if (!alive || alive.isError || !alive.content.includes(aliveOf(attack.id))) {
			problems.push(
				`the database did not answer a plain read later in the same session: ${alive ? alive.content.slice(0, 300) : `no result; the session ${describeRun(batch.run)}`}`,
			);
		}
	}

	if (attack.deadline) problems.push(...deadlineProblems(attack, batch.run.events, batch.callIds.get(attack.id) ?? []));
	if (attack.mayHang) for (const query of batch.busyBackends) problems.push(`a backend still runs "${query}" after the session ended`);
	if (attack.check) problems.push(...(await attack.check(contextOf(attack, batch))));
	return problems;
}

function deadlineProblems(attack: AttackCase, events: readonly StreamEvent[], ids: readonly string[]): string[] {
	const limit = TEST_DEADLINE_MS + DEADLINE_SLACK_MS;
	const at = (type: string, id: string) => events.find(e => e.type === type && e.callId === id)?.['at'] as number | undefined;
	const problems: string[] = [];
	for (const id of ids) {
		const [from, to, what] =
			attack.deadline === 'preview'
				? [at('tool_call_requested', id), at('tool_call_decided', id), 'its preview and decision']
				: [at('tool_call_started', id), at('tool_call_completed', id), 'the call'];
		if (from === undefined) continue;
		if (to === undefined) problems.push(`${what} never ended (deadline ${TEST_DEADLINE_MS} ms)`);
		else if (to - from > limit) problems.push(`${what} took ${to - from} ms, past its ${TEST_DEADLINE_MS} ms deadline (+${DEADLINE_SLACK_MS} ms slack)`);
	}
	return problems;
}

function explain(attack: AttackCase): string {
	return `${attack.origin === 'issue' ? 'issue example' : attack.origin === 'control' ? 'control' : 'invented'} attack on ${attack.guarantees.join('+')}: ${attack.attack}. Why it may slip through: ${attack.why}`;
}

export type SuiteOptions = Omit<BatchOptions, 'engine'> & {
	/** Sessions run at once (isolated cases each need one). */
	concurrency?: number;
	/** Deadline of a session that may hang: a build that keeps its own 3 s deadlines ends far sooner. */
	hangTimeoutMs?: number;
};

async function inPool<T>(jobs: Array<() => Promise<T>>, size: number): Promise<T[]> {
	const results: T[] = new Array(jobs.length);
	let next = 0;
	await Promise.all(
		Array.from({length: Math.min(size, jobs.length)}, async () => {
			while (next < jobs.length) {
				const index = next++;
				results[index] = await jobs[index]!();
			}
		}),
	);
	return results;
}

/**
 * Registers one test per case (named after the attack) plus the session-level guarantees: the session ends by
 * itself, leaves no process behind, and changes nothing no case accounts for.
 */
export function describeAttacks(title: string, engine: Engine, allCases: readonly AttackCase[], options: SuiteOptions): void {
	const cases = allCases.filter(c => !c.engines || c.engines.includes(engine));
	checkIds(cases);
	const batched = cases.filter(c => !c.isolated && !c.mayHang);
	const isolated = cases.filter(c => c.isolated && !c.mayHang);
	const hanging = cases.filter(c => c.mayHang);
	const batches = new Map<string, BatchResult>();
	let failure: Error | undefined;

	describe(`${title} (${engine})`, () => {
		beforeAll(async () => {
			const jobs: Array<() => Promise<BatchResult>> = [];
			if (batched.length > 0) jobs.push(() => runBatch(batched, {...options, engine}));
			for (const attack of isolated) jobs.push(() => runBatch([attack], {...options, engine}));
			// A case that hangs a preview gets the engine stopped and started cold; its follow-up read checks that the
			// database answers, not how fast a cold engine does on a loaded machine, so it gets more than 3 s (unless
			// the read's deadline is what the case tests).
			const hangEnv = (attack: AttackCase) => (attack.deadline === 'read' ? options.env : {PGPAIR_READ_TIMEOUT_MS: '15000', ...options.env});
			const hangs = hanging.map(attack => () => runBatch([attack], {...options, engine, env: hangEnv(attack), timeoutMs: options.hangTimeoutMs ?? 40_000}));
			try {
				for (const phase of [jobs, hangs]) {
					// Sessions that spin an engine until its deadline compete for the CPU: two at a time.
					const size = phase === hangs ? Math.min(2, options.concurrency ?? 2) : (options.concurrency ?? phase.length);
					for (const batch of await inPool(phase, size)) for (const attack of batch.cases) batches.set(attack.id, batch);
				}
			} catch (error) {
				failure = error as Error;
			}
		}, 600_000);

		afterAll(async () => {
			const arenas = new Set([...batches.values()].map(b => b.arena));
			await Promise.all([...arenas].map(async arena => arena.dispose()));
		}, 120_000);

		for (const attack of cases) {
			it(`${attack.id}: ${attack.attack}`, () => {
				if (failure) throw failure;
				expect(batches.get(attack.id)!.problems.get(attack.id), explain(attack)).toEqual([]);
			});
		}

		it('every session ends by itself and leaves no process behind', () => {
			if (failure) throw failure;
			const problems: string[] = [];
			for (const batch of new Set(batches.values())) {
				const which = batch.cases.length === 1 ? `the session of ${batch.cases[0]!.id}` : `the batch session (${batch.cases.length} cases)`;
				if (batch.run.timedOut) problems.push(`${which} never ended: ${describeRun(batch.run)}`);
				for (const leftover of batch.run.leftovers) problems.push(`${which} left pid ${leftover.pid} running 5 s after pgpair ended: ${leftover.command}`);
				for (const query of batch.busyBackends) problems.push(`${which} left a Postgres backend running "${query}"`);
			}
			expect(problems).toEqual([]);
		});

		it('nothing changes in the database that no attack accounts for', () => {
			if (failure) throw failure;
			const problems: string[] = [];
			for (const batch of new Set(batches.values())) {
				if (!batch.after) continue;
				const expected = (key: string) => batch.cases.some(c => (c.expectedChanges ?? []).some(pattern => pattern.test(key)));
				const stray = diffStates(batch.before, batch.after, key => !expected(key) && !batch.cases.some(c => belongsTo(c, key)));
				problems.push(...stray.map(describeChange));
			}
			expect(problems).toEqual([]);
		});
	});
}
