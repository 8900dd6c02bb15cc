import {Box, Text, useInput} from 'ink';
import {useEffect, useState} from 'react';
import type {SessionState} from '../core/session-state.js';
import {DiffView, previewBodyRows, previewMaxScroll} from './diff-view.js';
import {THEME} from './theme.js';

export type DiffHistoryProps = {
	/** The session's previews as the reducer keeps them (oldest first); shown newest first. */
	previews: SessionState['previews'];
	width: number;
	/** Rows the overlay may use in all, borders included. */
	height: number;
	onClose: () => void;
	/** Formats `at` for the list; defaults to the local time of day. */
	formatTime?: (at: number) => string;
};

/** Entries listed above the selected preview. */
const LIST_ROWS = 5;
/** Border (2), title, keys line. */
const CHROME = 4;

const shortName = (name: string) => name.replace(/^mcp__[^_]+(?:_[^_]+)*?__/, '');

function localTime(at: number): string {
	const date = new Date(at);
	return [date.getHours(), date.getMinutes(), date.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
}

/**
 * Every diff seen this session, after the fact: ←/→ or j/k pick a preview (newest first), ↑/↓ and PgUp/PgDn scroll
 * it, Esc closes. Owns the keyboard while it is open.
 */
export function DiffHistory({previews, width, height, onClose, formatTime = localTime}: DiffHistoryProps) {
	const newestFirst = [...previews].reverse();
	const [index, setIndex] = useState(0);
	const [scroll, setScroll] = useState(0);
	useEffect(() => setScroll(0), [index]);

	const selected = newestFirst[Math.min(index, newestFirst.length - 1)];
	const listRows = Math.min(LIST_ROWS, newestFirst.length);
	const viewRows = Math.max(1, height - CHROME - listRows);
	const maxScroll = selected ? previewMaxScroll(selected.preview, viewRows) : 0;
	const page = selected ? previewBodyRows(selected.preview, viewRows) : 1;

	useInput((input, key) => {
		if (key.escape) onClose();
		else if (key.rightArrow || input === 'j') setIndex(i => Math.min(newestFirst.length - 1, i + 1));
		else if (key.leftArrow || input === 'k') setIndex(i => Math.max(0, i - 1));
		else if (key.downArrow) setScroll(s => Math.min(maxScroll, s + 1));
		else if (key.upArrow) setScroll(s => Math.max(0, s - 1));
		else if (key.pageDown) setScroll(s => Math.min(maxScroll, s + page));
		else if (key.pageUp) setScroll(s => Math.max(0, s - page));
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
					<Text key={`${entry.callId}-${entry.at}-${first + i}`} wrap="truncate-end" {...(current ? {color: THEME.accent} : {})} bold={current}>
						{current ? '▸ ' : '  '}
						{formatTime(entry.at)} {shortName(entry.name)} <Text color={THEME.dim}>{entry.preview.summary}</Text>
					</Text>
				);
			})}
			{selected ? <DiffView preview={selected.preview} maxRows={viewRows} scroll={scroll} /> : null}
			<Text color={THEME.dim} wrap="truncate-end">
				→/j older · ←/k newer · ↑/↓ PgUp/PgDn scroll · Esc close
			</Text>
		</Box>
	);
}
