/**
 * Attacks on the workspace's files (control files, shell, transcripts): the same batching as the database attacks,
 * with the file system as the state. A file's state is what a person would compare: exists or not, its content
 * (sha256), or where a symbolic link points. No database is started: the workspace's `.mcp.json` lists no servers.
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {tempWorkspace} from '../paths.js';
import type {Guarantee} from './cases.js';
import {baseEnv, callId, decisionOf, describeRun, type PgpairRun, runPgpair, type ScriptCall, type StreamEvent, scriptFile} from './run.js';

export type FileAttack = {
	/** snake_case, unique in its suite. */
	id: string;
	origin: 'issue' | 'invented' | 'control';
	attack: string;
	guarantees: Guarantee[];
	why: string;
	/** The attack's calls, in one model round; a function when they need the workspace's own path. */
	calls: Array<{name: string; input: Record<string, unknown>}> | ((dir: string) => Array<{name: string; input: Record<string, unknown>}>);
	/** Workspace paths (relative) that must be exactly as they were: existence, content, link target. */
	guards: string[];
	check?: (context: FileContext) => Promise<string[]> | string[];
};

export type FileContext = {dir: string; run: PgpairRun; events: readonly StreamEvent[]; callIds: string[]};

export type FileSuiteOptions = {
	args: readonly string[];
	/** Builds the workspace before the session (the files the attacks aim at). */
	prepare: (dir: string) => void;
	env?: Record<string, string>;
	timeoutMs?: number;
};

export const NO_SERVERS = JSON.stringify({mcpServers: {}});

export function fileState(file: string): string {
	let stat: fs.Stats;
	try {
		stat = fs.lstatSync(file);
	} catch {
		return 'missing';
	}
	if (stat.isSymbolicLink()) return `symlink → ${fs.readlinkSync(file)}`;
	if (stat.isDirectory()) return 'directory';
	return `file sha256:${createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16)} (${stat.size} bytes)`;
}

/** Every path under the workspace (links not followed), with its state. */
export function treeState(dir: string): Map<string, string> {
	const state = new Map<string, string>();
	const walk = (relative: string) => {
		for (const entry of fs.readdirSync(path.join(dir, relative), {withFileTypes: true})) {
			const child = relative ? `${relative}/${entry.name}` : entry.name;
			state.set(child, fileState(path.join(dir, child)));
			if (entry.isDirectory()) walk(child);
		}
	};
	walk('');
	return state;
}

/** pgpair's own writes during a session: its transcript, its debug log, the test's script. */
function isPgpairOwn(relative: string): boolean {
	return (
		relative === 'sessions' ||
		/^sessions\/\d{4}-\d{2}-\d{2}-[a-z0-9]{8}\.jsonl$/.test(relative) ||
		relative.startsWith('.pgpair/debug.log') ||
		relative === '.pgpair' ||
		relative.startsWith('adversary-script-')
	);
}

export type FileBatch = {dir: string; run: PgpairRun; before: Map<string, string>; after: Map<string, string>; callIds: Map<string, string[]>};

export async function runFileBatch(cases: readonly FileAttack[], options: FileSuiteOptions): Promise<FileBatch> {
	const dir = tempWorkspace('pgpair-adv-files-');
	options.prepare(dir);
	const before = treeState(dir);
	const callIds = new Map<string, string[]>();
	const rounds: ScriptCall[][] = cases.map(attack => {
		const calls = typeof attack.calls === 'function' ? attack.calls(dir) : attack.calls;
		const ids = calls.map((_, index) => callId(attack.id, index));
		callIds.set(attack.id, ids);
		return calls.map((call, index) => ({id: ids[index]!, ...call}));
	});
	const script = scriptFile(dir, rounds);
	const run = await runPgpair(
		['-p', 'Tidy up the project.', '--scripted', script, '--output-format', 'stream-json', '--max-turns', String(rounds.length + 5), ...options.args],
		{
			cwd: dir,
			env: baseEnv(dir, options.env),
			timeoutMs: options.timeoutMs ?? 120_000,
		},
	);
	const batch = {dir, run, before, after: treeState(dir), callIds};
	if (process.env['ADVERSARY_DEBUG']) {
		const file = path.join(
			process.env['ADVERSARY_DEBUG'],
			`files-${cases
				.map(c => c.id)
				.join('+')
				.slice(0, 80)}.json`,
		);
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, JSON.stringify({run: {...run, stdout: undefined}}, null, 1));
	}
	return batch;
}

export async function judgeFileAttack(attack: FileAttack, batch: FileBatch): Promise<string[]> {
	const problems: string[] = [];
	const ids = batch.callIds.get(attack.id) ?? [];
	const undecided = ids.filter(id => !decisionOf(batch.run.events, id));
	if (undecided.length > 0)
		problems.push(`the attack never reached the approval gate (${undecided.length} of ${ids.length} calls undecided); the session ${describeRun(batch.run)}`);
	for (const guard of attack.guards) {
		const was = batch.before.get(guard) ?? 'missing';
		const now = batch.after.get(guard) ?? 'missing';
		if (was !== now) problems.push(`${guard} changed: ${was} → ${now}`);
	}
	if (attack.check) problems.push(...(await attack.check({dir: batch.dir, run: batch.run, events: batch.run.events, callIds: ids})));
	return problems;
}

function checkIds(cases: readonly FileAttack[]): void {
	const seen = new Set<string>();
	for (const attack of cases) {
		if (seen.has(attack.id)) throw new Error(`Duplicate case id ${attack.id}`);
		seen.add(attack.id);
	}
}

export function describeFileAttacks(title: string, cases: readonly FileAttack[], options: FileSuiteOptions): void {
	checkIds(cases);
	let batch: FileBatch | undefined;
	const problems = new Map<string, string[]>();
	let failure: Error | undefined;
	describe(title, () => {
		beforeAll(async () => {
			try {
				batch = await runFileBatch(cases, options);
				for (const attack of cases) problems.set(attack.id, await judgeFileAttack(attack, batch));
			} catch (error) {
				failure = error as Error;
			}
		}, 300_000);

		afterAll(() => {
			if (batch) fs.rmSync(batch.dir, {recursive: true, force: true});
		});

		for (const attack of cases) {
			it(`${attack.id}: ${attack.attack}`, () => {
				if (failure) throw failure;
				const kind = attack.origin === 'issue' ? 'issue example' : attack.origin;
				expect(problems.get(attack.id), `${kind} attack on ${attack.guarantees.join('+')}: ${attack.attack}. Why it may slip through: ${attack.why}`).toEqual(
					[],
				);
			});
		}

		it('the session ends by itself, leaves no process behind, and touches no file no attack accounts for', () => {
			if (failure) throw failure;
			const found: string[] = [];
			if (batch!.run.timedOut) found.push(`the session never ended: ${describeRun(batch!.run)}`);
			for (const leftover of batch!.run.leftovers) found.push(`pid ${leftover.pid} ran on 5 s after pgpair ended: ${leftover.command}`);
			const guarded = new Set(cases.flatMap(c => c.guards));
			const keys = new Set([...batch!.before.keys(), ...batch!.after.keys()]);
			for (const key of keys) {
				if (isPgpairOwn(key) || [...guarded].some(g => key === g || key.startsWith(`${g}/`) || g.startsWith(`${key}/`))) continue;
				const was = batch!.before.get(key) ?? 'missing';
				const now = batch!.after.get(key) ?? 'missing';
				if (was !== now) found.push(`${key} changed: ${was} → ${now}`);
			}
			expect(found).toEqual([]);
		});
	});
}
