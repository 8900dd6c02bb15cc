/**
 * Every key of the live app, the replay and the session picker, in one table. A row says which key(s), in which
 * context, mean which action. Help screens and key hints are rendered from it and handlers resolve keys through
 * it, so a key is documented exactly where it is defined. Which contexts are active at a moment is focus.ts's
 * business; the tests check that no key means two things in any set of contexts it can produce.
 */
import type {KeyEvent, KeySpec} from './key-spec.js';
import {parseKeys, specLabel, specMatches} from './key-spec.js';

/** Where a binding applies. A component owns one or more contexts and acts on their actions only. */
export type Context =
	/** Live: always, even while typing. */
	| 'global'
	/** Live: unless a text field or the diffs or results overlay has the keyboard. */
	| 'session'
	/** Live: Esc, when nothing open above the turn takes it. */
	| 'turn'
	/** Live and replay: the help is open. */
	| 'help'
	/** Live: the help is open and no call waits, so PgUp/PgDn page it. */
	| 'help-pages'
	/** Live: the prompt has the keyboard and is empty, so these characters are keys rather than text. */
	| 'empty-prompt'
	/** Live: the empty prompt, before a model is configured. */
	| 'welcome'
	/** Live: the empty prompt while no turn runs and nothing else is open (Esc twice opens the rewind). */
	| 'idle-prompt'
	/** Live: the rewind screen's list of checkpoints. */
	| 'rewind'
	/** Live: the rewind screen's plan of one checkpoint, with the choices that confirm it. */
	| 'rewind-plan'
	/** Live: a list to choose from (`/model`'s models, `/resume`'s saved sessions; also `pgpair --resume`'s). */
	| 'chooser'
	/** Every text entry: the prompt, the approval pane's fields, the replay's search. */
	| 'text'
	/** One-line text: the prompt and the approval pane's short answers. */
	| 'line'
	/** The chat prompt has the keyboard: its history, its cursor, its new lines. */
	| 'prompt'
	/** The multi-line editor of a call's SQL or arguments. */
	| 'editor'
	/** The approval pane's fields, one line or many. */
	| 'field'
	/** The approval pane, deciding a call. */
	| 'approval'
	/** A scrolling preview: the approval pane's, or the diffs overlay's. */
	| 'scroll'
	| 'checklist'
	| 'diffs'
	/** Live: the overlay of the tool calls' whole results. */
	| 'results'
	| 'replay'
	/** Replay: playing, with no help open. */
	| 'playback'
	/** Replay: typing a search. */
	| 'search'
	/** The list of saved sessions (`pgpair replay`, `pgpair resume`). */
	| 'picker';

/**
 * A row: its keys as help writes them (see `parseKeys`), where they apply, what they mean, and what help says.
 * Rows are grouped by context, in the order help lists them.
 */
