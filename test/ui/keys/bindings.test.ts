import {describe, expect, it} from 'vitest';
import {actionFor, BINDINGS, type Binding, bindingFor, type Context, keyOf, rowKeys} from '../../../source/ui/keys/bindings.js';
import {
	type Editing,
	LIVE_HELP_CONTEXTS,
	LIVE_IDLE,
	type LiveFocus,
	liveContexts,
	PICKER_CONTEXTS,
	REPLAY_HELP_CONTEXTS,
	RESUME_PICKER_CONTEXTS,
	type RewindFocus,
	replayContexts,
} from '../../../source/ui/keys/focus.js';
import {type KeyEvent, type KeySpec, parseKeys, specMatches, typedText} from '../../../source/ui/keys/key-spec.js';

/** The event Ink hands a handler for a key of the table (as ink/build/hooks/use-input.js builds it). */
function eventFor(spec: KeySpec): {input: string; key: KeyEvent} {
	if ('name' in spec)
		return {input: '', key: {[spec.name]: true, ctrl: spec.ctrl ?? false, shift: spec.shift ?? false, meta: spec.name === 'escape' || (spec.meta ?? false)}};
	return {input: spec.repeated ? spec.ch.repeat(2) : spec.ch, key: {ctrl: spec.ctrl ?? false, shift: /^[A-Z]$/.test(spec.ch), meta: false}};
}

const BOTH = [false, true];

/** Every set of active contexts the focus functions can return, by its contents. */
function reachableSets(): (readonly Context[])[] {
	const sets = new Map<string, readonly Context[]>();
	const add = (contexts: readonly Context[]) => sets.set(contexts.join(' '), contexts);
	for (const editing of ['none', 'line', 'editor'] as Editing[])
		for (const diffsOpen of BOTH)
			for (const resultsOpen of BOTH)
				for (const approvalPending of BOTH)
					for (const checklistOpen of BOTH)
						for (const helpOpen of BOTH)
							for (const demoOffered of BOTH)
								for (const turnRunning of BOTH)
									for (const rewind of ['closed', 'list', 'plan', 'busy'] as RewindFocus[])
										for (const chooser of BOTH)
											for (const promptEmpty of BOTH)
												add(
													liveContexts(
														{editing, diffsOpen, resultsOpen, approvalPending, checklistOpen, helpOpen, demoOffered, turnRunning, rewind, chooser},
														promptEmpty,
													),
												);
	for (const searching of BOTH) for (const helpOpen of BOTH) for (const playing of BOTH) add(replayContexts({searching, helpOpen, playing}));
	add(PICKER_CONTEXTS);
	add(RESUME_PICKER_CONTEXTS);
	return [...sets.values()];
}

const SETS = reachableSets();
const id = (binding: Binding) => `${binding.context}:${binding.action}`;
const live = (focus: Partial<LiveFocus>, promptEmpty = false) => liveContexts({...LIVE_IDLE, ...focus}, promptEmpty);

describe('the bindings table', () => {
	it('has every binding reachable: in some set of active contexts, each of its keys means it', () => {
		const unreachable = BINDINGS.filter(
			binding =>
				!SETS.some(
					contexts =>
						contexts.includes(binding.context) &&
						binding.specs.every(spec => {
							const {input, key} = eventFor(spec);
							return bindingFor(contexts, input, key) === binding;
						}),
				),
		).map(id);
		expect(unreachable).toEqual([]);
	});

	it('never lets one key mean two things in a set of active contexts', () => {
		const collisions: string[] = [];
		for (const contexts of SETS) {
			const active = BINDINGS.filter(binding => contexts.includes(binding.context));
			for (const binding of active) {
				for (const spec of binding.specs) {
					const {input, key} = eventFor(spec);
					const meanings = active.filter(other => other.specs.some(candidate => specMatches(candidate, input, key)));
					if (meanings.length > 1) collisions.push(`[${contexts.join(' ')}] ${rowKeys(binding)}: ${meanings.map(id).join(', ')}`);
				}
			}
		}

		expect([...new Set(collisions)]).toEqual([]);
	});

	it('names each action once in a context, so a help line and a handler find one row', () => {
		const ids = BINDINGS.map(id);
		expect(ids.length).toBe(new Set(ids).size);
	});

	it('shows every context on a help screen, or in the session picker', () => {
		const shown = new Set([...LIVE_HELP_CONTEXTS, ...REPLAY_HELP_CONTEXTS, ...PICKER_CONTEXTS]);
		expect(BINDINGS.map(binding => binding.context).filter(context => !shown.has(context))).toEqual([]);
	});

	it('labels keys as help writes them', () => {
		const row = (action: string) => BINDINGS.find(binding => binding.action === action)!;
		expect(rowKeys(row('quit'))).toBe('Ctrl+C');
		expect(rowKeys(row('quitNow'))).toBe('Ctrl+C Ctrl+C');
		expect(rowKeys(row('cycleMode'))).toBe('Shift+Tab');
		expect(rowKeys(row('scrollDown'))).toBe('j ↓');
		expect(rowKeys(row('tickChecklist'))).toBe('Space');
		expect(keyOf('startDemo')).toBe('D');
		expect(keyOf('quit', 'replay')).toBe('q');
	});
});

