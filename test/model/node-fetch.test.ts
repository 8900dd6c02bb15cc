import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {PassThrough} from 'node:stream';
import zlib from 'node:zlib';
import {afterEach, describe, expect, it} from 'vitest';
import {batchedBody, nodeFetch} from '../../source/model/node-fetch.js';

const servers: http.Server[] = [];
afterEach(async () => {
	for (const server of servers.splice(0)) {
		server.closeAllConnections();
		await new Promise(resolve => server.close(resolve));
	}
});

async function serve(handler: http.RequestListener): Promise<string> {
	const server = http.createServer(handler);
	servers.push(server);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the fetch the model client uses', () => {
	it('sends method, headers and body, and hands back status, headers and the body', async () => {
		const url = await serve((request, response) => {
			let body = '';
			request.on('data', chunk => (body += chunk));
			request.on('end', () => {
				response.setHeader('set-cookie', ['a=1', 'b=2']);
				response.writeHead(201, 'Made', {'content-type': 'application/json', 'request-id': 'req_1'});
				response.end(JSON.stringify({method: request.method, key: request.headers['x-api-key'], length: request.headers['content-length'], body}));
			});
		});
		const response = await nodeFetch(`${url}/v1/messages`, {
			method: 'POST',
			headers: {'x-api-key': 'k1', 'content-type': 'application/json'},
			body: '{"ünï":"côdé"}',
		});
		expect(response.status).toBe(201);
		expect(response.statusText).toBe('Made');
		expect(response.headers.get('request-id')).toBe('req_1');
		expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
		expect(await response.json()).toEqual({method: 'POST', key: 'k1', length: String(Buffer.byteLength('{"ünï":"côdé"}')), body: '{"ünï":"côdé"}'});
	});

	it('streams the body as it arrives', async () => {
		let release: () => void = () => undefined;
		const url = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'text/event-stream'});
			response.write('event: one\n\n');
			release = () => response.end('event: two\n\n');
		});
		const response = await nodeFetch(url);
		const reader = response.body!.getReader();
		const first = await reader.read();
		expect(new TextDecoder().decode(first.value)).toBe('event: one\n\n');
		release();
		const rest = await reader.read();
		expect(new TextDecoder().decode(rest.value)).toBe('event: two\n\n');
		expect((await reader.read()).done).toBe(true);
	});

	it('passes on what arrives within a few milliseconds as one chunk, the first at once', async () => {
		const source = new PassThrough();
		const reader = batchedBody(source).getReader();
		source.write('data: 0\n\n');
		const first = await reader.read();
		// Twenty events in the same moment, as a fast stream delivers them.
		for (let i = 1; i <= 20; i++) source.write(`data: ${i}\n\n`);
		source.end();
		const rest: string[] = [];
		for (;;) {
			const {done, value} = await reader.read();
			if (done) break;
			rest.push(new TextDecoder().decode(value));
		}

		expect(new TextDecoder().decode(first.value)).toBe('data: 0\n\n');
		expect(rest.join('')).toBe(Array.from({length: 20}, (_, i) => `data: ${i + 1}\n\n`).join(''));
		// One batch (two, if this machine stalled for a whole batch window between the first read and the writes).
		expect(rest.length).toBeLessThanOrEqual(2);
	});

	it('delivers what arrived before a connection broke, then the error', async () => {
		const url = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'text/event-stream'});
			response.write('data: kept\n\n');
			setTimeout(() => response.socket?.destroy(), 20);
		});
		const response = await nodeFetch(url);
		const reader = response.body!.getReader();
		expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: kept\n\n');
		await expect(reader.read()).rejects.toMatchObject({code: 'ECONNRESET'});
	});

	it('decodes a compressed body, as fetch does', async () => {
		const url = await serve((_request, response) => {
			response.writeHead(200, {'content-encoding': 'gzip', 'content-type': 'text/plain'});
			response.end(zlib.gzipSync('hello, compressed world'));
		});
		const response = await nodeFetch(url);
		expect(response.headers.get('content-encoding')).toBeNull();
		expect(await response.text()).toBe('hello, compressed world');
	});

	it('fails the body with an AbortError when the request is aborted mid-stream', async () => {
		const url = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'text/event-stream'});
			response.write('data: 1\n\n');
		});
		const controller = new AbortController();
		const response = await nodeFetch(url, {signal: controller.signal});
		const reader = response.body!.getReader();
		await reader.read();
		controller.abort();
		await expect(reader.read()).rejects.toMatchObject({name: 'AbortError'});
	});

	it('rejects with an AbortError when aborted before the answer, and sends nothing when already aborted', async () => {
		let requests = 0;
		const url = await serve(() => {
			requests += 1;
		});
		const controller = new AbortController();
		const pending = nodeFetch(url, {signal: controller.signal});
		await new Promise(resolve => setTimeout(resolve, 50));
		controller.abort();
		await expect(pending).rejects.toMatchObject({name: 'AbortError'});
		await expect(nodeFetch(url, {signal: AbortSignal.abort()})).rejects.toMatchObject({name: 'AbortError'});
		expect(requests).toBe(1);
	});

	it('reports a refused connection like fetch: a TypeError with the socket error as its cause', async () => {
		const url = await serve(() => undefined);
		await new Promise(resolve => servers.pop()!.close(resolve));
		const error = await nodeFetch(url).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe('fetch failed');
		expect(((error as Error).cause as {code?: string}).code).toBe('ECONNREFUSED');
	});

	it('gives a 204 answer no body', async () => {
		const url = await serve((_request, response) => {
			response.writeHead(204);
			response.end();
		});
		const response = await nodeFetch(url, {method: 'DELETE'});
		expect(response.status).toBe(204);
		expect(response.body).toBeNull();
	});
});
