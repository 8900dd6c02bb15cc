import {Box, Text} from 'ink';
import {pendingApprovals, type SessionState, type ToolCallView} from '../../core/session-state.js';
import type {Speed} from '../../replay/playback.js';
import type {Replay} from '../../replay/replay-model.js';
import {describeDecided, formatTimestamp} from '../../transcripts/export-record.js';
import type {TranscriptHeader} from '../../transcripts/format.js';
import {ApprovalPane} from '../approval-pane.js';
import {ChatEntryView} from '../chat-entry.js';
import {ChecklistPane} from '../checklist-pane.js';
import {shownInChat} from '../format.js';
import {keyOf} from '../keys/bindings.js';
import {LiveTurn} from '../live-turn.js';
import {serverStatusText} from '../server-status.js';
import {THEME} from '../theme.js';
import {MIN_COLUMNS, MIN_ROWS} from '../use-terminal-size.js';
import {tailOfRows} from '../wrap.js';
import {firstVisibleEntry} from './entries-window.js';
import {ReplayBar} from './replay-bar.js';
import {ReplayHelp, replayHelpRows} from './replay-help.js';

/** The replay bar: a margin row and three text rows. */
export const BAR_ROWS = 4;

export type ReplayViewProps = {
	header: TranscriptHeader;
	replay: Replay;
	/** The reader's warnings: lines of the file that are left out, each `line <n>: why, skipped: what`. */
	warnings?: readonly string[];
	state: SessionState;
	position: number;
	playing: boolean;
	speed: Speed;
	message?: string;
	searchInput?: string;
	showHelp: boolean;
	/** The checklist as it stood at the cursor (the same pane as live). */
	showChecklist?: boolean;
	columns: number;
	rows: number;
	timeZone?: string;
};

const noDecision = () => undefined;

/**
 * The session at the cursor, drawn with the live components: finished entries, the streamed text,
 * running calls, and the approval pane with the decision that was taken. Renders only; no keys.
 */
export function ReplayView(props: ReplayViewProps) {
	const {state, replay, columns, rows} = props;
	if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
		return (
			<Text color={THEME.warn}>
				Terminal too small ({columns}×{rows}); replay needs {MIN_COLUMNS}×{MIN_ROWS}.
			</Text>
		);
	}

	const width = columns - 1;
	const queue = pendingApprovals(state);
	const running = state.openCalls.filter(call => call.status === 'running');
	const paneRows = queue.length > 0 ? Math.max(8, Math.floor(rows / 2)) : 0;
	const helpRows = props.showHelp ? Math.min(replayHelpRows(width), Math.max(6, rows - BAR_ROWS - 3)) : 0;
	const fixed = BAR_ROWS + paneRows + helpRows + running.length * 2 + (state.retry ? 1 : 0);
	const liveRows = Math.max(3, Math.floor((rows - fixed) / 2));
	const tail = state.liveText ? tailOfRows(state.liveText, width, liveRows) : undefined;
	const streamed = tail ? tail.rows.length + (tail.clipped ? 1 : 0) + 1 : 0;
	const entryBudget = Math.max(1, rows - fixed - streamed - 1);
	const first = firstVisibleEntry(state.entries, width, entryBudget);
	const visible = state.entries.slice(first).filter(shownInChat);
	const events = replay.events;
	const current = props.position > 0 ? events[props.position - 1] : undefined;

	return (
		<Box flexDirection="column">
			{props.position === 0 ? (
				<Intro header={props.header} total={replay.length} warnings={props.warnings ?? []} {...(props.timeZone ? {timeZone: props.timeZone} : {})} />
			) : null}
			{visible.map(entry => (
				<ChatEntryView key={entry.id} entry={entry} width={width} />
			))}
			<LiveTurn rows={tail?.rows ?? []} clipped={tail?.clipped ?? false} continued={false} runningCalls={running} width={width} />
			{state.retry ? (
				<Text color={THEME.warn}>
					Retrying ({state.retry.attempt}/{state.retry.maxAttempts}) in {Math.round(state.retry.delayMs / 100) / 10}s: {state.retry.reason}
				</Text>
			) : null}
			{props.showHelp ? <ReplayHelp width={width} maxRows={helpRows} /> : null}
			{props.showChecklist ? <ChecklistPane entries={state.checklist} width={width} maxRows={Math.max(6, Math.floor(rows / 2))} /> : null}
			{queue[0] ? <ApprovalPane queue={queue} width={width} maxRows={paneRows} onDecision={noDecision} taken={taken(replay, queue[0])} /> : null}
			<ReplayBar
				sessionId={props.header.sessionId}
				facts={sessionFacts(state)}
				skippedLines={props.warnings?.length ?? 0}
				position={props.position}
				total={replay.length}
				at={current?.at}
				startAt={events[0]?.at}
				turn={replay.turnAt(props.position)}
				turns={replay.turnCount}
				playing={props.playing}
				speed={props.speed}
				width={width}
				{...(props.message ? {message: props.message} : {})}
				{...(props.searchInput === undefined ? {} : {searchInput: props.searchInput})}
				{...(props.timeZone ? {timeZone: props.timeZone} : {})}
			/>
		</Box>
	);
}

/** The decision the transcript records for a waiting call: replay knows what happened next. */
function taken(replay: Replay, call: ToolCallView): {decision: 'allow' | 'deny' | 'undecided'; text: string} {
	const decided = replay.decisionFor(call.callId);
	const text = describeDecided(decided, call.requestedAt);
	return {
		decision: decided?.decision ?? 'undecided',
		text: `${decided ? 'Decision taken: ' : ''}${text}${decided?.feedback ? ` · feedback: ${decided.feedback}` : ''}`,
	};
}

/** Warnings listed in the intro; the rest are counted. */
const INTRO_WARNINGS = 5;

function Intro({header, total, warnings, timeZone}: {header: TranscriptHeader; total: number; warnings: readonly string[]; timeZone?: string}) {
	const more = warnings.length - INTRO_WARNINGS;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={warnings.length > 0 ? THEME.warn : THEME.accent} paddingX={1}>
			<Text bold>Replay of session {header.sessionId}</Text>
			<Text color={THEME.dim}>
				{header.agent.name} · {header.agent.model} · started {formatTimestamp(Date.parse(header.createdAt), timeZone)} · {total.toLocaleString('en')} events
			</Text>
			<Text color={THEME.dim}>
				Nothing here runs: tools, model and database stay untouched. {keyOf('stepForward')} to step, {keyOf('playPause')} to play,{' '}
				{keyOf('toggleHelp', 'replay')} for keys.
			</Text>
			{warnings.length > 0 ? (
				<Text color={THEME.warn}>
					⚠ {warnings.length} line{warnings.length === 1 ? '' : 's'} of the transcript could not be read; the replay goes on without{' '}
					{warnings.length === 1 ? 'it' : 'them'}:
				</Text>
			) : null}
			{warnings.slice(0, INTRO_WARNINGS).map(warning => (
				<Text key={warning} color={THEME.warn}>
					{'  '}
					{warning}
				</Text>
			))}
			{more > 0 ? (
				<Text color={THEME.warn}>
					{'  '}… and {more} more
				</Text>
			) : null}
		</Box>
	);
}

/** The session's own state at the cursor, as the live status line would show it: mode, grants, servers. */
export function sessionFacts(state: SessionState): string {
	const facts = [`mode ${state.mode}`];
	if (state.grants.length > 0) facts.push(`allowed for the session: ${state.grants.join(', ')}`);
	if (state.servers) facts.push(serverStatusText(state));
	return facts.join(' · ');
}
