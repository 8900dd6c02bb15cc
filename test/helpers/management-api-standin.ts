/**
 * A local stand-in for the Supabase Management API (and the docs Content API the official MCP server loads its
 * docs tool from), backed by a real Postgres database, so that the official `@supabase/mcp-server-supabase` can be
 * pointed at it with `--api-url` and its effects are real rows and tables. It checks the access token as the real
 * API does and records every request, so tests can assert what reached the "hosted project".
 *
 * Implemented, as the official server 0.13 calls them: `POST /v1/projects/{ref}/database/query` (`read_only: true`
 * runs the SQL in a read-only transaction as the read-only role, as the hosted API does), `GET` and `POST
 * /v1/projects/{ref}/database/migrations`. Anything else answers 404 with a message naming the endpoint.
 */
import {randomBytes} from 'node:crypto';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import pg, {type QueryResult} from 'pg';

/** Supabase's role for read-only access; the stand-in creates it (cluster-wide) when missing. */
export const READ_ONLY_ROLE = 'supabase_read_only_user';

export type RecordedRequest = {
	method: string;
	path: string;
	query: Record<string, string>;
	body: unknown;
	/** Whether the bearer token was the project's. */
	authorized: boolean;
	status: number;
	/** For SQL requests: whether it ran read-only. */
	readOnly?: boolean;
};

export type ManagementApiStandin = {
	/** Base URL to give the official server as `--api-url`. */
	url: string;
	/** The Content API endpoint to give it as `--content-api-url`. */
	contentApiUrl: string;
	projectRef: string;
	accessToken: string;
	requests: RecordedRequest[];
	/** SQL straight on the backing database (the test's view of the "hosted" project). */
	query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
	close(): Promise<void>;
};

class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const DOCS_SCHEMA =
	'schema { query: Query } type Query { searchDocs(query: String!, limit: Int): [Doc!]! } type Doc { title: String href: String content: String }';

/** The API answers with Postgres's JSON: bigint and numeric are numbers there, not strings as pg gives them. */
function jsonLikeTypes(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
	if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
	return pg.types.getTypeParser(oid, format as 'text');
}

async function withClient<T>(databaseUrl: string, fn: (client: InstanceType<typeof pg.Client>) => Promise<T>): Promise<T> {
	const client = new pg.Client({connectionString: databaseUrl, statement_timeout: 30_000, types: {getTypeParser: jsonLikeTypes as never}});
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** Rows of the last statement, as the Management API returns them. */
function lastRows(result: QueryResult | QueryResult[]): unknown[] {
	const last = Array.isArray(result) ? result.at(-1) : result;
	return last?.rows ?? [];
}

async function runQuery(databaseUrl: string, body: {query?: unknown; parameters?: unknown; read_only?: unknown}): Promise<unknown[]> {
	if (typeof body.query !== 'string') throw new ApiError(400, 'query must be a string');
	const query = body.query;
	const parameters = Array.isArray(body.parameters) ? body.parameters : undefined;
	return withClient(databaseUrl, async client => {
		try {
			if (body.read_only === true) {
				await client.query('begin read only');
				await client.query(`set local role ${READ_ONLY_ROLE}`);
				const rows = lastRows(await client.query(query, parameters));
				await client.query('commit');
				return rows;
			}

			return lastRows(await client.query(query, parameters));
		} catch (error) {
			const pgError = error as {code?: string; message: string};
			throw new ApiError(400, `Failed to run sql query: ERROR: ${pgError.code ?? ''}: ${pgError.message}`);
		}
	});
}

async function listMigrations(databaseUrl: string): Promise<unknown[]> {
	return withClient(databaseUrl, async client => (await client.query('select version, name from supabase_migrations.schema_migrations order by version')).rows);
}

async function applyMigration(databaseUrl: string, body: {name?: unknown; query?: unknown}): Promise<void> {
	if (typeof body.query !== 'string' || typeof body.name !== 'string') throw new ApiError(400, 'name and query must be strings');
	const version = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
	await withClient(databaseUrl, async client => {
		await client.query('begin');
		try {
			await client.query(body.query as string);
			await client.query('insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)', [
				version,
				body.name,
				[body.query],
			]);
			await client.query('commit');
		} catch (error) {
			await client.query('rollback');
			const pgError = error as {code?: string; message: string};
			throw new ApiError(400, `Failed to run sql query: ERROR: ${pgError.code ?? ''}: ${pgError.message}`);
		}
	});
}

async function readBody(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	if (!text) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		throw new ApiError(400, 'The request body is not JSON');
	}
}