const TABLE = [
	// Ink hands over a whole read at once, so two fast Ctrl+C arrive as one "\u0003\u0003"; a lone raw one is Ctrl+C too.
	{keys: 'Ctrl+C \u0003', context: 'global', action: 'quit', description: 'clear the prompt; on an empty one, quit (press twice)'},
	{keys: '\u0003\u0003', context: 'global', action: 'quitNow', description: 'quit at once'},
	{keys: 'Shift+Tab', context: 'session', action: 'cycleMode', description: 'permission mode: default → acceptEdits → plan'},
	{keys: 'Ctrl+D', context: 'session', action: 'openDiffs', description: 'the previews so far'},
	{keys: 'Ctrl+L', context: 'session', action: 'toggleChecklist', description: 'the quality checklist'},
	{keys: 'Ctrl+O', context: 'session', action: 'openResults', description: 'the tool calls’ whole results'},
	{keys: 'Esc', context: 'turn', action: 'cancelTurn', description: 'cancel the running turn (pending calls are denied)'},
	{keys: 'Esc', context: 'help', action: 'closeHelp', description: 'close this help'},
	{keys: 'PgDn', context: 'help-pages', action: 'helpPageDown', description: 'more of this help'},
	{keys: 'PgUp', context: 'help-pages', action: 'helpPageUp', description: 'back up'},
	{keys: '?', context: 'empty-prompt', action: 'toggleHelp', description: 'show or hide this help'},
	{keys: 'D', context: 'welcome', action: 'startDemo', description: 'run the offline demo (no API key needed)'},
	{keys: 'Esc', context: 'idle-prompt', action: 'openRewind', description: 'rewind to a checkpoint (press twice; or type /rewind)'},
	{keys: 'Enter', context: 'line', action: 'submit', description: 'send the prompt or the answer'},
	// Claude Code's keys: ↑ and ↓ move between lines first, and past the first or last line through the history.
	{keys: '↑', context: 'prompt', action: 'historyPrevious', description: 'line above; on the first, the prompt before'},
	{keys: '↓', context: 'prompt', action: 'historyNext', description: 'line below; on the last, the next prompt'},
	{keys: '←', context: 'prompt', action: 'cursorLeft', description: 'cursor left'},
	{keys: '→', context: 'prompt', action: 'cursorRight', description: 'cursor right'},
	// Ctrl+J arrives as a bare line feed ("\n"), Meta+Enter as Esc then CR; `\` then Enter is the submit handler's.
	{keys: '\n Meta+Enter', context: 'prompt', action: 'newline', description: 'new line (or \\ then Enter)'},
	{keys: 'Backspace Delete', context: 'text', action: 'deleteChar', description: 'delete a character'},
	{keys: 'Ctrl+U', context: 'text', action: 'clearText', description: 'clear the text'},
	{keys: 'Enter', context: 'editor', action: 'newline', description: 'new line'},
	{keys: 'Ctrl+S', context: 'editor', action: 'save', description: 'save the edited call'},
	{keys: 'Esc', context: 'field', action: 'back', description: 'back to the call, answering nothing'},
	{keys: 'y', context: 'approval', action: 'approveOnce', description: 'allow once'},
	{keys: 'a', context: 'approval', action: 'approveForSession', description: 'allow the tool for the session'},
	{keys: 'n', context: 'approval', action: 'deny', description: 'deny'},
	{keys: 'd', context: 'approval', action: 'denyWithFeedback', description: 'deny with feedback'},
	{keys: 'e', context: 'approval', action: 'editCall', description: 'edit the call'},
	{keys: 'v', context: 'approval', action: 'toggleSql', description: 'SQL or preview'},
	{keys: 'j ↓', context: 'scroll', action: 'scrollDown', description: 'down'},
	{keys: 'k ↑', context: 'scroll', action: 'scrollUp', description: 'up'},
	{keys: 'PgUp', context: 'scroll', action: 'pageUp', description: 'page up'},
	{keys: 'PgDn', context: 'scroll', action: 'pageDown', description: 'page down'},
	{keys: '↑', context: 'checklist', action: 'selectPrevious', description: 'previous item'},
	{keys: '↓', context: 'checklist', action: 'selectNext', description: 'next item'},
	{keys: 'Enter', context: 'checklist', action: 'showEvidence', description: 'its evidence'},
	{keys: 'Space', context: 'checklist', action: 'tickChecklist', description: 'tick it yourself'},
	{keys: 'Esc', context: 'checklist', action: 'closeChecklist', description: 'close'},
	{keys: '→', context: 'diffs', action: 'olderDiff', description: 'older preview'},
	{keys: '←', context: 'diffs', action: 'newerDiff', description: 'newer preview'},
	{keys: 'Esc', context: 'diffs', action: 'closeDiffs', description: 'close'},
	{keys: '→', context: 'results', action: 'olderResult', description: 'older call'},
	{keys: '←', context: 'results', action: 'newerResult', description: 'newer call'},
	{keys: 'Esc', context: 'results', action: 'closeResults', description: 'close'},
	{keys: '↑ k', context: 'rewind', action: 'selectPrevious', description: 'newer checkpoint'},
	{keys: '↓ j', context: 'rewind', action: 'selectNext', description: 'older checkpoint'},
	{keys: 'Enter', context: 'rewind', action: 'choose', description: 'what rewinding to it restores'},
	{keys: 'Esc', context: 'rewind', action: 'closeRewind', description: 'close'},
	{keys: 'd Enter', context: 'rewind-plan', action: 'restore', description: 'restore database + files'},
	{keys: 'c', context: 'rewind-plan', action: 'restoreWithConversation', description: 'database + files + conversation'},
	{keys: 'f', context: 'rewind-plan', action: 'restoreFiles', description: 'files only'},
	{keys: 'b', context: 'rewind-plan', action: 'restoreDatabase', description: 'database only'},
	{keys: 'Esc', context: 'rewind-plan', action: 'back', description: 'back to the list'},
	{keys: '↑ k', context: 'chooser', action: 'selectPrevious', description: 'previous'},
	{keys: '↓ j', context: 'chooser', action: 'selectNext', description: 'next'},
	{keys: 'PgUp', context: 'chooser', action: 'pageUp', description: 'a page up'},
	{keys: 'PgDn', context: 'chooser', action: 'pageDown', description: 'a page down'},
	{keys: 'Enter', context: 'chooser', action: 'choose', description: 'choose it'},
	{keys: 'Esc', context: 'chooser', action: 'closeChooser', description: 'close, choosing nothing'},
	{keys: '→ l', context: 'replay', action: 'stepForward', description: 'next event'},
	{keys: '← h', context: 'replay', action: 'stepBack', description: 'previous event'},
	{keys: '↓ ]', context: 'replay', action: 'nextTurn', description: 'next user turn'},
	{keys: '↑ [', context: 'replay', action: 'previousTurn', description: 'previous user turn'},
	{keys: 'a', context: 'replay', action: 'nextApproval', description: 'next approval (the pane shows the decision taken)'},
	{keys: 'A', context: 'replay', action: 'previousApproval', description: 'previous approval'},
	{keys: 'D', context: 'replay', action: 'nextDiff', description: 'next diff'},
	{keys: 'Space', context: 'replay', action: 'playPause', description: 'play or pause at the recorded pace'},
	{keys: '+ =', context: 'replay', action: 'faster', description: 'faster: ×0.5 ×1 ×2 ×5 ×10 ×20 ×50, then instant'},
	{keys: '- _', context: 'replay', action: 'slower', description: 'slower'},
	{keys: 'g Home', context: 'replay', action: 'start', description: 'go to the start'},
	{keys: 'G End', context: 'replay', action: 'end', description: 'go to the end'},
	{keys: '/', context: 'replay', action: 'search', description: 'search prompts, answers and tool calls'},
	{keys: 'n', context: 'replay', action: 'searchNext', description: 'next match'},
	{keys: 'N', context: 'replay', action: 'searchPrevious', description: 'previous match'},
	{keys: 'c', context: 'replay', action: 'toggleChecklist', description: 'show or hide the quality checklist as it stood here'},
	{keys: '?', context: 'replay', action: 'toggleHelp', description: 'show or hide this help'},
	{keys: 'q Ctrl+C', context: 'replay', action: 'quit', description: 'quit the replay'},
	{keys: 'Esc', context: 'playback', action: 'pause', description: 'pause'},
	{keys: 'Enter', context: 'search', action: 'find', description: 'find (empty: the last search again)'},
	{keys: 'Esc', context: 'search', action: 'cancelSearch', description: 'stop searching'},
	{keys: 'Ctrl+C', context: 'search', action: 'quit', description: 'quit the replay'},
	{keys: 'k ↑', context: 'picker', action: 'selectPrevious', description: 'previous session'},
	{keys: 'j ↓', context: 'picker', action: 'selectNext', description: 'next session'},
	{keys: 'PgUp', context: 'picker', action: 'pageUp', description: 'a page up'},
	{keys: 'PgDn', context: 'picker', action: 'pageDown', description: 'a page down'},
	{keys: 'g Home', context: 'picker', action: 'first', description: 'newest session'},
	{keys: 'G End', context: 'picker', action: 'last', description: 'oldest session'},
	{keys: 'Enter', context: 'picker', action: 'choose', description: 'choose this session'},
	{keys: 'Esc q Ctrl+C', context: 'picker', action: 'cancel', description: 'leave'},
] as const satisfies readonly {keys: string; context: Context; action: string; description: string}[];

