/**
 * Attack on "allow for the session": a call whose SQL reads as a plain write (an INSERT) but whose effect is
 * destructive (a rule created earlier deletes every row of another table when it fires). The person answers "for the
 * session" — pressed as soon as the call shows, before its preview has measured anything. The grant must be judged on
 * what the preview measured, not on the syntax: the call runs once (the person allowed it), no grant is recorded, and
 * the next INSERT of the same kind stops for approval instead of running. Checked on rows in the embedded database.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {openRig, type Rig} from './rig.js';

const rigs: Rig[] = [];
afterEach(async () => {
	for (const rig of rigs.splice(0).reverse()) await rig.close();
});

const SQL = 'mcp__supabase__execute_sql';
const sql = (id: string, query: string, after = 'Done.') => [{text: '', tool_calls: [{name: SQL, input: {query}, id}]}, {text: after}];

describe('a session grant asked for a call whose preview overrules its syntax', () => {
	it('is refused: the call runs once, nothing is granted, and the next one of its kind asks again', {timeout: 180_000}, async () => {
		const rig = await openRig(
			{
				turns: [
					...sql(
						'toolu_setup',
						`create table public.keep(id integer primary key, v text);
insert into public.keep values (1, 'one'), (2, 'two'), (3, 'three');
create table public.log(id integer);
create rule log_wipes_keep as on insert to public.log do also delete from public.keep;`,
					),
					...sql('toolu_fire', 'insert into public.log values (1)'),
					...sql('toolu_refill', "insert into public.keep values (4, 'four')"),
					...sql('toolu_again', 'insert into public.log values (2)'),
					...sql('toolu_count', 'select (select count(*) from public.keep) as keep, (select count(*) from public.log) as log'),
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);

		rig.say('set it up');
		let call = await rig.waitingCall();
		rig.session.decide(call.callId, {decision: 'allow'});
		await rig.turnDone();

		// The INSERT that fires the rule: "for the session", pressed the moment it shows, before its preview. That press
		// is not taken (nobody approves what is not on screen yet) and nothing runs; pressed again once the preview is
		// there, the grant is judged by the class the preview measured.
		rig.say('log one');
		const shown = await waitFor(() => rig.state().openCalls.find(c => c.callId === 'toolu_fire' && c.status === 'awaiting_approval'), 'the INSERT to show');
		const pressedEarly = rig.state().openCalls.find(c => c.callId === 'toolu_fire')?.previewPending === true;
		rig.session.decide(shown.callId, {decision: 'allow', forSession: true});
		if (pressedEarly) {
			const previewed = await rig.waitingCall();
			expect(previewed.callId).toBe('toolu_fire');
			expect(rig.state().entries.some(e => e.kind === 'notice' && e.text.includes('That allow was not taken: its preview is not on screen yet'))).toBe(true);
			expect(rig.state().entries.some(e => e.kind === 'tool' && e.call.callId === 'toolu_fire')).toBe(false);
			rig.session.decide(previewed.callId, {decision: 'allow', forSession: true});
		}
		await rig.turnDone();
		const fired = rig.state().entries.find(e => e.kind === 'tool' && e.call.callId === 'toolu_fire');
		expect(fired?.kind === 'tool' && fired.call).toMatchObject({status: 'succeeded', classification: {class: 'destructive'}, scope: 'once'});
		expect(rig.state().grants).toEqual([]);

		rig.say('put a row back');
		call = await rig.waitingCall();
		rig.session.decide(call.callId, {decision: 'allow'});
		await rig.turnDone();

		// The same kind of INSERT again: it waits for the person; denied, it does not run.
		rig.say('log another');
		call = await rig.waitingCall();
		expect(call.callId).toBe('toolu_again');
		rig.session.decide(call.callId, {decision: 'deny'});
		await rig.turnDone();

		// A read: proven read-only, it runs without asking.
		rig.say('count them');
		await rig.turnDone();
		const counted = rig.state().entries.find(e => e.kind === 'tool' && e.call.callId === 'toolu_count');
		const result = JSON.parse(counted?.kind === 'tool' ? (counted.call.result ?? '{}') : '{}') as {result?: string};
		const rows = JSON.parse(/\[\{.*\}\]/.exec(result.result ?? '')?.[0] ?? '[]') as Array<{keep: number; log: number}>;
		// The refilled row survived and the log holds only the one allowed insert.
		expect(rows).toEqual([{keep: 1, log: 1}]);
	});
});
