/**
 * `pgpair mcp` from the installed package, reached by a separate MCP client over stdio as Claude Code would reach
 * it: every tool once, with the effects read back (pgvector from the bundle's copy of its extension, advisors,
 * type generation with the installed formatter, branches), and the read-only mode.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectInstalledMcp, type InstalledPackage, installedPackage, workspace} from '../helpers/installed-package.js';
import {unfence} from '../helpers/supabase-mcp-client.js';
import {ALL_TOOL_NAMES, OUTSIDE_TOOL_NAMES, WRITE_TOOLS} from '../supabase-local/tool-suite.js';

const HELLO =
	'Deno.serve(async (req: Request) => {\n\ttry {\n\t\tconst {name} = await req.json();\n\t\treturn Response.json({hi: name});\n\t} catch {\n\t\treturn Response.json({error: "bad body"}, {status: 400});\n\t}\n});\n';

describe('pgpair mcp from the installed package', () => {
	let pkg: InstalledPackage;
	let dir: string;
	let mcp: Awaited<ReturnType<typeof connectInstalledMcp>>;
	const called = new Set<string>();
	const call = async (name: string, args: Record<string, unknown> = {}) => {
		called.add(name);
		return mcp.call(name, args);
	};
	const sql = async (query: string, projectId?: string) =>
		unfence((await call('execute_sql', {query, ...(projectId ? {project_id: projectId} : {})})).result).data;

	beforeAll(async () => {
		pkg = await installedPackage();
		dir = workspace(pkg, 'mcp');
		mcp = await connectInstalledMcp(pkg, dir, {args: ['--workspace', dir], clientName: 'pgpair'});
	}, 180_000);

	afterAll(async () => {
		await mcp?.close().catch(() => undefined);
	});

	it("lists pgpair's own client the official tools and pgpair's own, and any other client the official ones", async () => {
		const {tools} = await mcp.client.listTools();
		expect(tools.map(t => t.name).sort()).toEqual([...ALL_TOOL_NAMES].sort());
		// Listing starts no database, so a second server on the same workspace may answer it.
		const outside = await connectInstalledMcp(pkg, dir, {args: ['--workspace', dir], clientName: 'claude-code'});
		try {
			expect((await outside.client.listTools()).tools.map(t => t.name).sort()).toEqual([...OUTSIDE_TOOL_NAMES].sort());
		} finally {
			await outside.close();
		}
		// The list shipped beside the bundle (what the TUI offers before the server starts) is the server's own
		// answer, whatever the workspace.
		const shipped = JSON.parse(fs.readFileSync(path.join(pkg.packageDir, 'dist', 'supabase-tools.json'), 'utf8')) as {tools: unknown[]};
		expect(shipped.tools).toEqual(tools);
	});

	it('applies a migration with pgvector, reads it back, and keeps reads read-only', async () => {
		expect(await call('list_tables')).toEqual({tables: []});
		expect((await call('list_extensions')).extensions.map((e: {name: string}) => e.name)).toContain('vector');
		const query = 'create extension if not exists vector;\ncreate table public.notes (id bigint primary key, body text not null, embedding vector(3));';
		expect(await call('apply_migration', {name: 'create_notes', query})).toEqual({success: true});
		expect((await call('list_migrations')).migrations).toEqual([expect.objectContaining({name: 'create_notes'})]);
		expect(
			await sql(
				"insert into public.notes values (1, 'near', '[1,0,0]'), (2, 'far', '[0,0,9]'); select body from public.notes order by embedding <-> '[1,0,0]' limit 1",
			),
		).toEqual([{body: 'near'}]);
		expect((await call('list_tables')).tables).toEqual([expect.objectContaining({name: 'public.notes', rows: 2})]);

		const reads = unfence((await call('pgpair_execute_sql_read_only', {query: 'select count(*)::int as n from public.notes'})).result).data;
		expect(reads).toEqual([{n: 2}]);
		called.add('pgpair_execute_sql_read_only');
		// The read route proves the SQL again and refuses what is not a proven read; nothing of it runs.
		const write = await mcp.callError('pgpair_execute_sql_read_only', {query: 'delete from public.notes'});
		expect(write.body.error.message).toMatch(/not provably read-only/);
		expect(await call('pgpair_check_read_only', {query: 'select body from public.notes'})).toEqual({read_only: true});
		expect((await call('pgpair_check_read_only', {query: 'select pg_sleep(1)'})).read_only).toBe(false);
		called.add('pgpair_check_read_only');
		expect(await call('pgpair_capabilities')).toEqual({engine: 'pglite', sandbox: true, reader: true});
		called.add('pgpair_capabilities');

		const preview = await call('pgpair_preview_sql', {query: 'delete from public.notes where id = 2', mode: 'sql'});
		expect(preview.sandbox).toBe('frozen');
		expect(preview.rows).toEqual([expect.objectContaining({table: 'public.notes', operation: 'delete', count: 1})]);
		expect(await sql('select count(*)::int as n from public.notes')).toEqual([{n: 2}]);
	});

	it('runs the advisors and generates types', async () => {
		const security = await call('get_advisors', {type: 'security'});
		const rls = security.result.lints.find((l: {name: string}) => l.name === 'rls_disabled_in_public');
		expect(rls.findings.map((f: {cache_key: string}) => f.cache_key)).toContain('rls_disabled_in_public_public_notes');
		const performance = await call('get_advisors', {type: 'performance'});
		expect(performance.result.lints.every((l: {categories: string[]}) => l.categories.includes('PERFORMANCE'))).toBe(true);
		const {types} = await call('generate_typescript_types');
		expect(types).toContain('export type Database = {');
		expect(types).toMatch(/notes: \{\s+Row: \{\s+body: string\s+embedding: string \| null\s+id: number/);
	});

	it('creates, changes, merges, resets, rebases and deletes a branch', async () => {
		const branch = await call('create_branch', {name: 'feature', confirm_cost_id: 'local'});
		expect((await call('list_branches')).branches.map((b: {name: string}) => b.name)).toEqual(['main', 'feature']);
		await call('apply_migration', {project_id: branch.project_ref, name: 'add_title', query: 'alter table public.notes add column title text;'});
		expect(await call('merge_branch', {branch_id: branch.id})).toEqual({success: true});
		expect(await sql("select count(*)::int as n from information_schema.columns where table_name = 'notes' and column_name = 'title'")).toEqual([{n: 1}]);
		expect(await call('reset_branch', {branch_id: branch.id})).toEqual({success: true});
		await call('apply_migration', {name: 'add_tags', query: 'create table public.tags (id int primary key);'});
		expect(await call('rebase_branch', {branch_id: branch.id})).toEqual({success: true});
		expect(await call('list_migrations', {project_id: branch.project_ref})).toEqual(await call('list_migrations'));
		expect(await call('delete_branch', {branch_id: branch.id})).toEqual({success: true});
		expect((await call('list_branches')).branches).toHaveLength(1);
	});

	it('deploys, lists, gets, invokes and probes a function, and answers secret, storage, log and docs look-ups', async () => {
		const {url} = await call('get_project_url');
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect((await call('get_publishable_keys')).keys.map((k: {name: string}) => k.name)).toContain('anon');
		await call('deploy_edge_function', {name: 'hi', files: [{name: 'index.ts', content: HELLO}]});
		expect((await call('list_edge_functions')).functions.map((f: {slug: string}) => f.slug)).toEqual(['hi']);
		expect((await call('get_edge_function', {function_slug: 'hi'})).files).toEqual([{name: 'index.ts', content: HELLO}]);
		const invoked = unfence((await call('invoke_edge_function', {slug: 'hi', body: {name: 'Ada'}})).result).data;
		expect(invoked).toMatchObject({status: 200, body: '{"hi":"Ada"}'});
		expect(await call('pgpair_probe_edge_function', {slug: 'hi'})).toMatchObject({slug: 'hi', ok: true});
		expect(await call('create_edge_function_secret', {name: 'HI_SECRET'})).toMatchObject({stored: false, status: 'awaiting_value'});
		expect(fs.readFileSync(path.join(dir, 'supabase', 'functions', '.env'), 'utf8')).toMatch(/^HI_SECRET=$/m);
		expect(await call('list_storage_buckets')).toEqual({buckets: []});
		const storage = await call('get_storage_config');
		expect(await call('update_storage_config', {config: {...storage, fileSizeLimit: 1_048_576}})).toEqual({success: true});
		expect((await call('get_storage_config')).fileSizeLimit).toBe(1_048_576);
		const requests = unfence((await call('query_logs', {sql: "select count(*) as n from logs where source = 'function_edge_logs'"})).result).data;
		expect(requests[0].n).toBeGreaterThan(0);
		// The docs are online only: offline the call says so (with the network it answers).
		const docs = await mcp.raw('search_docs', {graphql_query: '{ searchDocs(query: "storage", limit: 1) { nodes { title } } }'});
		called.add('search_docs');
		if (docs.isError) expect(JSON.stringify(docs.content)).toMatch(/needs the network/);
		else expect(JSON.stringify(docs.content)).toMatch(/searchDocs/);
		const postgres = unfence((await call('get_logs', {service: 'postgres'})).result).data;
		expect(Array.isArray(postgres)).toBe(true);
		expect(unfence((await call('get_logs', {service: 'edge-function'})).result).data).toEqual(
			expect.arrayContaining([expect.objectContaining({status_code: 200})]),
		);
	}, 120_000);

	it('saves a checkpoint, says what a rewind would bring back, and brings it back', async () => {
		const saved = await call('pgpair_checkpoint_save', {checkpoint_id: 'cp-release1'});
		expect(saved).toMatchObject({kind: 'snapshot', ref: expect.any(String)});
		expect(saved.bytes).toBeGreaterThan(0);
		await sql('delete from public.notes');
		const plan = await call('pgpair_checkpoint_plan', {checkpoint_ids: ['cp-release1']});
		expect(plan).toMatchObject({available: true, tables: expect.arrayContaining([{name: 'public.notes', rowsThen: 2, rowsNow: 0}])});
		expect(await call('pgpair_checkpoint_restore', {checkpoint_ids: ['cp-release1']})).toMatchObject({
			report: expect.arrayContaining(['Database restored as it was at the checkpoint.']),
		});
		expect(await sql('select count(*)::int as n from public.notes')).toEqual([{n: 2}]);
	});

	it('has called every tool it lists', () => {
		expect([...called].sort()).toEqual([...ALL_TOOL_NAMES].sort());
	});

	it('hides the write tools and refuses writes with --read-only', async () => {
		// One server at a time owns the project's embedded database.
		await mcp.close();
		const readOnly = await connectInstalledMcp(pkg, dir, {args: ['--workspace', dir, '--read-only'], env: {}});
		try {
			const names = (await readOnly.client.listTools()).tools.map(t => t.name);
			for (const write of WRITE_TOOLS) expect(names).not.toContain(write);
			const refused = await readOnly.callError('execute_sql', {query: 'drop table public.tags'});
			expect(refused.body.error.code).toBe('25006');
		} finally {
			await readOnly.close();
		}
	}, 120_000);
});
