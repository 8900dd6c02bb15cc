import {Box, Text} from 'ink';
import {approvalsText} from '../../replay/sessions-table.js';
import {formatBytes, formatElapsed, formatTimestamp} from '../../transcripts/export-record.js';
import type {SessionSummary} from '../../transcripts/reader.js';
import {keyOf} from '../keys/bindings.js';
import {PICKER_CONTEXTS} from '../keys/focus.js';
import {useKeys} from '../keys/use-keys.js';
import {THEME} from '../theme.js';
import {useRefState} from '../use-ref-state.js';
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
const OWN_CONTEXTS = ['picker'] as const;
const HINT = `${keyOf('selectPrevious', 'picker')}${keyOf('selectNext', 'picker')} move · ${keyOf('choose')} choose · ${keyOf('cancel')} cancel`;

/** A scrolling list of saved sessions: ↑/↓ (or k/j) to move, PgUp/PgDn, Enter to choose. */
export function SessionPicker({sessions, onChoose, onCancel, size, timeZone}: SessionPickerProps) {
	const terminal = useTerminalSize();
	const {columns, rows} = size ?? terminal;
	const [selected, setSelected, selectedRef] = useRefState(0);
	const listRows = Math.max(3, rows - CHROME_ROWS);
	const select = (index: number) => setSelected(Math.max(0, Math.min(sessions.length - 1, index)));

	useKeys(PICKER_CONTEXTS, OWN_CONTEXTS, {
		onAction: action => {
			const current = selectedRef.current;
			switch (action) {
				case 'selectPrevious':
					select(current - 1);
					break;
				case 'selectNext':
					select(current + 1);
					break;
				case 'pageUp':
					select(current - listRows);
					break;
				case 'pageDown':
					select(current + listRows);
					break;
				case 'first':
					select(0);
					break;
				case 'last':
					select(sessions.length - 1);
					break;
				case 'choose': {
					const session = sessions[current];
					if (session) onChoose(session);
					break;
				}

				case 'cancel':
					onCancel?.();
					break;
				default: {
					const unhandled: never = action;
					return unhandled;
				}
			}
		},
	});

	if (sessions.length === 0) return <Text color={THEME.dim}>No saved sessions. {keyOf('cancel')} to leave.</Text>;

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
				{current.turns} turn{current.turns === 1 ? '' : 's'} · {decidedText(current)} · {formatElapsed(current.durationMs)} · {formatBytes(current.sizeBytes)} ·{' '}
				{current.cwd}
			</Text>
			<Text color={THEME.dim}>{HINT}</Text>
		</Box>
	);
}

function decidedText(session: SessionSummary): string {
	return session.approvals.allowed + session.approvals.denied === 0 ? 'no approvals' : approvalsText(session.approvals);
}

function clip(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}
