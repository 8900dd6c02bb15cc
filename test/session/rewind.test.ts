/**
 * Checkpoints and rewind on a real session: the scripted model, pgpair's own server on the embedded database (the
 * built CLI's `mcp`), the real Write tool. The attack is the one people make: approve a DROP and an overwrite, then
 * want them back. Asserted on rows, on the file's bytes and on the log, never on a label.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {CONFIRM_WORD} from '../../source/core/classification.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {createTestDatabase} from '../helpers/database-url.js';
import {openRig, type Rig} from './rig.js';

const rigs: Rig[] = [];
afterEach(async () => {
	for (const rig of rigs.splice(0).reverse()) await rig.close();
});

const SQL = 'mcp__supabase__execute_sql';
const call = (id: string, name: string, input: Record<string, unknown>, after = 'Done.') => [{text: '', tool_calls: [{name, input, id}]}, {text: after}];

/** Allows the next call as a person would: a forbidden one (a secret in the SQL) with the typed confirmation. */
async function allowNext(rig: Rig): Promise<void> {
	const waiting = await rig.waitingCall();
	const forbidden = (waiting.classification?.violations ?? []).length > 0;
	rig.session.decide(waiting.callId, {decision: 'allow', ...(forbidden ? {confirmation: CONFIRM_WORD} : {})});
	await rig.turnDone();
}

function rowsOf(rig: Rig, callId: string): unknown[] {
	const entry = rig.state().entries.find(e => e.kind === 'tool' && e.call.callId === callId);
	const result = JSON.parse(entry?.kind === 'tool' ? (entry.call.result ?? '{}') : '{}') as {result?: string};
	return JSON.parse(/\[.*\]/s.exec(result.result ?? '')?.[0] ?? 'null') as unknown[];
}