describe('the focus', () => {
	it('gives an open overlay or a text field every key but quit', () => {
		expect(live({diffsOpen: true})).toEqual(['global', 'diffs', 'scroll']);
		expect(live({diffsOpen: true, approvalPending: true, helpOpen: true})).toEqual(['global', 'diffs', 'scroll']);
		expect(live({editing: 'line', approvalPending: true})).toEqual(['global', 'text', 'line', 'field']);
		expect(live({editing: 'editor', approvalPending: true})).toEqual(['global', 'text', 'editor', 'field']);
		expect(replayContexts({searching: true, helpOpen: true, playing: true})).toEqual(['search', 'text']);
	});

	it('scrolls with j/k and ↓/↑ in the approval pane and in the diffs alike; → and ← pick a diff', () => {
		const approval = live({approvalPending: true});
		const diffs = live({diffsOpen: true});
		for (const contexts of [approval, diffs]) {
			expect(actionFor(contexts, 'j', {})).toBe('scrollDown');
			expect(actionFor(contexts, 'k', {})).toBe('scrollUp');
			expect(actionFor(contexts, '', {downArrow: true})).toBe('scrollDown');
			expect(actionFor(contexts, '', {upArrow: true})).toBe('scrollUp');
			expect(actionFor(contexts, '', {pageDown: true})).toBe('pageDown');
		}

		expect(actionFor(diffs, '', {rightArrow: true})).toBe('olderDiff');
		expect(actionFor(diffs, '', {leftArrow: true})).toBe('newerDiff');
		expect(actionFor(approval, '', {rightArrow: true})).toBeUndefined();
	});

	it.each([
		['the prompt during a turn', {turnRunning: true}, 'cancelTurn'],
		['the help during a turn', {turnRunning: true, helpOpen: true}, 'closeHelp'],
		['a pending call', {approvalPending: true}, 'cancelTurn'],
		['the help', {helpOpen: true}, 'closeHelp'],
		['the checklist', {checklistOpen: true}, 'closeChecklist'],
		['the checklist over the help', {checklistOpen: true, helpOpen: true}, 'closeChecklist'],
		['the checklist hidden by a pending call', {checklistOpen: true, approvalPending: true}, 'cancelTurn'],
		['a text field', {approvalPending: true, editing: 'line'}, 'back'],
		['the diffs', {diffsOpen: true}, 'closeDiffs'],
		['the rewind list', {rewind: 'list'}, 'closeRewind'],
		['a rewind plan', {rewind: 'plan'}, 'back'],
		['a running rewind', {rewind: 'busy'}, undefined],
	] as const)('gives Esc over %s one meaning: %s', (_what, focus, action) => {
		expect(actionFor(live(focus), '\u001B', {escape: true, meta: true})).toBe(action);
	});

	it('makes Esc count toward the rewind only on the empty prompt with no turn running and nothing open', () => {
		const esc = (focus: Partial<LiveFocus>, promptEmpty: boolean) => actionFor(live(focus, promptEmpty), '\u001B', {escape: true, meta: true});
		expect(esc({}, true)).toBe('openRewind');
		// The app resolves keys without the prompt's fact: it sees no Esc at all on an idle prompt, so it never cancels
		// a turn that is not there while the prompt arms the rewind.
		expect(esc({}, false)).toBeUndefined();
		expect(esc({turnRunning: true}, true)).toBe('cancelTurn');
		expect(esc({helpOpen: true}, true)).toBe('closeHelp');
		expect(esc({approvalPending: true, turnRunning: true}, true)).toBe('cancelTurn');
		expect(esc({checklistOpen: true}, true)).toBe('closeChecklist');
		expect(esc({diffsOpen: true}, true)).toBe('closeDiffs');
	});

	it('gives the rewind screen every key but quit: the list moves and chooses, the plan confirms and scrolls', () => {
		const list = live({rewind: 'list'}, true);
		expect(list).toEqual(['global', 'rewind']);
		expect(actionFor(list, '', {downArrow: true})).toBe('selectNext');
		expect(actionFor(list, 'k', {})).toBe('selectPrevious');
		expect(actionFor(list, '\r', {return: true})).toBe('choose');
		expect(actionFor(list, '?', {})).toBeUndefined();
		expect(actionFor(list, '', {tab: true, shift: true})).toBeUndefined();
		const plan = live({rewind: 'plan'});
		expect(actionFor(plan, '\r', {return: true})).toBe('restore');
		expect(actionFor(plan, 'd', {})).toBe('restore');
		expect(actionFor(plan, 'c', {})).toBe('restoreWithConversation');
		expect(actionFor(plan, 'f', {})).toBe('restoreFiles');
		expect(actionFor(plan, 'b', {})).toBe('restoreDatabase');
		expect(actionFor(plan, 'j', {})).toBe('scrollDown');
		expect(actionFor(plan, 'c', {ctrl: true})).toBe('quit');
		const busy = live({rewind: 'busy'});
		expect(busy).toEqual(['global']);
		expect(actionFor(busy, 'd', {})).toBeUndefined();
		expect(actionFor(busy, 'c', {ctrl: true})).toBe('quit');
	});

	it('makes ? and D keys only on an empty prompt, and D only before a model is configured', () => {
		expect(actionFor(live({}, true), '?', {})).toBe('toggleHelp');
		expect(actionFor(live({}, false), '?', {})).toBeUndefined();
		expect(actionFor(live({demoOffered: true}, true), 'D', {shift: true})).toBe('startDemo');
		expect(actionFor(live({demoOffered: true}, false), 'D', {shift: true})).toBeUndefined();
		expect(actionFor(live({}, true), 'D', {shift: true})).toBeUndefined();
		expect(actionFor(live({checklistOpen: true}, true), '?', {})).toBeUndefined();
	});
});

