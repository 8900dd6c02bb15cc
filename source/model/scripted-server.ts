/**
 * A real HTTP server on 127.0.0.1 that speaks the Anthropic Messages API (SSE streaming) and answers each
 * `POST /v1/messages` from a script, in order. The real SDK talks to it through `baseURL`, so tests and the
 * offline demo exercise the same client code as production, including retries, aborts and broken streams.
 */
import {randomBytes} from 'node:crypto';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {loadScript, type ParsedScript, parseScript, type Script, type ScriptTurn} from './script.js';

export {loadScript, type ParsedScript, parseScript, type Script, ScriptError, type ScriptTurn} from './script.js';

export type ReceivedRequest = {
	method: string;
	/** Path without the query string. */
	path: string;
	/** Lower-cased header names; credential values are replaced by `[redacted]`. */
	headers: Record<string, string>;
	/** The parsed JSON body (undefined when it was not JSON). */
	body: unknown;
	/** Index of the script turn that answered it; -1 when it was rejected before reaching the script. */
	turnIndex: number;
};

export type ScriptedServerOptions = {
	/** Default 0: an ephemeral port. */
	port?: number;
};

export type ScriptedServer = {
	/** Base URL for the SDK's `baseURL`, e.g. `http://127.0.0.1:54321`. */
	url: string;
	port: number;
	/** Every request received, in arrival order. */
	requests: ReceivedRequest[];
	/** Resolves when the answer to script turn `index` (0-based) was completely sent, or cut short by a fault or the client. */
	turnSent(index: number): Promise<void>;
	/** Number of script turns consumed so far. */
	readonly turnsUsed: number;
	close(): Promise<void>;
};

const MODEL_FALLBACK = 'claude-scripted';

export async function startScriptedServer(script: Script | ParsedScript | string, options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
	const parsed = typeof script === 'string' ? await loadScript(script) : parseScript(script);
	const requests: ReceivedRequest[] = [];
	const sockets = new Set<Socket>();
	const sent = parsed.turns.map(() => deferred());
	let nextTurn = 0;

	const server = createServer((req, res) => {
		handle(req, res).catch(() => {
			// A client that went away mid-answer is normal (aborts, retries); never let it crash the process.
			if (!res.destroyed) res.destroy();
		});
	});
	// An idle keep-alive connection is kept longer than any pause of a session (a call at its deadline, a person
	// reading a pane): closed at Node's default 5 s, the client could reuse it just as it closed and get ECONNRESET.
	server.keepAliveTimeout = 10 * 60_000;
	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		// Clients that reset the connection raise 'error' on the socket; without a listener that would throw.
		socket.on('error', () => {});
	});
	server.on('clientError', (_error, socket) => socket.destroy());

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		res.on('error', () => {});
		const rawBody = await readBody(req);
		const path = (req.url ?? '/').split('?')[0] ?? '/';
		const record: ReceivedRequest = {method: req.method ?? 'GET', path, headers: recordedHeaders(req), body: safeJson(rawBody), turnIndex: -1};
		requests.push(record);

		if (req.method !== 'POST' || path !== '/v1/messages') {
			sendError(res, 404, 'not_found_error', `Scripted server: no route for ${req.method} ${path}.`);
			return;
		}

		if (!hasCredentials(req)) {
			sendError(res, 401, 'authentication_error', 'x-api-key header is required');
			return;
		}

		if (!isJsonObject(record.body)) {
			sendError(res, 400, 'invalid_request_error', 'The request body is not valid JSON.');
			return;
		}

		const index = nextTurn;
		const turn = parsed.turns[index];
		if (!turn) {
			// x-should-retry: false keeps clients from retrying an answer that can never come.
			sendError(
				res,
				500,
				'api_error',
				`Scripted server: the script is exhausted (${parsed.turns.length} turn(s) answered); request ${index + 1} has no answer.`,
				{'x-should-retry': 'false'},
			);
			return;
		}

		nextTurn++;
		record.turnIndex = index;
		const done = sent[index]!;
		try {
			await answer(turn, record.body, req, res);
		} finally {
			done.resolve();
		}
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const {port} = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		get turnsUsed() {
			return nextTurn;
		},
		turnSent(index) {
			const entry = sent[index];
			if (!entry) return Promise.reject(new RangeError(`The script has no turn ${index} (it has ${parsed.turns.length}).`));
			return entry.promise;
		},
		close() {
			return new Promise<void>(resolve => {
				server.close(() => resolve());
				// Keep-alive and half-sent streams would otherwise hold close() open.
				for (const socket of sockets) socket.destroy();
			});
		},
	};
}

