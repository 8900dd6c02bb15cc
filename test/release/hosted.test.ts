/**
 * The hosted path: the official `@supabase/mcp-server-supabase`, configured in the project's `.mcp.json` as a
 * person would (server `supabase`, token from the environment), pointed at a local stand-in of the Management API
 * backed by a real Postgres. The installed pgpair runs headless with a scripted model: reads run and their answers
 * reach the model; a destructive call is asked, so headless denies it, and the table is still there.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {createTestDatabase} from '../helpers/database-url.js';
import {type InstalledPackage, installedPackage, officialSupabaseServer, runPgpair, workspace} from '../helpers/installed-package.js';
import {type ManagementApiStandin, READ_ONLY_ROLE, startManagementApiStandin} from '../helpers/management-api-standin.js';

const API_KEY = 'sk-ant-test-key-000000000000';

type Message = {role: string; content: Array<{type: string; tool_use_id?: string; content?: unknown; is_error?: boolean; text?: string}>};

/** The tool result the model was sent for `id`, from the requests the scripted model received. */
function resultSent(model: ScriptedServer, id: string): {text: string; isError: boolean} {
	for (const request of model.requests) {
		for (const message of (request.body as {messages: Message[]}).messages) {
			for (const block of Array.isArray(message.content) ? message.content : []) {
				if (block.type === 'tool_result' && block.tool_use_id === id) {
					const text = Array.isArray(block.content) ? block.content.map(c => (c as {text?: string}).text ?? '').join('') : String(block.content);
					return {text, isError: block.is_error === true};
				}
			}
		}
	}
	throw new Error(`No tool result for ${id} reached the model`);
}

function writeHostedConfig(dir: string, officialBin: string): void {
	fs.writeFileSync(
		path.join(dir, '.mcp.json'),
		JSON.stringify(
			{
				mcpServers: {
					supabase: {
						command: officialBin,
						args: ['--project-ref=${SUPABASE_PROJECT_REF}', '--api-url=${SUPABASE_API_URL}', '--content-api-url=${SUPABASE_API_URL}/content/graphql'],
						env: {SUPABASE_ACCESS_TOKEN: '${SUPABASE_ACCESS_TOKEN}'},
					},
				},
			},
			null,
			2,
		),
	);
}

