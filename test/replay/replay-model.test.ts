import {describe, expect, it} from 'vitest';
import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {INITIAL_STATE, reduceSession, type SessionState} from '../../source/core/session-state.js';
import {advancePlayback, gapBefore, MAX_IDLE_GAP_MS, msUntilNext} from '../../source/replay/playback.js';
import {createReplay, isDiffEvent} from '../../source/replay/replay-model.js';
import {syntheticEvents} from '../bench/history-fixture.js';
import {sessionEvents, stamp, turnBodies} from '../helpers/transcript-events.js';

function fromScratch(events: readonly SessionEvent[], position: number): SessionState {
	let state = INITIAL_STATE;
	for (let i = 0; i < position; i++) state = reduceSession(state, events[i]!);
	return state;
}

/** Deterministic pseudo-random positions, so a failure names a reproducible position. */
function positions(count: number, max: number, seed = 7): number[] {
	let x = seed;
	return Array.from({length: count}, () => {
		x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
		return x % (max + 1);
	});
}

/** Turns with a denial, a retry, a cancelled turn, a notice and a mode change: every reducer branch. */
function variedEvents(): SessionEvent[] {
	const bodies: EventBody[] = [];
	for (let turn = 1; turn <= 30; turn++) {
		bodies.push(...turnBodies(turn, 3));
		if (turn % 5 === 0) {
			bodies.push(
				{type: 'user_prompt_submitted', text: `Drop it ${turn}`},
				{type: 'model_request_started', round: 1, model: 'm'},
				{type: 'model_retry_scheduled', attempt: 1, maxAttempts: 3, delayMs: 500, reason: 'overloaded'},
				{type: 'assistant_text_delta', text: 'Dropping.'},
				{
					type: 'assistant_message_completed',
					content: [
						{type: 'text', text: 'Dropping.'},
						{type: 'tool_use', id: `toolu_d${turn}`, name: 'mcp__supabase__execute_sql', input: {query: 'drop table orders;'}},
					],
					stopReason: 'tool_use',
					usage: {inputTokens: 5, outputTokens: 5},
				},
				{
					type: 'tool_call_requested',
					callId: `toolu_d${turn}`,
					name: 'mcp__supabase__execute_sql',
					input: {query: 'drop table orders;'},
					classification: {class: 'destructive', hazards: ['data loss']},
				},
				{type: 'tool_call_decided', callId: `toolu_d${turn}`, decision: 'deny', by: 'user', feedback: 'never drop orders'},
				{type: 'notice_shown', level: 'warning', text: `notice ${turn}`},
				{type: 'turn_completed', outcome: 'cancelled'},
				{type: 'permission_mode_changed', mode: turn % 10 === 0 ? 'plan' : 'default'},
			);
		}
	}

	return stamp(bodies);
}