async function answer(turn: ScriptTurn, body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const error = turn.error;
	if (error && !error.mid_stream) {
		const headers: Record<string, string> = {};
		if (error.retry_after !== undefined) headers['retry-after'] = String(error.retry_after);
		sendError(res, error.status, error.type, error.message, headers);
		return;
	}

	const model = typeof body.model === 'string' ? body.model : MODEL_FALLBACK;
	const usage = turn.usage ?? estimateUsage(turn, body);
	const toolCalls = turn.tool_calls.map(call => ({...call, id: call.id ?? newToolUseId()}));
	const stopReason = toolCalls.length > 0 ? 'tool_use' : 'end_turn';
	const messageId = `msg_${randomId(24)}`;

	if (body.stream !== true) {
		const content = [
			...(turn.text ? [{type: 'text', text: turn.text, citations: null}] : []),
			...toolCalls.map(call => ({type: 'tool_use', id: call.id, name: call.name, input: call.input})),
		];
		sendJson(res, 200, {
			id: messageId,
			type: 'message',
			role: 'assistant',
			model,
			content,
			stop_reason: stopReason,
			stop_sequence: null,
			usage: fullUsage(usage.input_tokens, usage.output_tokens),
		});
		return;
	}

	const stream = new SseWriter(req, res);
	res.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_${randomId(24)}`});
	res.flushHeaders();

	stream.send('message_start', {
		type: 'message_start',
		message: {
			id: messageId,
			type: 'message',
			role: 'assistant',
			model,
			content: [],
			stop_reason: null,
			stop_sequence: null,
			usage: fullUsage(usage.input_tokens, 1),
		},
	});
	stream.send('ping', {type: 'ping'});

	// Faults keyed on how much text has gone out; each fires once, at the first point it is due.
	let sentChars = 0;
	let stalled = turn.stall_ms === 0;
	const faultDue = async (): Promise<'stop' | 'go'> => {
		if (turn.drop && sentChars >= turn.drop_after_chars) {
			// Flush first: destroying with writes still queued would drop them too, and the fault would hit earlier than scripted.
			await stream.flush();
			req.socket.destroy();
			return 'stop';
		}

		if (error?.mid_stream && sentChars >= error.after_chars) {
			stream.send('error', {type: 'error', error: {type: error.type, message: error.message}});
			res.end();
			return 'stop';
		}

		if (!stalled && sentChars >= turn.stall_after_chars) {
			stalled = true;
			await stream.pause(turn.stall_ms);
		}

		return stream.closed ? 'stop' : 'go';
	};

	let index = 0;
	if (turn.text) {
		if ((await faultDue()) === 'stop') return;
		stream.send('content_block_start', {type: 'content_block_start', index, content_block: {type: 'text', text: '', citations: null}});
		for (let at = 0; at < turn.text.length; at += turn.chunk) {
			if (at > 0 && turn.delay_ms > 0) await stream.pause(turn.delay_ms);
			if (stream.closed) return;
			const piece = turn.text.slice(at, at + turn.chunk);
			stream.send('content_block_delta', {type: 'content_block_delta', index, delta: {type: 'text_delta', text: piece}});
			sentChars += piece.length;
			if (at + turn.chunk < turn.text.length && (await faultDue()) === 'stop') return;
		}

		stream.send('content_block_stop', {type: 'content_block_stop', index});
		index++;
	}

	// With all text out, any fault not yet fired (e.g. after_chars beyond the text) fires here.
	if ((await faultDue()) === 'stop') return;

	for (const call of toolCalls) {
		stream.send('content_block_start', {type: 'content_block_start', index, content_block: {type: 'tool_use', id: call.id, name: call.name, input: {}}});
		// The real API opens with an empty piece, then splits the JSON anywhere, even inside strings.
		const json = JSON.stringify(call.input);
		const pieces = [''];
		for (let at = 0; at < json.length; at += turn.json_chunk) pieces.push(json.slice(at, at + turn.json_chunk));
		for (const piece of pieces) {
			if (turn.delay_ms > 0) await stream.pause(turn.delay_ms);
			if (stream.closed) return;
			stream.send('content_block_delta', {type: 'content_block_delta', index, delta: {type: 'input_json_delta', partial_json: piece}});
		}

		stream.send('content_block_stop', {type: 'content_block_stop', index});
		index++;
	}

	stream.send('message_delta', {type: 'message_delta', delta: {stop_reason: stopReason, stop_sequence: null}, usage: {output_tokens: usage.output_tokens}});
	stream.send('message_stop', {type: 'message_stop'});
	res.end();
}

/** Writes SSE frames and notices when the client has gone away, so the answer stops instead of writing into a dead socket. */
class SseWriter {
	closed = false;
	private readonly wakers = new Set<() => void>();

	constructor(
		req: IncomingMessage,
		private readonly res: ServerResponse,
	) {
		const onClose = () => {
			this.closed = true;
			for (const wake of this.wakers) wake();
		};
		res.on('close', onClose);
		// Keep-alive sockets serve many requests: drop this request's listener when its response ends.
		req.socket.on('close', onClose);
		res.once('close', () => req.socket.off('close', onClose));
	}

	send(event: string, data: unknown): void {
		if (this.closed || this.res.writableEnded) return;
		this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
	}

	/** Resolves once everything written so far has been handed to the kernel. */
	flush(): Promise<void> {
		if (this.closed || this.res.writableEnded) return Promise.resolve();
		return new Promise(resolve => {
			this.res.write('', () => resolve());
		});
	}

	/** Waits, but wakes early when the client disconnects. */
	pause(ms: number): Promise<void> {
		if (this.closed || ms <= 0) return Promise.resolve();
		return new Promise(resolve => {
			const wake = () => {
				clearTimeout(timer);
				this.wakers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, ms);
			this.wakers.add(wake);
		});
	}
}

function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
	sendJson(res, status, {type: 'error', error: {type, message}}, headers);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'request-id': `req_${randomId(24)}`, ...headers});
	res.end(text);
}

function hasCredentials(req: IncomingMessage): boolean {
	const apiKey = req.headers['x-api-key'];
	if (typeof apiKey === 'string' && apiKey.length > 0) return true;
	const authorization = req.headers.authorization;
	return typeof authorization === 'string' && /^Bearer\s+\S+/i.test(authorization);
}

function recordedHeaders(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		const lower = name.toLowerCase();
		out[lower] = lower === 'authorization' || lower === 'x-api-key' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
	}

	return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null;
}

/** Rough token counts (about four characters a token) so usage looks like the real API's. */
function estimateUsage(turn: ScriptTurn, body: unknown): {input_tokens: number; output_tokens: number} {
	const outputChars = turn.text.length + turn.tool_calls.reduce((sum, call) => sum + call.name.length + JSON.stringify(call.input).length, 0);
	return {
		input_tokens: Math.max(1, Math.ceil(JSON.stringify(body).length / 4)),
		output_tokens: Math.max(1, Math.ceil(outputChars / 4)),
	};
}

function fullUsage(inputTokens: number, outputTokens: number) {
	return {input_tokens: inputTokens, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0};
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomId(length: number): string {
	const bytes = randomBytes(length);
	let out = '';
	for (const byte of bytes) out += ID_ALPHABET[byte % ID_ALPHABET.length];
	return out;
}

function newToolUseId(): string {
	return `toolu_01${randomId(22)}`;
}

function deferred(): {promise: Promise<void>; resolve: () => void} {
	let resolve!: () => void;
	const promise = new Promise<void>(r => {
		resolve = r;
	});
	return {promise, resolve};
}