describe('matching a key', () => {
	const approval = live({approvalPending: true});
	it.each([
		['Ctrl+D opens the diffs, it does not deny', approval, 'd', {ctrl: true}, 'openDiffs'],
		['d alone denies with feedback', approval, 'd', {}, 'denyWithFeedback'],
		['Alt+y (Meta) answers nothing', approval, 'y', {meta: true}, undefined],
		['a pasted "yy" answers nothing', approval, 'yy', {}, undefined],
		['Tab is not Shift+Tab', live({}), '', {tab: true}, undefined],
		['Shift+Tab cycles the mode', live({}), '', {tab: true, shift: true}, 'cycleMode'],
		['Ctrl+C asks to quit', live({editing: 'editor'}), 'c', {ctrl: true}, 'quit'],
		['a raw Ctrl+C asks to quit', live({}), '\u0003', {}, 'quit'],
		['three Ctrl+C in one read quit at once', live({}), '\u0003\u0003\u0003', {}, 'quitNow'],
		['Ctrl+↓ is not ↓', approval, '', {downArrow: true, ctrl: true}, undefined],
		['Ctrl+C quits the replay even while searching', replayContexts({searching: true, helpOpen: false, playing: false}), 'c', {ctrl: true}, 'quit'],
		['q is a letter of the search', replayContexts({searching: true, helpOpen: false, playing: false}), 'q', {}, undefined],
	] as const)('%s', (_what, contexts, input, key, action) => {
		expect(actionFor(contexts, input, key)).toBe(action);
	});

	it.each([
		['a letter', 'a', {}, 'a'],
		['pasted text with a newline', 'one\rtwo', {}, 'one\rtwo'],
		['a Ctrl key', 'u', {ctrl: true}, ''],
		['an Alt key', 'x', {meta: true}, ''],
		['an arrow', '', {upArrow: true}, ''],
		['Tab', '\t', {tab: true}, ''],
	] as const)('types %s as %j', (_what, input, key, text) => {
		expect(typedText(input, key)).toBe(text);
	});

	it('reads key specs as help writes them, and refuses what is not a key', () => {
		expect(parseKeys('Ctrl+C \u0003')).toEqual([{ctrl: true, ch: 'c'}, {ch: '\u0003'}]);
		expect(parseKeys('\u0003\u0003')).toEqual([{ch: '\u0003', repeated: true}]);
		expect(parseKeys('Shift+Tab Enter Space ↓ PgDn')).toEqual([
			{name: 'tab', shift: true},
			{name: 'return'},
			{ch: ' '},
			{name: 'downArrow'},
			{name: 'pageDown'},
		]);
		expect(() => parseKeys('Shift+a')).toThrow('not a key');
		expect(() => parseKeys('Ctrl+ab')).toThrow('not a key');
	});
});
