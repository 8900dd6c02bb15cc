/**
 * `pgpair mcp` against the official Supabase MCP server 0.13.0, through a real MCP client over stdio. A client that is
 * not pgpair (Claude Code, say) must be listed what the official server lists for one project: the same names, the
 * same input schemas (descriptions are ours, so they are left out of the comparison) and the same annotations, each
 * with a title. Every difference fails unless KNOWN_DIFFERENCES names it with its reason. pgpair's own client is then
 * listed its internal tools as well, and only it can call them.
 */
import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import type {Tool} from '@modelcontextprotocol/sdk/types.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readSharedFile} from '../helpers/shared-files.js';
import {connectClient, type SupabaseMcpTestClient} from '../helpers/supabase-mcp-client.js';
import {TEST_XDG_CACHE_HOME} from './pglite-cache.js';
import {INTERNAL_TOOL_NAMES} from './tool-suite.js';

const BIN = fileURLToPath(new URL('../../source/supabase-local/stdio-bin.ts', import.meta.url));
const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

type ReferenceTool = {name: string; annotations: Record<string, boolean>; inputSchema: Record<string, unknown>; note?: string};

/** Where pgpair's listing differs from the official 0.13.0 one on purpose. Anything else is a failure. */
const KNOWN_DIFFERENCES: Record<string, string> = {
	get_logs: 'absent from both listings: 0.13.0 lists query_logs instead and still answers get_logs; pgpair does the same',
	create_edge_function_secret:
		'listed by pgpair only: the official server registers it only where its dashboard can collect the value; locally the person writes it to supabase/functions/.env, so it always works',
};

/** JSON with sorted keys and without `description`s: the schema a client validates against, whoever worded it. */
function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(
		Object.keys(value)
			.filter(key => key !== 'description')
			.sort()
			.map(key => [key, canonical((value as Record<string, unknown>)[key])]),
	);
}

async function spawn(workspace: string, clientName: string): Promise<SupabaseMcpTestClient> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
	delete env['DATABASE_URL'];
	env['XDG_CACHE_HOME'] = TEST_XDG_CACHE_HOME;
	const transport = new StdioClientTransport({
		command: process.execPath,
		args: ['--import', 'tsx', BIN, '--workspace', workspace],
		cwd: REPOSITORY,
		env,
		stderr: 'pipe',
	});
	const client = await connectClient(transport, async () => {}, clientName);
	return client;
}