describe('the replay cursor', () => {
	it('gives the same state as folding from scratch at every position of a varied session, with tiny checkpoints', () => {
		const events = variedEvents();
		const replay = createReplay(events, {checkpointEvery: 7});
		for (let p = 0; p <= events.length; p++) expect(replay.stateAt(p), `position ${p}`).toEqual(fromScratch(events, p));
	});

	it('gives the same state as folding from scratch at random positions of a long session, in random order', () => {
		const events = sessionEvents(6000);
		const replay = createReplay(events, {checkpointEvery: 1000});
		let state = INITIAL_STATE;
		const folded: SessionState[] = [state];
		for (const event of events) {
			state = reduceSession(state, event);
			folded.push(state);
		}
		for (const p of [...positions(60, events.length), 0, events.length, 1000, 999, 1001]) expect(replay.stateAt(p), `position ${p}`).toEqual(folded[p]);
	});

	it('gives the same state as folding from scratch on the dense synthetic history (short answers, many entries)', () => {
		const events = syntheticEvents(400);
		const replay = createReplay(events, {checkpointEvery: 100});
		for (const p of positions(40, events.length, 3)) expect(replay.stateAt(p), `position ${p}`).toEqual(fromScratch(events, p));
	});

	it('clamps positions outside the session', () => {
		const events = sessionEvents(50);
		const replay = createReplay(events);
		expect(replay.stateAt(-5)).toEqual(INITIAL_STATE);
		expect(replay.stateAt(events.length + 10)).toEqual(fromScratch(events, events.length));
	});

	it('opens a 100,000-event session and seeks anywhere quickly, without folding arrays per event', () => {
		const events = syntheticEvents(12_000).slice(0, 100_000);
		let start = performance.now();
		const replay = createReplay(events);
		const build = performance.now() - start;
		// Folding this from scratch with the core reducer takes seconds (quadratic copies).
		expect(build).toBeLessThan(1500);
		start = performance.now();
		for (const p of positions(20, events.length)) replay.stateAt(p);
		expect((performance.now() - start) / 20).toBeLessThan(50);
	});

	it('jumps between user turns in both directions', () => {
		const events = stamp([...turnBodies(1, 2), ...turnBodies(2, 2), ...turnBodies(3, 2)]);
		const prompts = events.flatMap((e, i) => (e.type === 'user_prompt_submitted' ? [i] : []));
		const replay = createReplay(events);
		expect(replay.turnCount).toBe(3);
		expect(replay.nextTurn(0)).toBe(prompts[0]! + 1);
		expect(replay.nextTurn(prompts[0]! + 1)).toBe(prompts[1]! + 1);
		expect(replay.nextTurn(prompts[2]! + 1)).toBeUndefined();
		expect(replay.previousTurn(prompts[2]! + 1)).toBe(prompts[1]! + 1);
		expect(replay.previousTurn(prompts[1]! + 3)).toBe(prompts[1]! + 1);
		expect(replay.previousTurn(prompts[0]! + 1)).toBeUndefined();
		expect(replay.turnAt(0)).toBe(0);
		expect(replay.turnAt(prompts[1]! + 1)).toBe(2);
		expect(replay.turnAt(events.length)).toBe(3);
		// The state there shows the prompt as the last entry.
		expect(replay.stateAt(prompts[1]! + 1).entries.at(-1)).toMatchObject({kind: 'user', text: expect.stringContaining('Turn 2')});
	});

	it('stops just before each decision, where the call still waits, and knows the decision taken', () => {
		const events = variedEvents();
		const replay = createReplay(events);
		const decided = events.flatMap((e, i) => (e.type === 'tool_call_decided' ? [i] : []));
		let p = 0;
		for (const index of decided) {
			p = replay.nextApproval(p)!;
			expect(p).toBe(index);
			const event = events[index]!;
			if (event.type !== 'tool_call_decided') throw new Error('not a decision');
			const waiting = replay.stateAt(p).openCalls.find(call => call.callId === event.callId);
			expect(waiting?.status).toBe('awaiting_approval');
			expect(replay.decisionFor(event.callId)).toEqual(event);
		}

		expect(replay.nextApproval(p)).toBeUndefined();
		expect(replay.previousApproval(p)).toBe(decided.at(-2));
		expect(replay.previousApproval(decided[0]!)).toBeUndefined();
	});

	it('finds diff events by their type, and none in a session without them', () => {
		expect(isDiffEvent({type: 'schema_diff_previewed'})).toBe(true);
		expect(isDiffEvent({type: 'migration_preview_shown'})).toBe(true);
		expect(isDiffEvent({type: 'tool_call_decided'})).toBe(false);
		const plain = stamp(turnBodies(1, 2));
		expect(createReplay(plain).nextDiff(0)).toBeUndefined();
		// A diff event type that core does not know yet: the cursor still finds it by name.
		const withDiff = [
			...plain.slice(0, 5),
			{type: 'schema_diff_previewed', callId: 'x', diff: '+ index', seq: 6, at: 6} as unknown as SessionEvent,
			...plain.slice(5),
		];
		const replay = createReplay(withDiff);
		expect(replay.nextDiff(0)).toBe(6);
		expect(replay.nextDiff(6)).toBeUndefined();
	});

	it('stops just after a recorded preview, where the waiting call carries its diff', () => {
		const bodies = turnBodies(1, 2);
		const requested = bodies.findIndex(b => b.type === 'tool_call_requested');
		const preview = {kind: 'schema' as const, summary: 'schema change: 1 index added', diff: '+create index orders_customer_id_idx', hazards: []};
		const events = stamp([...bodies.slice(0, requested + 1), {type: 'tool_call_previewed', callId: 'toolu_0001', preview}, ...bodies.slice(requested + 1)]);
		const replay = createReplay(events);
		expect(replay.nextDiff(0)).toBe(requested + 2);
		expect(replay.stateAt(requested + 2).openCalls[0]).toMatchObject({status: 'awaiting_approval', preview});
		expect(replay.nextDiff(requested + 2)).toBeUndefined();
		expect(replay.stateAt(events.length)).toEqual(fromScratch(events, events.length));
	});

	it('searches prompts, answers, tool names, SQL and results, case-insensitively, both ways', () => {
		const events = variedEvents();
		const replay = createReplay(events);
		const indexOf = (predicate: (e: SessionEvent) => boolean, from = 0) => events.findIndex((e, i) => i >= from && predicate(e));
		const dropPrompt = indexOf(e => e.type === 'user_prompt_submitted' && e.text === 'Drop it 5');
		expect(replay.search('drop IT 5', 0, 'forward')).toBe(dropPrompt + 1);
		const sql = indexOf(e => e.type === 'tool_call_requested' && JSON.stringify(e.input).includes('drop table'));
		expect(replay.search('DROP TABLE orders', 0, 'forward')).toBe(sql + 1);
		expect(replay.search('apply_migration', 0, 'forward')).toBe(indexOf(e => e.type === 'tool_call_requested') + 1);
		expect(replay.search('"success":true', 0, 'forward')).toBe(indexOf(e => e.type === 'tool_call_completed') + 1);
		expect(replay.search('never drop orders', 0, 'forward')).toBe(indexOf(e => e.type === 'tool_call_decided' && e.decision === 'deny') + 1);
		// Forward from a hit finds the next one; backward from it finds the one before.
		const second = replay.search('drop table orders', sql + 1, 'forward')!;
		expect(second).toBeGreaterThan(sql + 1);
		expect(replay.search('drop table orders', second, 'backward')).toBe(sql + 1);
		expect(replay.search('drop table orders', sql + 1, 'backward')).toBeUndefined();
		expect(replay.search('no such words anywhere', 0, 'forward')).toBeUndefined();
		expect(replay.search('   ', 0, 'forward')).toBeUndefined();
		// Streamed deltas are not searched twice: the hit is the completed message.
		const answer = replay.search('Dropping.', 0, 'forward')!;
		expect(events[answer - 1]!.type).toBe('assistant_message_completed');
	});
});

