import {Box, Text, useInput} from 'ink';
import {render} from 'ink-testing-library';
import {useState} from 'react';
import {describe, expect, it} from 'vitest';
import {extractChecklist} from '../../source/agents/agent-sections.js';
import {BUILTIN_AGENT_MARKDOWN} from '../../source/agents/builtin-agent.js';
import type {ChecklistEntry} from '../../source/core/session-state.js';
import {ChecklistPane, checklistRows, checklistSummary, wrapText} from '../../source/ui/checklist-pane.js';
import {waitFor} from '../helpers/wait-for.js';

const ITEMS = [...extractChecklist(BUILTIN_AGENT_MARKDOWN), {id: 'docs-updated', text: 'Docs updated'}];
const id = (known: string) => ITEMS.find(item => item.known === known)!.id;
const entry = (itemId: string, state: 'open' | 'done', by: ChecklistEntry['by'], evidence: string): ChecklistEntry => ({
	itemId,
	text: ITEMS.find(item => item.id === itemId)?.text ?? itemId,
	state,
	by,
	evidence,
	at: 1,
});

const ENTRIES: ChecklistEntry[] = [
	entry(id('rls_tested'), 'open', 'evidence', 'public.notes: RLS is off, never queried as anon or authenticated'),
	entry(id('types_regenerated'), 'done', 'evidence', 'generate_typescript_types ran (event 12) after the last schema change (migration create_notes, event 8)'),
	entry(id('edge_function_errors'), 'done', 'evidence', 'not applicable: no edge functions deployed'),
	entry(id('indexes'), 'done', 'user', 'ticked by you (pgpair checks this item from evidence and will overrule this tick when the evidence changes)'),
	entry('docs-updated', 'done', 'model', 'Updated docs/api.md.'),
];

