/**
 * update_storage_config through pgpair's approval gate: annotated destructive, it asks, and a denied call changes
 * nothing in the storage settings or the storage tables; only an allowed one does. A real session, the scripted model,
 * pgpair's own server on the embedded database (the built CLI's `mcp`); asserted on rows read back through the session.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionState} from '../../source/core/session-state.js';
import {openRig, type Rig} from './rig.js';

const rigs: Rig[] = [];
afterEach(async () => {
	for (const rig of rigs.splice(0).reverse()) await rig.close();
});

const UPDATE = 'mcp__supabase__update_storage_config';
const SQL = 'mcp__supabase__execute_sql';
const READ_STORAGE =
	'select (select count(*) from pgpair.storage_config)::int as settings, (select count(*) from storage.buckets)::int as buckets, (select count(*) from storage.objects)::int as objects, (select coalesce(max(file_size_limit), 0) from pgpair.storage_config)::int8 as limit_bytes';
const CONFIG = {fileSizeLimit: 1024, features: {imageTransformation: {enabled: true}, s3Protocol: {enabled: false}}};
const call = (id: string, name: string, input: Record<string, unknown>) => [{text: '', tool_calls: [{name, input, id}]}, {text: 'Done.'}];

function finished(state: SessionState, callId: string) {
	const entry = state.entries.find(e => e.kind === 'tool' && e.call.callId === callId);
	return entry?.kind === 'tool' ? entry.call : undefined;
}

function rowsOf(rig: Rig, callId: string): unknown[] {
	const result = JSON.parse(finished(rig.state(), callId)?.result ?? '{}') as {result?: string};
	return JSON.parse(/\[.*\]/s.exec(result.result ?? '')?.[0] ?? 'null') as unknown[];
}

describe('update_storage_config and the approval gate', () => {
	it('asks as destructive; denied it changes nothing, allowed it changes the settings', {timeout: 240_000}, async () => {
		const rig = await openRig(
			{
				turns: [
					...call('toolu_denied', UPDATE, {config: CONFIG}),
					...call('toolu_read_after_deny', SQL, {query: READ_STORAGE}),
					...call('toolu_allowed', UPDATE, {config: CONFIG}),
					...call('toolu_read_after_allow', SQL, {query: READ_STORAGE}),
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);

		rig.say('make uploads small');
		const asked = await rig.waitingCall();
		expect(asked).toMatchObject({callId: 'toolu_denied', name: UPDATE, classification: {class: 'destructive'}});
		rig.session.decide(asked.callId, {decision: 'deny', feedback: 'not now'});
		await rig.turnDone();
		expect(finished(rig.state(), 'toolu_denied')).toMatchObject({status: 'denied', decidedBy: 'user'});

		// A proven read: it runs without asking.
		rig.say('show the storage settings');
		await rig.turnDone();
		expect(finished(rig.state(), 'toolu_read_after_deny')).toMatchObject({status: 'succeeded'});
		expect(rowsOf(rig, 'toolu_read_after_deny')).toEqual([{settings: 0, buckets: 0, objects: 0, limit_bytes: 0}]);

		rig.say('make uploads small, really');
		const again = await rig.waitingCall();
		expect(again.callId).toBe('toolu_allowed');
		rig.session.decide(again.callId, {decision: 'allow'});
		await rig.turnDone();
		expect(finished(rig.state(), 'toolu_allowed')).toMatchObject({status: 'succeeded', decidedBy: 'user'});

		rig.say('show them again');
		await rig.turnDone();
		expect(rowsOf(rig, 'toolu_read_after_allow')).toEqual([{settings: 1, buckets: 0, objects: 0, limit_bytes: 1024}]);
	});
});
