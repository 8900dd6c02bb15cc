/**
 * Claude Code subagent files: YAML front matter between `---` lines, then the system prompt.
 * A person's own file must load unchanged, so unknown fields are kept, and a mistake is reported with the
 * file and line where it is, in the file's own line numbers.
 */
import {isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLError} from 'yaml';
import {type ChecklistItem, extractChecklist, extractForbiddenActions} from './agent-sections.js';

export type {ChecklistItem, KnownChecklistKey} from './agent-sections.js';

export const MODEL_ALIASES = ['sonnet', 'opus', 'haiku', 'inherit'] as const;
export type ModelAlias = (typeof MODEL_ALIASES)[number];

export type AgentSource = {kind: 'file'; path: string} | {kind: 'builtin'; path?: undefined};

export type AgentDefinition = {
	name: string;
	description: string;
	/** An alias (`sonnet`, `opus`, `haiku`, `inherit`) or a full model id; absent means the session's model. */
	model?: string;
	/** Absent: every available tool. Present (possibly empty): only these, MCP wildcards allowed. */
	tools?: string[];
	systemPrompt: string;
	source: AgentSource;
	checklist: ChecklistItem[];
	forbiddenActions: string[];
	/** Front-matter fields pgpair does not use (`color`, `permissionMode`, …), kept as parsed. */
	extra: Record<string, unknown>;
};

/** A problem in an agent file. `String(error)` reads `AgentFileError: <file>:<line>: <what is wrong>`. */
export class AgentFileError extends Error {
	override readonly name = 'AgentFileError';
	readonly file: string;
	readonly line: number | undefined;
	readonly detail: string;

	constructor(file: string, line: number | undefined, detail: string) {
		super(line === undefined ? `${file}: ${detail}` : `${file}:${line}: ${detail}`);
		this.file = file;
		this.line = line;
		this.detail = detail;
	}
}

export type ParseAgentOptions = {
	source: AgentSource;
	/** How errors name the file; defaults to the source path, or `built-in agent`. */
	label?: string;
};

const KNOWN_FIELDS = new Set(['name', 'description', 'model', 'tools']);
// Model ids carry no spaces; this also admits provider-prefixed ids (Bedrock, Vertex) without listing them.
const MODEL_ID = /^[A-Za-z0-9][\w.:@/-]*$/;

export function parseAgent(text: string, options: ParseAgentOptions): AgentDefinition {
	const file = options.label ?? options.source.path ?? 'built-in agent';
	const fail = (line: number | undefined, detail: string): never => {
		throw new AgentFileError(file, line, detail);
	};

	const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
	if (lines[0]?.trimEnd() !== '---') {
		fail(1, "missing front matter: the file must start with a '---' line, then name and description, then '---'");
	}
	const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
	if (close === -1) fail(1, "the front matter opened here is never closed by a '---' line");

	// The YAML starts on file line 2, so a YAML line number plus one is the file's line number.
	const yamlText = lines.slice(1, close).join('\n');
	const lineCounter = new LineCounter();
	const doc = parseDocument(yamlText, {lineCounter, prettyErrors: false});
	const lineOf = (offset: number): number => lineCounter.linePos(offset).line + 1;
	const nodeLine = (node: unknown): number | undefined => {
		const range = (node as Node | null | undefined)?.range;
		return range ? lineOf(range[0]) : undefined;
	};

	const yamlError: YAMLError | undefined = doc.errors[0];
	if (yamlError) {
		// Without prettyErrors the message carries no YAML-numbered position, only ours is shown.
		fail(lineOf(yamlError.pos[0]), `invalid YAML in front matter: ${yamlError.message}`);
	}

	const contents = doc.contents;
	if (contents === null || (isScalar(contents) && contents.value === null)) {
		fail(1, 'the front matter is empty: name and description are required');
	}
	if (!isMap(contents)) {
		return fail(nodeLine(contents), 'the front matter must be a set of `field: value` lines');
	}

	// Values as plain JS (aliases resolved); nodes kept beside them for line numbers.
	const values = doc.toJS() as Record<string, unknown>;
	const fields = new Map<string, {value: unknown; line: number | undefined; node: unknown}>();
	for (const pair of contents.items) {
		const key = isScalar(pair.key) ? pair.key.value : undefined;
		if (typeof key !== 'string') return fail(nodeLine(pair.key), 'front-matter field names must be plain words');
		fields.set(key, {value: values[key] ?? null, line: nodeLine(pair.key), node: pair.value});
	}

	const requiredText = (field: 'name' | 'description'): string => {
		const entry = fields.get(field);
		if (!entry) return fail(1, `missing required field \`${field}\` in the front matter`);
		if (typeof entry.value !== 'string') return fail(entry.line, `${field} must be text`);
		if (entry.value.trim() === '') return fail(entry.line, `${field} must not be empty`);
		return entry.value.trim();
	};
	const name = requiredText('name');
	const description = requiredText('description');

	let model: string | undefined;
	const modelEntry = fields.get('model');
	if (modelEntry && modelEntry.value !== null) {
		const value = typeof modelEntry.value === 'string' ? modelEntry.value.trim() : undefined;
		if (value === undefined || !MODEL_ID.test(value)) {
			fail(modelEntry.line, `model must be ${MODEL_ALIASES.join(', ')} or a full model id such as claude-sonnet-4-5`);
		}
		model = value;
	}

	let tools: string[] | undefined;
	const toolsEntry = fields.get('tools');
	if (toolsEntry) tools = parseTools(toolsEntry, nodeLine, fail);

	const extra: Record<string, unknown> = {};
	for (const [field, entry] of fields) {
		if (!KNOWN_FIELDS.has(field)) extra[field] = entry.value;
	}

	const systemPrompt = lines
		.slice(close + 1)
		.join('\n')
		.trim();
	return {
		name,
		description,
		...(model === undefined ? {} : {model}),
		...(tools === undefined ? {} : {tools}),
		systemPrompt,
		source: options.source,
		checklist: extractChecklist(systemPrompt),
		forbiddenActions: extractForbiddenActions(systemPrompt),
		extra,
	};
}

const TOOLS_SHAPE = 'tools must be a list or a comma-separated string';

function parseTools(
	entry: {value: unknown; line: number | undefined; node: unknown},
	nodeLine: (node: unknown) => number | undefined,
	fail: (line: number | undefined, detail: string) => never,
): string[] {
	let names: string[];
	if (typeof entry.value === 'string') {
		names = entry.value.split(',').map(name => name.trim());
		// `tools: Read,, Grep` or a trailing comma is a typo, not a tool named "".
		if (names.some(name => name === '') && entry.value.trim() !== '') {
			fail(entry.line, `${TOOLS_SHAPE}: an empty name between commas`);
		}
		names = names.filter(name => name !== '');
	} else if (Array.isArray(entry.value)) {
		const items: unknown[] = entry.value;
		names = items.map((value, index) => {
			if (typeof value === 'string' && value.trim() !== '') return value.trim();
			// An aliased list has no item nodes of its own: point at the field then.
			const itemLine = isSeq(entry.node) ? nodeLine(entry.node.items[index]) : undefined;
			return fail(itemLine ?? entry.line, `${TOOLS_SHAPE}: every list item must be a tool name`);
		});
	} else if (entry.value === null) {
		// A bare `tools:` is ambiguous (forgotten list or "no tools"?); say how to write either.
		return fail(entry.line, 'tools is empty: remove the line to allow every tool, or write `tools: []` to allow none');
	} else {
		return fail(entry.line, TOOLS_SHAPE);
	}
	return [...new Set(names)];
}