const strip = (text: string | undefined) => (text ?? '').replace(/\u001b\[[0-9;]*m/g, '');

describe('checklistRows and checklistSummary', () => {
	it('lists the agent’s items in order with their latest state, then entries the agent does not list', () => {
		const rows = checklistRows(ITEMS, [...ENTRIES, entry('from-an-older-agent', 'done', 'user', 'x')]);
		expect(rows.map(row => [row.itemId, row.state, row.by ?? '-', row.notApplicable])).toEqual([
			[id('migration_reversible'), 'open', '-', false],
			[id('rls_tested'), 'open', 'evidence', false],
			[id('indexes'), 'done', 'user', false],
			[id('types_regenerated'), 'done', 'evidence', false],
			[id('advisors_run'), 'open', '-', false],
			[id('query_performance'), 'open', '-', false],
			[id('edge_function_errors'), 'done', 'evidence', true],
			['docs-updated', 'done', 'model', false],
			['from-an-older-agent', 'done', 'user', false],
		]);
	});

	it('counts done items among those that apply', () => {
		expect(checklistSummary({checklist: ENTRIES}, ITEMS)).toBe('checklist 3/7');
		expect(checklistSummary({checklist: []}, [])).toBe('');
		expect(
			checklistSummary({checklist: [entry(id('edge_function_errors'), 'done', 'evidence', 'not applicable: none')]}, [
				ITEMS.find(item => item.known === 'edge_function_errors')!,
			]),
		).toBe('checklist: nothing to check yet');
	});

	it('wraps evidence at spaces and cuts words longer than a line', () => {
		expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
		expect(wrapText('abcdefghijkl', 8)).toEqual(['abcdefgh', 'ijkl']);
	});
});

/** A parent as the lead would write it: it owns selection, expansion and ticks. */
function WiredChecklist() {
	// One state object: a key handler must read the selection it acts on, never a stale copy.
	const [view, setView] = useState<{selected: number; expanded: boolean; entries: ChecklistEntry[]}>({selected: 0, expanded: false, entries: []});
	const {selected, expanded, entries} = view;
	useInput((input, key) => {
		setView(v => {
			if (key.downArrow) return {...v, selected: Math.min(ITEMS.length - 1, v.selected + 1)};
			if (key.upArrow) return {...v, selected: Math.max(0, v.selected - 1)};
			if (key.return) return {...v, expanded: !v.expanded};
			if (input !== ' ') return v;
			const item = ITEMS[v.selected]!;
			return {...v, entries: [...v.entries.filter(e => e.itemId !== item.id), entry(item.id, 'done', 'user', 'ticked by you')]};
		});
	});
	return (
		<Box flexDirection="column">
			<ChecklistPane items={ITEMS} entries={entries} width={80} selected={selected} expanded={expanded} hint="↑↓ select · space tick · enter evidence" />
			<Text>{checklistSummary({checklist: entries}, ITEMS)}</Text>
		</Box>
	);
}

describe('ChecklistPane', () => {
	it('shows one line per item with who ticked it, in 80 columns', () => {
		const {lastFrame} = render(<ChecklistPane items={ITEMS} entries={ENTRIES} width={80} />);
		const lines = strip(lastFrame()).split('\n');
		expect(lines[1]).toMatch(/Quality checklist · 3\/7/);
		expect(lines.some(line => /✓ you +Foreign keys and frequently filtered columns have an index/.test(line))).toBe(true);
		expect(lines.some(line => /✓ evidence +TypeScript types were generated again/.test(line))).toBe(true);
		expect(lines.some(line => /✓ model +Docs updated/.test(line))).toBe(true);
		expect(lines.some(line => /– n\/a +Edge functions catch failures/.test(line))).toBe(true);
		expect(lines.some(line => /○ +Row level security is on for every exposed table/.test(line))).toBe(true);
		expect(lines).toHaveLength(8 + 3);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
		expect(strip(lastFrame())).not.toContain('RLS is off');
	});

	it('shows the evidence of the selected item when expanded', () => {
		const selected = ITEMS.findIndex(item => item.known === 'rls_tested');
		const {lastFrame, rerender} = render(<ChecklistPane items={ITEMS} entries={ENTRIES} width={60} selected={selected} />);
		expect(strip(lastFrame())).toMatch(/› ○ +Row level security/);
		expect(strip(lastFrame())).not.toContain('RLS is off');
		rerender(<ChecklistPane items={ITEMS} entries={ENTRIES} width={60} selected={selected} expanded />);
		const frame = strip(lastFrame());
		expect(frame).toContain('public.notes: RLS is off, never queried as anon or');
		expect(frame).toContain('authenticated');
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
	});

	it('cuts long evidence to the rows it is given and keeps every item visible', () => {
		const long = entry(id('rls_tested'), 'open', 'evidence', Array.from({length: 40}, (_, i) => `public.table_${i}: RLS is off`).join('; '));
		const selected = ITEMS.findIndex(item => item.known === 'rls_tested');
		const {lastFrame} = render(<ChecklistPane items={ITEMS} entries={[long]} width={80} maxRows={14} selected={selected} expanded />);
		const lines = strip(lastFrame()).split('\n');
		expect(lines).toHaveLength(14);
		expect(lines.at(-2)).toMatch(/Docs updated/);
		expect(lines.some(line => line.endsWith('…') || line.includes('… '))).toBe(true);
	});

	it('follows ↑/↓, space and enter when a parent wires them', async () => {
		const {lastFrame, stdin} = render(<WiredChecklist />);
		await waitFor(() => strip(lastFrame()).includes('checklist 0/8'), 'the first frame');
		for (let i = 0; i < 7; i++) {
			stdin.write('\u001B[B');
			await new Promise(resolve => setTimeout(resolve, 5));
		}
		await waitFor(() => /› ○ +Docs updated/.test(strip(lastFrame())), 'the last item selected');
		stdin.write(' ');
		await waitFor(() => /› ✓ you +Docs updated/.test(strip(lastFrame())), 'the tick by the user');
		stdin.write('\r');
		await waitFor(() => strip(lastFrame()).includes('    ticked by you'), 'the evidence');
		expect(strip(lastFrame())).toContain('checklist 1/8');
	});
});
