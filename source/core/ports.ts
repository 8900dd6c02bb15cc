/**
 * The edges of the turn loop. The core only sees these interfaces; the Anthropic client, MCP servers,
 * the approval pane and the wall clock are plugged in by the composition root (cli.tsx) or by tests.
 */
import type {CallPreview, CheckpointRecord, ContentBlock, DecisionScope, ModelMessage, StopReason, ToolCallClassification, Usage} from './events.js';

export type ToolDefinition = {
	name: string;
	description: string;
	inputSchema: Record<string, unknown>;
};

export type ModelRequest = {
	model: string;
	system: string;
	messages: ModelMessage[];
	tools: ToolDefinition[];
	maxTokens: number;
	signal: AbortSignal;
};

/** What a model stream yields to the loop, in order: any number of deltas and retries, then one message. */
export type ModelStreamEvent =
	| {type: 'text_delta'; text: string}
	| {type: 'retry'; attempt: number; maxAttempts: number; delayMs: number; reason: string}
	/** The model has begun a tool call (its input is still streaming): the tool can get ready meanwhile. */
	| {type: 'tool_use_started'; name: string}
	| {type: 'message'; content: ContentBlock[]; stopReason: StopReason | null; usage: Usage};

export type ModelPort = {
	stream(request: ModelRequest): AsyncIterable<ModelStreamEvent>;
};

export type ToolResult = {content: string; isError: boolean};

export type ToolCall = {
	callId: string;
	name: string;
	input: unknown;
	/** Run through the read-only route: set only for a call that was proven (or judged) read-only and not edited. */
	readOnly?: boolean;
};

export type ToolPort = {
	/** Tools offered to the model (already limited by the agent file). */
	list(): ToolDefinition[];
	call(call: ToolCall, signal: AbortSignal): Promise<ToolResult>;
	/** Optional: classification shown beside the approval prompt. */
	classify?(call: ToolCall): Promise<ToolCallClassification>;
	/** Optional: what the call would do (dry run, file diff), computed before it is approved. */
	preview?(call: ToolCall, signal: AbortSignal): Promise<CallPreview | undefined>;
	/**
	 * Optional: the model has begun a call to `name`; whatever the tool needs started (a server, its database) may
	 * start now, while the input streams. Runs nothing the call asks for: that still waits for its decision.
	 */
	warm?(name: string): void;
	/**
	 * Optional: why the tool cannot take a call now (its server failed to start, its database cannot be reached), or
	 * undefined. Such a call is not put to the person: it is refused with the reason, and nothing runs.
	 */
	unavailable?(name: string): string | undefined;
};

export type ApprovalDecision =
	| {decision: 'allow'; by: 'user' | 'rule' | 'mode' | 'session' | 'headless'; reason?: string; editedInput?: unknown; scope?: DecisionScope}
	| {decision: 'deny'; by: 'user' | 'rule' | 'mode' | 'headless' | 'interrupted'; reason?: string; feedback?: string};

export type ApproverPort = {
	/** Resolves when the call may run or is refused. Must fail closed: a rejection counts as a denial. */
	decide(call: ToolCall & {classification?: ToolCallClassification}, signal: AbortSignal): Promise<ApprovalDecision>;
};

export type ClockPort = {now(): number};

/**
 * Saves what an allowed call may change (the database, the files it names) before it runs, so a rewind can bring it
 * back. Resolves to the checkpoint's record, or undefined when the call changes nothing that can be saved. A
 * rejection means nothing could be saved: the call does not run, and the model is told why.
 */
export type CheckpointPort = {
	before(call: ToolCall & {classification?: ToolCallClassification}, signal: AbortSignal): Promise<CheckpointRecord | undefined>;
};
