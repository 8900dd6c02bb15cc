import http, {type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

export type Gateway = {url: string; port: number; close(): Promise<void>};

/** Starts an HTTP server on 127.0.0.1 (never another interface: functions hold secrets and the service-role key). */
export async function startGateway(port: number, handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<Gateway> {
	const server = http.createServer((request, response) => {
		handle(request, response).catch((error: unknown) => {
			if (!response.headersSent) sendJson(response, 500, {code: 'GATEWAY_ERROR', message: (error as Error).message});
			else response.destroy();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `Cannot serve edge functions on 127.0.0.1:${port}: the port is in use.`
						: `Cannot serve edge functions: ${error.message}`,
				),
			);
		});
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const actual = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${actual}`,
		port: actual,
		close: () =>
			new Promise<void>(resolve => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** The gateway's own answers use the JSON shape of Supabase's: `{code, message}`. */
export function sendJson(response: ServerResponse, status: number, body: Record<string, unknown>): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)});
	response.end(text);
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/**
 * Streams the request to a function's process and its answer back. Rejects when the process fails before
 * answering (the caller turns that into a 502); a failure after the answer started cuts the response.
 */
export function proxy(request: IncomingMessage, response: ServerResponse, target: {port: number; agent: http.Agent; path: string}): Promise<void> {
	return new Promise((resolve, reject) => {
		const headers = {...request.headers};
		for (const name of HOP_BY_HOP) delete headers[name];
		headers.host = `127.0.0.1:${target.port}`;
		const upstream = http.request({host: '127.0.0.1', port: target.port, method: request.method, path: target.path, headers, agent: target.agent}, answer => {
			const answerHeaders = {...answer.headers};
			for (const name of HOP_BY_HOP) delete answerHeaders[name];
			response.writeHead(answer.statusCode ?? 502, answerHeaders);
			answer.pipe(response);
			answer.once('end', () => resolve());
			answer.once('error', () => {
				response.destroy();
				resolve();
			});
		});
		upstream.once('error', error => {
			if (response.headersSent) {
				response.destroy();
				resolve();
			} else {
				reject(error);
			}
		});
		request.pipe(upstream);
	});
}
