/**
 * The model port on the Anthropic SDK: streams one Messages API call, assembles the final message, and
 * retries transient failures itself (the SDK's own retries are off) so every retry is visible to the person
 * as a `retry` event. Cancellation goes through `request.signal` and aborts the HTTP stream.
 */
import Anthropic, {APIConnectionError, APIError, APIUserAbortError} from '@anthropic-ai/sdk';
import type {ContentBlock, ModelMessage, StopReason, Usage} from '../core/events.js';
import type {ModelPort, ModelRequest, ModelStreamEvent, ToolDefinition} from '../core/ports.js';
import {nodeFetch} from './node-fetch.js';

export {type ApiConfig, DEFAULT_MODEL_ALIAS, MODEL_ALIASES, missingKeyMessage, resolveApiConfig, resolveModelId} from './model-config.js';

export type AnthropicModelOptions = {
	apiKey: string;
	/** Defaults to the SDK's (ANTHROPIC_BASE_URL, else https://api.anthropic.com). */
	baseURL?: string;
	/** Retries after the first attempt; default 3, so 4 attempts in all. */
	maxRetries?: number;
	/** First backoff delay; doubles per retry, with jitter. Default 1000 ms. Tests make it tiny. */
	retryBaseDelayMs?: number;
	/** Cap for one wait, also for `retry-after`. Default 30 s. */
	retryMaxDelayMs?: number;
	/** Time to wait for the response headers, handed to the SDK. Default: the SDK's (10 minutes). */
	timeoutMs?: number;
	/**
	 * Longest silence allowed between stream events once the answer has started; a stalled stream then counts as a
	 * connection failure. The SDK's own timeout stops at the headers. Default 180 s; 0 turns it off.
	 */
	streamIdleTimeoutMs?: number;
	/** Diagnostics (SDK log lines, retries). Never receives the API key. The TUI owns stdout, so nothing is printed. */
	onDebug?: (message: string) => void;
};

export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_RETRY_BASE_DELAY_MS = 1000;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 180_000;

/** Thrown when `request.signal` aborts the stream. `name` is `AbortError` like DOM aborts. */
export class ModelAbortError extends Error {
	override name = 'AbortError';
	constructor() {
		super('The model request was cancelled.');
	}
}

/** Any failure of a model call after retries were considered. The message is meant for the person. */
export class ModelError extends Error {
	override name = 'ModelError';
	constructor(
		message: string,
		readonly details: {status?: number; errorType?: string; retryable: boolean; attempts: number; afterOutput: boolean},
	) {
		super(message);
	}
}

export function createAnthropicModel(options: AnthropicModelOptions): ModelPort {
	const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_MAX_RETRIES));
	const maxAttempts = maxRetries + 1;
	const baseDelay = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
	const maxDelay = options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS;
	const idleTimeoutMs = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
	const redact = makeRedactor(options.apiKey);
	const debug = (message: string) => options.onDebug?.(redact(message));

	const client = new Anthropic({
		apiKey: options.apiKey,
		...(options.baseURL ? {baseURL: options.baseURL} : {}),
		...(options.timeoutMs ? {timeout: options.timeoutMs} : {}),
		maxRetries: 0,
		fetch: nodeFetch,
		// The SDK's default logger is console (stdout), which the TUI owns.
		logger: sdkLogger(debug),
		logLevel: 'info',
		openTelemetry: false,
	});

	async function* stream(request: ModelRequest): AsyncGenerator<ModelStreamEvent, void, undefined> {
		const params = toSdkParams(request);
		for (let attempt = 1; ; attempt++) {
			if (request.signal.aborted) throw new ModelAbortError();
			const progress = {textYielded: false};
			try {
				yield* streamOnce(client, params, request.signal, idleTimeoutMs, progress);
				return;
			} catch (error) {
				if (request.signal.aborted) throw new ModelAbortError();
				if (error instanceof ModelAbortError) throw error;
				const failure = classify(error);
				debug(`model attempt ${attempt}/${maxAttempts} failed: ${failure.reason}${failure.apiMessage ? ` - ${failure.apiMessage}` : ''}`);
				if (progress.textYielded) {
					// Retrying would stream the answer again from the start, duplicating what the person already saw.
					throw new ModelError(
						redact(
							`The model's answer broke off after it had started (${failure.reason}${failure.apiMessage ? `: ${failure.apiMessage}` : ''}). It was not retried, so the text above is incomplete.`,
						),
						{...failure.details, attempts: attempt, afterOutput: true},
					);
				}

				if (!failure.details.retryable) {
					throw new ModelError(redact(failure.message), {...failure.details, attempts: attempt, afterOutput: false});
				}

				if (attempt >= maxAttempts) {
					const tries = maxAttempts === 1 ? '1 attempt' : `${maxAttempts} attempts`;
					throw new ModelError(
						redact(`The model API is still failing after ${tries}. Last error: ${failure.reason}${failure.apiMessage ? ` (${failure.apiMessage})` : ''}.`),
						{...failure.details, attempts: attempt, afterOutput: false},
					);
				}

				const delayMs = backoffDelay(attempt, baseDelay, maxDelay, failure.retryAfterMs);
				yield {type: 'retry', attempt: attempt + 1, maxAttempts, delayMs, reason: redact(failure.reason)};
				await abortableSleep(delayMs, request.signal);
			}
		}
	}

	return {stream};
}

