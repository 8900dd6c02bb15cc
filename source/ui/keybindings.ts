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
	| 'deny'
	| 'startDemo'
	| 'clearInput';

export type KeyBinding = {action: KeyAction; keys: string; context: 'global' | 'input' | 'approval' | 'welcome'; description: string};

export const KEYBINDINGS: readonly KeyBinding[] = [
	{action: 'submit', keys: 'Enter', context: 'input', description: 'send the prompt'},
	{action: 'clearInput', keys: 'Ctrl+U', context: 'input', description: 'clear the prompt'},
	{action: 'cancelTurn', keys: 'Esc', context: 'global', description: 'cancel the running turn (pending calls are denied)'},
	{action: 'quit', keys: 'Ctrl+C Ctrl+C', context: 'global', description: 'quit (press twice)'},
	{action: 'toggleHelp', keys: '?', context: 'global', description: 'show or hide this help (when the prompt is empty)'},
	{action: 'approveOnce', keys: 'y', context: 'approval', description: 'allow this tool call once'},
	{action: 'deny', keys: 'n', context: 'approval', description: 'deny this tool call (the model is told)'},
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
		case 'deny':
			return input === 'n' && !key.ctrl && !key.meta;
		case 'startDemo':
			return input === 'D';
		default: {
			const unhandled: never = action;
			return unhandled;
		}
	}
}
