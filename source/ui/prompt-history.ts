/**
 * ↑/↓ through earlier prompts, as Claude Code does: ↑ on the prompt's first line shows the prompt before, ↓ on its
 * last line the one after, and past the newest the draft that was being typed comes back as it was. Pure: the prompt
 * keeps a `HistoryPosition` and the buffer; the list is the app's.
 */
import {bufferOf, type PromptBuffer} from './prompt-buffer.js';

/**
 * Where ↑/↓ have got to: `back` entries from the newest (0: not browsing), the draft left behind when browsing
 * began, and the buffer as recalled: while the prompt still holds that very buffer (not edited, cursor not moved),
 * ↑/↓ go on through the history even over a recalled prompt of many lines.
 */
export type HistoryPosition = {readonly back: number; readonly draft?: PromptBuffer; readonly shown?: PromptBuffer};

export const NOT_BROWSING: HistoryPosition = Object.freeze({back: 0});

export type HistoryStep = {position: HistoryPosition; buffer: PromptBuffer};

/** The prompt before the one shown (`entries` oldest first), or undefined at the oldest. Its cursor is at its start. */
export function historyBack(entries: readonly string[], position: HistoryPosition, current: PromptBuffer): HistoryStep | undefined {
	if (position.back >= entries.length) return undefined;
	const back = position.back + 1;
	const buffer = bufferOf(entries[entries.length - back]!, 0);
	const draft = position.back === 0 ? current : position.draft;
	return {position: {back, ...(draft ? {draft} : {}), shown: buffer}, buffer};
}

/** Whether ↑/↓ step through the history at once rather than through the lines of what the prompt holds. */
export function browsingUntouched(position: HistoryPosition, current: PromptBuffer): boolean {
	return position.back > 0 && position.shown === current;
}

/** The prompt after the one shown, or the draft after the newest; undefined when not browsing. The cursor is at its end. */
export function historyForward(entries: readonly string[], position: HistoryPosition): HistoryStep | undefined {
	if (position.back === 0) return undefined;
	const back = Math.min(position.back - 1, entries.length);
	if (back === 0) return {position: NOT_BROWSING, buffer: position.draft ?? bufferOf('')};
	const buffer = bufferOf(entries[entries.length - back]!);
	return {position: {back, ...(position.draft ? {draft: position.draft} : {}), shown: buffer}, buffer};
}

/** A draft the person cleared with Ctrl+C, and how many prompts had been sent when they did: ↑ finds it in its place. */
export type StashedDraft = {afterPrompts: number; text: string};

/**
 * The list ↑ walks, oldest first: earlier sessions' prompts, then this session's (its resumed ones first), with the
 * drafts cleared in between in their place. A prompt sent twice in a row is listed once.
 */
export function promptHistory(earlier: readonly string[], prompts: readonly string[], stashed: readonly StashedDraft[] = []): string[] {
	const list: string[] = [];
	const push = (text: string) => {
		if (text.trim() !== '' && list.at(-1) !== text) list.push(text);
	};

	for (const text of earlier) push(text);
	let next = 0;
	for (let index = 0; index <= prompts.length; index++) {
		for (; next < stashed.length && stashed[next]!.afterPrompts <= index; next++) push(stashed[next]!.text);
		if (index < prompts.length) push(prompts[index]!);
	}

	return list;
}
