/**
 * `/clear` and `/model` as session actions, against the scripted Messages-API server and the fixture MCP server: what
 * the model is sent afterwards (the requests the server recorded), what the transcript holds, and that a resume of
 * the session sends the same.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import {MODEL_ALIASES} from '../../source/model/model-config.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {sentMessages} from '../helpers/sent-messages.js';
import {callThenSay, openRig, type Rig} from './rig.js';

const rigs: Rig[] = [];
afterEach(async () => {
	for (const rig of rigs.splice(0).reverse()) await rig.close();
});

/** The model and the messages of the request `index` as the server received it. */
function request(rig: Rig, index: number): {model: unknown; messages: ReturnType<typeof sentMessages>} {
	const body = rig.server.requests[index]?.body as {model?: unknown} | undefined;
	return {model: body?.model, messages: sentMessages(body)};
}

const text = (value: string) => [{type: 'text', text: value}];

async function transcriptTypes(rig: Rig): Promise<SessionEvent['type'][]> {
	rig.session.store.flush();
	return (await readTranscript(rig.session.transcriptPath)).events.map(event => event.type);
}

describe('/clear', () => {
	it('sends the model nothing from before it, in the session and after a resume; the transcript records it', {timeout: 60_000}, async () => {
		const rig = await openRig({turns: [{text: 'One.'}, {text: 'Two.'}]});
		rigs.push(rig);
		rig.say('first');
		await rig.turnDone();
		rig.session.clear();
		expect(rig.state().messages).toEqual([]);
		rig.say('second');
		await rig.turnDone();

		expect(request(rig, 0).messages).toEqual([{role: 'user', content: text('first')}]);
		// Only the prompt after the clear: the first turn is gone from what the model sees.
		expect(request(rig, 1).messages).toEqual([{role: 'user', content: text('second')}]);
		const types = await transcriptTypes(rig);
		expect(types.filter(type => type === 'conversation_cleared')).toHaveLength(1);
		expect(types.indexOf('conversation_cleared')).toBeLessThan(types.lastIndexOf('user_prompt_submitted'));
		// The chat keeps the whole record (replay and exports read it); the turn count goes on.
		expect(rig.state().entries.map(entry => entry.kind)).toContain('cleared');
		expect(rig.state().turns).toBe(2);
		await rig.session.close();

		const resumed = await openRig({turns: [{text: 'Three.'}]}, {dir: rig.dir, args: ['--resume', rig.session.id]});
		rigs.push(resumed);
		resumed.say('third');
		await resumed.turnDone();
		// The resumed history starts at the clear: the cleared turn is not sent.
		expect(request(resumed, 0).messages).toEqual([
			{role: 'user', content: text('second')},
			{role: 'assistant', content: text('Two.')},
			{role: 'user', content: text('third')},
		]);
	});

	it('is refused while a turn runs, and the log has no clear', {timeout: 60_000}, async () => {
		const rig = await openRig({turns: callThenSay('write_note', {line: 'x'}, 'toolu_wait')});
		rigs.push(rig);
		rig.say('note x');
		const call = await rig.waitingCall();
		expect(() => rig.session.clear()).toThrow(/A turn is running/);
		rig.session.decide(call.callId, {decision: 'deny'});
		await rig.turnDone();
		expect(await transcriptTypes(rig)).not.toContain('conversation_cleared');
		expect(rig.state().messages.length).toBeGreaterThan(0);
	});
});

describe('/model', () => {
	it('sends the following requests to the chosen model, keeps it on resume, and lets --model on a resume win', {timeout: 60_000}, async () => {
		const rig = await openRig({turns: [{text: 'One.'}, {text: 'Two.'}]});
		rigs.push(rig);
		rig.say('first');
		await rig.turnDone();
		expect(rig.session.setModel('opus')).toEqual({model: MODEL_ALIASES.opus, changed: true});
		expect(rig.session.modelId).toBe(MODEL_ALIASES.opus);
		// The same model again changes nothing and logs nothing.
		expect(rig.session.setModel(MODEL_ALIASES.opus)).toEqual({model: MODEL_ALIASES.opus, changed: false});
		rig.say('second');
		await rig.turnDone();
		expect(request(rig, 0).model).toBe(MODEL_ALIASES.sonnet);
		expect(request(rig, 1).model).toBe(MODEL_ALIASES.opus);
		const events = (await readTranscript(rig.session.transcriptPath)).events;
		expect(events.filter(event => event.type === 'model_changed')).toEqual([expect.objectContaining({model: MODEL_ALIASES.opus})]);
		expect(events.filter(event => event.type === 'model_request_started').map(event => event.type === 'model_request_started' && event.model)).toEqual([
			MODEL_ALIASES.sonnet,
			MODEL_ALIASES.opus,
		]);
		await rig.session.close();

		const resumed = await openRig({turns: [{text: 'Three.'}]}, {dir: rig.dir, args: ['--resume', rig.session.id]});
		rigs.push(resumed);
		expect(resumed.session.modelId).toBe(MODEL_ALIASES.opus);
		resumed.say('third');
		await resumed.turnDone();
		expect(request(resumed, 0).model).toBe(MODEL_ALIASES.opus);
		await resumed.session.close();

		const named = await openRig({turns: [{text: 'Four.'}]}, {dir: rig.dir, args: ['--resume', rig.session.id, '--model', 'haiku']});
		rigs.push(named);
		named.say('fourth');
		await named.turnDone();
		expect(request(named, 0).model).toBe(MODEL_ALIASES.haiku);
		const after = (await readTranscript(named.session.transcriptPath)).events.filter(event => event.type === 'model_changed');
		expect(after.map(event => event.type === 'model_changed' && event.model)).toEqual([MODEL_ALIASES.opus, MODEL_ALIASES.haiku]);
	});

	it('refuses a name that cannot be a model, and any change while a turn runs', {timeout: 60_000}, async () => {
		const rig = await openRig({turns: callThenSay('write_note', {line: 'x'}, 'toolu_wait')});
		rigs.push(rig);
		expect(() => rig.session.setModel('sonet')).toThrow('"sonet" is not a model: use sonnet, opus, haiku, or a model id');
		rig.say('note x');
		const call = await rig.waitingCall();
		expect(() => rig.session.setModel('haiku')).toThrow(/A turn is running/);
		rig.session.decide(call.callId, {decision: 'deny'});
		await rig.turnDone();
		expect(rig.session.modelId).toBe(MODEL_ALIASES.sonnet);
		expect(await transcriptTypes(rig)).not.toContain('model_changed');
		expect(rig.server.requests.every(request => (request.body as {model?: unknown}).model === MODEL_ALIASES.sonnet)).toBe(true);
	});
});