function send(response: ServerResponse, status: number, value: unknown): void {
	const body = JSON.stringify(value);
	response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)});
	response.end(body);
}

/** Prepares `databaseUrl` (migration ledger, read-only role) and serves the API on a free loopback port. */
export async function startManagementApiStandin(databaseUrl: string): Promise<ManagementApiStandin> {
	const projectRef = randomBytes(10)
		.toString('hex')
		.replace(/[0-9]/g, d => 'abcdefghij'[Number(d)]!)
		.slice(0, 20);
	const accessToken = `sbp_${randomBytes(20).toString('hex')}`;
	await withClient(databaseUrl, async client => {
		await client.query(`
			create schema if not exists supabase_migrations;
			create table if not exists supabase_migrations.schema_migrations (version text primary key, name text, statements text[]);
			-- Roles are shared by the whole server: created once, with its grant, in one transaction.
			do $$ begin
				if not exists (select from pg_roles where rolname = '${READ_ONLY_ROLE}') then
					create role ${READ_ONLY_ROLE} nologin;
					grant pg_read_all_data to ${READ_ONLY_ROLE};
				end if;
			exception when duplicate_object or unique_violation then null;
			end $$;
		`);
	});

	const requests: RecordedRequest[] = [];
	const server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://standin');
		const record: RecordedRequest = {
			method: request.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			body: undefined,
			authorized: request.headers.authorization === `Bearer ${accessToken}`,
			status: 0,
		};
		requests.push(record);
		const handle = async (): Promise<[number, unknown]> => {
			record.body = await readBody(request);
			if (url.pathname.startsWith('/content')) {
				// The docs tool's schema, loaded when tools are listed; searches find nothing here.
				const query = url.searchParams.get('query') ?? (record.body as {query?: string} | undefined)?.query ?? '';
				return [200, {data: /\{\s*schema\s*\}/.test(query) ? {schema: DOCS_SCHEMA} : {searchDocs: []}}];
			}

			if (!record.authorized) return [401, {message: 'Unauthorized'}];
			const match = /^\/v1\/projects\/([^/]+)(\/.*)$/.exec(url.pathname);
			if (!match) throw new ApiError(404, `The Management API stand-in does not implement ${record.method} ${url.pathname}`);
			if (match[1] !== projectRef) throw new ApiError(404, `Project ${match[1]} not found`);
			const endpoint = `${record.method} ${match[2]}`;
			switch (endpoint) {
				case 'POST /database/query': {
					const body = (record.body ?? {}) as {read_only?: unknown};
					record.readOnly = body.read_only === true;
					return [201, await runQuery(databaseUrl, body)];
				}
				case 'GET /database/migrations':
					return [200, await listMigrations(databaseUrl)];
				case 'POST /database/migrations':
					await applyMigration(databaseUrl, (record.body ?? {}) as {name?: unknown; query?: unknown});
					return [200, {}];
				default:
					throw new ApiError(404, `The Management API stand-in does not implement ${endpoint}`);
			}
		};

		handle().then(
			([status, value]) => {
				record.status = status;
				send(response, status, value);
			},
			(error: unknown) => {
				record.status = error instanceof ApiError ? error.status : 500;
				send(response, record.status, {message: (error as Error).message});
			},
		);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;
	return {
		url,
		contentApiUrl: `${url}/content/graphql`,
		projectRef,
		accessToken,
		requests,
		query: async <T>(sql: string, params?: unknown[]) => withClient(databaseUrl, async client => (await client.query(sql, params)).rows as T[]),
		close: async () =>
			new Promise<void>(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
