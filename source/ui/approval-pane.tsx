import {Box, Text, useInput} from 'ink';
import React from 'react';
import type {ToolCallView} from '../core/session-state.js';
import {matches} from './keybindings.js';
import {headLines} from './format.js';
import {THEME} from './theme.js';

export type ApprovalPaneProps = {
	/** Waiting calls, oldest first; the first one is the one being decided. */
	queue: readonly ToolCallView[];
	width: number;
	maxInputLines: number;
	onDecision: (callId: string, decision: {decision: 'allow'} | {decision: 'deny'}) => void;
};

const CLASS_COLOR = {'read-only': THEME.readOnly, write: THEME.write, destructive: THEME.destructive} as const;

/** The pending tool call and the keys that decide it. Owns the keyboard while it is shown. */
export function ApprovalPane({queue, width, maxInputLines, onDecision}: ApprovalPaneProps) {
	const call = queue[0];
	useInput(
		(input, key) => {
			if (!call) return;
			if (matches('approveOnce', input, key)) onDecision(call.callId, {decision: 'allow'});
			else if (matches('deny', input, key)) onDecision(call.callId, {decision: 'deny'});
		},
		{isActive: call !== undefined},
	);
	if (!call) return null;

	const inputText = formatInput(call.input);
	const {lines, hidden} = headLines(inputText, maxInputLines);
	const cls = call.classification?.class;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={cls === 'destructive' ? THEME.destructive : THEME.warn} paddingX={1} width={width}>
			<Text>
				<Text bold>Tool call {queue.length > 1 ? `1 of ${queue.length}` : ''} wants to run: </Text>
				<Text color={THEME.tool} bold>{call.name}</Text>
				{cls ? <Text color={CLASS_COLOR[cls]}> [{cls}]</Text> : null}
			</Text>
			{call.classification?.hazards.length ? <Text color={THEME.destructive}>hazards: {call.classification.hazards.join(', ')}</Text> : null}
			<Box flexDirection="column" marginY={1}>
				{lines.map((line, index) => (
					<Text key={index} wrap="truncate-end">{line}</Text>
				))}
				{hidden > 0 ? <Text color={THEME.dim}>… {hidden} more lines</Text> : null}
			</Box>
			<Text>
				<Text color={THEME.ok} bold>y</Text> allow once   <Text color={THEME.error} bold>n</Text> deny   <Text color={THEME.dim}>Esc cancel turn</Text>
			</Text>
		</Box>
	);
}

/** SQL reads best as SQL, everything else as indented JSON. */
export function formatInput(input: unknown): string {
	if (input && typeof input === 'object' && !Array.isArray(input)) {
		const record = input as Record<string, unknown>;
		if (typeof record['query'] === 'string') {
			const rest = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'query'));
			const header = Object.keys(rest).length > 0 ? `${JSON.stringify(rest)}\n` : '';
			return `${header}${record['query']}`;
		}
	}

	return JSON.stringify(input, null, 2) ?? String(input);
}