export type Binding = (typeof TABLE)[number] & {readonly specs: readonly KeySpec[]};

/** The table with each row's keys parsed once, at load, so matching reads plain objects. */
export const BINDINGS: readonly Binding[] = TABLE.map(row => ({...row, specs: parseKeys(row.keys)}));

export type Action = Binding['action'];
/** The actions bound in some of the contexts: what a component owning those contexts must handle. */
export type ActionIn<C extends Context> = Extract<Binding, {context: C}>['action'];

const BY_CONTEXT = new Map<Context, Binding[]>();
for (const row of BINDINGS) {
	const rows = BY_CONTEXT.get(row.context);
	if (rows) rows.push(row);
	else BY_CONTEXT.set(row.context, [row]);
}
const NONE: readonly Binding[] = [];

/** The rows of one context, in table order. */
export function bindingsIn(context: Context): readonly Binding[] {
	return BY_CONTEXT.get(context) ?? NONE;
}

/**
 * The binding a key event means in the active contexts, if any. Pure and allocation-free: it runs on every
 * keypress. The first match wins, but the active sets are built so that at most one can match.
 */
export function bindingFor(contexts: readonly Context[], input: string, key: KeyEvent): Binding | undefined {
	for (const context of contexts) {
		for (const row of bindingsIn(context)) {
			for (const spec of row.specs) if (specMatches(spec, input, key)) return row;
		}
	}

	return undefined;
}

