import {describe, expect, it} from 'vitest';
import type {ChatEntry} from '../../source/core/session-state.js';
import {createPrintLog, type PrintItem} from '../../source/ui/print-log.js';
import {takeRows, wrapRows} from '../../source/ui/wrap.js';

const WIDTH = 20;
const ANSWER = 'The todos table has row level security on, and an index on user_id covers the lookup.';

type State = {entries: ChatEntry[]; liveText: string};

function assistant(id: string, text: string): ChatEntry {
	return {id, kind: 'assistant', text, at: 0};
}

/** What the terminal shows for the printed items, the way the views draw them (margins as blank rows). */
function printedRows(items: readonly PrintItem[]): string[] {
	const rows: string[] = [];
	for (const item of items) {
		if (item.kind === 'rows') {
			if (item.first) rows.push('');
			rows.push(...item.rows);
		} else if (item.entry.kind === 'assistant') {
			rows.push('', ...wrapRows(item.entry.text, WIDTH));
		} else {
			rows.push('', `[${item.entry.kind}]`);
		}
	}

	return rows;
}

/** Streams `text` into a print log chunk by chunk, then completes it; returns every view. */
function stream(text: string, chunk: number, options: {width?: (step: number) => number; before?: ChatEntry[]} = {}) {
	const log = createPrintLog();
	const state: State = {entries: [...(options.before ?? [])], liveText: ''};
	const views = [];
	let step = 0;
	for (let shown = chunk; shown < text.length + chunk; shown += chunk) {
		state.liveText = text.slice(0, shown);
		views.push(log.update(state, {width: options.width?.(step++) ?? WIDTH, streaming: true}));
	}

	state.entries = [...state.entries, assistant('a1', text)];
	state.liveText = '';
	views.push(log.update(state, {width: options.width?.(step) ?? WIDTH, streaming: true}));
	return {log, state, views};
}

