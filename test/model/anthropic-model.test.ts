import {afterEach, describe, expect, it} from 'vitest';
import type {ModelMessage} from '../../source/core/events.js';
import type {ModelRequest, ModelStreamEvent, ToolDefinition} from '../../source/core/ports.js';
import {type AnthropicModelOptions, createAnthropicModel, ModelError} from '../../source/model/anthropic-model.js';
import {type Script, type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';

const API_KEY = 'sk-ant-test-SECRET-do-not-leak';

let server: ScriptedServer | undefined;

afterEach(async () => {
	await server?.close();
	server = undefined;
});

async function setup(script: Script, options: Partial<AnthropicModelOptions> = {}) {
	server = await startScriptedServer(script);
	const debugLines: string[] = [];
	const model = createAnthropicModel({apiKey: API_KEY, baseURL: server.url, retryBaseDelayMs: 1, onDebug: line => debugLines.push(line), ...options});
	return {server, model, debugLines};
}

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
	return {
		model: 'claude-sonnet-5-5',
		system: 'You are a careful backend engineer.',
		messages: [{role: 'user', content: 'List my tables.'}],
		tools: [],
		maxTokens: 1024,
		signal: new AbortController().signal,
		...overrides,
	};
}

/** Drains a stream; a thrown error is returned alongside the events seen before it. */
async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<{events: ModelStreamEvent[]; error?: unknown}> {
	const events: ModelStreamEvent[] = [];
	try {
		for await (const event of stream) events.push(event);
		return {events};
	} catch (error) {
		return {events, error};
	}
}

const textOf = (events: ModelStreamEvent[]) =>
	events.filter((event): event is Extract<ModelStreamEvent, {type: 'text_delta'}> => event.type === 'text_delta').map(event => event.text);

const finalMessage = (events: ModelStreamEvent[]) => {
	const last = events.at(-1);
	if (last?.type !== 'message') throw new Error(`expected a final message, got ${JSON.stringify(last)}`);
	return last;
};