describe('pgpair mcp and the official Supabase MCP server 0.13.0', () => {
	let reference: ReferenceTool[];
	let workspace: string;

	beforeAll(async () => {
		reference = (JSON.parse(await readSharedFile('reference/supabase-mcp-tools.json')) as {tools: ReferenceTool[]}).tools;
		workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-official-'));
	});
	afterAll(async () => {
		await rm(workspace, {recursive: true, force: true});
	});

	it('lists any other client the official tools: names, input schemas and annotations, each with a title', {timeout: 60_000}, async () => {
		const outside = await spawn(workspace, 'claude-code');
		let tools: Tool[];
		try {
			({tools} = await outside.client.listTools());
		} finally {
			await outside.close();
		}
		const officialListing = reference.filter(tool => !tool.note?.startsWith('hidden from the official listing'));
		const differences: string[] = [];
		for (const official of officialListing) {
			const ours = tools.find(tool => tool.name === official.name);
			if (!ours) {
				differences.push(`${official.name}: missing`);
				continue;
			}
			const {title, ...annotations} = (ours.annotations ?? {}) as Record<string, unknown>;
			if (typeof title !== 'string' || !/^[A-Z]\S*( \S+)*$/.test(title)) differences.push(`${official.name}: title ${JSON.stringify(title)}`);
			if (JSON.stringify(canonical(annotations)) !== JSON.stringify(canonical(official.annotations))) {
				differences.push(`${official.name}: annotations ${JSON.stringify(annotations)} != ${JSON.stringify(official.annotations)}`);
			}
			if (JSON.stringify(canonical(ours.inputSchema)) !== JSON.stringify(canonical(official.inputSchema))) {
				differences.push(`${official.name}: input schema ${JSON.stringify(canonical(ours.inputSchema))} != ${JSON.stringify(canonical(official.inputSchema))}`);
			}
			if (!ours.description) differences.push(`${official.name}: no description`);
		}
		for (const tool of tools) {
			if (!officialListing.some(official => official.name === tool.name) && !KNOWN_DIFFERENCES[tool.name])
				differences.push(`${tool.name}: not in the official listing`);
		}
		for (const hidden of reference.filter(tool => tool.note?.startsWith('hidden from the official listing'))) {
			if (tools.some(tool => tool.name === hidden.name)) differences.push(`${hidden.name}: listed, but 0.13.0 hides it`);
		}
		expect(differences).toEqual([]);
		// The listed extra follows the official definition of the tool too.
		expect(tools.find(tool => tool.name === 'create_edge_function_secret')).toMatchObject({
			annotations: {title: 'Create Edge Function secret', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false},
			inputSchema: {type: 'object', properties: {name: {type: 'string', maxLength: 256}}, required: ['name'], additionalProperties: false},
		});
		expect(tools.map(tool => tool.name).sort()).toEqual(
			[...officialListing.map(tool => tool.name), ...Object.keys(KNOWN_DIFFERENCES).filter(name => name !== 'get_logs')].sort(),
		);
	});

	it("answers get_logs to any client, and refuses pgpair's own tools and project_id to a client that is not pgpair", {timeout: 120_000}, async () => {
		const outside = await spawn(workspace, 'claude-code');
		try {
			await outside.call('execute_sql', {query: 'select 1'});
			expect((await outside.call('get_logs', {service: 'postgres'})).result).toMatch(/select 1/);
			const checkpoint = 'cp-abcd1234';
			const validArguments: Record<string, Record<string, unknown>> = {
				pgpair_preview_sql: {query: 'create table made_by_preview (id int)', mode: 'sql'},
				pgpair_probe_edge_function: {slug: 'none'},
				pgpair_execute_sql_read_only: {query: 'select 1'},
				pgpair_check_read_only: {query: 'select 1'},
				pgpair_capabilities: {},
				pgpair_checkpoint_save: {checkpoint_id: checkpoint},
				pgpair_checkpoint_plan: {checkpoint_ids: [checkpoint]},
				pgpair_checkpoint_restore: {checkpoint_ids: [checkpoint]},
			};
			for (const name of INTERNAL_TOOL_NAMES) {
				const {body} = await outside.callError(name, validArguments[name]);
				expect(body.error.message, name).toBe(`Tool ${name} not found`);
			}
			const invoke = await outside.callError('invoke_edge_function', {slug: 'none'});
			expect(invoke.body.error.message).toBe('Tool invoke_edge_function not found');
			// Nothing of them ran: no checkpoint was saved.
			expect(existsSync(path.join(workspace, '.pgpair', 'checkpoints', checkpoint))).toBe(false);
			const project = await outside.callError('list_tables', {project_id: 'anything'});
			expect(project.body.error.message).toMatch(/unrecognized key "project_id"/);
		} finally {
			await outside.close();
		}
	});

	it("lists pgpair's own client its internal tools and the project_id that addresses a branch, and answers them", {timeout: 120_000}, async () => {
		const own = await spawn(workspace, 'pgpair');
		try {
			const {tools} = await own.client.listTools();
			const names = tools.map(tool => tool.name);
			for (const name of [...INTERNAL_TOOL_NAMES, 'get_logs', 'invoke_edge_function']) expect(names).toContain(name);
			expect(tools.find(tool => tool.name === 'execute_sql')?.inputSchema.properties).toHaveProperty('project_id');
			for (const tool of tools) expect(tool.annotations?.title, tool.name).toEqual(expect.any(String));
			expect(await own.call('pgpair_capabilities')).toEqual({engine: 'pglite', sandbox: true, reader: true});
		} finally {
			await own.close();
		}
	});
});
