import {Box, Text} from 'ink';
import {useState} from 'react';
import type {SessionState} from '../core/session-state.js';
import {DiffView, previewBodyRows, previewMaxScroll, SCROLL_HINT, scrolled} from './diff-view.js';
import {clockTime, shortToolName} from './format.js';
import {type Context, keyOf} from './keys/bindings.js';
import {LIVE_IDLE, liveContexts} from './keys/focus.js';
import {useKeys} from './keys/use-keys.js';
import {THEME} from './theme.js';

export type DiffHistoryProps = {
	/** The session's previews as the reducer keeps them (oldest first); shown newest first. */
	previews: SessionState['previews'];
	width: number;
	/** Rows the overlay may use in all, borders included. */
	height: number;
	onClose: () => void;
	/** The active contexts, from the app's focus; by default the overlay's own (it owns the keyboard while open). */
	contexts?: readonly Context[];
	/** Formats `at` for the list; defaults to the local time of day. */
	formatTime?: (at: number) => string;
};

/** Entries listed above the selected preview. */
const LIST_ROWS = 5;
/** Border (2), title, keys line. */
const CHROME = 4;

const DIFFS_CONTEXTS = ['diffs', 'scroll'] as const;

/**
 * Every diff seen this session, after the fact: → and ← pick a preview (newest first), j/k, ↑/↓ and PgUp/PgDn
 * scroll it, as in the approval pane; Esc closes. Owns the keyboard while it is open.
 */
export function DiffHistory({
	previews,
	width,
	height,
	onClose,
	contexts = liveContexts({...LIVE_IDLE, diffsOpen: true}),
	formatTime = clockTime,
}: DiffHistoryProps) {
	const newestFirst = [...previews].reverse();
	// One state: another preview is shown from its top.
	const [view, setView] = useState({index: 0, scroll: 0});
	const {index, scroll} = view;

	const selected = newestFirst[Math.min(index, newestFirst.length - 1)];
	const listRows = Math.min(LIST_ROWS, newestFirst.length);
	const viewRows = Math.max(1, height - CHROME - listRows);
	const inner = Math.max(10, width - 4);
	const maxScroll = selected ? previewMaxScroll(selected.preview, viewRows, inner) : 0;
	const page = selected ? previewBodyRows(selected.preview, viewRows, inner) : 1;

	useKeys(contexts, DIFFS_CONTEXTS, {
		onAction: action => {
			switch (action) {
				case 'closeDiffs':
					onClose();
					break;
				case 'olderDiff':
				case 'newerDiff': {
					const step = action === 'olderDiff' ? 1 : -1;
					setView(v => {
						const next = Math.max(0, Math.min(newestFirst.length - 1, v.index + step));
						return next === v.index ? v : {index: next, scroll: 0};
					});
					break;
				}

				default:
					setView(v => ({...v, scroll: scrolled(action, v.scroll, maxScroll, page)}));
			}
		},
	});

	// A window of the list that keeps the selected entry visible.
	const first = Math.max(0, Math.min(index - Math.floor(listRows / 2), newestFirst.length - listRows));
	const listed = newestFirst.slice(first, first + listRows);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={THEME.accent} paddingX={1} width={width}>
			<Text bold wrap="truncate-end">
				Diffs this session{newestFirst.length > 0 ? ` · ${index + 1} of ${newestFirst.length}, newest first` : ''}
			</Text>
			{newestFirst.length === 0 ? <Text color={THEME.dim}>No previews yet: they appear when a call asks for approval.</Text> : null}
			{listed.map((entry, i) => {
				const current = first + i === index;
				return (
					// biome-ignore lint/suspicious/noArrayIndexKey: previews are only ever appended, so an entry's place counted from the oldest is its identity.
					<Text key={previews.length - 1 - (first + i)} wrap="truncate-end" {...(current ? {color: THEME.accent} : {})} bold={current}>
						{current ? '▸ ' : '  '}
						{formatTime(entry.at)} {shortToolName(entry.name)} <Text color={THEME.dim}>{entry.preview.summary}</Text>
					</Text>
				);
			})}
			{selected ? <DiffView preview={selected.preview} maxRows={viewRows} scroll={scroll} width={inner} /> : null}
			<Text color={THEME.dim} wrap="truncate-end">
				{keyOf('olderDiff')} older · {keyOf('newerDiff')} newer · {SCROLL_HINT} · {keyOf('closeDiffs')} close
			</Text>
		</Box>
	);
}