describe('streaming', () => {
	it('yields text deltas in order, in the chunks the server sent, then one message', async () => {
		const {model} = await setup({turns: [{text: 'Hello from the scripted model.', chunk: 7}]});
		const {events, error} = await collect(model.stream(request()));
		expect(error).toBeUndefined();
		expect(textOf(events)).toEqual(['Hello f', 'rom the', ' script', 'ed mode', 'l.']);
		expect(events.filter(event => event.type === 'message')).toHaveLength(1);
		const message = finalMessage(events);
		expect(message.content).toEqual([{type: 'text', text: 'Hello from the scripted model.'}]);
		expect(message.stopReason).toBe('end_turn');
	});

	it('assembles tool_use input from partial JSON split anywhere, including nested values', async () => {
		const input = {
			query: 'select "name", \'x\' from public.users where id = $1',
			params: [1, {nested: {deep: [true, null, 3.5]}}],
			schemas: ['public', 'auth'],
			unicode: 'é ✓ 😀',
		};
		const {model} = await setup({
			turns: [
				{
					text: 'Running it.',
					tool_calls: [
						{name: 'mcp__supabase__execute_sql', input},
						{name: 'mcp__supabase__list_tables', input: {schemas: ['public']}},
					],
					json_chunk: 3,
				},
			],
		});
		const {events, error} = await collect(model.stream(request()));
		expect(error).toBeUndefined();
		const message = finalMessage(events);
		expect(message.stopReason).toBe('tool_use');
		expect(message.content).toHaveLength(3);
		expect(message.content[0]).toEqual({type: 'text', text: 'Running it.'});
		expect(message.content[1]).toMatchObject({type: 'tool_use', name: 'mcp__supabase__execute_sql', input});
		expect(message.content[2]).toMatchObject({type: 'tool_use', name: 'mcp__supabase__list_tables', input: {schemas: ['public']}});
		const ids = message.content.flatMap(block => (block.type === 'tool_use' ? [block.id] : []));
		expect(ids.every(id => id.startsWith('toolu_'))).toBe(true);
		expect(new Set(ids).size).toBe(2);
		// Each call is announced as it begins, before its input has streamed (its server can start meanwhile).
		expect(events.filter(event => event.type !== 'text_delta').map(event => (event.type === 'tool_use_started' ? event.name : event.type))).toEqual([
			'mcp__supabase__execute_sql',
			'mcp__supabase__list_tables',
			'message',
		]);
	});

	it('returns an empty object for a tool call without input', async () => {
		const {model} = await setup({turns: [{tool_calls: [{name: 'mcp__supabase__list_extensions'}]}]});
		const message = finalMessage((await collect(model.stream(request()))).events);
		expect(message.content).toEqual([{type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'mcp__supabase__list_extensions', input: {}}]);
	});

	it('reports usage from message_start and message_delta', async () => {
		const {model} = await setup({turns: [{text: 'Counted.', usage: {input_tokens: 1234, output_tokens: 56}}]});
		const message = finalMessage((await collect(model.stream(request()))).events);
		expect(message.usage).toEqual({inputTokens: 1234, outputTokens: 56});
	});

	it('sends the system prompt, tools and messages as given, tool results included', async () => {
		const tools: ToolDefinition[] = [
			{
				name: 'mcp__supabase__list_tables',
				description: 'Lists tables.',
				inputSchema: {type: 'object', properties: {schemas: {type: 'array', items: {type: 'string'}}}},
			},
		];
		const messages: ModelMessage[] = [
			{role: 'user', content: 'List my tables.'},
			{
				role: 'assistant',
				content: [
					{type: 'text', text: 'Looking.'},
					{type: 'tool_use', id: 'toolu_01abc', name: 'mcp__supabase__list_tables', input: {schemas: ['public']}},
					{type: 'tool_use', id: 'toolu_01def', name: 'mcp__supabase__list_tables', input: {schemas: ['auth']}},
				],
			},
			{
				role: 'user',
				content: [
					{type: 'tool_result', tool_use_id: 'toolu_01abc', content: '[{"name":"todos"}]'},
					{type: 'tool_result', tool_use_id: 'toolu_01def', content: 'Denied by the user.', is_error: true},
				],
			},
		];
		const {model, server} = await setup({turns: [{text: 'Done.'}]});
		await collect(model.stream(request({model: 'claude-opus-5-5', system: 'Be careful.', messages, tools, maxTokens: 777})));

		expect(server.requests).toHaveLength(1);
		const received = server.requests[0]!;
		expect(received.headers.authorization).toBe('[redacted]');
		expect(received.body).toEqual({
			model: 'claude-opus-5-5',
			max_tokens: 777,
			system: 'Be careful.',
			stream: true,
			tools: [{name: 'mcp__supabase__list_tables', description: 'Lists tables.', input_schema: tools[0]!.inputSchema}],
			messages: [
				{role: 'user', content: 'List my tables.'},
				{
					role: 'assistant',
					content: [
						{type: 'text', text: 'Looking.'},
						{type: 'tool_use', id: 'toolu_01abc', name: 'mcp__supabase__list_tables', input: {schemas: ['public']}},
						{type: 'tool_use', id: 'toolu_01def', name: 'mcp__supabase__list_tables', input: {schemas: ['auth']}},
					],
				},
				{
					role: 'user',
					content: [
						{type: 'tool_result', tool_use_id: 'toolu_01abc', content: '[{"name":"todos"}]'},
						{type: 'tool_result', tool_use_id: 'toolu_01def', content: 'Denied by the user.', is_error: true},
					],
				},
			],
		});
	});

	it('leaves out an empty system prompt and an empty tool list', async () => {
		const {model, server} = await setup({turns: [{text: 'ok'}]});
		await collect(model.stream(request({system: ''})));
		expect(server.requests[0]!.body).not.toHaveProperty('system');
		expect(server.requests[0]!.body).not.toHaveProperty('tools');
	});
});

