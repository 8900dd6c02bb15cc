/**
 * A real local Supabase server (PGlite, shared snapshot cache) and a recorder that runs real tool calls through it
 * while writing the events the runner would write: requested (with the policy's classification), decided,
 * started, completed. Evaluators then read exactly what a live session would give them.
 */

import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {afterAll, beforeAll} from 'vitest';
import {type CallTool, createMcpEvidence, type Evidence} from '../../source/checklist/evidence.js';
import type {EventBody, SessionEvent, ToolCallClassification} from '../../source/core/events.js';
import {classifyCall, type ToolAnnotations} from '../../source/policy/classify-call.js';
import type {ToolContext} from '../../source/supabase-local/tools/util.js';
import {connectInMemory, type SupabaseMcpTestClient} from '../helpers/supabase-mcp-client.js';
import {sharedSnapshotCache} from '../supabase-local/pglite-cache.js';

export const SERVER = 'supabase';

export type LocalServer = {
	client: SupabaseMcpTestClient;
	workspace: string;
	callTool: CallTool;
	evidence: Evidence;
	annotations: Map<string, ToolAnnotations>;
	close(): Promise<void>;
};

export async function startLocalServer(toolGroups: Array<(server: McpServer, context: ToolContext) => void> = []): Promise<LocalServer> {
	const workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-checklist-'));
	const client = await connectInMemory({workspace, dataDir: path.join(workspace, '.pgpair', 'db'), cacheDir: sharedSnapshotCache(), toolGroups});
	const {tools} = await client.client.listTools();
	const annotations = new Map(tools.map(tool => [tool.name, (tool.annotations ?? {}) as ToolAnnotations]));
	const callTool: CallTool = async (name, args) => {
		const result = await client.raw(name, args as Record<string, unknown>);
		return {isError: result.isError === true, content: result.content.map(block => (block.type === 'text' ? block.text : '')).join('')};
	};
	return {
		client,
		workspace,
		callTool,
		evidence: createMcpEvidence(callTool, {workspace}),
		annotations,
		async close() {
			await client.close();
			await rm(workspace, {recursive: true, force: true});
		},
	};
}

const START = Date.parse('2025-06-01T09:00:00.000Z');

/** Records a session's events while running its tool calls for real. */
export class SessionRecorder {
	readonly events: SessionEvent[] = [];
	private calls = 0;

	constructor(private readonly server: LocalServer) {}

	add(body: EventBody): SessionEvent {
		const seq = this.events.length + 1;
		const event = {...body, seq, at: START + seq} as SessionEvent;
		this.events.push(event);
		return event;
	}

	prompt(text: string): void {
		this.add({type: 'user_prompt_submitted', text});
	}

	say(text: string): void {
		this.add({type: 'assistant_message_completed', content: [{type: 'text', text}], stopReason: 'end_turn', usage: {inputTokens: 10, outputTokens: 10}});
	}

	endTurn(): void {
		this.add({type: 'turn_completed', outcome: 'completed'});
	}

	/** Runs `mcp__supabase__<tool>` through the server; returns the result as the event recorded it. */
	async call(tool: string, input: Record<string, unknown>): Promise<{isError: boolean; content: string}> {
		const callId = `toolu_${String(++this.calls).padStart(4, '0')}`;
		const name = `mcp__${SERVER}__${tool}`;
		const classified = await classifyCall({name, input, annotations: this.server.annotations.get(tool) ?? {}});
		const classification: ToolCallClassification = {
			class: classified.class,
			hazards: classified.hazards.map(hazard => hazard.message),
			reason: classified.reason,
		};
		this.add({
			type: 'assistant_message_completed',
			content: [{type: 'tool_use', id: callId, name, input}],
			stopReason: 'tool_use',
			usage: {inputTokens: 10, outputTokens: 10},
		});
		this.add({type: 'tool_call_requested', callId, name, input, classification});
		this.add({type: 'tool_call_decided', callId, decision: 'allow', by: 'user'});
		this.add({type: 'tool_call_started', callId});
		const result = await this.server.callTool(tool, input);
		this.add({type: 'tool_call_completed', callId, isError: result.isError, content: result.content, durationMs: 1});
		return result;
	}

	/** Like `call`, but the call must succeed. */
	async ok(tool: string, input: Record<string, unknown>): Promise<string> {
		const result = await this.call(tool, input);
		if (result.isError) throw new Error(`${tool} failed: ${result.content}`);
		return result.content;
	}

	migrate(name: string, query: string): Promise<string> {
		return this.ok('apply_migration', {name, query});
	}

	sql(query: string): Promise<string> {
		return this.ok('execute_sql', {query});
	}
}

/** RLS test as the built-in agent writes it: claims for a user, the role, the query; rolled back by the server. */
export function asAuthenticated(query: string, sub = '00000000-0000-4000-8000-000000000001'): string {
	return `begin;\nselect set_config('request.jwt.claims', '{"sub":"${sub}","role":"authenticated"}', true);\nset local role authenticated;\n${query}`;
}

/**
 * One local server and a session recorder for the tests of a describe block: started before them,
 * closed after. The returned object's fields are filled in by `beforeAll`.
 */
export function useLocalSession(): {server: LocalServer; session: SessionRecorder} {
	const context = {} as {server: LocalServer; session: SessionRecorder};
	beforeAll(async () => {
		context.server = await startLocalServer();
		context.session = new SessionRecorder(context.server);
	});
	afterAll(async () => context.server?.close());
	return context;
}
