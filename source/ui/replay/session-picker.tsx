import {Box, Text, useInput} from 'ink';
import {useRef, useState} from 'react';
import {formatBytes, formatElapsed, formatTimestamp} from '../../transcripts/export-record.js';
import type {SessionSummary} from '../../transcripts/reader.js';
import {THEME} from '../theme.js';
import {useTerminalSize} from '../use-terminal-size.js';

export type SessionPickerProps = {
	/** Newest first, as `listSessions` returns them. */
	sessions: readonly SessionSummary[];
	/** Enter: the chosen session. What happens next (replay, resume) is the caller's business. */
	onChoose: (session: SessionSummary) => void;
	/** Esc or q. */
	onCancel?: () => void;
	/** Overrides the terminal size (tests). */
	size?: {columns: number; rows: number};
	timeZone?: string;
};

/** Title, the detail line of the selection and the key hints. */
const CHROME_ROWS = 4;

/** A scrolling list of saved sessions: ↑/↓ (or k/j) to move, PgUp/PgDn, Enter to choose. */
export function SessionPicker({sessions, onChoose, onCancel, size, timeZone}: SessionPickerProps) {
	const terminal = useTerminalSize();
	const {columns, rows} = size ?? terminal;
	const [selected, setSelectedState] = useState(0);
	const selectedRef = useRef(0);
	const listRows = Math.max(3, rows - CHROME_ROWS);
	const select = (index: number) => {
		const next = Math.max(0, Math.min(sessions.length - 1, index));
		selectedRef.current = next;
		setSelectedState(next);
	};

	useInput((input, key) => {
		const current = selectedRef.current;
		if (key.upArrow || input === 'k') select(current - 1);
		else if (key.downArrow || input === 'j') select(current + 1);
		else if (key.pageUp) select(current - listRows);
		else if (key.pageDown) select(current + listRows);
		else if (key.home || input === 'g') select(0);
		else if (key.end || input === 'G') select(sessions.length - 1);
		else if (key.return) {
			const session = sessions[current];
			if (session) onChoose(session);
		} else if (key.escape || input === 'q' || (key.ctrl && input === 'c')) onCancel?.();
	});

	if (sessions.length === 0) return <Text color={THEME.dim}>No saved sessions. Esc to leave.</Text>;

	// Keep the selection in view, scrolled as little as possible.
	const top = Math.max(0, Math.min(selected - Math.floor(listRows / 2), sessions.length - listRows));
	const shown = sessions.slice(top, top + listRows);
	const width = columns - 1;
	const current = sessions[selected]!;
	return (
		<Box flexDirection="column">
			<Text bold>
				Saved sessions{' '}
				<Text color={THEME.dim}>
					({selected + 1} of {sessions.length}, newest first)
				</Text>
			</Text>
			{shown.map((session, i) => {
				const index = top + i;
				const active = index === selected;
				const line = `${formatTimestamp(Date.parse(session.createdAt), timeZone).slice(0, 16)}  ${session.id}  ${session.agent.name}  ${oneLine(session.firstPrompt ?? '(no prompt)')}`;
				return (
					<Text key={session.path} color={active ? THEME.accent : undefined} inverse={active} wrap="truncate-end">
						{active ? '› ' : '  '}
						{clip(line, Math.max(10, width - 2))}
					</Text>
				);
			})}
			<Text color={THEME.dim} wrap="truncate-end">
				{current.turns} turn{current.turns === 1 ? '' : 's'} · {current.approvals} approval{current.approvals === 1 ? '' : 's'} ·{' '}
				{formatElapsed(current.durationMs)} · {formatBytes(current.sizeBytes)} · {current.cwd}
			</Text>
			<Text color={THEME.dim}>↑↓ move · Enter choose · Esc cancel</Text>
		</Box>
	);
}

function clip(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}
