/**
 * Every replay shortcut in one table, like the live one in ../keybindings.ts: the help overlay is
 * rendered from it and the app looks keys up by action, so help cannot disagree with the keys.
 */
import type {Key} from 'ink';

export type ReplayAction =
	| 'stepForward'
	| 'stepBack'
	| 'nextTurn'
	| 'previousTurn'
	| 'nextApproval'
	| 'previousApproval'
	| 'nextDiff'
	| 'playPause'
	| 'faster'
	| 'slower'
	| 'start'
	| 'end'
	| 'search'
	| 'searchNext'
	| 'searchPrevious'
	| 'toggleHelp'
	| 'toggleChecklist'
	| 'quit';

export type ReplayBinding = {action: ReplayAction; keys: string; description: string};

export const REPLAY_KEYBINDINGS: readonly ReplayBinding[] = [
	{action: 'stepForward', keys: '→  l', description: 'next event'},
	{action: 'stepBack', keys: '←  h', description: 'previous event'},
	{action: 'nextTurn', keys: '↓  ]', description: 'next user turn'},
	{action: 'previousTurn', keys: '↑  [', description: 'previous user turn'},
	{action: 'nextApproval', keys: 'a', description: 'next approval (the pane shows the decision taken)'},
	{action: 'previousApproval', keys: 'A', description: 'previous approval'},
	{action: 'nextDiff', keys: 'D', description: 'next diff'},
	{action: 'playPause', keys: 'space', description: 'play / pause at the recorded pace (pauses over 2 s are cut to 2 s)'},
	{action: 'faster', keys: '+', description: 'faster: ×0.5 ×1 ×2 ×5 ×10 ×20 ×50, then instant (one event per frame)'},
	{action: 'slower', keys: '-', description: 'slower'},
	{action: 'start', keys: 'g  Home', description: 'go to the start'},
	{action: 'end', keys: 'G  End', description: 'go to the end'},
	{action: 'search', keys: '/', description: 'search prompts, answers and tool calls (Enter to find)'},
	{action: 'searchNext', keys: 'n', description: 'next match'},
	{action: 'searchPrevious', keys: 'N', description: 'previous match'},
	{action: 'toggleChecklist', keys: 'c', description: 'show or hide the quality checklist as it stood at this point'},
	{action: 'toggleHelp', keys: '?', description: 'show or hide this help'},
	{action: 'quit', keys: 'q  Ctrl+C', description: 'quit the replay'},
];

/** The action an Ink key event triggers, if any. Pure, so it is testable with plain objects. */
export function replayActionFor(input: string, key: Partial<Key>): ReplayAction | undefined {
	if (key.ctrl) return input === 'c' ? 'quit' : undefined;
	if (key.meta) return undefined;
	if (key.rightArrow) return 'stepForward';
	if (key.leftArrow) return 'stepBack';
	if (key.downArrow) return 'nextTurn';
	if (key.upArrow) return 'previousTurn';
	if (key.home) return 'start';
	if (key.end) return 'end';
	switch (input) {
		case 'l':
			return 'stepForward';
		case 'h':
			return 'stepBack';
		case ']':
			return 'nextTurn';
		case '[':
			return 'previousTurn';
		case 'a':
			return 'nextApproval';
		case 'A':
			return 'previousApproval';
		case 'D':
			return 'nextDiff';
		case 'c':
			return 'toggleChecklist';
		case ' ':
			return 'playPause';
		case '+':
		case '=':
			return 'faster';
		case '-':
		case '_':
			return 'slower';
		case 'g':
			return 'start';
		case 'G':
			return 'end';
		case '/':
			return 'search';
		case 'n':
			return 'searchNext';
		case 'N':
			return 'searchPrevious';
		case '?':
			return 'toggleHelp';
		case 'q':
			return 'quit';
		default:
			return undefined;
	}
}

/** Short hints for the replay bar, in the order a newcomer needs them. */
export const REPLAY_HINTS = '←→ step  ↑↓ turn  a approval  D diff  space play  +/- speed  g/G start/end  / search  ? help  q quit';
