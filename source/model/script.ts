/**
 * The script format of the scripted Messages-API server: one entry per `POST /v1/messages`, answered in order.
 * Kept apart from the server so the CLI can validate a `--scripted <file>` before starting anything.
 */
import {readFile} from 'node:fs/promises';
import {z} from 'zod';

const DEFAULT_CHUNK = 12;
const DEFAULT_JSON_CHUNK = 8;

const toolCallSchema = z
	.object({
		name: z.string().min(1, 'a tool call needs a name'),
		input: z.record(z.string(), z.unknown()).default({}),
		/** Fixed id for deterministic tests; otherwise a random `toolu_…` id. */
		id: z.string().startsWith('toolu_').optional(),
	})
	.strict();

const errorSchema = z
	.object({
		status: z.number().int().min(400).max(599).default(500),
		type: z.string().min(1).default('api_error'),
		message: z.string().default('Scripted error.'),
		/** Send the error as an SSE `error` frame inside a 200 stream instead of an HTTP error status. */
		mid_stream: z.boolean().default(false),
		/** With `mid_stream`: characters of text sent before the error frame (0: right after message_start). */
		after_chars: z.number().int().min(0).default(0),
		/** Seconds, sent as the `retry-after` header of an HTTP error. */
		retry_after: z.number().min(0).optional(),
	})
	.strict();

const usageSchema = z
	.object({
		input_tokens: z.number().int().min(0),
		output_tokens: z.number().int().min(0),
	})
	.strict();

const turnSchema = z
	.object({
		text: z.string().default(''),
		tool_calls: z.array(toolCallSchema).default([]),
		/** Characters per `text_delta`. */
		chunk: z.number().int().positive().default(DEFAULT_CHUNK),
		/** Characters per `input_json_delta` piece. */
		json_chunk: z.number().int().positive().default(DEFAULT_JSON_CHUNK),
		/** Pause between deltas. */
		delay_ms: z.number().int().min(0).default(0),
		error: errorSchema.optional(),
		/** Destroy the socket after `drop_after_chars` characters of text. */
		drop: z.boolean().default(false),
		drop_after_chars: z.number().int().min(0).default(0),
		/** Stop sending for this long after `stall_after_chars` characters of text, then carry on. */
		stall_ms: z.number().int().min(0).default(0),
		stall_after_chars: z.number().int().min(0).default(0),
		/** Overrides the estimated token counts. */
		usage: usageSchema.optional(),
	})
	.strict();

export const scriptSchema = z
	.object({
		turns: z.array(turnSchema),
	})
	.strict();

export type Script = z.input<typeof scriptSchema>;
export type ScriptTurn = z.output<typeof turnSchema>;
export type ParsedScript = z.output<typeof scriptSchema>;

export class ScriptError extends Error {
	override name = 'ScriptError';
}

/** Validates a script object. Errors name the field, e.g. `turns[1].tool_calls[0].name: …`. */
export function parseScript(value: unknown, source = 'script'): ParsedScript {
	const result = scriptSchema.safeParse(value);
	if (result.success) return result.data;
	const problems = result.error.issues.map(issue => `  ${formatPath(issue.path)}: ${issue.message}`);
	throw new ScriptError(`Invalid ${source}:\n${problems.join('\n')}`);
}

/** Reads and validates a script file (JSON). */
export async function loadScript(path: string): Promise<ParsedScript> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw new ScriptError(`Cannot read the script ${path}: ${(error as Error).message}`);
	}

	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw new ScriptError(`The script ${path} is not valid JSON: ${(error as Error).message}`);
	}

	return parseScript(value, `script ${path}`);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
	if (path.length === 0) return '(root)';
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out ? `.${String(part)}` : String(part);
	}

	return out;
}