describe('rewind', () => {
	it('brings back a dropped 500-row table and an overwritten file, and the log records both', {timeout: 240_000}, async () => {
		const rig = await openRig(
			{
				turns: [
					...call('toolu_make', SQL, {
						query: 'create table public.items(id int primary key, v text); insert into public.items select g, md5(g::text) from generate_series(1, 500) g',
					}),
					...call('toolu_write1', 'Write', {file_path: 'notes.md', content: 'first version\n'}),
					...call('toolu_drop', SQL, {query: 'drop table public.items'}),
					...call('toolu_write2', 'Write', {file_path: 'notes.md', content: 'second version\n'}),
					...call('toolu_count', SQL, {query: 'select count(*)::int as n, sum(id)::int as s from public.items'}),
					...call('toolu_count2', SQL, {query: 'select count(*)::int as n from public.items'}),
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);
		const file = path.join(rig.dir, 'notes.md');

		for (const prompt of ['make the table', 'write notes', 'drop it', 'rewrite notes']) {
			rig.say(prompt);
			await allowNext(rig);
		}
		expect(fs.readFileSync(file, 'utf8')).toBe('second version\n');
		const checkpoints = rig.state().checkpoints;
		expect(checkpoints.map(c => c.callId)).toEqual(['toolu_make', 'toolu_write1', 'toolu_drop', 'toolu_write2']);
		const beforeDrop = checkpoints[2]!;
		expect(beforeDrop).toMatchObject({tool: SQL, label: 'drop table public.items', database: {kind: 'snapshot'}});
		expect(checkpoints[1]!.files).toEqual(['notes.md']);

		const plan = await rig.session.rewindPlan(beforeDrop.id);
		expect(plan.database.available).toBe(true);
		expect(plan.database.tables).toContainEqual({name: 'public.items', rowsThen: 500, rowsNow: null});
		expect(plan.files).toEqual([{path: 'notes.md', action: 'restore'}]);
		expect(plan.conversation).toEqual({available: true, prompt: 'drop it'});

		const outcome = await rig.session.rewind(beforeDrop.id, {database: true, files: true, conversation: false});
		expect(outcome).toMatchObject({database: true, files: ['notes.md'], conversation: false});
		expect(fs.readFileSync(file, 'utf8')).toBe('first version\n');

		// A read through the session, after the rewind: all 500 rows, the same ones.
		rig.say('count');
		await rig.turnDone();
		expect(rowsOf(rig, 'toolu_count')).toEqual([{n: 500, s: 125250}]);

		rig.session.store.flush();
		const {events} = await readTranscript(rig.session.transcriptPath);
		expect(events.filter(e => e.type === 'checkpoint_created')).toHaveLength(4);
		const rewound = events.find(e => e.type === 'rewound');
		expect(rewound).toMatchObject({checkpointId: beforeDrop.id, by: 'user', database: true, files: ['notes.md']});

		// Copies of the data are never offered to git: .pgpair ignores itself.
		expect(spawnSync('git', ['init', '-q'], {cwd: rig.dir}).status).toBe(0);
		const untracked = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], {cwd: rig.dir, encoding: 'utf8'}).stdout;
		expect(untracked).toContain('notes.md');
		expect(untracked).not.toContain('.pgpair');
	});

	it('rewinds the conversation too: the model no longer sees the turns after the checkpoint', {timeout: 240_000}, async () => {
		const rig = await openRig(
			{
				turns: [
					...call('toolu_a', 'Write', {file_path: 'a.txt', content: 'a\n'}, 'Wrote a.'),
					...call('toolu_b', 'Write', {file_path: 'b.txt', content: 'b\n'}, 'Wrote b.'),
					{text: 'Fresh start.'},
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);
		rig.say('write a');
		await allowNext(rig);
		rig.say('write b');
		await allowNext(rig);
		const [first] = rig.state().checkpoints;
		const outcome = await rig.session.rewind(first!.id, {database: true, files: true, conversation: true});
		expect(outcome).toMatchObject({conversation: true, prompt: 'write a', files: ['a.txt', 'b.txt']});
		// Both files were created after the checkpoint: they are gone.
		expect(fs.existsSync(path.join(rig.dir, 'a.txt'))).toBe(false);
		expect(fs.existsSync(path.join(rig.dir, 'b.txt'))).toBe(false);
		expect(rig.state().messages).toEqual([]);
		rig.say('try again');
		await rig.turnDone();
		const last = rig.server.requests.at(-1)!;
		const sent = JSON.stringify(last.body);
		expect(sent).toContain('try again');
		expect(sent).not.toContain('write a');
		expect(sent).not.toContain('write b');
	});

	it('on a DATABASE_URL: saves the tables a call will change (found by its preview) and puts them back', {timeout: 240_000}, async () => {
		// The preview's sandbox needs a superuser connection (see postgres-sandbox.ts).
		const database = await createTestDatabase('pgpair_rewind', {bootstrap: true});
		try {
			const rig = await openRig(
				{
					turns: [
						...call('toolu_make', SQL, {
							query: 'create table public.items(id int primary key, v text); insert into public.items select g, md5(g::text) from generate_series(1, 500) g',
						}),
						...call('toolu_drop', SQL, {query: 'drop table public.items'}),
						...call('toolu_count', SQL, {query: 'select count(*)::int as n, sum(id)::int as s from public.items'}),
						...call('toolu_gone', SQL, {query: "select count(*)::int as n from pg_tables where tablename = 'items'"}),
					],
				},
				{builtinServer: true, env: {DATABASE_URL: database.url}},
			);
			rigs.push(rig);
			rig.say('make it');
			await allowNext(rig);
			rig.say('drop it');
			await allowNext(rig);
			const [made, dropped] = rig.state().checkpoints;
			expect(made).toMatchObject({database: {kind: 'tables', tables: ['public.items (created)']}});
			expect(dropped).toMatchObject({database: {kind: 'tables', tables: ['public.items']}});

			const plan = await rig.session.rewindPlan(dropped!.id);
			expect(plan.database).toMatchObject({available: true, tables: [{name: 'public.items', rowsThen: 500, rowsNow: null}]});
			expect(plan.notes.join(' ')).toMatch(/other sessions/);
			await rig.session.rewind(dropped!.id, {database: true, files: true, conversation: false});
			rig.say('count');
			await rig.turnDone();
			expect(rowsOf(rig, 'toolu_count')).toEqual([{n: 500, s: 125250}]);

			// Back to before the table was made: the table the first call created is dropped.
			await rig.session.rewind(made!.id, {database: true, files: true, conversation: false});
			rig.say('is it gone');
			await rig.turnDone();
			expect(rowsOf(rig, 'toolu_gone')).toEqual([{n: 0}]);
		} finally {
			for (const rig of rigs.splice(0).reverse()) await rig.close();
			await database.drop();
		}
	});

	it('never loses a branch made after the checkpoint, and never brings back one deleted since', {timeout: 240_000}, async () => {
		const B = 'mcp__supabase__';
		const rig = await openRig(
			{
				turns: [
					...call('toolu_t', `${B}execute_sql`, {query: 'create table public.t(id int)'}),
					...call('toolu_keep', `${B}create_branch`, {name: 'keep', confirm_cost_id: 'local'}),
					...call('toolu_doomed', `${B}create_branch`, {name: 'doomed', confirm_cost_id: 'local'}),
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);
		for (const prompt of ['table', 'branch keep', 'branch doomed']) {
			rig.say(prompt);
			await allowNext(rig);
		}
		// The branches as the server lists them, asked directly (pgpair's own request, not the model's).
		const branches = async () => {
			const result = await rig.session.mcp()!.call(`${B}list_branches`, {}, new AbortController().signal);
			return (JSON.parse(result.content) as {branches: Array<{id: string; name: string; project_ref: string}>}).branches;
		};
		const doomed = (await branches()).find(b => b.name === 'doomed')!;
		const deleted = await rig.session.mcp()!.call(`${B}delete_branch`, {branch_id: doomed.id}, new AbortController().signal);
		expect(deleted.isError).toBe(false);
		const beforeBranches = rig.state().checkpoints.find(c => c.callId === 'toolu_keep')!;

		const plan = await rig.session.rewindPlan(beforeBranches.id);
		expect(plan.notes.join(' ')).toMatch(/list of branches is kept as it is now/);
		const outcome = await rig.session.rewind(beforeBranches.id, {database: true, files: true, conversation: false});
		expect(outcome.report.join(' ')).toMatch(/Branches are kept as they are now \(1\)/);
		// "keep" was made after the checkpoint and is still there, its database too; "doomed" stays deleted.
		expect((await branches()).map(b => b.name).sort()).toEqual(['keep', 'main']);
		const keep = (await branches()).find(b => b.name === 'keep') as {project_ref: string} | undefined;
		const onKeep = await rig.session.mcp()!.call(`${B}list_tables`, {project_id: keep!.project_ref, schemas: ['public']}, new AbortController().signal);
		expect(onKeep.isError).toBe(false);
		expect(onKeep.content).toContain('t');
	});

	it('keeps within its disk budget: the oldest checkpoints go, the log says which and why, and they cannot be rewound to', {timeout: 120_000}, async () => {
		const big = (n: number) => `${String(n).repeat(400 * 1024)}\n`;
		const rig = await openRig(
			{turns: [1, 2, 3, 4].flatMap(n => call(`toolu_w${n}`, 'Write', {file_path: 'big.txt', content: big(n)}))},
			{builtinServer: true, env: {PGPAIR_CHECKPOINT_BUDGET_MB: '1'}},
		);
		rigs.push(rig);
		for (const n of [1, 2, 3, 4]) {
			rig.say(`write ${n}`);
			await allowNext(rig);
		}
		await (await rig.session.connected).checkpoints.settled();
		const [first, second, third] = rig.state().checkpoints;
		const dropped = rig.state().entries.filter(e => e.kind === 'checkpoints_dropped');
		expect(dropped.flatMap(e => (e.kind === 'checkpoints_dropped' ? e.ids : []))).toEqual([first!.id, second!.id]);
		expect(dropped.map(e => (e.kind === 'checkpoints_dropped' ? e.reason : '')).join(' ')).toMatch(/budget.*PGPAIR_CHECKPOINT_BUDGET_MB/);
		expect(fs.existsSync(path.join(rig.dir, '.pgpair', 'checkpoints', second!.id))).toBe(false);
		await expect(rig.session.rewindPlan(second!.id)).rejects.toThrow(/can no longer be restored/);
		// What is left still works: before the third write, the file held the second one.
		await rig.session.rewind(third!.id, {database: false, files: true, conversation: false});
		expect(fs.readFileSync(path.join(rig.dir, 'big.txt'), 'utf8')).toBe(big(2));
	});

	it('after /clear, still restores the files of an earlier checkpoint, but not the conversation before the clear', {timeout: 120_000}, async () => {
		const rig = await openRig(
			{turns: [...call('toolu_a', 'Write', {file_path: 'a.txt', content: 'a\n'}, 'Wrote a.'), {text: 'After.'}]},
			{builtinServer: true},
		);
		rigs.push(rig);
		rig.say('write a');
		await allowNext(rig);
		rig.session.clear();
		const [first] = rig.state().checkpoints;
		const plan = await rig.session.rewindPlan(first!.id);
		expect(plan.conversation).toEqual({available: false});
		expect(plan.files).toEqual([{path: 'a.txt', action: 'remove'}]);
		const outcome = await rig.session.rewind(first!.id, {database: false, files: true, conversation: true});
		expect(outcome).toMatchObject({conversation: false, files: ['a.txt']});
		expect(outcome.report.join(' ')).toContain('The conversation stays as it is: that turn is no longer in it (cleared with /clear');
		expect(fs.existsSync(path.join(rig.dir, 'a.txt'))).toBe(false);
		rig.say('after');
		await rig.turnDone();
		expect(JSON.stringify(rig.server.requests.at(-1)!.body)).not.toContain('write a');
	});

	it('saves what a Bash command may change: changed and deleted files come back, files it created stay', {timeout: 120_000}, async () => {
		const rig = await openRig(
			{turns: call('toolu_sh', 'Bash', {command: 'printf changed > notes.md && rm old.txt && printf new > made.txt'})},
			{builtinServer: true},
		);
		rigs.push(rig);
		fs.writeFileSync(path.join(rig.dir, 'notes.md'), 'original\n');
		fs.writeFileSync(path.join(rig.dir, 'old.txt'), 'keep me\n');
		rig.say('run it');
		await allowNext(rig);
		expect(fs.existsSync(path.join(rig.dir, 'old.txt'))).toBe(false);
		const [checkpoint] = rig.state().checkpoints;
		const plan = await rig.session.rewindPlan(checkpoint!.id);
		expect(plan.files.filter(f => f.action !== 'unchanged')).toEqual([
			{path: 'notes.md', action: 'restore'},
			{path: 'old.txt', action: 'restore'},
		]);
		expect(plan.notes.join(' ')).toMatch(/Files a Bash command created are left in place/);
		await rig.session.rewind(checkpoint!.id, {database: false, files: true, conversation: false});
		expect(fs.readFileSync(path.join(rig.dir, 'notes.md'), 'utf8')).toBe('original\n');
		expect(fs.readFileSync(path.join(rig.dir, 'old.txt'), 'utf8')).toBe('keep me\n');
		expect(fs.readFileSync(path.join(rig.dir, 'made.txt'), 'utf8')).toBe('new');
	});

	it('does not run a call whose checkpoint cannot be saved, and tells the model why', {timeout: 120_000}, async () => {
		const rig = await openRig({turns: call('toolu_w', 'Write', {file_path: 'notes.md', content: 'new\n'})}, {builtinServer: true});
		rigs.push(rig);
		fs.writeFileSync(path.join(rig.dir, 'notes.md'), 'before\n');
		// Where checkpoints go is a file, not a directory: nothing can be saved there.
		fs.mkdirSync(path.join(rig.dir, '.pgpair'), {recursive: true});
		fs.writeFileSync(path.join(rig.dir, '.pgpair', 'checkpoints'), 'not a directory');
		rig.say('write');
		await allowNext(rig);
		expect(fs.readFileSync(path.join(rig.dir, 'notes.md'), 'utf8')).toBe('before\n');
		const entry = rig.state().entries.find(e => e.kind === 'tool');
		expect(entry?.kind === 'tool' && entry.call).toMatchObject({status: 'failed'});
		expect(entry?.kind === 'tool' && entry.call.result).toMatch(/could not save a checkpoint before this call, so it did not run/);
		expect(rig.state().checkpoints).toEqual([]);
	});

	it('takes a migration back whole: its table, its ledger row and its file in supabase/migrations', {timeout: 240_000}, async () => {
		const rig = await openRig(
			{
				turns: [
					...call('toolu_m1', 'mcp__supabase__apply_migration', {name: 'first', query: 'create table public.a(id int)'}),
					...call('toolu_m2', 'mcp__supabase__apply_migration', {name: 'second', query: 'create table public.b(id int)'}),
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);
		rig.say('first');
		await allowNext(rig);
		rig.say('second');
		await allowNext(rig);
		const migrations = () => fs.readdirSync(path.join(rig.dir, 'supabase', 'migrations')).sort();
		expect(migrations()).toEqual([expect.stringMatching(/_first\.sql$/), expect.stringMatching(/_second\.sql$/)]);
		const second = rig.state().checkpoints.find(c => c.callId === 'toolu_m2')!;
		const plan = await rig.session.rewindPlan(second.id);
		expect(plan.files).toEqual([{path: `supabase/migrations/${migrations()[1]}`, action: 'remove'}]);
		await rig.session.rewind(second.id, {database: true, files: true, conversation: false});
		expect(migrations()).toEqual([expect.stringMatching(/_first\.sql$/)]);
		const listed = await rig.session.mcp()!.call('mcp__supabase__list_migrations', {}, new AbortController().signal);
		expect(listed.content).toContain('first');
		expect(listed.content).not.toContain('second');
		const tables = await rig.session.mcp()!.call('mcp__supabase__list_tables', {schemas: ['public']}, new AbortController().signal);
		expect(tables.content).toMatch(/"name":"a"|public\.a/);
		expect(tables.content).not.toMatch(/"name":"b"|public\.b/);
	});

	it('never writes or removes through a symbolic link made since the checkpoint (supabase/migrations → .git/hooks)', {timeout: 240_000}, async () => {
		const rig = await openRig(
			{
				turns: [
					...call('toolu_m', 'mcp__supabase__apply_migration', {name: 'first', query: 'create table public.a(id int)'}),
					...call('toolu_x', 'mcp__supabase__execute_sql', {query: 'create table public.b(id int)'}),
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);
		rig.say('migrate');
		await allowNext(rig);
		rig.say('more');
		await allowNext(rig);
		const [, before] = rig.state().checkpoints;
		// After the checkpoint, supabase/migrations becomes a link into .git/hooks, which holds a hook of the person's.
		const hooks = path.join(rig.dir, '.git', 'hooks');
		fs.mkdirSync(hooks, {recursive: true});
		fs.writeFileSync(path.join(hooks, 'pre-commit'), '#!/bin/sh\necho mine\n');
		const migrations = path.join(rig.dir, 'supabase', 'migrations');
		const [migration] = fs.readdirSync(migrations);
		fs.rmSync(migrations, {recursive: true});
		fs.symlinkSync('../.git/hooks', migrations);

		const outcome = await rig.session.rewind(before!.id, {database: true, files: true, conversation: false});
		expect(outcome.report.join(' ')).toMatch(/not restored: supabase\/migrations is now a symbolic link/);
		expect(fs.readdirSync(hooks)).toEqual(['pre-commit']);
		expect(fs.readFileSync(path.join(hooks, 'pre-commit'), 'utf8')).toBe('#!/bin/sh\necho mine\n');
		expect(fs.existsSync(path.join(hooks, migration!))).toBe(false);
	});

	it('never puts a piece of a secret into a checkpoint label, even where the label cuts the SQL', {timeout: 240_000}, async () => {
		const secret = 'Zq7vKp2mWx9rTn4bLs8dHf3jYc6gNe1aUo5iRk0wPm2xQv7tBzJ4hD8sF2';
		// The label keeps the SQL's first 80 characters: the cut falls inside the value, which only the SQL's parse tree
		// shows to be a secret (no pattern knows a bare string).
		const query = `update public.accounts set api_token = '${secret}' where id = 1`;
		const rig = await openRig(
			{
				turns: [
					...call('toolu_table', SQL, {
						query: 'create table public.accounts(id int primary key, api_token text); insert into public.accounts values (1, null)',
					}),
					...call('toolu_token', SQL, {query}),
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);
		rig.say('make the table');
		await allowNext(rig);
		rig.say('set the token');
		await allowNext(rig);
		const checkpoint = rig.state().checkpoints.find(c => c.callId === 'toolu_token');
		expect(checkpoint!.label).toMatch(/^update public\.accounts set api_token = '/);
		rig.session.store.flush();
		const written = fs.readFileSync(rig.session.transcriptPath, 'utf8');
		expect(written).toContain('checkpoint_created');
		for (let i = 0; i + 8 <= secret.length; i += 4) expect(written).not.toContain(secret.slice(i, i + 8));
	});
});