type SdkParams = Anthropic.MessageCreateParamsStreaming;

/** One HTTP attempt. Sets `progress.textYielded` before the first text leaves, which decides whether a failure may be retried. */
async function* streamOnce(
	client: Anthropic,
	params: SdkParams,
	signal: AbortSignal,
	idleTimeoutMs: number,
	progress: {textYielded: boolean},
): AsyncGenerator<ModelStreamEvent, void, undefined> {
	// Our own controller, so leaving early (consumer stopped iterating, parse error, idle timeout) also tears down the HTTP stream.
	const controller = new AbortController();
	const forwardAbort = () => controller.abort();
	signal.addEventListener('abort', forwardAbort, {once: true});
	let finished = false;
	let idleTimer: NodeJS.Timeout | undefined;
	let idledOut = false;
	// One timer that checks the time of the last event, rather than a timer re-armed per event: an answer
	// is thousands of events, and re-arming cost more than everything else this function does per event.
	let lastEventAt = 0;
	let waitingOnConsumer = false;
	const noteEvent = () => {
		lastEventAt = performance.now();
	};
	const watchIdle = () => {
		if (idleTimeoutMs <= 0) return;
		const silentFor = performance.now() - lastEventAt;
		if (waitingOnConsumer || silentFor < idleTimeoutMs) {
			idleTimer = setTimeout(watchIdle, waitingOnConsumer ? idleTimeoutMs : idleTimeoutMs - silentFor);
			return;
		}

		idledOut = true;
		controller.abort();
	};

	try {
		const events = await client.messages.create(params, {signal: controller.signal});
		noteEvent();
		if (idleTimeoutMs > 0) idleTimer = setTimeout(watchIdle, idleTimeoutMs);
		const blocks: Array<AssemblingBlock | undefined> = [];
		let inputTokens = 0;
		let outputTokens = 0;
		let stopReason: StopReason | null = null;
		let stopped = false;

		for await (const event of events) {
			noteEvent();
			switch (event.type) {
				case 'message_start': {
					inputTokens = totalInputTokens(event.message.usage);
					outputTokens = event.message.usage.output_tokens;
					break;
				}

				case 'content_block_start': {
					const block = event.content_block;
					if (block.type === 'text') blocks[event.index] = {type: 'text', text: block.text};
					else if (block.type === 'tool_use') {
						blocks[event.index] = {type: 'tool_use', id: block.id, name: block.name, json: '', startInput: block.input};
						yield {type: 'tool_use_started', name: block.name};
					} else blocks[event.index] = {type: 'other'};
					break;
				}

				case 'content_block_delta': {
					const block = blocks[event.index];
					if (event.delta.type === 'text_delta' && block?.type === 'text') {
						if (!event.delta.text) break;
						block.text += event.delta.text;
						progress.textYielded = true;
						// A slow consumer is not a silent network: the idle clock stops while we wait on it.
						waitingOnConsumer = true;
						yield {type: 'text_delta', text: event.delta.text};
						waitingOnConsumer = false;
						noteEvent();
					} else if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') {
						block.json += event.delta.partial_json;
					}

					break;
				}

				case 'content_block_stop': {
					const block = blocks[event.index];
					if (block?.type === 'tool_use') block.input = parseToolInput(block);
					break;
				}

				case 'message_delta': {
					stopReason = toStopReason(event.delta.stop_reason);
					outputTokens = event.usage.output_tokens;
					if (event.usage.input_tokens !== null && event.usage.input_tokens !== undefined) {
						inputTokens = totalInputTokens({...event.usage, input_tokens: event.usage.input_tokens});
					}

					break;
				}

				case 'message_stop': {
					stopped = true;
					break;
				}
			}
		}

		// The SDK ends the iteration quietly when its request is aborted.
		if (signal.aborted) throw new ModelAbortError();
		if (idledOut) throw new IncompleteStreamError(`the stream was silent for ${idleTimeoutMs} ms`);
		if (!stopped) throw new IncompleteStreamError('the stream ended early');

		const content: ContentBlock[] = [];
		for (const block of blocks) {
			if (block?.type === 'text' && block.text) content.push({type: 'text', text: block.text});
			else if (block?.type === 'tool_use') content.push({type: 'tool_use', id: block.id, name: block.name, input: block.input ?? parseToolInput(block)});
		}

		finished = true;
		const usage: Usage = {inputTokens, outputTokens};
		yield {type: 'message', content, stopReason, usage};
	} finally {
		clearTimeout(idleTimer);
		signal.removeEventListener('abort', forwardAbort);
		if (!finished) controller.abort();
	}
}

