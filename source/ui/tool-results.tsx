import {Box, Text} from 'ink';
import {useMemo, useState} from 'react';
import type {ToolCallView} from '../core/session-state.js';
import {SCROLL_HINT, scrolled} from './diff-view.js';
import {clockTime, shortToolName} from './format.js';
import {type Context, keyOf} from './keys/bindings.js';
import {useKeys} from './keys/use-keys.js';
import {THEME} from './theme.js';
import {wrapRows} from './wrap.js';

/** A finished call and when it finished, as the chat's entries hold it. */
export type FinishedCall = {call: ToolCallView; at: number};

export type ToolResultsProps = {
	/** The session's finished calls, oldest first; shown newest first. */
	calls: readonly FinishedCall[];
	width: number;
	/** Rows the overlay may use in all, borders included. */
	height: number;
	/** The active contexts, from the app's focus (the overlay owns the keyboard while open). */
	contexts: readonly Context[];
	onClose: () => void;
	formatTime?: (at: number) => string;
};

/** Calls listed above the selected one's result. */
const LIST_ROWS = 4;
/** Border (2), title, keys line, and the line that says which rows are shown. */
const CHROME = 5;
/** Border and padding on each side. */
const FRAME_COLUMNS = 4;

const RESULTS_CONTEXTS = ['results', 'scroll'] as const;

/** A call's input and its whole result (or why it did not run), as rows of `columns`. */
export function resultRows(call: ToolCallView, columns: number): string[] {
	const input = call.editedInput ?? call.input;
	let inputText: string;
	try {
		inputText = JSON.stringify(input, null, 2) ?? String(input);
	} catch {
		inputText = String(input);
	}

	const outcome =
		call.status === 'denied'
			? `denied${call.decidedBy && call.decidedBy !== 'user' ? ` (${call.decidedBy})` : ''}${call.feedback ? `: ${call.feedback}` : call.reason ? `: ${call.reason}` : ''}`
			: (call.result ?? '(no result)');
	return [
		call.editedInput === undefined ? 'input:' : 'input (edited):',
		...wrapRows(inputText, columns - 2).map(row => `  ${row}`),
		call.status === 'failed' ? 'result (failed):' : call.status === 'denied' ? 'outcome:' : 'result:',
		...wrapRows(outcome, columns - 2).map(row => `  ${row}`),
	];
}

/**
 * The whole input and result of each call this session, in an overlay that fits the terminal: the chat shows a
 * result's first lines only, and what is printed there stays as printed. → and ← pick a call (newest first),
 * j/k, ↑/↓ and PgUp/PgDn scroll it, Esc closes.
 */
export function ToolResults({calls, width, height, contexts, onClose, formatTime = clockTime}: ToolResultsProps) {
	const newestFirst = useMemo(() => [...calls].reverse(), [calls]);
	const [view, setView] = useState({index: 0, scroll: 0});
	const index = Math.min(view.index, Math.max(0, newestFirst.length - 1));
	const selected = newestFirst[index];
	const columns = Math.max(10, width - FRAME_COLUMNS);
	const rows = useMemo(() => (selected ? resultRows(selected.call, columns) : []), [selected, columns]);
	const listRows = Math.min(LIST_ROWS, newestFirst.length);
	const page = Math.max(1, height - CHROME - listRows);
	const maxScroll = Math.max(0, rows.length - page);
	const scroll = Math.min(view.scroll, maxScroll);

	useKeys(contexts, RESULTS_CONTEXTS, {
		onAction: action => {
			switch (action) {
				case 'closeResults':
					onClose();
					break;
				case 'olderResult':
				case 'newerResult': {
					const step = action === 'olderResult' ? 1 : -1;
					setView(v => {
						const next = Math.max(0, Math.min(newestFirst.length - 1, v.index + step));
						return next === v.index ? v : {index: next, scroll: 0};
					});
					break;
				}

				default:
					setView(v => ({...v, scroll: scrolled(action, Math.min(v.scroll, maxScroll), maxScroll, page)}));
			}
		},
	});

	const first = Math.max(0, Math.min(index - Math.floor(listRows / 2), newestFirst.length - listRows));
	const listed = newestFirst.slice(first, first + listRows);
	const shown = rows.slice(scroll, scroll + page);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={THEME.accent} paddingX={1} width={width}>
			<Text bold wrap="truncate-end">
				Tool results{newestFirst.length > 0 ? ` · ${index + 1} of ${newestFirst.length}, newest first` : ''}
			</Text>
			{newestFirst.length === 0 ? <Text color={THEME.dim}>No tool call has finished yet.</Text> : null}
			{listed.map(({call, at}, i) => {
				const current = first + i === index;
				return (
					<Text key={call.callId} wrap="truncate-end" {...(current ? {color: THEME.accent} : {})} bold={current}>
						{current ? '▸ ' : '  '}
						{formatTime(at)} {shortToolName(call.name)} <Text color={THEME.dim}>{call.status}</Text>
					</Text>
				);
			})}
			{shown.map((row, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: a row's number in the result is its identity, whatever the scroll.
				<Text key={scroll + i} wrap="truncate-end" {...(selected?.call.status === 'succeeded' ? {} : {color: THEME.error})}>
					{row || ' '}
				</Text>
			))}
			{selected ? (
				<Text color={THEME.dim} wrap="truncate-end">
					rows {rows.length === 0 ? 0 : scroll + 1}–{scroll + shown.length} of {rows.length}
				</Text>
			) : null}
			<Text color={THEME.dim} wrap="truncate-end">
				{keyOf('olderResult')} older · {keyOf('newerResult')} newer · {SCROLL_HINT} · {keyOf('closeResults')} close
			</Text>
		</Box>
	);
}