describe('playback at recorded pace', () => {
	const at = [0, 100, 150, 10_000_000, 10_000_050];
	const events = at.map((t, i) => ({type: 'notice_shown', level: 'info', text: String(i), seq: i + 1, at: t}) as SessionEvent);

	it('waits the recorded gap between events, with long idle gaps cut to the cap', () => {
		expect(gapBefore(events, 0)).toBe(0);
		expect(gapBefore(events, 1)).toBe(100);
		expect(gapBefore(events, 3)).toBe(MAX_IDLE_GAP_MS);
	});

	it('applies every event whose gap fits in the elapsed time, scaled by speed, and carries the rest', () => {
		expect(advancePlayback(events, {position: 1, carryMs: 0}, 50, 1)).toEqual({position: 1, carryMs: 50});
		expect(advancePlayback(events, {position: 1, carryMs: 50}, 60, 1)).toEqual({position: 2, carryMs: 10});
		expect(advancePlayback(events, {position: 1, carryMs: 0}, 75, 2)).toEqual({position: 3, carryMs: 0});
		// An hour-long pause at ×1 takes the cap, not the hour.
		expect(advancePlayback(events, {position: 3, carryMs: 0}, MAX_IDLE_GAP_MS, 1).position).toBe(4);
		expect(advancePlayback(events, {position: 1, carryMs: 0}, 10, 0.5)).toEqual({position: 1, carryMs: 5});
		expect(advancePlayback(events, {position: 5, carryMs: 0}, 1000, 1)).toEqual({position: 5, carryMs: 0});
	});

	it('instant speed moves one event per tick, whatever the recorded gaps', () => {
		expect(advancePlayback(events, {position: 3, carryMs: 0}, 0, 'instant')).toEqual({position: 4, carryMs: 0});
		expect(msUntilNext(events, {position: 3, carryMs: 0}, 'instant')).toBe(0);
	});

	it('says how long until the next event is due', () => {
		expect(msUntilNext(events, {position: 1, carryMs: 40}, 1)).toBe(60);
		expect(msUntilNext(events, {position: 1, carryMs: 0}, 50)).toBe(2);
		expect(msUntilNext(events, {position: 5, carryMs: 0}, 1)).toBe(Number.POSITIVE_INFINITY);
	});
});
