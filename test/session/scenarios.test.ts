/**
 * Scenario tests of the core: one conversation driven through the session object's actions (send, decide, edit,
 * cancel, change mode), then resumed from its transcript. After each step the folded state is checked, and so is what
 * really happened: the notes file the fixture server writes, and the requests the model received.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionState} from '../../source/core/session-state.js';
import {sentMessages} from '../helpers/sent-messages.js';
import {waitFor} from '../helpers/wait-for.js';
import {callThenSay, openRig, type Rig} from './rig.js';

const rigs: Rig[] = [];
afterEach(async () => {
	for (const rig of rigs.splice(0).reverse()) await rig.close();
});

const NOTE = 'mcp__fixture__write_note';
const CLEAR = 'mcp__fixture__clear_notes';

/** The finished tool entry of a call. */
function finished(state: SessionState, callId: string) {
	const entry = state.entries.find(e => e.kind === 'tool' && e.call.callId === callId);
	return entry?.kind === 'tool' ? entry.call : undefined;
}

/** The text of the tool_result the model was sent for `callId`. */
function resultSent(rig: Rig, callId: string): string | undefined {
	for (const request of rig.server.requests) {
		for (const message of sentMessages(request.body)) {
			if (!Array.isArray(message.content)) continue;
			const block = message.content.find(b => b.type === 'tool_result' && b['tool_use_id'] === callId);
			if (block) return typeof block['content'] === 'string' ? block['content'] : JSON.stringify(block['content']);
		}
	}
	return undefined;
}

const FIRST_SESSION = {
	turns: [
		...callThenSay('write_note', {line: 'x'}, 'toolu_edit'),
		...callThenSay('write_note', {line: 'a'}, 'toolu_once'),
		...callThenSay('clear_notes', {}, 'toolu_deny'),
		...callThenSay('clear_notes', {}, 'toolu_destroy'),
		...callThenSay('write_note', {line: 'b'}, 'toolu_grant'),
		...callThenSay('write_note', {line: 'c'}, 'toolu_granted'),
		...callThenSay('write_note', {line: 'd'}, 'toolu_plan'),
		{text: `A long answer that the person stops half way. ${'more words '.repeat(300)}`, chunk: 4, delay_ms: 15},
	],
};

