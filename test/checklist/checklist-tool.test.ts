import {describe, expect, it} from 'vitest';
import {extractChecklist} from '../../source/agents/agent-sections.js';
import {BUILTIN_AGENT_MARKDOWN} from '../../source/agents/builtin-agent.js';
import {CHECKLIST_TOOL_NAME, checklistToolDefinition, handleChecklistTool} from '../../source/checklist/checklist-tool.js';
import {type ChecklistChange, createChecklistEngine} from '../../source/checklist/engine.js';

function engineWith(changes: ChecklistChange[]) {
	const items = [...extractChecklist(BUILTIN_AGENT_MARKDOWN), {id: 'frontend-told-about-the-new-table', text: 'Frontend told about the new table'}];
	// The tool never evaluates, so it needs no database.
	return createChecklistEngine({items, evidence: {} as never, onChange: change => changes.push(change)});
}

describe('the Checklist tool', () => {
	it('is offered with a strict schema and the item ids in its description', () => {
		const definition = checklistToolDefinition(engineWith([]));
		expect(definition.name).toBe(CHECKLIST_TOOL_NAME);
		expect(definition.inputSchema).toMatchObject({required: ['item', 'state', 'note'], additionalProperties: false});
		expect(definition.description).toContain('- frontend-told-about-the-new-table: Frontend told about the new table');
		expect(definition.description).toMatch(/each-migration-has-a-migrate-down-rollback-that-was-tried: .* \(checked by pgpair from evidence\)/);
	});

	it.each([
		['the id', 'frontend-told-about-the-new-table'],
		['the text in another case', 'FRONTEND TOLD ABOUT THE NEW TABLE'],
		['a unique part of the text', 'frontend told'],
	])('ticks an item named by %s, recorded as the model', (_label, reference) => {
		const changes: ChecklistChange[] = [];
		const result = handleChecklistTool(engineWith(changes), {item: reference, state: 'done', note: 'Posted the schema in #frontend.'});
		expect(result).toEqual({isError: false, content: 'Checklist: "Frontend told about the new table" is now done.'});
		expect(changes).toEqual([
			{
				type: 'checklist_item_changed',
				itemId: 'frontend-told-about-the-new-table',
				text: 'Frontend told about the new table',
				state: 'done',
				by: 'model',
				evidence: 'Posted the schema in #frontend.',
			},
		]);
	});

	it('warns the model that a known item is re-checked from evidence', () => {
		const changes: ChecklistChange[] = [];
		const result = handleChecklistTool(engineWith(changes), {
			item: 'Foreign keys and frequently filtered columns have an index',
			state: 'done',
			note: 'Added the index.',
		});
		expect(result.content).toMatch(/its next evaluation may overrule you/);
		expect(changes[0]?.evidence).toBe('Added the index. (pgpair checks this item from evidence and will overrule this tick when the evidence changes)');
	});

	it.each([
		['no such item', {item: 'coffee brewed', state: 'done', note: 'yes'}, /^No checklist item matches "coffee brewed"\. Use one of: each-migration/],
		['an ambiguous part', {item: 'the', state: 'done', note: 'yes'}, /^No checklist item matches "the"/],
		['a bad state', {item: 'frontend told', state: 'ticked', note: 'yes'}, /state: must be "done" or "open"/],
		['no note', {item: 'frontend told', state: 'done', note: ' '}, /note: say why/],
		['an unknown parameter', {item: 'frontend told', state: 'done', note: 'yes', force: true}, /unknown parameter "force"/],
		['not an object', 'done', /must be an object/],
	])('refuses %s and changes nothing', (_label, input, message) => {
		const changes: ChecklistChange[] = [];
		const result = handleChecklistTool(engineWith(changes), input);
		expect(result.isError).toBe(true);
		expect(result.content).toMatch(message);
		expect(changes).toEqual([]);
	});
});
