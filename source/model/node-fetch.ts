/**
 * A `fetch` for the Anthropic SDK on Node's own http/https modules.
 *
 * Node's global fetch (undici + WHATWG byte streams) costs about three times the CPU of node:http per
 * chunk received; a streamed answer arrives as thousands of small chunks, so on these machines it was
 * ~0.2 CPU-seconds of a 2,000-delta answer. The SDK takes a custom fetch as a documented option and
 * keeps doing everything else (headers, retries off, SSE decoding, typed events, errors).
 *
 * Only what the SDK uses is supported: a URL, method, headers, a string/bytes body, and an AbortSignal.
 */
import http from 'node:http';
import https from 'node:https';
import type {Readable} from 'node:stream';
import zlib from 'node:zlib';

const agents = {
	'http:': new http.Agent({keepAlive: true}),
	'https:': new https.Agent({keepAlive: true}),
};

export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
	if (typeof Request !== 'undefined' && input instanceof Request) return fetch(input, init);
	const url = new URL(String(input));
	const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
	if (!transport) return fetch(input, init);
	const signal = init.signal ?? undefined;
	if (signal?.aborted) throw abortError(signal);

	const body = await requestBody(init.body);
	const headers = Object.fromEntries(new Headers(init.headers).entries());
	if (body !== undefined) headers['content-length'] = String(body.byteLength);

	return new Promise<Response>((resolve, reject) => {
		let received: http.IncomingMessage | undefined;
		const request = transport.request(url, {method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:']}, response => {
			received = response;
			const responseHeaders = new Headers();
			for (const [name, value] of Object.entries(response.headers)) {
				if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
				else if (value !== undefined) responseHeaders.set(name, value);
			}

			const status = response.statusCode ?? 502;
			// We never ask for compression, but a proxy may compress anyway; fetch would decode it, so do we.
			const decoded = decoder(response.headers['content-encoding']);
			if (decoded) responseHeaders.delete('content-encoding');
			const source = (decoded ? response.pipe(decoded) : response) as Readable;
			if (decoded) response.on('error', error => decoded.destroy(error));
			// A Response may not carry a body for these statuses.
			const stream = status === 204 || status === 205 || status === 304 || init.method === 'HEAD' ? null : batchedBody(source);
			if (!stream) response.resume();
			resolve(new Response(stream, {status, statusText: response.statusMessage ?? '', headers: responseHeaders}));
		});

		// The body must fail with the AbortError itself (as with fetch), not with the socket's ECONNRESET, so the
		// SDK and the model port can tell "we stopped it" from "the network broke".
		const onAbort = () => {
			const error = abortError(signal!);
			received?.destroy(error);
			request.destroy(error);
		};
		signal?.addEventListener('abort', onAbort, {once: true});
		request.on('close', () => signal?.removeEventListener('abort', onAbort));
		request.on('error', error => {
			// Like fetch: a failure before the response is a TypeError with the cause attached.
			reject(signal?.aborted ? abortError(signal) : Object.assign(new TypeError('fetch failed'), {cause: error}));
		});
		request.end(body);
	});
}

/**
 * The body as a web stream that passes on what arrived within BATCH_MS as one chunk. A streamed answer
 * arrives as thousands of small TCP chunks, each of which would otherwise take its own trip through the
 * web stream, the SDK's decoder and the model port. The first chunk after a quiet spell and the end of
 * the body go out at once, so batching adds at most BATCH_MS to any byte (the screen draws every 33 ms).
 */
export const BATCH_MS = 8;

export function batchedBody(source: Readable): ReadableStream<Uint8Array> {
	let pending: Buffer[] = [];
	let timer: NodeJS.Timeout | undefined;
	let lastFlush = 0;
	let done = false;
	return new ReadableStream<Uint8Array>({
		start(controller) {
			const flush = () => {
				clearTimeout(timer);
				timer = undefined;
				if (pending.length === 0) return;
				const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
				pending = [];
				lastFlush = performance.now();
				controller.enqueue(chunk);
				// A slow reader: stop reading the socket until it asks for more (pull).
				if ((controller.desiredSize ?? 1) <= 0) source.pause();
			};

			source.on('data', (chunk: Buffer) => {
				pending.push(chunk);
				if (timer) return;
				const wait = BATCH_MS - (performance.now() - lastFlush);
				if (wait <= 0) flush();
				else timer = setTimeout(flush, wait);
			});
			source.on('end', () => {
				flush();
				done = true;
				controller.close();
			});
			source.on('error', error => {
				// What arrived before the failure is delivered first, as fetch would have.
				flush();
				done = true;
				controller.error(error);
			});
		},
		pull() {
			if (!done) source.resume();
		},
		cancel(reason) {
			clearTimeout(timer);
			source.destroy(reason instanceof Error ? reason : undefined);
		},
	});
}

function decoder(encoding: string | undefined): (NodeJS.ReadWriteStream & {destroy(error?: Error): void}) | undefined {
	switch (encoding?.trim().toLowerCase()) {
		case 'gzip':
		case 'x-gzip':
			return zlib.createGunzip();
		case 'deflate':
			return zlib.createInflate();
		case 'br':
			return zlib.createBrotliDecompress();
		default:
			return undefined;
	}
}

async function requestBody(body: RequestInit['body']): Promise<Uint8Array | undefined> {
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'string') return Buffer.from(body);
	if (body instanceof Uint8Array) return body;
	if (body instanceof ArrayBuffer) return new Uint8Array(body);
	return new Uint8Array(await new Response(body).arrayBuffer());
}

function abortError(signal: AbortSignal): Error {
	const reason: unknown = signal.reason;
	if (reason instanceof Error && reason.name === 'AbortError') return reason;
	return Object.assign(new Error('This operation was aborted'), {name: 'AbortError', cause: reason});
}