describe('a session driven through its actions, step by step', () => {
	it('edits, allows once, denies with feedback, refuses a grant for a destructive call, grants, changes mode, cancels, and resumes with the grant and mode', {
		timeout: 120_000,
	}, async () => {
		const rig = await openRig(FIRST_SESSION);
		rigs.push(rig);

		// Edit: the person changes the call's input; what runs is the edit, and the preview follows it.
		rig.say('note x');
		let call = await rig.waitingCall();
		expect(call).toMatchObject({callId: 'toolu_edit', name: NOTE, input: {line: 'x'}});
		await rig.session.previewEdit(call.callId, {line: 'y'});
		rig.session.decide(call.callId, {decision: 'allow', editedInput: {line: 'y'}});
		await rig.turnDone();
		expect(rig.notes()).toBe('y\n');
		expect(finished(rig.state(), 'toolu_edit')).toMatchObject({status: 'succeeded', editedInput: {line: 'y'}, scope: 'once'});
		expect(rig.state().grants).toEqual([]);

		// Allow once: it runs, and grants nothing.
		rig.say('note a');
		call = await rig.waitingCall();
		rig.session.decide(call.callId, {decision: 'allow'});
		await rig.turnDone();
		expect(rig.notes()).toBe('y\na\n');
		expect(finished(rig.state(), 'toolu_once')).toMatchObject({status: 'succeeded', decidedBy: 'user', scope: 'once'});
		expect(rig.state().grants).toEqual([]);

		// Deny with feedback: nothing runs, and the model is told why.
		rig.say('clear the notes');
		call = await rig.waitingCall();
		expect(call.name).toBe(CLEAR);
		rig.session.decide(call.callId, {decision: 'deny', feedback: 'keep them, they are the audit trail'});
		await rig.turnDone();
		expect(rig.notes()).toBe('y\na\n');
		expect(finished(rig.state(), 'toolu_deny')).toMatchObject({status: 'denied', decidedBy: 'user', feedback: 'keep them, they are the audit trail'});
		expect(resultSent(rig, 'toolu_deny')).toContain('keep them, they are the audit trail');

		// "Allow for the session" on a destructive call: it runs this once, and no grant is recorded for it.
		rig.say('clear them after all');
		call = await rig.waitingCall();
		expect(call.classification?.class).toBe('destructive');
		rig.session.decide(call.callId, {decision: 'allow', forSession: true});
		await rig.turnDone();
		expect(rig.notes()).toBe('');
		expect(finished(rig.state(), 'toolu_destroy')).toMatchObject({status: 'succeeded', scope: 'once'});
		expect(rig.state().grants).toEqual([]);

		// A grant: the next call of the same tool runs without asking, decided by the grant.
		rig.say('note b');
		call = await rig.waitingCall();
		rig.session.decide(call.callId, {decision: 'allow', forSession: true});
		await rig.turnDone();
		expect(rig.state().grants).toEqual([NOTE]);
		expect(finished(rig.state(), 'toolu_grant')).toMatchObject({scope: 'session'});
		rig.say('note c');
		await rig.turnDone();
		expect(finished(rig.state(), 'toolu_granted')).toMatchObject({status: 'succeeded', decidedBy: 'session'});
		expect(rig.notes()).toBe('b\nc\n');

		// Plan mode: the grant does not reach past it; the write is refused and nothing is written.
		rig.session.setMode('plan');
		expect(rig.state().mode).toBe('plan');
		rig.say('note d');
		await rig.turnDone();
		expect(finished(rig.state(), 'toolu_plan')).toMatchObject({status: 'denied', decidedBy: 'mode'});
		expect(rig.notes()).toBe('b\nc\n');

		// Cancel mid-stream: the turn ends cancelled, and the text already shown stays in the history.
		rig.say('explain it at length');
		await waitFor(() => rig.state().liveText.length > 20, 'the answer to start streaming');
		expect(rig.session.isBusy()).toBe(true);
		rig.session.cancel();
		await rig.turnDone();
		const cancelled = rig.state();
		expect(cancelled.activity).toBe('idle');
		expect(cancelled.entries.findLast(entry => entry.kind === 'turn_end')).toMatchObject({kind: 'turn_end', outcome: 'cancelled'});
		const kept = cancelled.messages.at(-1);
		expect(kept?.role).toBe('assistant');
		expect(JSON.stringify(kept?.content)).toContain('A long answer');
		expect(rig.session.isBusy()).toBe(false);
		const before = rig.state();
		await rig.close();
		rigs.pop();

		// Resume: the same grant and the same mode come back from the log, and the grant still works.
		const resumed = await openRig({turns: callThenSay('write_note', {line: 'e'}, 'toolu_after_resume')}, {dir: rig.dir, args: ['--resume', rig.session.id]});
		rigs.push(resumed);
		expect(resumed.session.id).toBe(rig.session.id);
		expect(resumed.state().mode).toBe('plan');
		expect(resumed.state().grants).toEqual([NOTE]);
		expect(resumed.state().entries.slice(0, before.entries.length)).toEqual(before.entries);
		resumed.session.cycleMode();
		expect(resumed.state().mode).toBe('default');
		resumed.say('note e');
		await resumed.turnDone();
		expect(finished(resumed.state(), 'toolu_after_resume')).toMatchObject({status: 'succeeded', decidedBy: 'session'});
		expect(resumed.notes()).toBe('b\nc\ne\n');
	});

	it('a mode named when the session opens wins over the resumed one; without one the resumed mode holds', {timeout: 60_000}, async () => {
		const rig = await openRig({turns: [{text: 'ok'}]}, {open: {mode: 'acceptEdits'}});
		rigs.push(rig);
		expect(rig.state().mode).toBe('acceptEdits');
		rig.say('hello');
		await rig.turnDone();
		await rig.close();
		rigs.pop();

		const kept = await openRig({turns: []}, {dir: rig.dir, args: ['--resume', rig.session.id]});
		rigs.push(kept);
		expect(kept.state().mode).toBe('acceptEdits');
		await kept.close();
		rigs.pop();

		const named = await openRig({turns: []}, {dir: rig.dir, args: ['--resume', rig.session.id], open: {mode: 'plan'}});
		rigs.push(named);
		expect(named.state().mode).toBe('plan');
	});
});