describe('a hosted project through the official Supabase MCP server', () => {
	let pkg: InstalledPackage;
	let officialBin: string;
	let api: ManagementApiStandin;
	let drop: () => Promise<void>;

	beforeAll(async () => {
		[pkg, officialBin] = await Promise.all([installedPackage(), officialSupabaseServer()]);
		const database = await createTestDatabase('pgpair_hosted');
		drop = database.drop;
		api = await startManagementApiStandin(database.url);
		await api.query("create table public.notes (id int primary key, body text not null); insert into public.notes values (1, 'keep me')");
	}, 300_000);

	afterAll(async () => {
		await api?.close();
		await drop?.();
	});

	it('stand-in: checks the token, and runs read_only SQL in a read-only transaction as the read-only role', async () => {
		const post = async (body: object, token = api.accessToken) =>
			fetch(`${api.url}/v1/projects/${api.projectRef}/database/query`, {
				method: 'POST',
				headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
				body: JSON.stringify(body),
			});
		expect((await post({query: 'select 1'}, 'sbp_0000')).status).toBe(401);
		const who = await post({query: 'select current_user as u, current_setting($1) as ro', parameters: ['transaction_read_only'], read_only: true});
		expect(await who.json()).toEqual([{u: READ_ONLY_ROLE, ro: 'on'}]);
		const write = await post({query: 'drop table public.notes', read_only: true});
		expect(write.status).toBe(400);
		expect(((await write.json()) as {message: string}).message).toMatch(/25006/);
		expect(await api.query('select body from public.notes')).toEqual([{body: 'keep me'}]);
		api.requests.length = 0;
	});

	it('runs the reads through the read-only server, sends their answers to the model, and denies the drop without running it', async () => {
		const dir = workspace(pkg, 'hosted');
		writeHostedConfig(dir, officialBin);
		// A new .mcp.json server starts only once trusted, as a person would with the installed command.
		const trust = await runPgpair(pkg, ['trust', '--yes'], {cwd: dir, env: {}, timeoutMs: 60_000});
		expect(trust.status).toBe(0);
		expect(trust.stdout).toMatch(/supabase: runs .*mcp-server-supabase/);
		const model = await startScriptedServer({
			turns: [
				{text: 'Looking at the tables.', tool_calls: [{id: 'toolu_h1', name: 'mcp__supabase__list_tables', input: {schemas: ['public']}}]},
				{text: 'Reading the notes.', tool_calls: [{id: 'toolu_h2', name: 'mcp__supabase__execute_sql', input: {query: 'select body from public.notes'}}]},
				{text: 'Dropping the old table.', tool_calls: [{id: 'toolu_h3', name: 'mcp__supabase__execute_sql', input: {query: 'drop table public.notes;'}}]},
				{text: 'The drop was not allowed, so the table stays.'},
			],
		} as never);
		try {
			const run = await runPgpair(pkg, ['-p', 'clean up the notes table', '--output-format', 'stream-json'], {
				cwd: dir,
				env: {
					ANTHROPIC_API_KEY: API_KEY,
					ANTHROPIC_BASE_URL: model.url,
					SUPABASE_ACCESS_TOKEN: api.accessToken,
					SUPABASE_PROJECT_REF: api.projectRef,
					SUPABASE_API_URL: api.url,
				},
				timeoutMs: 180_000,
			});
			expect(run.status).toBe(0);
			expect(run.stderr).toMatch(/denied mcp__supabase__execute_sql: .*headless/);
			// A hosted project is production unless the person says otherwise, and pgpair says what it can promise there.
			expect(run.stderr).toMatch(/supabase is a hosted Supabase project, treated as production/);

			// Classified like the local server's calls: the same tool names, the same verdicts.
			const events = run.stdout
				.trim()
				.split('\n')
				.map(line => JSON.parse(line) as {type: string; callId?: string; name?: string; classification?: {class: string}; decision?: string});
			const requested = events.filter(e => e.type === 'tool_call_requested').map(e => [e.name, e.classification?.class]);
			expect(requested).toEqual([
				['mcp__supabase__list_tables', 'read-only'],
				['mcp__supabase__execute_sql', 'read-only'],
				['mcp__supabase__execute_sql', 'destructive'],
			]);
			expect(events.filter(e => e.type === 'tool_call_decided').map(e => e.decision)).toEqual(['allow', 'allow', 'deny']);

			// The answers of the hosted project reached the model.
			const tables = resultSent(model, 'toolu_h1');
			expect(tables.isError).toBe(false);
			expect(JSON.parse(tables.text).tables).toEqual([expect.objectContaining({name: 'public.notes', rls_enabled: false})]);
			const notes = resultSent(model, 'toolu_h2');
			expect(notes.isError).toBe(false);
			expect(notes.text).toContain('keep me');
			const dropped = resultSent(model, 'toolu_h3');
			expect(dropped.isError).toBe(true);

			// What reached the "hosted project": only read-only requests (the model's reads and pgpair's own look-ups,
			// all through the server's read-only mode), with the right token, and no drop.
			const sql = api.requests.filter(r => r.path.endsWith('/database/query'));
			expect(sql.every(r => r.authorized && r.status === 201)).toBe(true);
			expect(sql.every(r => r.readOnly)).toBe(true);
			const queries = sql.map(r => (r.body as {query: string}).query);
			expect(queries).toContain('select body from public.notes');
			expect(JSON.stringify(api.requests)).not.toMatch(/drop table/i);
			// pgpair's own look-ups are on the record.
			const own = events.filter(e => e.type === 'internal_call_completed');
			expect(own.length).toBeGreaterThan(0);
			expect(await api.query("select to_regclass('public.notes') is not null as present, (select body from public.notes where id = 1) as body")).toEqual([
				{present: true, body: 'keep me'},
			]);

			// The access token is a secret: it reached the server, never the transcript.
			const transcript = fs.readFileSync(path.join(dir, 'sessions', fs.readdirSync(path.join(dir, 'sessions'))[0]!), 'utf8');
			expect(transcript).not.toContain(api.accessToken);
			expect(run.stdout).not.toContain(api.accessToken);
		} finally {
			await model.close();
		}
	}, 240_000);

	it("passes the API's refusal of a wrong token on to the model", async () => {
		api.requests.length = 0;
		const dir = workspace(pkg, 'hosted-token');
		writeHostedConfig(dir, officialBin);
		expect((await runPgpair(pkg, ['trust', '--yes'], {cwd: dir, env: {}, timeoutMs: 60_000})).status).toBe(0);
		const model = await startScriptedServer({
			turns: [{text: 'Looking.', tool_calls: [{id: 'toolu_t1', name: 'mcp__supabase__list_tables', input: {}}]}, {text: 'The token was refused.'}],
		} as never);
		try {
			const wrongToken = `sbp_${'0'.repeat(40)}`;
			const run = await runPgpair(pkg, ['-p', 'list my tables'], {
				cwd: dir,
				env: {
					ANTHROPIC_API_KEY: API_KEY,
					ANTHROPIC_BASE_URL: model.url,
					SUPABASE_ACCESS_TOKEN: wrongToken,
					SUPABASE_PROJECT_REF: api.projectRef,
					SUPABASE_API_URL: api.url,
				},
				timeoutMs: 180_000,
			});
			expect(run).toMatchObject({status: 0, stdout: 'The token was refused.\n'});
			const refused = resultSent(model, 'toolu_t1');
			expect(refused.isError).toBe(true);
			expect(refused.text).toMatch(/Unauthorized/);
			const reached = api.requests.filter(r => r.path.startsWith('/v1/'));
			expect(reached.length).toBeGreaterThan(0);
			expect(reached.every(r => !r.authorized && r.status === 401)).toBe(true);
		} finally {
			await model.close();
		}
	}, 240_000);
});
