/**
 * The model's `Checklist` tool: it ticks or unticks one item of the quality checklist and changes nothing else,
 * so the lead offers it in every mode without approval and routes its calls here.
 */
import type {ToolDefinition, ToolResult} from '../core/ports.js';
import type {ChecklistEngine} from './engine.js';

export const CHECKLIST_TOOL_NAME = 'Checklist';

export type ChecklistToolInput = {item: string; state: 'done' | 'open'; note: string};

/** The tool as offered to the model; the item list is part of the description so the model can name them. */
export function checklistToolDefinition(engine: Pick<ChecklistEngine, 'items'>): ToolDefinition {
	const listed = engine.items.map(item => `- ${item.id}: ${item.text}${item.known ? ' (checked by pgpair from evidence)' : ''}`).join('\n');
	return {
		name: CHECKLIST_TOOL_NAME,
		description: [
			'Marks an item of the quality checklist as done or open, with a note saying why. It changes only the checklist.',
			'Items marked "checked by pgpair from evidence" are ticked automatically; a tick you set on them lasts until the evidence changes.',
			'Tick an item only when it really holds, and say in the note what you did to make it hold.',
			listed ? `Items:\n${listed}` : 'The agent file has no checklist items.',
		].join('\n'),
		inputSchema: {
			type: 'object',
			properties: {
				item: {type: 'string', description: 'The item id (or its text).'},
				state: {type: 'string', enum: ['done', 'open'], description: 'done when the item holds, open when it no longer does.'},
				note: {type: 'string', description: 'Why: what was done or checked, in one sentence.'},
			},
			required: ['item', 'state', 'note'],
			additionalProperties: false,
		},
	};
}

function parseInput(input: unknown): ChecklistToolInput | string {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'the input must be an object with item, state and note';
	const {item, state, note, ...rest} = input as Record<string, unknown>;
	const problems: string[] = [];
	const unknown = Object.keys(rest);
	if (unknown.length > 0) problems.push(`unknown parameter${unknown.length === 1 ? '' : 's'} ${unknown.map(key => JSON.stringify(key)).join(', ')}`);
	if (typeof item !== 'string' || item.trim() === '') problems.push('item: give an item id or its text');
	if (state !== 'done' && state !== 'open') problems.push('state: must be "done" or "open"');
	if (typeof note !== 'string' || note.trim() === '') problems.push('note: say why, in one sentence');
	if (problems.length > 0) return problems.join('; ');
	return {item: item as string, state: state as 'done' | 'open', note: note as string};
}

/** Runs one call of the tool. Never throws: a bad call is an error result the model can correct. */
export function handleChecklistTool(engine: ChecklistEngine, input: unknown): ToolResult {
	const parsed = parseInput(input);
	if (typeof parsed === 'string') return {isError: true, content: `Invalid input for ${CHECKLIST_TOOL_NAME}: ${parsed}.`};
	const item = engine.findItem(parsed.item);
	if (!item) {
		const ids = engine.items.map(candidate => candidate.id).join(', ');
		return {isError: true, content: `No checklist item matches "${parsed.item}". Use one of: ${ids || '(none)'}.`};
	}
	engine.tickByModel(item.id, parsed.state, parsed.note);
	const known = item.known ? ' pgpair also checks this item from evidence: its next evaluation may overrule you.' : '';
	return {isError: false, content: `Checklist: "${item.text}" is now ${parsed.state}.${known}`};
}