describe('the print log of the live chat', () => {
	it('prints the rows of a streaming answer as they settle, and only the rest when it ends', () => {
		const {views} = stream(ANSWER, 7);
		const last = views.at(-1)!;
		// The answer reaches the history exactly as a finished answer is drawn, none of it twice.
		expect(printedRows(last.items)).toEqual(['', ...wrapRows(ANSWER, WIDTH)]);
		// Rows were printed while the answer streamed, not all at the end.
		const whileStreaming = views.at(-2)!.items.flatMap(item => (item.kind === 'rows' ? item.rows : []));
		expect(whileStreaming.length).toBeGreaterThan(2);
		expect(last.items.filter(item => item.kind === 'rows').at(-1)!.rows.length).toBeLessThan(3);
	});

	it('leaves only the open row to the live area while streaming', () => {
		const log = createPrintLog();
		const state: State = {entries: [], liveText: ANSWER.slice(0, 50)};
		const view = log.update(state, {width: WIDTH, streaming: true});
		const open = takeRows(state.liveText, view.pendingFrom, WIDTH, true).rows;
		expect(open).toHaveLength(1);
		expect([...printedRows(view.items).slice(1), ...open]).toEqual(wrapRows(state.liveText, WIDTH));
		expect(view.continued).toBe(true);
	});

	it('adds nothing when asked again about the same state', () => {
		const log = createPrintLog();
		const state: State = {entries: [{id: 'u1', kind: 'user', turn: 1, text: 'hi', at: 0}], liveText: ANSWER.slice(0, 60)};
		const first = log.update(state, {width: WIDTH, streaming: true});
		const second = log.update(state, {width: WIDTH, streaming: true});
		expect(second.items).toBe(first.items);
		expect(second.pendingFrom).toBe(first.pendingFrom);
	});

	it('prints an entry that arrives mid-answer in its place, and gives the rest of the answer a margin', () => {
		const log = createPrintLog();
		const state: State = {entries: [], liveText: ANSWER.slice(0, 45)};
		log.update(state, {width: WIDTH, streaming: true});
		state.entries = [{id: 'n1', kind: 'notice', level: 'warning', text: 'server restarted', at: 0}];
		// The open row now sits below the notice: it needs its own margin.
		expect(log.update(state, {width: WIDTH, streaming: true}).continued).toBe(false);
		state.liveText = ANSWER.slice(0, 70);
		// Rows settled after the notice are printed (with the margin); the open row continues them.
		expect(log.update(state, {width: WIDTH, streaming: true}).continued).toBe(true);
		state.entries = [...state.entries, assistant('a1', ANSWER)];
		state.liveText = '';
		const items = log.update(state, {width: WIDTH, streaming: true}).items;
		expect(items.map(item => (item.kind === 'entry' ? item.entry.kind : 'rows'))).toEqual(['rows', 'notice', 'rows', 'rows']);
		const words = items
			.flatMap(item => (item.kind === 'rows' ? item.rows : []))
			.join(' ')
			.split(/\s+/);
		expect(words).toEqual(ANSWER.split(' '));
		expect(items.slice(2).every(item => item.kind === 'rows')).toBe(true);
		expect((items[2] as Extract<PrintItem, {kind: 'rows'}>).first).toBe(true);
	});

	it('starts afresh for the next answer of the turn', () => {
		const {log, state} = stream(ANSWER, 9);
		state.entries = [...state.entries, {id: 't1', kind: 'tool', call: {callId: 'c', name: 'x', input: {}, status: 'succeeded', requestedAt: 0}, at: 0}];
		state.liveText = 'Second answer, which is also long enough to wrap';
		log.update(state, {width: WIDTH, streaming: true});
		state.entries = [...state.entries, assistant('a2', state.liveText)];
		const rows = printedRows(log.update({...state, liveText: ''}, {width: WIDTH, streaming: true}).items);
		expect(rows).toEqual(['', ...wrapRows(ANSWER, WIDTH), '', '[tool]', '', ...wrapRows('Second answer, which is also long enough to wrap', WIDTH)]);
	});

	it('holds back streamed rows while it may not print them, then prints the whole answer once', () => {
		const log = createPrintLog();
		const state: State = {entries: [], liveText: ANSWER.slice(0, 60)};
		expect(log.update(state, {width: WIDTH, streaming: false}).items).toEqual([]);
		state.entries = [assistant('a1', ANSWER)];
		state.liveText = '';
		expect(printedRows(log.update(state, {width: WIDTH, streaming: false}).items)).toEqual(['', ...wrapRows(ANSWER, WIDTH)]);
	});

	it('keeps every word when the width changes in the middle of an answer', () => {
		const {views} = stream(ANSWER, 5, {width: step => (step < 8 ? 30 : 12)});
		const words = views
			.at(-1)!
			.items.flatMap(item => (item.kind === 'rows' ? item.rows : []))
			.join(' ')
			.split(/\s+/);
		expect(words).toEqual(ANSWER.split(' '));
	});

	it('prints the finished answer whole when it does not continue what was streamed', () => {
		const log = createPrintLog();
		log.update({entries: [], liveText: 'Draft text that will be replaced entirely'}, {width: WIDTH, streaming: true});
		const items = log.update({entries: [assistant('a1', 'Something else')], liveText: ''}, {width: WIDTH, streaming: true}).items;
		expect(items.at(-1)).toMatchObject({kind: 'entry', entry: {text: 'Something else'}});
	});

	it('prints the chat since the last /clear: an old log stops at a clear, a new one starts at the last', () => {
		const user = (id: string, text: string): ChatEntry => ({id, kind: 'user', turn: 1, text, at: 0});
		const cleared = (id: string): ChatEntry => ({id, kind: 'cleared', at: 0});
		const before: ChatEntry[] = [user('u1', 'first'), assistant('a1', 'one'), cleared('c1'), user('u2', 'second'), assistant('a2', 'two')];
		const old = createPrintLog();
		expect(printedRows(old.update({entries: before.slice(0, 2), liveText: ''}, {width: WIDTH, streaming: true}).items)).toEqual(['', '[user]', '', 'one']);
		// The clear arrives, then what follows it: the old log prints none of it, not even what streams.
		const stopped = old.update({entries: before, liveText: 'streaming on'}, {width: WIDTH, streaming: true});
		expect(printedRows(stopped.items)).toEqual(['', '[user]', '', 'one']);
		expect(stopped.pendingFrom).toBe(0);

		// A new log (after the clear, a resize or a resume) begins at the last clear.
		const fresh = createPrintLog();
		const all = [...before, cleared('c2'), user('u3', 'third')];
		expect(
			fresh.update({entries: all, liveText: ''}, {width: WIDTH, streaming: true}).items.map(item => (item.kind === 'entry' ? item.entry.id : item.kind)),
		).toEqual(['c2', 'u3']);
		// With no clear at all it prints everything.
		expect(createPrintLog().update({entries: before.slice(0, 2), liveText: ''}, {width: WIDTH, streaming: true}).items).toHaveLength(2);
	});
});
