import {Box, Text} from 'ink';
import {isNotApplicable} from '../checklist/evaluators/types.js';
import type {ChecklistItemState, ChecklistSource} from '../core/events.js';
import type {ChecklistEntry, SessionState} from '../core/session-state.js';
import {truncate} from './format.js';
import type {ActionIn} from './keys/bindings.js';
import {THEME} from './theme.js';
import {wrapRows} from './wrap.js';

/** An item as the agent file lists it (structurally `ChecklistItem` of the agents module). */
export type ChecklistPaneItem = {id: string; text: string; known?: string};

export type ChecklistRow = {
	itemId: string;
	text: string;
	state: ChecklistItemState;
	/** Undefined until the item was first checked or ticked. */
	by?: ChecklistSource;
	evidence: string;
	/** Done because there is nothing to check (no edge functions, no migrations…). */
	notApplicable: boolean;
	/** pgpair has an evaluator for it. */
	known: boolean;
};

/** The agent's items in their order with their latest state; entries for items the agent does not list follow. */
export function checklistRows(items: readonly ChecklistPaneItem[], entries: readonly ChecklistEntry[]): ChecklistRow[] {
	const byId = new Map(entries.map(entry => [entry.itemId, entry]));
	const row = (itemId: string, text: string, known: boolean): ChecklistRow => {
		const entry = byId.get(itemId);
		if (!entry)
			return {
				itemId,
				text,
				state: 'open',
				evidence: known ? 'not checked yet' : 'tick it yourself (space) or let the model tick it',
				notApplicable: false,
				known,
			};
		return {
			itemId,
			text,
			state: entry.state,
			by: entry.by,
			evidence: entry.evidence,
			notApplicable: entry.state === 'done' && entry.by === 'evidence' && isNotApplicable(entry.evidence),
			known,
		};
	};
	const listed = new Set(items.map(item => item.id));
	return [
		...items.map(item => row(item.id, item.text, item.known !== undefined)),
		...entries.filter(entry => !listed.has(entry.itemId)).map(entry => row(entry.itemId, entry.text, entry.by === 'evidence')),
	];
}

/**
 * One short label for the status bar: done items of those that apply, e.g. "checklist 3/5". Items that do not
 * apply count on neither side; an empty string when there is no checklist.
 */
export function checklistSummary(state: Pick<SessionState, 'checklist'>, items: readonly ChecklistPaneItem[] = []): string {
	const rows = checklistRows(items, state.checklist);
	if (rows.length === 0) return '';
	const applicable = rows.filter(row => !row.notApplicable);
	if (applicable.length === 0) return 'checklist: nothing to check yet';
	return `checklist ${applicable.filter(row => row.state === 'done').length}/${applicable.length}`;
}

/** What the app keeps of the open checklist: whether it is open, the highlighted row, whether its evidence shows. */
export type ChecklistView = {open: boolean; selected: number; expanded: boolean};
export const CHECKLIST_CLOSED: ChecklistView = {open: false, selected: 0, expanded: false};

/** The view after a checklist key; a tick changes the session, not the view, and is the caller's. */
export function nextChecklistView(view: ChecklistView, action: ActionIn<'checklist'> | 'toggleChecklist', itemCount: number): ChecklistView {
	switch (action) {
		case 'toggleChecklist':
			return {...view, open: !view.open};
		case 'closeChecklist':
			return {...view, open: false};
		case 'selectPrevious':
			return {...view, selected: Math.max(0, view.selected - 1)};
		case 'selectNext':
			return {...view, selected: Math.max(0, Math.min(itemCount - 1, view.selected + 1))};
		case 'showEvidence':
			return {...view, expanded: !view.expanded};
		case 'tickChecklist':
			return view;
		default: {
			const unhandled: never = action;
			return unhandled;
		}
	}
}

const WHO: Record<ChecklistSource, string> = {evidence: 'evidence', user: 'you', model: 'model'};

function mark(row: ChecklistRow): {symbol: string; label: string; color: string} {
	if (row.notApplicable) return {symbol: '–', label: 'n/a', color: THEME.dim};
	if (row.state === 'done') return {symbol: '✓', label: WHO[row.by ?? 'evidence'], color: THEME.ok};
	return {symbol: '○', label: row.by && row.by !== 'evidence' ? WHO[row.by] : '', color: THEME.warn};
}

const LABEL_WIDTH = 8;

/** Evidence text wrapped like the chat (wrap.ts), at least 8 columns wide. */
export function wrapText(text: string, width: number): string[] {
	return wrapRows(text, Math.max(8, width));
}

export type ChecklistPaneProps = {
	/** The agent's checklist items (`extractChecklist`), in order. Replay may pass none and show what the log holds. */
	items?: readonly ChecklistPaneItem[];
	/** `state.checklist`: the latest change of each item. */
	entries: readonly ChecklistEntry[];
	/** Index of the highlighted row; the parent owns it (↑/↓). Undefined: no highlight. */
	selected?: number;
	/** Show the highlighted item's evidence under it; the parent owns it (Enter). */
	expanded?: boolean;
	width: number;
	/** Rows the pane may use in all; the evidence is cut to fit, the items never are. */
	maxRows?: number;
	/** A dim line of key hints under the title, e.g. "↑↓ select · space tick · enter evidence". */
	hint?: string;
};

/** The quality checklist: one line per item (state, who ticked it, text) and the evidence of the selected one. */
export function ChecklistPane({items = [], entries, selected, expanded = false, width, maxRows = 24, hint}: ChecklistPaneProps) {
	const rows = checklistRows(items, entries);
	const inner = Math.max(20, width - 2);
	const summary = checklistSummary({checklist: entries}, items);
	const chrome = 2 + 1 + (hint ? 1 : 0);
	const evidenceRows = Math.max(1, maxRows - chrome - rows.length);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={THEME.dim} width={width}>
			<Text wrap="truncate-end">
				<Text bold>Quality checklist</Text>
				{summary ? <Text color={THEME.dim}> · {summary.replace(/^checklist:? ?/, '')}</Text> : null}
			</Text>
			{hint ? (
				<Text color={THEME.dim} wrap="truncate-end">
					{hint}
				</Text>
			) : null}
			{rows.length === 0 ? <Text color={THEME.dim}>The agent file has no Quality Checklist section.</Text> : null}
			{rows.map((row, index) => {
				const {symbol, label, color} = mark(row);
				const isSelected = index === selected;
				const prefix = `${isSelected ? '›' : ' '} ${symbol} ${label.padEnd(LABEL_WIDTH)} `;
				const text = truncate(row.text, Math.max(0, inner - prefix.length));
				const evidence = isSelected && expanded ? wrapText(row.evidence || '(no evidence recorded)', inner - 4) : [];
				const shown = evidence.slice(0, evidenceRows);
				if (evidence.length > shown.length && shown.length > 0) shown[shown.length - 1] = truncate(`${shown.at(-1) ?? ''} …`, inner - 4);
				return (
					<Box key={row.itemId} flexDirection="column">
						<Text wrap="truncate-end" inverse={isSelected}>
							<Text>{isSelected ? '›' : ' '} </Text>
							<Text color={color}>{symbol}</Text>
							<Text color={THEME.dim}> {label.padEnd(LABEL_WIDTH)} </Text>
							<Text>{text}</Text>
						</Text>
						{shown.map((line, i) => (
							// biome-ignore lint/suspicious/noArrayIndexKey: rows of one wrapped text are positional; the position is the identity.
							<Text key={i} color={THEME.dim} wrap="truncate-end">
								{'    '}
								{line}
							</Text>
						))}
					</Box>
				);
			})}
		</Box>
	);
}
