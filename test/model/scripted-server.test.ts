import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadScript, parseScript, type Script, ScriptError, type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';

const FIXTURES = new URL('../fixtures/scripts/', import.meta.url).pathname;

let server: ScriptedServer | undefined;

afterEach(async () => {
	await server?.close();
	server = undefined;
});

async function start(script: Script | string) {
	server = await startScriptedServer(script);
	return server;
}

function post(url: string, body: unknown, headers: Record<string, string> = {'x-api-key': 'test'}, init: RequestInit = {}) {
	return fetch(`${url}/v1/messages`, {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body: JSON.stringify(body), ...init});
}

const streamingBody = {model: 'claude-test', max_tokens: 100, stream: true, messages: [{role: 'user', content: 'hi'}]};

/** What these tests read of a Messages API stream event; `toEqual` checks the rest. */
type FrameData = {
	type: string;
	message?: {usage: {input_tokens: number}};
	delta?: {type?: string; text?: string; partial_json?: string; stop_reason?: string};
	usage?: {output_tokens: number};
};
type Frame = {event: string; data: FrameData};

function parseSse(text: string): Frame[] {
	return text
		.split('\n\n')
		.filter(chunk => chunk.trim())
		.map(chunk => {
			const lines = chunk.split('\n');
			const event = lines.find(line => line.startsWith('event: '))?.slice('event: '.length);
			const data = lines.find(line => line.startsWith('data: '))?.slice('data: '.length);
			if (!event || data === undefined) throw new Error(`malformed frame: ${chunk}`);
			return {event, data: JSON.parse(data)};
		});
}

describe('script validation', () => {
	it.each([
		[{}, 'turns: Invalid input: expected array'],
		[{turns: [{chunk: 0}]}, 'turns[0].chunk: Too small'],
		[{turns: [{text: 'a'}, {tool_calls: [{input: {}}]}]}, 'turns[1].tool_calls[0].name:'],
		[{turns: [{error: {status: 200}}]}, 'turns[0].error.status: Too small'],
		[{turns: [{tool_call: []}]}, 'turns[0]: Unrecognized key: "tool_call"'],
		[{turns: [{delay_ms: -1}]}, 'turns[0].delay_ms: Too small'],
		[{turns: [{tool_calls: [{name: 'x', id: 'bad'}]}]}, 'turns[0].tool_calls[0].id:'],
	])('rejects %j naming the field', (script, expected) => {
		expect(() => parseScript(script)).toThrow(ScriptError);
		expect(() => parseScript(script)).toThrow(expected);
	});

	it('fills in defaults', () => {
		expect(parseScript({turns: [{text: 'hi'}]}).turns[0]).toMatchObject({text: 'hi', tool_calls: [], chunk: 12, delay_ms: 0, drop: false, stall_ms: 0});
	});

	it('loads the fixtures', async () => {
		const hello = await loadScript(join(FIXTURES, 'hello.json'));
		expect(hello.turns).toHaveLength(1);
		const listTables = await loadScript(join(FIXTURES, 'list-tables.json'));
		expect(listTables.turns[0]!.tool_calls).toEqual([{name: 'mcp__supabase__list_tables', input: {schemas: ['public']}}]);
		expect(listTables.turns[1]!.tool_calls).toEqual([]);
	});

	it('names the file when it is missing, not JSON, or invalid', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'pgpair-script-'));
		const notJson = join(dir, 'not-json.json');
		const invalid = join(dir, 'invalid.json');
		await writeFile(notJson, '{"turns": [');
		await writeFile(invalid, '{"turns": [{"chunk": "big"}]}');
		await expect(loadScript(join(dir, 'missing.json'))).rejects.toThrow(/Cannot read the script .*missing\.json/);
		await expect(loadScript(notJson)).rejects.toThrow(/not-json\.json is not valid JSON/);
		await expect(loadScript(invalid)).rejects.toThrow(/Invalid script .*invalid\.json:\n {2}turns\[0\]\.chunk: Invalid input: expected number/);
		await expect(startScriptedServer(invalid)).rejects.toThrow(ScriptError);
	});
});

