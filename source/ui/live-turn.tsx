import {Box, Text} from 'ink';
import type {ToolCallView} from '../core/session-state.js';
import {ToolCallSummary} from './chat-entry.js';
import {THEME} from './theme.js';

export type LiveTurnProps = {
	/** Rows of the streamed answer drawn live (already wrapped to fit). */
	rows: readonly string[];
	/** Earlier rows of the answer are not drawn here (replay shows only the tail). */
	clipped: boolean;
	/** The rows continue an answer whose earlier rows are printed just above: no margin between them. */
	continued: boolean;
	runningCalls: readonly ToolCallView[];
	width: number;
};

/** What is happening right now: the streaming answer's open rows and the calls that are running. */
export function LiveTurn({rows, clipped, continued, runningCalls, width}: LiveTurnProps) {
	return (
		<Box flexDirection="column">
			{rows.length > 0 ? (
				<Box flexDirection="column" marginTop={continued ? 0 : 1}>
					{clipped ? <Text color={THEME.dim}>… (earlier rows of this answer are left out while it streams)</Text> : null}
					<Text>{rows.join('\n') || ' '}</Text>
				</Box>
			) : null}
			{runningCalls.map(call => (
				<ToolCallSummary key={call.callId} call={call} width={width} />
			))}
		</Box>
	);
}