type AssemblingBlock =
	| {type: 'text'; text: string}
	| {type: 'tool_use'; id: string; name: string; json: string; startInput: unknown; input?: unknown}
	| {type: 'other'};

/** The SDK's own accumulator uses a lenient partial-JSON parser; a truncated input must fail loudly instead of running a half-formed tool call. */
function parseToolInput(block: Extract<AssemblingBlock, {type: 'tool_use'}>): unknown {
	if (!block.json.trim()) return block.startInput ?? {};
	try {
		return JSON.parse(block.json);
	} catch {
		throw new ToolInputError(
			`The model sent an incomplete or invalid input for the tool ${block.name} (${block.json.length} characters of JSON that do not parse).`,
		);
	}
}

class IncompleteStreamError extends Error {
	override name = 'IncompleteStreamError';
	constructor(readonly why: string) {
		super(`The model stream broke off before the message was complete: ${why}.`);
	}
}

class ToolInputError extends Error {
	override name = 'ToolInputError';
}

function totalInputTokens(usage: {input_tokens: number; cache_creation_input_tokens?: number | null; cache_read_input_tokens?: number | null}): number {
	// Cached prompt tokens are still context the model read; the person wants the whole prompt size.
	return usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

const KNOWN_STOP_REASONS: ReadonlySet<string> = new Set<StopReason>(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'pause_turn', 'refusal']);