describe('the Messages API protocol', () => {
	it('streams message_start, text deltas of `chunk` characters, tool_use with partial JSON, message_delta, message_stop', async () => {
		const {url} = await start({
			turns: [
				{
					text: 'abcdefgh',
					chunk: 3,
					json_chunk: 4,
					tool_calls: [{name: 'mcp__supabase__list_tables', input: {schemas: ['public']}, id: 'toolu_fixed'}],
					usage: {input_tokens: 10, output_tokens: 20},
				},
			],
		});
		const response = await post(url, streamingBody);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
		const frames = parseSse(await response.text());

		expect(frames.map(frame => frame.event)).toEqual([
			'message_start',
			'ping',
			'content_block_start',
			'content_block_delta',
			'content_block_delta',
			'content_block_delta',
			'content_block_stop',
			'content_block_start',
			...Array.from({length: 1 + Math.ceil('{"schemas":["public"]}'.length / 4)}, () => 'content_block_delta'),
			'content_block_stop',
			'message_delta',
			'message_stop',
		]);
		expect(frames[0]!.data.message).toMatchObject({role: 'assistant', model: 'claude-test', content: [], usage: {input_tokens: 10}});
		const textDeltas = frames.filter(frame => frame.data.delta?.type === 'text_delta').map(frame => frame.data.delta?.text);
		expect(textDeltas).toEqual(['abc', 'def', 'gh']);
		expect(frames[7]!.data).toEqual({
			type: 'content_block_start',
			index: 1,
			content_block: {type: 'tool_use', id: 'toolu_fixed', name: 'mcp__supabase__list_tables', input: {}},
		});
		const jsonPieces = frames.filter(frame => frame.data.delta?.type === 'input_json_delta').map(frame => frame.data.delta?.partial_json);
		expect(jsonPieces[0]).toBe('');
		expect(jsonPieces.join('')).toBe('{"schemas":["public"]}');
		expect(frames.at(-2)!.data).toEqual({type: 'message_delta', delta: {stop_reason: 'tool_use', stop_sequence: null}, usage: {output_tokens: 20}});
	});

	it('ends a text-only turn with end_turn and estimates usage', async () => {
		const {url} = await start({turns: [{text: 'hello'}]});
		const frames = parseSse(await (await post(url, streamingBody)).text());
		const delta = frames.find(frame => frame.event === 'message_delta')!;
		expect(delta.data.delta?.stop_reason).toBe('end_turn');
		expect(delta.data.usage?.output_tokens).toBeGreaterThan(0);
		expect(frames[0]!.data.message?.usage.input_tokens).toBeGreaterThan(0);
	});

	it('answers a non-streaming request with a whole message', async () => {
		const {url} = await start({turns: [{text: 'hi', tool_calls: [{name: 't', input: {a: 1}}]}]});
		const message = await (await post(url, {...streamingBody, stream: false})).json();
		expect(message).toMatchObject({
			type: 'message',
			role: 'assistant',
			stop_reason: 'tool_use',
			content: [
				{type: 'text', text: 'hi'},
				{type: 'tool_use', name: 't', input: {a: 1}},
			],
		});
	});

	it('answers an error turn with its status and an error body, and consumes the slot', async () => {
		const {url} = await start({turns: [{error: {status: 529, type: 'overloaded_error', message: 'Overloaded', retry_after: 2}}, {text: 'next'}]});
		const first = await post(url, streamingBody);
		expect(first.status).toBe(529);
		expect(first.headers.get('retry-after')).toBe('2');
		expect(await first.json()).toEqual({type: 'error', error: {type: 'overloaded_error', message: 'Overloaded'}});
		const second = await post(url, streamingBody);
		expect(second.status).toBe(200);
		await second.text();
	});

	it('sends a mid-stream error frame after `after_chars` characters', async () => {
		const {url} = await start({
			turns: [{text: 'abcdefghij', chunk: 2, error: {type: 'overloaded_error', message: 'Overloaded', mid_stream: true, after_chars: 4}}],
		});
		const response = await post(url, streamingBody);
		expect(response.status).toBe(200);
		const frames = parseSse(await response.text());
		expect(frames.filter(frame => frame.data.delta?.type === 'text_delta').map(frame => frame.data.delta?.text)).toEqual(['ab', 'cd']);
		expect(frames.at(-1)).toEqual({event: 'error', data: {type: 'error', error: {type: 'overloaded_error', message: 'Overloaded'}}});
	});

	it('answers 500 with x-should-retry: false once the script is exhausted', async () => {
		const {url} = await start({turns: [{text: 'only'}]});
		await (await post(url, streamingBody)).text();
		const response = await post(url, streamingBody);
		expect(response.status).toBe(500);
		expect(response.headers.get('x-should-retry')).toBe('false');
		expect(await response.json()).toEqual({type: 'error', error: {type: 'api_error', message: expect.stringMatching(/script is exhausted/)}});
	});

	it('accepts x-api-key or a Bearer token and rejects neither with 401', async () => {
		const {url, requests} = await start({turns: [{text: 'a'}, {text: 'b'}, {text: 'c'}]});
		expect((await post(url, streamingBody, {'x-api-key': 'k'})).status).toBe(200);
		expect((await post(url, streamingBody, {authorization: 'Bearer k'})).status).toBe(200);
		const rejected = await post(url, streamingBody, {authorization: 'Basic k'});
		expect(rejected.status).toBe(401);
		expect(await rejected.json()).toMatchObject({error: {type: 'authentication_error'}});
		expect(requests.map(request => request.turnIndex)).toEqual([0, 1, -1]);
		expect(requests[0]!.headers['x-api-key']).toBe('[redacted]');
	});

	it('answers unknown routes with 404 and bad JSON with 400, without using a turn', async () => {
		const {url, requests} = await start({turns: [{text: 'a'}]});
		expect((await fetch(`${url}/v1/models`, {headers: {'x-api-key': 'k'}})).status).toBe(404);
		const bad = await fetch(`${url}/v1/messages`, {method: 'POST', headers: {'x-api-key': 'k'}, body: '{nope'});
		expect(bad.status).toBe(400);
		expect(requests.map(request => request.turnIndex)).toEqual([-1, -1]);
		expect(server!.turnsUsed).toBe(0);
	});

	it('records request bodies with the query string stripped from the path', async () => {
		const {url, requests} = await start({turns: [{text: 'a'}]});
		await (await fetch(`${url}/v1/messages?beta=true`, {method: 'POST', headers: {'x-api-key': 'k'}, body: JSON.stringify(streamingBody)})).text();
		expect(requests[0]).toMatchObject({method: 'POST', path: '/v1/messages', body: streamingBody, turnIndex: 0});
	});
});

