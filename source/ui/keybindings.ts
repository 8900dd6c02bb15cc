/**
 * Every shortcut in one table: the help overlay renders it, components look keys up by action,
 * so a key is documented exactly where it is defined.
 */
import type {Key} from 'ink';

export type KeyAction =
	| 'submit'
	| 'cancelTurn'
	| 'quit'
	| 'toggleHelp'
	| 'approveOnce'
	| 'approveForSession'
	| 'deny'
	| 'denyWithFeedback'
	| 'editCall'
	| 'cycleMode'
	| 'toggleChecklist'
	| 'openDiffs'
	| 'tickChecklist'
	| 'showEvidence'
	| 'startDemo'
	| 'clearInput';

export type KeyBinding = {action: KeyAction; keys: string; context: 'global' | 'input' | 'approval' | 'welcome' | 'checklist'; description: string};

export const KEYBINDINGS: readonly KeyBinding[] = [
	{action: 'submit', keys: 'Enter', context: 'input', description: 'send the prompt'},
	{action: 'clearInput', keys: 'Ctrl+U', context: 'input', description: 'clear the prompt'},
	{action: 'cancelTurn', keys: 'Esc', context: 'global', description: 'cancel the running turn (pending calls are denied)'},
	{action: 'quit', keys: 'Ctrl+C Ctrl+C', context: 'global', description: 'quit (press twice)'},
	{action: 'toggleHelp', keys: '?', context: 'global', description: 'show or hide this help (when the prompt is empty)'},
	{action: 'cycleMode', keys: 'Shift+Tab', context: 'global', description: 'cycle the permission mode: default → acceptEdits → plan'},
	{action: 'approveOnce', keys: 'y', context: 'approval', description: 'allow this call once (forbidden actions ask you to type a confirmation)'},
	{
		action: 'approveForSession',
		keys: 'a',
		context: 'approval',
		description: 'allow this tool for the rest of the session (never offered for destructive calls)',
	},
	{action: 'deny', keys: 'n', context: 'approval', description: 'deny this call (the model is told)'},
	{action: 'denyWithFeedback', keys: 'd', context: 'approval', description: 'deny and type feedback for the model'},
	{action: 'editCall', keys: 'e', context: 'approval', description: 'edit the SQL or arguments, then run the edited call (Ctrl+S)'},
	{action: 'openDiffs', keys: 'Ctrl+D', context: 'global', description: 'reopen the previews (schema diffs, rows, file diffs) of this session'},
	{action: 'toggleChecklist', keys: 'Ctrl+L', context: 'global', description: 'open or close the quality checklist (↑/↓ select)'},
	{action: 'showEvidence', keys: 'Enter', context: 'checklist', description: 'show or hide the evidence of the selected item'},
	{action: 'tickChecklist', keys: 'Space', context: 'checklist', description: 'tick or untick the selected item yourself'},
	{action: 'startDemo', keys: 'D', context: 'welcome', description: 'run the offline demo (no API key needed)'},
];

/** Whether an Ink key event triggers an action. Kept pure so it is testable with plain objects. */
export function matches(action: KeyAction, input: string, key: Partial<Key>): boolean {
	switch (action) {
		case 'submit':
			return key.return === true;
		case 'clearInput':
			return key.ctrl === true && input === 'u';
		case 'cancelTurn':
			return key.escape === true;
		case 'quit':
			return key.ctrl === true && input === 'c';
		case 'toggleHelp':
			return input === '?';
		case 'approveOnce':
			return input === 'y' && !key.ctrl && !key.meta;
		case 'approveForSession':
			return input === 'a' && !key.ctrl && !key.meta;
		case 'deny':
			return input === 'n' && !key.ctrl && !key.meta;
		case 'denyWithFeedback':
			return input === 'd' && !key.ctrl && !key.meta;
		case 'editCall':
			return input === 'e' && !key.ctrl && !key.meta;
		case 'cycleMode':
			return key.tab === true && key.shift === true;
		case 'openDiffs':
			return key.ctrl === true && input === 'd';
		case 'toggleChecklist':
			return key.ctrl === true && input === 'l';
		case 'tickChecklist':
			return input === ' ';
		case 'showEvidence':
			return key.return === true;
		case 'startDemo':
			return input === 'D';
		default: {
			const unhandled: never = action;
			return unhandled;
		}
	}
}