function toStopReason(reason: string | null | undefined): StopReason | null {
	if (!reason) return null;
	if (KNOWN_STOP_REASONS.has(reason)) return reason as StopReason;
	// The answer was cut off by the context window: for the loop that is the same as running out of tokens.
	if (reason === 'model_context_window_exceeded') return 'max_tokens';
	return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Request mapping

export function toSdkParams(request: ModelRequest): SdkParams {
	return {
		model: request.model,
		max_tokens: request.maxTokens,
		...(request.system ? {system: request.system} : {}),
		messages: request.messages.map(toSdkMessage),
		...(request.tools.length > 0 ? {tools: request.tools.map(toSdkTool)} : {}),
		stream: true,
	};
}

function toSdkMessage(message: ModelMessage): Anthropic.MessageParam {
	if (typeof message.content === 'string') return {role: message.role, content: message.content};
	return {role: message.role, content: message.content.map(toSdkBlock)};
}

function toSdkBlock(block: ContentBlock): Anthropic.ContentBlockParam {
	switch (block.type) {
		case 'text':
			return {type: 'text', text: block.text};
		case 'tool_use':
			return {type: 'tool_use', id: block.id, name: block.name, input: block.input};
		case 'tool_result':
			return {type: 'tool_result', tool_use_id: block.tool_use_id, content: block.content, ...(block.is_error ? {is_error: true} : {})};
	}
}

function toSdkTool(tool: ToolDefinition): Anthropic.Tool {
	// The API requires an object schema; MCP tools always have one, but a bare `{}` would be rejected.
	const schema = {type: 'object', ...tool.inputSchema} as Anthropic.Tool.InputSchema;
	return {name: tool.name, description: tool.description, input_schema: schema};
}

// ---------------------------------------------------------------------------------------------------------------
// Failure classification

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504, 529]);
const RETRYABLE_ERROR_TYPES = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);
const CONNECTION_ERROR_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'EPIPE',
	'ETIMEDOUT',
	'EAI_AGAIN',
	'ENOTFOUND',
	'UND_ERR_SOCKET',
	'UND_ERR_CLOSED',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

type Failure = {
	/** Short, for the retry line: "overloaded (529)". */
	reason: string;
	/** Full, for a thrown error. */
	message: string;
	apiMessage?: string;
	retryAfterMs?: number;
	details: {status?: number; errorType?: string; retryable: boolean};
};

function classify(error: unknown): Failure {
	if (error instanceof APIError && !(error instanceof APIConnectionError) && !(error instanceof APIUserAbortError)) {
		const status = error.status;
		const errorType = (error.type as string | null) ?? undefined;
		const apiMessage = (error.apiMessage as string | null) ?? undefined;
		const detail = apiMessage ? `: ${apiMessage}` : '';
		if (status === undefined) {
			// An `error` frame inside a 200 stream.
			const retryable = errorType ? RETRYABLE_ERROR_TYPES.has(errorType) : false;
			const reason = `${describeType(errorType)} during the stream`;
			return {
				reason,
				message: `The model API reported ${reason}${detail}`,
				...(apiMessage ? {apiMessage} : {}),
				details: {...(errorType ? {errorType} : {}), retryable},
			};
		}

		const shouldRetry = error.headers?.get('x-should-retry');
		const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : RETRYABLE_STATUSES.has(status);
		const retryAfterMs = retryAfter(error.headers);
		return {
			reason: `${describeStatus(status, errorType)} (${status})`,
			message: statusMessage(status, errorType, apiMessage),
			...(apiMessage ? {apiMessage} : {}),
			...(retryAfterMs === undefined ? {} : {retryAfterMs}),
			details: {status, ...(errorType ? {errorType} : {}), retryable},
		};
	}

	if (error instanceof APIConnectionError || error instanceof IncompleteStreamError || isNetworkError(error)) {
		const cause = error instanceof APIConnectionError && error.cause instanceof Error ? describeNetworkError(error.cause) : describeNetworkError(error);
		const reason = `connection error: ${cause}`;
		return {reason, message: `Could not reach the model API (${cause}). Check the network and ANTHROPIC_BASE_URL.`, details: {retryable: true}};
	}

	if (error instanceof ToolInputError) {
		return {reason: 'invalid tool input', message: error.message, details: {retryable: false}};
	}

	const text = error instanceof Error ? error.message : String(error);
	return {reason: text, message: `The model call failed: ${text}`, details: {retryable: false}};
}

