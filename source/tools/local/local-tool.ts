import {z} from 'zod';
import type {ToolDefinition, ToolResult} from '../../core/ports.js';
import type {SandboxHandle} from './sandbox.js';
import {ToolInputError, type Workspace} from './workspace.js';

export type ToolContext = {
	workspace: Workspace;
	/** The environment commands run with, already stripped of pgpair's own secrets. */
	env: Record<string, string>;
	signal: AbortSignal;
	/** The OS sandbox Bash runs in, when one was asked for. */
	sandbox?: SandboxHandle;
};

export type LocalTool = {
	definition: ToolDefinition;
	/** Validates the model's input, then runs. Throws only for unexpected failures. */
	invoke(input: unknown, context: ToolContext): Promise<ToolResult>;
};

export function defineTool<Schema extends z.ZodObject>(spec: {
	name: string;
	description: string;
	schema: Schema;
	run(input: z.output<Schema>, context: ToolContext): Promise<ToolResult>;
}): LocalTool {
	const {$schema: _dialect, ...inputSchema} = withoutSafeIntegerBounds(z.toJSONSchema(spec.schema, {io: 'input'})) as Record<string, unknown>;
	const keys = Object.keys(spec.schema.shape);
	return {
		definition: {name: spec.name, description: spec.description, inputSchema},
		async invoke(input, context) {
			const parsed = spec.schema.safeParse(input);
			if (!parsed.success) throw new ToolInputError(describeIssues(spec.name, keys, parsed.error.issues));
			return spec.run(parsed.data, context);
		},
	};
}

/** zod states `.int()` as ±2^53 bounds; they tell the model nothing and cost tokens on every request. */
function withoutSafeIntegerBounds(schema: unknown): unknown {
	if (Array.isArray(schema)) return schema.map(withoutSafeIntegerBounds);
	if (typeof schema !== 'object' || schema === null) return schema;
	const entries = Object.entries(schema)
		.filter(([key, value]) => !((key === 'maximum' && value === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && value === Number.MIN_SAFE_INTEGER)))
		.map(([key, value]) => [key, withoutSafeIntegerBounds(value)]);
	return Object.fromEntries(entries);
}

/** One line per problem, naming the parameter, so the model can correct the call in one go. */
function describeIssues(tool: string, keys: string[], issues: z.core.$ZodIssue[]): string {
	const lines = issues.map(issue => {
		if (issue.code === 'unrecognized_keys') {
			const unknown = issue.keys.map(key => JSON.stringify(key)).join(', ');
			return `unknown parameter${issue.keys.length === 1 ? '' : 's'} ${unknown} (${tool} takes ${keys.join(', ')})`;
		}

		const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
		return `${where}: ${issue.message.replace(/^Invalid (?:input|option): /, '')}`;
	});
	return `Invalid input for ${tool}: ${lines.join('; ')}.`;
}

export function ok(content: string): ToolResult {
	return {isError: false, content};
}

export function fail(content: string): ToolResult {
	return {isError: true, content};
}

export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
	return `${count} ${count === 1 ? noun : pluralNoun}`;
}
