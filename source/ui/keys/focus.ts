/**
 * Focus as data: which binding contexts are active, computed from UI state in this one place. A set never
 * holds two bindings for the same key (test/ui/keys.test.ts walks every set these functions can return), so a
 * key means one thing at a time, and the component owning that thing's context is the one that acts.
 */
import type {Context} from './bindings.js';

/** Which of the approval pane's text fields has the keyboard: none, a one-line answer or the multi-line editor. */
export type Editing = 'none' | 'line' | 'editor';

/**
 * The rewind screen, when open: its list, a checkpoint's plan (read, shown, or failed), or a rewind running (no key
 * but quit acts then). Owned by the screen, which reports it; the app keeps a copy, as it does for `editing`.
 */
export type RewindFocus = 'closed' | 'list' | 'plan' | 'busy';

/** The live app's facts that decide what a key means. */
export type LiveFocus = {
	/** Owned by the approval pane, which passes its latest value; the app keeps a copy to go quiet meanwhile. */
	editing: Editing;
	diffsOpen: boolean;
	/** The overlay of the tool calls' whole results (Ctrl+O). */
	resultsOpen: boolean;
	/** A call waits for a decision: the approval pane is shown and the prompt is not active. */
	approvalPending: boolean;
	checklistOpen: boolean;
	helpOpen: boolean;
	/** No model is configured and the offline demo can start. */
	demoOffered: boolean;
	/** A turn runs (the model answers, a tool runs, a call waits): Esc cancels it. */
	turnRunning: boolean;
	rewind: RewindFocus;
	/** A list to choose from is open in the prompt's place (`/model`, `/resume`): it takes every key but quit. */
	chooser: boolean;
};

/** Nothing open, nothing pending: the prompt has the keyboard. */
export const LIVE_IDLE: LiveFocus = {
	editing: 'none',
	diffsOpen: false,
	resultsOpen: false,
	approvalPending: false,
	checklistOpen: false,
	helpOpen: false,
	demoOffered: false,
	turnRunning: false,
	rewind: 'closed',
	chooser: false,
};

const REWIND_BITS: Record<RewindFocus, number> = {closed: 0, list: 1, plan: 2, busy: 3};

const liveCache = new Map<number, readonly Context[]>();

/**
 * The active contexts of the live app. `promptEmpty` is the prompt's own fact: only the prompt passes it, since
 * only the keys it owns (`?`, `D`, Esc toward the rewind) depend on it. Cached, so the same facts give the same array and no allocation.
 */
export function liveContexts(focus: LiveFocus, promptEmpty = false): readonly Context[] {
	const bits =
		(focus.editing === 'line' ? 1 : focus.editing === 'editor' ? 2 : 0) |
		(focus.diffsOpen ? 4 : 0) |
		(focus.approvalPending ? 8 : 0) |
		(focus.checklistOpen ? 16 : 0) |
		(focus.helpOpen ? 32 : 0) |
		(focus.demoOffered ? 64 : 0) |
		(promptEmpty ? 128 : 0) |
		(focus.turnRunning ? 256 : 0) |
		(REWIND_BITS[focus.rewind] << 9) |
		(focus.resultsOpen ? 2048 : 0) |
		(focus.chooser ? 4096 : 0);
	let contexts = liveCache.get(bits);
	if (!contexts) {
		contexts = Object.freeze(computeLive(focus, promptEmpty));
		liveCache.set(bits, contexts);
	}

	return contexts;
}

function computeLive(focus: LiveFocus, promptEmpty: boolean): Context[] {
	// A text field takes every key but quit, and so do the diffs and results overlays: nothing behind them may react.
	if (focus.editing !== 'none') return ['global', 'text', focus.editing, 'field'];
	if (focus.diffsOpen) return ['global', 'diffs', 'scroll'];
	if (focus.resultsOpen) return ['global', 'results', 'scroll'];
	// The rewind screen, likewise; while a rewind runs no key but quit acts.
	if (focus.rewind === 'list') return ['global', 'rewind'];
	if (focus.rewind === 'plan') return ['global', 'rewind-plan', 'scroll'];
	if (focus.rewind === 'busy') return ['global'];
	if (focus.chooser) return ['global', 'chooser'];
	const contexts: Context[] = ['global', 'session'];
	// The approval pane hides the checklist; the open checklist takes the prompt's keys.
	const checklistShown = focus.checklistOpen && !focus.approvalPending;
	if (focus.approvalPending) contexts.push('approval', 'scroll');
	else if (checklistShown) contexts.push('checklist');
	else {
		contexts.push('text', 'line', 'prompt');
		if (promptEmpty) contexts.push('empty-prompt');
		if (promptEmpty && focus.demoOffered) contexts.push('welcome');
	}

	// Esc closes what is open before it cancels the turn: the checklist (its own Esc), then the help. With no turn to
	// cancel, Esc on the empty prompt counts toward the rewind (twice opens it); on a prompt with text it does nothing.
	if (checklistShown) return contexts;
	// The help pages with PgUp/PgDn, which scroll the approval pane while a call waits.
	if (focus.helpOpen) contexts.push(...(focus.approvalPending ? (['help'] as const) : (['help', 'help-pages'] as const)));
	else if (focus.turnRunning || focus.approvalPending) contexts.push('turn');
	else if (promptEmpty) contexts.push('idle-prompt');
	return contexts;
}

/** The replay's facts that decide what a key means. */
export type ReplayFocus = {searching: boolean; helpOpen: boolean; playing: boolean};

const REPLAY_SEARCHING: readonly Context[] = Object.freeze(['search', 'text']);
const REPLAY_HELP_OPEN: readonly Context[] = Object.freeze(['replay', 'help']);
const REPLAY_PLAYING: readonly Context[] = Object.freeze(['replay', 'playback']);
const REPLAY_PAUSED: readonly Context[] = Object.freeze(['replay']);

/** The active contexts of the replay: the search takes every key but Ctrl+C while it is typed. */
export function replayContexts(focus: ReplayFocus): readonly Context[] {
	if (focus.searching) return REPLAY_SEARCHING;
	if (focus.helpOpen) return REPLAY_HELP_OPEN;
	return focus.playing ? REPLAY_PLAYING : REPLAY_PAUSED;
}

export const PICKER_CONTEXTS: readonly Context[] = Object.freeze(['picker']);
/** `pgpair --resume` without an id: the saved sessions to choose from, before any session is open. */
export const RESUME_PICKER_CONTEXTS: readonly Context[] = Object.freeze(['global', 'chooser']);

/** What each help screen lists, in this order. */
export const LIVE_HELP_CONTEXTS: readonly Context[] = [
	'global',
	'session',
	'turn',
	'help',
	'help-pages',
	'empty-prompt',
	'welcome',
	'idle-prompt',
	'line',
	'prompt',
	'text',
	'editor',
	'field',
	'approval',
	'scroll',
	'checklist',
	'diffs',
	'results',
	'rewind',
	'rewind-plan',
	'chooser',
];
export const REPLAY_HELP_CONTEXTS: readonly Context[] = ['replay', 'playback', 'help', 'search', 'text'];