/** The action a key event means in the active contexts, if any. */
export function actionFor(contexts: readonly Context[], input: string, key: KeyEvent): Action | undefined {
	return bindingFor(contexts, input, key)?.action;
}

function rowOf(action: Action, context?: Context): Binding {
	const row = BINDINGS.find(candidate => candidate.action === action && (context === undefined || candidate.context === context));
	if (!row) throw new Error(`no key is bound to ${action}${context ? ` in ${context}` : ''}`);
	return row;
}

/** All keys of a row for help: `j ↓`, `Ctrl+C` (labels that read the same are shown once). */
export function rowKeys(row: Binding): string {
	return [...new Set(row.specs.map(specLabel))].join(' ');
}

/** The first key of an action, for hint lines: `keyOf('approveOnce')` is `y`. */
export function keyOf(action: Action, context?: Context): string {
	return specLabel(rowOf(action, context).specs[0]!);
}

/** How help screens name a context. */
export const CONTEXT_TITLES: Record<Context, string> = {
	global: 'anywhere',
	session: 'session',
	turn: 'a turn',
	help: 'help',
	'help-pages': 'help pages',
	'empty-prompt': 'empty prompt',
	welcome: 'no model yet',
	'idle-prompt': 'idle prompt',
	rewind: 'rewind list',
	'rewind-plan': 'rewind plan',
	chooser: '/model /resume',
	text: 'typing',
	line: 'one line',
	prompt: 'prompt',
	editor: 'editor',
	field: 'answering',
	approval: 'approval',
	scroll: 'scrolling',
	checklist: 'checklist',
	diffs: 'diffs',
	results: 'results',
	replay: 'replay',
	playback: 'playing',
	search: 'search',
	picker: 'sessions',
};
