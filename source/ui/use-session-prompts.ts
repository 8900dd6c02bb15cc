import {useRef} from 'react';
import type {ChatEntry} from '../core/session-state.js';

/**
 * The prompts of this session (a resumed session's earlier ones included), oldest first, for ↑. Read on from where
 * the last render stopped, since entries only grow; the same array while no prompt is added, so what is built on it
 * is memoised. A shorter list of entries (a new store) is read again from the start.
 */
export function useSessionPrompts(entries: readonly ChatEntry[]): readonly string[] {
	const seen = useRef<{entries: number; prompts: readonly string[]}>({entries: 0, prompts: []});
	let {entries: from, prompts} = seen.current;
	if (entries.length < from) {
		from = 0;
		prompts = [];
	}

	const added: string[] = [];
	for (let index = from; index < entries.length; index++) {
		const entry = entries[index]!;
		if (entry.kind === 'user') added.push(entry.text);
	}

	if (added.length > 0) prompts = [...prompts, ...added];
	seen.current = {entries: entries.length, prompts};
	return prompts;
}
