import {Box, Text} from 'ink';
import React from 'react';
import type {PermissionMode, Usage} from '../core/events.js';
import type {Activity} from '../core/session-state.js';
import {formatTokens, truncate} from './format.js';
import {THEME} from './theme.js';

export type StatusBarProps = {
	mode: PermissionMode;
	/** e.g. "checklist 3/7"; empty when the agent has none. */
	checklist?: string;
	agent: string;
	model: string;
	sessionId: string;
	usage: Usage;
	activity: Activity;
	servers: string;
	width: number;
};

const ACTIVITY_LABEL: Record<Activity, string> = {
	idle: 'ready',
	thinking: 'thinking…',
	streaming: 'answering…',
	awaiting_approval: 'waiting for your approval',
	running_tool: 'running a tool…',
	retrying: 'retrying…',
};

const MODE_LABEL: Record<PermissionMode, string> = {default: '', acceptEdits: '⏵⏵ accept edits · ', plan: '⏸ plan mode · '};

export const StatusBar = React.memo(function StatusBar({mode, checklist, agent, model, sessionId, usage, activity, servers, width}: StatusBarProps) {
	const label = ACTIVITY_LABEL[activity];
	const modeLabel = MODE_LABEL[mode];
	// One line, always: the details give way first, the activity and mode never. What changes while a person works (the
	// checklist, the servers and their database) comes before what they chose at launch, so a narrow terminal cuts the latter.
	const details = truncate(
		`${checklist ? `${checklist} · ` : ''}${servers} · ${agent} · ${model} · ${sessionId} · ↑${formatTokens(usage.inputTokens)} ↓${formatTokens(usage.outputTokens)} · ? help`,
		Math.max(0, width - label.length - modeLabel.length - 3),
	);
	return (
		<Box>
			<Text wrap="truncate-end">
				{modeLabel ? <Text color={mode === 'plan' ? THEME.accent : THEME.warn}>{modeLabel}</Text> : null}
				<Text color={activity === 'awaiting_approval' ? THEME.warn : activity === 'idle' ? THEME.ok : THEME.accent}>{label}</Text>
				<Text color={THEME.dim}> · {details}</Text>
			</Text>
		</Box>
	);
});