describe('faults and disconnects', () => {
	it('drops the connection after `drop_after_chars`', async () => {
		const {url} = await start({turns: [{text: 'abcdefgh', chunk: 2, drop: true, drop_after_chars: 4}]});
		const response = await post(url, streamingBody);
		await expect(response.text()).rejects.toThrow();
	});

	it('stalls for `stall_ms` and then finishes', async () => {
		const {url} = await start({turns: [{text: 'abcd', chunk: 2, stall_ms: 150, stall_after_chars: 2}]});
		const started = performance.now();
		const frames = parseSse(await (await post(url, streamingBody)).text());
		expect(performance.now() - started).toBeGreaterThanOrEqual(140);
		expect(frames.at(-1)!.event).toBe('message_stop');
	});

	it('survives a client that disconnects mid-answer and keeps serving', async () => {
		const {url} = await start({turns: [{text: 'z'.repeat(200), chunk: 2, delay_ms: 20}, {text: 'still here'}]});
		const controller = new AbortController();
		const response = await post(url, streamingBody, undefined, {signal: controller.signal});
		const reader = response.body!.getReader();
		await reader.read();
		controller.abort();
		await server!.turnSent(0);
		const frames = parseSse(await (await post(url, streamingBody)).text());
		expect(frames.find(frame => frame.data.delta?.type === 'text_delta')!.data.delta?.text).toBe('still here'.slice(0, 12));
	});

	it('turnSent rejects for a turn the script does not have', async () => {
		await start({turns: [{text: 'a'}]});
		await expect(server!.turnSent(3)).rejects.toThrow(/no turn 3/);
	});

	it('close() returns even with a stream in flight', async () => {
		const {url} = await start({turns: [{text: 'slow', stall_ms: 60_000}]});
		const response = await post(url, streamingBody);
		const body = response.text().catch(() => 'closed');
		await server!.close();
		server = undefined;
		expect(await body).toBe('closed');
	});
});
