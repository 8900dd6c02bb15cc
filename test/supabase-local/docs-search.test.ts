/**
 * search_docs through a real MCP client: the GraphQL goes to the content API as it is (here a local stand-in of
 * Supabase's, since this machine has no network), its answer comes back, and every way of not reaching it — nothing
 * listening, no answer before the deadline — is an error that says the search needs the network.
 */
import {once} from 'node:events';
import {mkdtemp, rm} from 'node:fs/promises';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectInMemory, type SupabaseMcpTestClient} from '../helpers/supabase-mcp-client.js';

type Seen = {method: string; contentType: string; body: {query?: string}};

async function listen(handler: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<{server: Server; url: string}> {
	const server = createServer((request, response) => {
		let body = '';
		request.on('data', chunk => {
			body += chunk;
		});
		request.on('end', () => handler(request, response, body));
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	return {server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/docs/api/graphql`};
}

describe('search_docs', () => {
	let workspace: string;
	const servers: Server[] = [];
	const clients: SupabaseMcpTestClient[] = [];
	const connect = async (url: string, timeoutMs?: number) => {
		const client = await connectInMemory({workspace, cacheDir: null, docs: {url, ...(timeoutMs ? {timeoutMs} : {})}, internalTools: false});
		clients.push(client);
		return client;
	};

	beforeAll(async () => {
		workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-docs-'));
	});
	afterAll(async () => {
		for (const client of clients) await client.close();
		for (const server of servers) server.closeAllConnections();
		for (const server of servers) server.close();
		await rm(workspace, {recursive: true, force: true});
	});

	it('sends the GraphQL query to the content API and returns its data', async () => {
		const seen: Seen[] = [];
		const api = await listen((request, response, body) => {
			seen.push({method: request.method ?? '', contentType: request.headers['content-type'] ?? '', body: JSON.parse(body)});
			response.setHeader('content-type', 'application/json');
			response.end(
				JSON.stringify({
					data: {searchDocs: {nodes: [{title: 'Row Level Security', href: 'https://supabase.com/docs/guides/database/postgres/row-level-security'}]}},
				}),
			);
		});
		servers.push(api.server);
		const client = await connect(api.url);
		const query = '{ searchDocs(query: "row level security", limit: 1) { nodes { title href } } }';
		expect(await client.call('search_docs', {graphql_query: query})).toEqual({
			searchDocs: {nodes: [{title: 'Row Level Security', href: 'https://supabase.com/docs/guides/database/postgres/row-level-security'}]},
		});
		expect(seen).toEqual([{method: 'POST', contentType: 'application/json', body: {query}}]);
	});

	it('says what the API refused in a query', async () => {
		const api = await listen((_request, response) => {
			response.setHeader('content-type', 'application/json');
			response.end(JSON.stringify({errors: [{message: 'Cannot query field "nope" on type "RootQueryType".', locations: [{line: 1, column: 3}]}]}));
		});
		servers.push(api.server);
		const {body} = await (await connect(api.url)).callError('search_docs', {graphql_query: '{ nope }'});
		expect(body.error.message).toMatch(/refused the query: Cannot query field "nope"/);
	});

	it('offline: a clear error that the docs search needs the network', async () => {
		const closed = await listen(() => undefined);
		const {url} = closed;
		await new Promise(resolve => closed.server.close(resolve));
		const {body} = await (await connect(url)).callError('search_docs', {graphql_query: '{ schema }'});
		expect(body.error).toMatchObject({name: 'DocsUnavailable', message: expect.stringMatching(/^search_docs needs the network: .*ECONNREFUSED/)});
	});

	it('gives up at its deadline when the API does not answer', async () => {
		const silent = await listen(() => undefined);
		servers.push(silent.server);
		const started = Date.now();
		const {body} = await (await connect(silent.url, 800)).callError('search_docs', {graphql_query: '{ schema }'});
		expect(body.error.message).toMatch(/needs the network: .*no answer within 0.8 s/);
		expect(Date.now() - started).toBeLessThan(5000);
	});
});
