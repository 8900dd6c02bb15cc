/**
 * Issue 6's benchmark: the preview of a migration (add a column, an index and a policy) on a 500-table schema with
 * foreign keys and policies, end to end as the app sees it: MCP call to the local server, normalised dump, dry run
 * in a rolled-back transaction, dump again, JSON back, unified diff and hazards. Target: under 1 s median.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {InMemoryTransport} from '@modelcontextprotocol/sdk/inMemory.js';
import type {CallToolResult} from '@modelcontextprotocol/sdk/types.js';
import type {CallPreview} from '../../../source/core/events.js';
import {createPreviewer} from '../../../source/preview/index.js';
import {createSupabaseMcpServer} from '../../../source/supabase-local/server.js';
import {createFreshDatabase, type FreshDatabase} from '../../supabase-local/advisors/postgres-database.js';
import type {BenchRow, BenchSuite} from '../types.js';
import {benchSchemaSql} from './advisors-typegen.js';

const TABLES = 500;
const RUNS = 7;
const TARGET = {max: 1000};

const MIGRATION = `alter table public.t250 add column priority int not null default 0;
create index t250_priority on public.t250 (priority);
create policy insert_own on public.t250 for insert to authenticated with check ((select auth.uid()) = owner);`;

/** The local server on an in-memory MCP transport and the app's previewer wired to it, as the tool host would. */
export async function startBenchHarness(options: {workspace: string; databaseUrl?: string}) {
	const {server, close} = await createSupabaseMcpServer({internalTools: true, ...options, cacheDir: null});
	const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
	await server.connect(serverSide);
	const client = new Client({name: 'pgpair-bench', version: '0.0.0'});
	await client.connect(clientSide);
	const call = async (name: string, args: Record<string, unknown>) => {
		const result = (await client.callTool({name, arguments: args})) as CallToolResult;
		return {isError: result.isError === true, content: result.content.map(c => (c.type === 'text' ? c.text : '')).join('')};
	};
	const names = new Set((await client.listTools()).tools.map(t => t.name));
	const previewer = createPreviewer({
		callServerTool: (_server, tool, args) => call(tool, args),
		hasServerTool: (_server, tool) => names.has(tool),
		workspaceRoot: options.workspace,
	});
	return {
		async apply(name: string, query: string) {
			const result = await call('apply_migration', {name, query});
			if (result.isError) throw new Error(result.content);
		},
		async sql(query: string) {
			const result = await call('execute_sql', {query});
			if (result.isError) throw new Error(result.content);
			return result.content;
		},
		async preview(query: string) {
			const preview = await previewer({callId: 'bench', name: 'mcp__supabase__apply_migration', input: {name: 'bench', query}}, new AbortController().signal);
			if (!preview) throw new Error('no preview');
			return preview;
		},
		async close() {
			await client.close();
			await close();
		},
	};
}

async function measure(backend: string, options: {databaseUrl?: string}): Promise<BenchRow> {
	const workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-bench-preview-'));
	const harness = await startBenchHarness({workspace, ...options});
	try {
		await harness.apply('bench_schema', benchSchemaSql(TABLES));
		let last: CallPreview | undefined;
		const run = async () => {
			// On PGlite a preview runs in the engine itself, which then restarts in the background (the sandbox suite
			// measures that restart): a preview follows a model turn, by which time the engine is up again.
			await harness.sql('select 1');
			const started = performance.now();
			last = await harness.preview(MIGRATION);
			return Math.round((performance.now() - started) * 10) / 10;
		};
		await run(); // warm: catalog caches, the SQL parser's WASM, the first JSON parse
		const samples: number[] = [];
		for (let i = 0; i < RUNS; i++) samples.push(await run());
		if (!last?.diff?.includes('+column public.t250.priority integer not null default 0'))
			throw new Error(`unexpected preview: ${JSON.stringify(last).slice(0, 300)}`);
		return {
			metric: `preview of a migration, ${TABLES}-table schema: dump, dry run, dump, diff (${backend})`,
			unit: 'ms',
			samples,
			target: TARGET,
			note: `${TABLES} tables with FKs and 2 policies each; add column + index + policy; ${last.hazards.length} hazard(s)`,
		};
	} finally {
		await harness.close();
		await rm(workspace, {recursive: true, force: true});
	}
}

export default {
	name: 'preview',
	run: async () => {
		const rows = [await measure('PGlite', {})];
		let database: FreshDatabase;
		try {
			database = await createFreshDatabase('bench_preview');
		} catch (error) {
			rows.push({metric: `preview of a migration, ${TABLES}-table schema (Postgres)`, unit: 'ms', samples: [], note: `not run: ${(error as Error).message}`});
			return rows;
		}
		try {
			rows.push(await measure('Postgres', {databaseUrl: database.url}));
		} finally {
			await database.drop();
		}
		return rows;
	},
} satisfies BenchSuite;
