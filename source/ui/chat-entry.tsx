import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import type {ChatEntry, ToolCallView} from '../core/session-state.js';
import {CLEARED_LINE, checkpointLine, expandTabsText, formatDuration, headLines, modeLine, modelLine, previewInput} from './format.js';
import {keyOf} from './keys/bindings.js';
import type {PrintItem} from './print-log.js';
import {THEME} from './theme.js';
import {wrapRows} from './wrap.js';

const RESULT_PREVIEW_LINES = 4;

/** Under a result the chat cuts, in the live app: the key that shows it whole (the replay has no such key). */
export const EXPAND_HINT = `${keyOf('openResults')} shows it whole`;

/** One finished item of the conversation. Rendered once, inside <Static>. `expandHint` goes under a cut result. */
export function ChatEntryView({entry, width, expandHint}: {entry: ChatEntry; width: number; expandHint?: string}) {
	switch (entry.kind) {
		case 'user':
			return (
				<Box marginTop={1}>
					<Text color={THEME.user} bold>
						{'> '}
					</Text>
					<Text color={THEME.user}>{wrapRows(entry.text, width - 2).join('\n')}</Text>
				</Box>
			);
		case 'assistant':
			// Wrapped by us: rows that fit are only measured by Ink, never re-wrapped (see wrap.ts).
			return <AnswerRows rows={wrapRows(entry.text, width)} first />;
		case 'tool':
			return <ToolCallSummary call={entry.call} width={width} {...(expandHint ? {expandHint} : {})} />;
		case 'notice':
			return (
				<Box marginTop={1}>
					<Text color={entry.level === 'error' ? THEME.error : entry.level === 'warning' ? THEME.warn : THEME.dim}>
						{entry.level === 'info' ? 'ℹ ' : '⚠ '}
						{entry.text}
					</Text>
				</Box>
			);
		case 'turn_end':
			return (
				<Box marginTop={1}>
					<Text color={entry.outcome === 'cancelled' ? THEME.warn : THEME.error}>
						{entry.outcome === 'cancelled' ? '■ Turn cancelled.' : `✗ ${entry.error ?? 'The turn failed.'}`}
					</Text>
				</Box>
			);
		case 'mode':
			return (
				<Box marginTop={1}>
					<Text color={THEME.dim}>{modeLine(entry.mode)}</Text>
				</Box>
			);
		case 'cleared':
			return (
				<Box marginTop={1}>
					<Text color={THEME.dim}>{CLEARED_LINE}</Text>
				</Box>
			);
		case 'model':
			return (
				<Box marginTop={1}>
					<Text color={THEME.dim}>{modelLine(entry.model)}</Text>
				</Box>
			);
		case 'checkpoint':
			return (
				<Box>
					<Text color={THEME.dim}>{checkpointLine(entry.checkpoint)}</Text>
				</Box>
			);
		case 'checkpoints_dropped':
			return (
				<Box marginTop={1}>
					<Text color={THEME.warn}>{`⚠ ${entry.reason}`}</Text>
				</Box>
			);
		case 'rewind':
			return (
				<Box marginTop={1} flexDirection="column">
					<Text color={THEME.accent}>{`⟲ Rewound to ${entry.checkpointId}${entry.by === 'headless' ? ' (pgpair rewind)' : ''}`}</Text>
					<Text color={THEME.dim}>{entry.report.map(line => `  ${line}`).join('\n')}</Text>
				</Box>
			);
		// On the record, not in the chat (see shownInChat).
		case 'retry':
		case 'checklist':
			return null;
		default: {
			const unhandled: never = entry;
			return unhandled;
		}
	}
}

/** Rows of an assistant answer; an answer printed while it streamed arrives in several of these. */
export function AnswerRows({rows, first}: {rows: readonly string[]; first: boolean}) {
	return (
		<Box marginTop={first ? 1 : 0}>
			<Text>{rows.join('\n') || ' '}</Text>
		</Box>
	);
}

/** One item of the live chat's scrollback (see print-log.ts). */
export function PrintedItemView({item, width}: {item: PrintItem; width: number}) {
	return item.kind === 'entry' ? (
		<ChatEntryView entry={item.entry} width={width} expandHint={EXPAND_HINT} />
	) : (
		<AnswerRows rows={item.rows} first={item.first} />
	);
}

const STATUS_MARK: Record<ToolCallView['status'], {mark: string; color: string}> = {
	awaiting_approval: {mark: '?', color: THEME.warn},
	running: {mark: '…', color: THEME.accent},
	succeeded: {mark: '✓', color: THEME.ok},
	failed: {mark: '✗', color: THEME.error},
	denied: {mark: '⊘', color: THEME.error},
};

export function ToolCallSummary({call, width, expandHint}: {call: ToolCallView; width: number; expandHint?: string}) {
	const {mark, color} = STATUS_MARK[call.status];
	const input = call.editedInput ?? call.input;
	const result =
		call.status === 'denied'
			? `denied${call.decidedBy && call.decidedBy !== 'user' ? ` (${call.decidedBy})` : ''}${call.feedback ? `: ${call.feedback}` : call.reason ? `: ${call.reason}` : ''}`
			: (call.result ?? '');
	const {lines, hidden} = headLines(result, RESULT_PREVIEW_LINES);
	// Each line is cut to one row: `⎿ ` and the indent take four columns.
	const cut = hidden > 0 || lines.some(line => stringWidth(expandTabsText(line)) > width - 4);
	const more = [hidden > 0 ? `${hidden} more lines` : '', cut && expandHint ? expandHint : ''].filter(Boolean).join(' · ');
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text>
				<Text color={color}>{mark} </Text>
				<Text color={THEME.tool} bold>
					{call.name}
				</Text>
				<Text color={THEME.dim}> {previewInput(input, Math.max(10, width - call.name.length - 6))}</Text>
			</Text>
			{call.status === 'running' || call.status === 'awaiting_approval' ? null : (
				<Box flexDirection="column" paddingLeft={2}>
					{lines.map((line, index) => (
						// biome-ignore lint/suspicious/noArrayIndexKey: lines of one result never reorder, so the index is a stable key.
						<Text key={index} color={call.status === 'succeeded' ? THEME.dim : THEME.error} wrap="truncate-end">
							{index === 0 ? '⎿ ' : '  '}
							{expandTabsText(line)}
						</Text>
					))}
					{more ? (
						<Text color={THEME.dim} wrap="truncate-end">
							{' '}
							… {more}
						</Text>
					) : null}
					{call.durationMs === undefined ? null : <Text color={THEME.dim}> {formatDuration(call.durationMs)}</Text>}
				</Box>
			)}
		</Box>
	);
}
