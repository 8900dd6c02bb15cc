import {Box, Text} from 'ink';
import React from 'react';
import type {ToolCallView} from '../core/session-state.js';
import {ToolCallSummary} from './chat-entry.js';
import {expandTabsText, tailRowsFixed} from './format.js';
import {THEME} from './theme.js';

export type LiveTurnProps = {
	text: string;
	runningCalls: readonly ToolCallView[];
	width: number;
	/** Rows the streamed text may use; older rows are already on screen above or come in <Static> when it ends. */
	maxRows: number;
};

/** What is happening right now: the streaming answer's tail and the calls that are running. */
export function LiveTurn({text, runningCalls, width, maxRows}: LiveTurnProps) {
	const tail = text ? tailRowsFixed(expandTabsText(text), width, maxRows) : undefined;
	return (
		<Box flexDirection="column">
			{tail ? (
				<Box flexDirection="column" marginTop={1}>
					{tail.clipped ? <Text color={THEME.dim}>… (streaming; the full answer appears when it ends)</Text> : null}
					{tail.rows.map((row, index) => (
						// Positions in the window; a row's text is what Ink caches, so unchanged rows cost nothing.
						<Text key={index}>
							{row || ' '}
						</Text>
					))}
				</Box>
			) : null}
			{runningCalls.map(call => (
				<ToolCallSummary key={call.callId} call={call} width={width} />
			))}
		</Box>
	);
}