describe('retries', () => {
	it('retries a 529 once, announcing it, then streams the answer', async () => {
		const {model, server} = await setup({turns: [{error: {status: 529, type: 'overloaded_error', message: 'Overloaded'}}, {text: 'Second time lucky.'}]});
		const {events, error} = await collect(model.stream(request()));
		expect(error).toBeUndefined();
		expect(events[0]).toEqual({type: 'retry', attempt: 2, maxAttempts: 4, delayMs: expect.any(Number), reason: 'overloaded (529)'});
		expect(events.filter(event => event.type === 'retry')).toHaveLength(1);
		expect(textOf(events).join('')).toBe('Second time lucky.');
		expect(finalMessage(events).content).toEqual([{type: 'text', text: 'Second time lucky.'}]);
		expect(server.requests).toHaveLength(2);
	});

	it('honours retry-after on a 429', async () => {
		// A large base delay shows the header, not the backoff, decided the wait.
		const {model} = await setup(
			{turns: [{error: {status: 429, type: 'rate_limit_error', message: 'Slow down', retry_after: 0}}, {text: 'ok'}]},
			{retryBaseDelayMs: 60_000},
		);
		const {events, error} = await collect(model.stream(request()));
		expect(error).toBeUndefined();
		expect(events[0]).toEqual({type: 'retry', attempt: 2, maxAttempts: 4, delayMs: 0, reason: 'rate limited (429)'});
		expect(textOf(events)).toEqual(['ok']);
	});

	it('caps a long retry-after at the maximum delay', async () => {
		const {model} = await setup({turns: [{error: {status: 503, type: 'api_error', retry_after: 3600}}, {text: 'ok'}]}, {retryMaxDelayMs: 20});
		const {events} = await collect(model.stream(request()));
		expect(events[0]).toMatchObject({type: 'retry', delayMs: 20, reason: 'server error (503)'});
	});

	it('gives up with a clear error when every attempt fails', async () => {
		const overloaded = {error: {status: 529, type: 'overloaded_error', message: 'Overloaded'}};
		const {model, server} = await setup({turns: [overloaded, overloaded, overloaded, {text: 'never reached'}]}, {maxRetries: 2});
		const {events, error} = await collect(model.stream(request()));
		expect(events.map(event => event.type)).toEqual(['retry', 'retry']);
		expect(events.map(event => (event.type === 'retry' ? event.attempt : 0))).toEqual([2, 3]);
		expect(error).toBeInstanceOf(ModelError);
		expect((error as Error).message).toBe('The model API is still failing after 3 attempts. Last error: overloaded (529) (Overloaded).');
		expect((error as ModelError).details).toMatchObject({status: 529, attempts: 3, retryable: true});
		expect(server.requests).toHaveLength(3);
	});

	it('retries an error frame that arrives before any text', async () => {
		const {model} = await setup({
			turns: [{text: 'lost', error: {status: 529, type: 'overloaded_error', message: 'Overloaded', mid_stream: true, after_chars: 0}}, {text: 'Recovered.'}],
		});
		const {events, error} = await collect(model.stream(request()));
		expect(error).toBeUndefined();
		expect(events[0]).toMatchObject({type: 'retry', attempt: 2, reason: 'overloaded during the stream'});
		expect(textOf(events).join('')).toBe('Recovered.');
	});

	it('retries a connection dropped before any text', async () => {
		const {model} = await setup({turns: [{text: 'lost', drop: true}, {text: 'Recovered.'}]});
		const {events, error} = await collect(model.stream(request()));
		expect(error).toBeUndefined();
		expect(events[0]).toMatchObject({type: 'retry', attempt: 2, reason: expect.stringMatching(/^connection error/)});
		expect(textOf(events).join('')).toBe('Recovered.');
	});

	it('retries when nothing listens on the port', async () => {
		const unused = await startScriptedServer({turns: []});
		const url = unused.url;
		await unused.close();
		const model = createAnthropicModel({apiKey: API_KEY, baseURL: url, retryBaseDelayMs: 1, maxRetries: 1});
		const {events, error} = await collect(model.stream(request()));
		expect(events).toEqual([expect.objectContaining({type: 'retry', reason: expect.stringMatching(/^connection error/)})]);
		expect((error as Error).message).toMatch(/still failing after 2 attempts\. Last error: connection error/);
	});

	it('does not retry an error that comes after text was shown, and does not repeat text', async () => {
		const {model, server} = await setup({
			turns: [
				{
					text: 'Partial answer that breaks',
					chunk: 5,
					error: {status: 529, type: 'overloaded_error', message: 'Overloaded', mid_stream: true, after_chars: 10},
				},
				{text: 'must not be used'},
			],
		});
		const {events, error} = await collect(model.stream(request()));
		expect(events.some(event => event.type === 'retry')).toBe(false);
		expect(textOf(events).join('')).toBe('Partial an');
		expect(error).toBeInstanceOf(ModelError);
		expect((error as Error).message).toMatch(/broke off after it had started \(overloaded during the stream: Overloaded\)/);
		expect((error as ModelError).details.afterOutput).toBe(true);
		expect(server.requests).toHaveLength(1);
	});

	it('treats a stream that goes silent before any text as a connection failure and retries', async () => {
		const {model} = await setup({turns: [{text: 'stuck', stall_ms: 10_000}, {text: 'Recovered.'}]}, {streamIdleTimeoutMs: 100});
		const {events, error} = await collect(model.stream(request()));
		expect(error).toBeUndefined();
		expect(events[0]).toMatchObject({type: 'retry', reason: 'connection error: the stream was silent for 100 ms'});
		expect(textOf(events).join('')).toBe('Recovered.');
	});

	it('fails without retrying when the stream goes silent after text', async () => {
		const {model, server} = await setup(
			{turns: [{text: 'abcdefgh', chunk: 2, stall_ms: 10_000, stall_after_chars: 4}, {text: 'unused'}]},
			{streamIdleTimeoutMs: 100},
		);
		const {events, error} = await collect(model.stream(request()));
		expect(textOf(events).join('')).toBe('abcd');
		expect((error as Error).message).toMatch(/broke off after it had started \(connection error: the stream was silent for 100 ms\)/);
		expect(server.requests).toHaveLength(1);
	});

	it('does not retry a dropped connection after text was shown', async () => {
		const {model, server} = await setup({turns: [{text: 'Some text before the drop.', chunk: 4, drop: true, drop_after_chars: 8}, {text: 'unused'}]});
		const {events, error} = await collect(model.stream(request()));
		expect(textOf(events).join('')).toBe('Some tex');
		expect((error as Error).message).toMatch(/broke off after it had started \(connection error/);
		expect(server.requests).toHaveLength(1);
	});
});

describe('non-retryable errors', () => {
	it.each([
		[401, 'authentication_error', 'invalid x-api-key', 'The API key was rejected (401). Check ANTHROPIC_API_KEY.'],
		[400, 'invalid_request_error', 'max_tokens: too large', /^The API rejected the request \(400 invalid_request_error\)\. max_tokens: too large/],
		[403, 'permission_error', 'Not allowed', /^The API key is not allowed to do this \(403\)\. Not allowed/],
		[404, 'not_found_error', 'model: claude-nope', /^The API answered 404 \(not found\)\. model: claude-nope \(key \[redacted\]\)\. Check the model id/],
	] as const)('%i fails at once with a human message', async (status, type, message, expected) => {
		const {model, server, debugLines} = await setup({turns: [{error: {status, type, message: `${message} (key ${API_KEY})`}}, {text: 'unused'}]});
		const {events, error} = await collect(model.stream(request()));
		expect(events).toEqual([]);
		expect(error).toBeInstanceOf(ModelError);
		if (typeof expected === 'string') expect((error as Error).message).toBe(expected);
		else expect((error as Error).message).toMatch(expected);
		// Even a server that echoes the key must not get it into our messages or logs.
		expect((error as Error).message).not.toContain(API_KEY);
		expect(debugLines.join('\n')).not.toContain(API_KEY);
		expect(server.requests).toHaveLength(1);
	});

	it('rejects a request without credentials like the real API', async () => {
		server = await startScriptedServer({turns: [{text: 'unused'}]});
		const response = await fetch(`${server.url}/v1/messages`, {method: 'POST', body: '{}'});
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({type: 'error', error: {type: 'authentication_error', message: 'x-api-key header is required'}});
		expect(server.turnsUsed).toBe(0);
	});
});

describe('cancellation', () => {
	it('ends promptly with an abort error when aborted mid-stream', async () => {
		const {model, server} = await setup({turns: [{text: 'x'.repeat(400), chunk: 5, delay_ms: 50}, {text: 'unused'}]});
		const controller = new AbortController();
		const seen: string[] = [];
		let abortedAt = 0;
		let error: unknown;
		try {
			for await (const event of model.stream(request({signal: controller.signal}))) {
				if (event.type === 'text_delta') seen.push(event.text);
				if (seen.length === 2 && !abortedAt) {
					abortedAt = performance.now();
					controller.abort();
				}
			}
		} catch (thrown) {
			error = thrown;
		}

		const elapsed = performance.now() - abortedAt;
		expect(error).toMatchObject({name: 'AbortError'});
		expect(elapsed).toBeLessThan(500);
		expect(seen.length).toBeLessThan(5);
		// The server sees the client go away and stops sending.
		await server.turnSent(0);
		expect(server.requests).toHaveLength(1);
	});

	it('ends promptly when aborted while the server stalls', async () => {
		const {model} = await setup({turns: [{text: 'late', stall_ms: 10_000}]});
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const started = performance.now();
		const {events, error} = await collect(model.stream(request({signal: controller.signal})));
		expect(events).toEqual([]);
		expect(error).toMatchObject({name: 'AbortError'});
		expect(performance.now() - started).toBeLessThan(100 + 500);
	});

	it('ends promptly when aborted during a retry wait', async () => {
		const {model, server} = await setup({turns: [{error: {status: 529, type: 'overloaded_error'}}, {text: 'unused'}]}, {retryBaseDelayMs: 20_000});
		const controller = new AbortController();
		const events: ModelStreamEvent[] = [];
		let abortedAt = 0;
		let error: unknown;
		try {
			for await (const event of model.stream(request({signal: controller.signal}))) {
				events.push(event);
				if (event.type === 'retry') {
					abortedAt = performance.now();
					controller.abort();
				}
			}
		} catch (thrown) {
			error = thrown;
		}

		expect(events.map(event => event.type)).toEqual(['retry']);
		expect(error).toMatchObject({name: 'AbortError'});
		expect(performance.now() - abortedAt).toBeLessThan(500);
		expect(server.requests).toHaveLength(1);
	});

	it('does not send anything when the signal is already aborted', async () => {
		const {model, server} = await setup({turns: [{text: 'unused'}]});
		const {error} = await collect(model.stream(request({signal: AbortSignal.abort()})));
		expect(error).toMatchObject({name: 'AbortError'});
		expect(server.requests).toHaveLength(0);
	});

	it('closes the HTTP stream when the consumer stops iterating', async () => {
		const {model, server} = await setup({turns: [{text: 'y'.repeat(400), chunk: 4, delay_ms: 30}]});
		const started = performance.now();
		for await (const event of model.stream(request())) {
			if (event.type === 'text_delta') break;
		}

		await server.turnSent(0);
		expect(performance.now() - started).toBeLessThan(2000);
	});
});