function statusMessage(status: number, errorType: string | undefined, apiMessage: string | undefined): string {
	const detail = apiMessage ? ` ${asSentence(apiMessage)}` : '';
	switch (status) {
		case 400:
			return `The API rejected the request (400 ${errorType ?? 'invalid_request_error'}).${detail}`;
		case 401:
			return 'The API key was rejected (401). Check ANTHROPIC_API_KEY.';
		case 403:
			return `The API key is not allowed to do this (403).${detail} Check the key's workspace and permissions.`;
		case 404:
			return `The API answered 404 (not found).${detail} Check the model id (--model) and ANTHROPIC_BASE_URL.`;
		case 413:
			return `The request is too large for the API (413).${detail}`;
		default:
			return `The model API failed: ${describeStatus(status, errorType)} (${status}).${detail}`;
	}
}

function asSentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function describeStatus(status: number, errorType: string | undefined): string {
	if (status === 529 || errorType === 'overloaded_error') return 'overloaded';
	if (status === 429) return 'rate limited';
	if (status === 408 || status === 504) return 'timed out';
	if (status >= 500) return 'server error';
	return describeType(errorType);
}

function describeType(errorType: string | undefined): string {
	switch (errorType) {
		case 'overloaded_error':
			return 'overloaded';
		case 'rate_limit_error':
			return 'rate limited';
		case 'api_error':
			return 'an internal API error';
		case undefined:
			return 'an error';
		default:
			return errorType.replace(/_/g, ' ');
	}
}

function isNetworkError(error: unknown): boolean {
	if (!(error instanceof Error)) return false;
	// undici reports a body cut mid-stream as `TypeError: terminated` with the socket error as its cause.
	if (error instanceof TypeError && (error.message === 'terminated' || error.message === 'fetch failed')) return true;
	return errorCodes(error).some(code => CONNECTION_ERROR_CODES.has(code));
}

function errorCodes(error: unknown): string[] {
	const codes: string[] = [];
	for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
		const code = (current as {code?: unknown}).code;
		if (typeof code === 'string') codes.push(code);
	}

	return codes;
}

function describeNetworkError(error: unknown): string {
	if (error instanceof IncompleteStreamError) return error.why;
	const codes = errorCodes(error);
	if (codes.length > 0) return codes.join('/');
	if (error instanceof Error) {
		const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
		return `${error.message}${cause}`;
	}

	return String(error);
}

function retryAfter(headers: Headers | undefined): number | undefined {
	if (!headers) return undefined;
	const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
	if (Number.isFinite(ms) && ms >= 0) return ms;
	const raw = headers.get('retry-after');
	if (raw === null) return undefined;
	const seconds = Number.parseFloat(raw);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(raw);
	if (Number.isFinite(date)) return Math.max(0, date - Date.now());
	return undefined;
}

/** `retry-after` when the server sent one, else exponential backoff with jitter; both capped. */
export function backoffDelay(
	failedAttempt: number,
	baseDelayMs: number,
	maxDelayMs: number,
	retryAfterMs?: number,
	random: () => number = Math.random,
): number {
	if (retryAfterMs !== undefined) return Math.round(Math.min(retryAfterMs, maxDelayMs));
	const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (failedAttempt - 1));
	// Up to 25 % less, so clients that failed together do not retry together.
	return Math.round(exponential * (1 - 0.25 * random()));
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) {
			reject(new ModelAbortError());
			return;
		}

		const onAbort = () => {
			clearTimeout(timer);
			reject(new ModelAbortError());
		};
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal.addEventListener('abort', onAbort, {once: true});
	});
}

function makeRedactor(apiKey: string): (text: string) => string {
	if (!apiKey) return text => text;
	return text => text.split(apiKey).join('[redacted]');
}

function sdkLogger(debug: (message: string) => void): NonNullable<ConstructorParameters<typeof Anthropic>[0]>['logger'] {
	const write =
		(level: string) =>
		(message: string, ...rest: unknown[]) => {
			const extra = rest.map(value => (typeof value === 'string' ? value : safeStringify(value))).join(' ');
			debug(`[sdk ${level}] ${message}${extra ? ` ${extra}` : ''}`);
		};
	return {error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug')};
}

function safeStringify(value: unknown): string {
	try {
		return JSON.stringify(value);
	} catch {
		return String(value);
	}
}
