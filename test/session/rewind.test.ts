/**
 * Checkpoints and rewind on a real session: the scripted model, pgpair's own server on the embedded database (the
 * built CLI's `mcp`), the real Write tool. The attack is the one people make: approve a DROP and an overwrite, then
 * want them back. Asserted on rows, on the file's bytes and on the log, never on a label.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {readTranscript} from '../../source/transcripts/reader.js';
import {createTestDatabase} from '../helpers/database-url.js';
import {openRig, type Rig} from './rig.js';

const rigs: Rig[] = [];
afterEach(async () => {
	for (const rig of rigs.splice(0).reverse()) await rig.close();
});

const SQL = 'mcp__supabase__execute_sql';
const call = (id: string, name: string, input: Record<string, unknown>, after = 'Done.') => [{text: '', tool_calls: [{name, input, id}]}, {text: after}];

async function allowNext(rig: Rig): Promise<void> {
	const waiting = await rig.waitingCall();
	rig.session.decide(waiting.callId, {decision: 'allow'});
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
});
