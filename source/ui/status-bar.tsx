import {Box, Text} from 'ink';
import React from 'react';
import type {Activity} from '../core/session-state.js';
import type {PermissionMode, Usage} from '../core/events.js';
import {formatTokens, truncate} from './format.js';
import {THEME} from './theme.js';

export type StatusBarProps = {
	mode: PermissionMode;
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

export function StatusBar({mode, agent, model, sessionId, usage, activity, servers, width}: StatusBarProps) {
	const text = `${agent} · ${model} · ${sessionId} · ↑${formatTokens(usage.inputTokens)} ↓${formatTokens(usage.outputTokens)} · ${servers}`;
	const label = ACTIVITY_LABEL[activity];
	return (
		<Box>
			{MODE_LABEL[mode] ? <Text color={mode === 'plan' ? THEME.accent : THEME.warn}>{MODE_LABEL[mode]}</Text> : null}
			<Text color={activity === 'awaiting_approval' ? THEME.warn : activity === 'idle' ? THEME.ok : THEME.accent}>{label}</Text>
			<Text color={THEME.dim}> · {truncate(text, Math.max(10, width - label.length - 8))} · ? help</Text>
		</Box>
	);
}
