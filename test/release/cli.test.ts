/**
 * The installed `pgpair` command line: version, help, a headless turn on the embedded database and on a real
 * Postgres through DATABASE_URL. The model is the scripted Messages-API server, reached over HTTP as the real API
 * would be, so what pgpair sends the model can be read back.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {afterEach, describe, expect, it} from 'vitest';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {createTestDatabase} from '../helpers/database-url.js';
import {installedPackage, runPgpair, workspace} from '../helpers/installed-package.js';
import {REPO_ROOT} from '../helpers/paths.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {version: string}).version;
const API_KEY = 'sk-ant-test-key-000000000000';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function model(script: object): Promise<ScriptedServer> {
	const server = await startScriptedServer(script as never);
	cleanups.push(() => server.close());
	return server;
}

/** The tool results pgpair sent the model in its request after the tool ran. */
function toolResults(server: ScriptedServer): Array<{tool_use_id: string; content: unknown; is_error?: boolean}> {
	const last = server.requests.at(-1)?.body as {messages: Array<{role: string; content: Array<Record<string, unknown>>}>};
	return last.messages.flatMap(m => (Array.isArray(m.content) ? m.content : [])).filter(b => b['type'] === 'tool_result') as never;
}

const text = (content: unknown) => (Array.isArray(content) ? content.map((c: {text?: string}) => c.text ?? '').join('') : String(content));

const LIST_TABLES = {
	turns: [
		{text: 'Looking at the schema.', tool_calls: [{id: 'toolu_list_1', name: 'mcp__supabase__list_tables', input: {schemas: ['public']}}]},
		{text: 'That is the schema.'},
	],
};

describe('the installed pgpair command', () => {
	it('prints its version and its usage', async () => {
		const pkg = await installedPackage();
		const dir = workspace(pkg, 'cli');
		const version = await runPgpair(pkg, ['--version'], {cwd: dir});
		expect(version).toMatchObject({status: 0, stdout: `${VERSION}\n`});
		const help = await runPgpair(pkg, ['--help'], {cwd: dir});
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^pgpair — pair-program with a Claude backend engineer/);
		expect(help.stdout).toContain('pgpair mcp [--read-only]');
		const wrong = await runPgpair(pkg, ['--output-format', 'xml', 'hi'], {cwd: dir});
		expect(wrong.status).toBe(2);
		expect(wrong.stderr).toContain('--output-format must be text, json or stream-json');
	});

	it('runs a headless turn on the embedded database: the read runs unasked and its answer reaches the model', async () => {
		const pkg = await installedPackage();
		const dir = workspace(pkg, 'headless');
		const server = await model(LIST_TABLES);
		const run = await runPgpair(pkg, ['-p', 'what tables do I have?'], {cwd: dir, env: {ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: server.url}});
		expect(run.stderr).toBe('');
		expect(run).toMatchObject({status: 0, stdout: 'That is the schema.\n'});
		expect(server.requests).toHaveLength(2);
		const [result] = toolResults(server);
		expect(result).toMatchObject({tool_use_id: 'toolu_list_1'});
		expect(result!.is_error).toBeUndefined();
		expect(JSON.parse(text(result!.content))).toEqual({tables: []});
		// The built-in server kept its data in the project, where the next run finds it.
		expect(fs.readdirSync(path.join(dir, '.pgpair', 'db')).length).toBeGreaterThan(0);
		expect(fs.readdirSync(path.join(dir, 'sessions'))).toHaveLength(1);
	});

	it('works on a real Postgres through DATABASE_URL, with no embedded database created', async () => {
		const pkg = await installedPackage();
		const database = await createTestDatabase('pgpair_release');
		cleanups.push(() => database.drop());
		const client = new pg.Client({connectionString: database.url});
		await client.connect();
		await client.query('create table public.orders (id bigint primary key, total numeric not null); insert into public.orders values (1, 9.5)');
		await client.end();

		const dir = workspace(pkg, 'database-url');
		const server = await model(LIST_TABLES);
		const run = await runPgpair(pkg, ['-p', 'what tables do I have?'], {
			cwd: dir,
			env: {ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: server.url, DATABASE_URL: database.url},
		});
		expect(run.stderr).toBe('');
		expect(run).toMatchObject({status: 0, stdout: 'That is the schema.\n'});
		const [result] = toolResults(server);
		expect(JSON.parse(text(result!.content))).toMatchObject({tables: [{name: 'public.orders', rls_enabled: false, rows: 1}], advisory: {id: 'rls_disabled'}});
		expect(fs.existsSync(path.join(dir, '.pgpair', 'db'))).toBe(false);
		// The transcript keeps the database password out.
		const transcript = fs.readFileSync(path.join(dir, 'sessions', fs.readdirSync(path.join(dir, 'sessions'))[0]!), 'utf8');
		expect(transcript).not.toContain(new URL(database.url).password);
	});
});
