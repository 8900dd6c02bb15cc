/**
 * Issue 16: what the live checklist costs per turn, on a 200-table schema (foreign keys, policies) in the embedded
 * database, measured as CPU of this process — the app's evaluators and the in-process server with its database
 * worker — for one evaluation after a turn. Three kinds of turn: the first look after the session used the database
 * (everything asked: exposed tables, both advisors, migrations, functions), a turn that changed nothing (one catalog
 * read: the evidence is kept per schema version), and a turn whose migration changed the schema (everything again).
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {InMemoryTransport} from '@modelcontextprotocol/sdk/inMemory.js';
import type {CallToolResult} from '@modelcontextprotocol/sdk/types.js';
import {extractChecklist} from '../../../source/agents/agent-sections.js';
import {BUILTIN_AGENT_MARKDOWN} from '../../../source/agents/builtin-agent.js';
import {createChecklistEngine} from '../../../source/checklist/engine.js';
import {type CallTool, createMcpEvidence} from '../../../source/checklist/evidence.js';
import type {EventBody, SessionEvent} from '../../../source/core/events.js';
import {createSupabaseMcpServer} from '../../../source/supabase-local/server.js';
import type {BenchRow, BenchSuite} from '../types.js';
import {benchSchemaSql} from './advisors-typegen.js';

const TABLES = 200;
const ROUNDS = 5;

function cpuMs(since: NodeJS.CpuUsage): number {
	const used = process.cpuUsage(since);
	return (used.user + used.system) / 1000;
}

async function round(): Promise<{first: number; unchanged: number; changed: number}> {
	const workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-bench-checklist-'));
	const {server, close} = await createSupabaseMcpServer({workspace, cacheDir: null, internalTools: true});
	const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
	await server.connect(serverSide);
	const client = new Client({name: 'pgpair-bench', version: '0.0.0'});
	await client.connect(clientSide);
	const callTool: CallTool = async (name, args) => {
		const result = (await client.callTool({name, arguments: args as Record<string, unknown>})) as CallToolResult;
		return {isError: result.isError === true, content: result.content.map(c => (c.type === 'text' ? c.text : '')).join('')};
	};
	const events: SessionEvent[] = [];
	const add = (body: EventBody) => events.push({...body, seq: events.length + 1, at: Date.now()} as SessionEvent);
	const call = async (tool: string, input: Record<string, unknown>, cls: 'read-only' | 'write') => {
		const callId = `toolu_bench_${events.length}`;
		add({type: 'tool_call_requested', callId, name: `mcp__supabase__${tool}`, input, classification: {class: cls, hazards: []}});
		const result = await callTool(tool, input);
		if (result.isError) throw new Error(result.content);
		add({type: 'tool_call_completed', callId, isError: false, content: result.content, durationMs: 1});
	};
	const engine = createChecklistEngine({
		items: extractChecklist(BUILTIN_AGENT_MARKDOWN),
		evidence: createMcpEvidence(callTool, {workspace}),
		onChange: change => add(change),
	});
	const measuredTurn = async () => {
		add({type: 'turn_completed', outcome: 'completed'});
		const started = process.cpuUsage();
		await engine.evaluate(events);
		return cpuMs(started);
	};
	try {
		await call('apply_migration', {name: 'bench_schema', query: benchSchemaSql(TABLES)}, 'write');
		const first = await measuredTurn();
		await call('execute_sql', {query: 'select count(*) from public.t1'}, 'read-only');
		const unchanged = await measuredTurn();
		await call('apply_migration', {name: 'bench_priority', query: 'alter table public.t7 add column priority int not null default 0;'}, 'write');
		const changed = await measuredTurn();
		return {first, unchanged, changed};
	} finally {
		await client.close();
		await close();
		await rm(workspace, {recursive: true, force: true});
	}
}

const suite: BenchSuite = {
	name: 'checklist',
	async run(): Promise<BenchRow[]> {
		const samples: Array<{first: number; unchanged: number; changed: number}> = [];
		for (let i = 0; i < ROUNDS; i++) samples.push(await round());
		return [
			{
				metric: `CPU of a turn that changed nothing, ${TABLES} tables (evidence kept per schema version)`,
				unit: 'ms',
				samples: samples.map(s => s.unchanged),
				target: {max: 50},
			},
			{metric: `CPU of a turn whose migration changed the schema, ${TABLES} tables (everything asked again)`, unit: 'ms', samples: samples.map(s => s.changed)},
			{metric: `CPU of the first look after the session used the database, ${TABLES} tables`, unit: 'ms', samples: samples.map(s => s.first)},
		];
	},
};

export default suite;
