import {Box, Text} from 'ink';
import {type Speed, speedLabel} from '../../replay/playback.js';
import {formatClock, formatElapsed} from '../../transcripts/export-record.js';
import {truncate} from '../format.js';
import {type Action, keyOf} from '../keys/bindings.js';
import {THEME} from '../theme.js';

export type ReplayBarProps = {
	sessionId: string;
	position: number;
	total: number;
	/** Time of the event at the cursor; undefined at position 0. */
	at: number | undefined;
	/** Time of the first event, for "elapsed since start". */
	startAt: number | undefined;
	turn: number;
	turns: number;
	/** What the session held at the cursor: its permission mode, the tools granted for it, its servers. */
	facts?: string;
	/** Lines of the transcript that could not be read and are left out of the replay. */
	skippedLines?: number;
	playing: boolean;
	speed: Speed;
	/** One-off feedback ("no later approval"), shown in place of the key hints. */
	message?: string;
	/** The search being typed, when `/` is open. */
	searchInput?: string;
	width: number;
	timeZone?: string;
};

/** Short hints, in the order a newcomer needs them, with the keys the table binds. */
const k = (action: Action) => keyOf(action, 'replay');
export const REPLAY_HINTS = `${k('stepBack')}${k('stepForward')} step  ${k('previousTurn')}${k('nextTurn')} turn  ${k('nextApproval')} approval  ${k('nextDiff')} diff  ${k('playPause')} play  ${k('faster')}/${k('slower')} speed  ${k('start')}/${k('end')} start/end  ${k('search')} search  ${k('toggleHelp')} help  ${k('quit')} quit`;

/** Where the cursor is, what the session held there, whether it plays, and what the keys do. Always three rows. */
export function ReplayBar(props: ReplayBarProps) {
	const {position, total, at, startAt, width} = props;
	const when = at === undefined ? 'start' : `${formatClock(at, props.timeZone)} (+${formatElapsed(at - (startAt ?? at))})`;
	const status = `${props.playing ? '▶ playing' : '❚❚ paused'} ${speedLabel(props.speed)}`;
	const where = `event ${position.toLocaleString('en')} of ${total.toLocaleString('en')} · ${when} · turn ${props.turn} of ${props.turns} · replay ${props.sessionId}`;
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text wrap="truncate-end">
				<Text color={props.playing ? THEME.ok : THEME.accent} bold>
					{status}
				</Text>
				<Text> · {truncate(where, Math.max(10, width - status.length - 3))}</Text>
			</Text>
			<Text wrap="truncate-end">
				{props.skippedLines ? (
					<Text color={THEME.warn}>
						⚠ {props.skippedLines} damaged line{props.skippedLines === 1 ? '' : 's'} skipped (listed at the start) ·{' '}
					</Text>
				) : null}
				<Text color={THEME.dim}>{props.facts ?? ''}</Text>
			</Text>
			{props.searchInput === undefined ? (
				<Text color={props.message ? THEME.warn : THEME.dim} wrap="truncate-end">
					{props.message ?? REPLAY_HINTS}
				</Text>
			) : (
				<Text wrap="truncate-end">
					<Text color={THEME.accent}>/</Text>
					{props.searchInput}
					<Text inverse> </Text>
					<Text color={THEME.dim}>
						{' '}
						{keyOf('find')} find · {keyOf('cancelSearch')} cancel
					</Text>
				</Text>
			)}
		</Box>
	);
}
