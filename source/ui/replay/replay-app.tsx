import {useApp} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {advancePlayback, DEFAULT_SPEED_INDEX, msUntilNext, SPEEDS} from '../../replay/playback.js';
import type {Replay, SearchDirection} from '../../replay/replay-model.js';
import type {TranscriptHeader} from '../../transcripts/format.js';
import type {ActionIn} from '../keys/bindings.js';
import {replayContexts} from '../keys/focus.js';
import {useKeys} from '../keys/use-keys.js';
import {useRefState} from '../use-ref-state.js';
import {useTerminalSize} from '../use-terminal-size.js';
import {ReplayView} from './replay-view.js';

/** Play never redraws faster than this, however dense the events are. */
const FRAME_MS = 16;

const REPLAY_CONTEXTS = ['replay', 'playback', 'help', 'search', 'text'] as const;

export type ReplayAppProps = {
	header: TranscriptHeader;
	replay: Replay;
	/** The reader's warnings (lines left out): listed at the start, counted in the bar throughout. */
	warnings?: readonly string[];
	/** Where the cursor starts (default 0, the empty session). */
	initialPosition?: number;
	/** Overrides the terminal size (tests, golden frames). */
	size?: {columns: number; rows: number};
	/** IANA zone for times (tests pin `UTC`); the machine's zone by default. */
	timeZone?: string;
	onExit?: () => void;
};

/** Replay of a transcript: keys move a cursor over the events; nothing is ever executed. */
export function ReplayApp({header, replay, warnings, initialPosition = 0, size, timeZone, onExit}: ReplayAppProps) {
	const terminal = useTerminalSize();
	const {columns, rows} = size ?? terminal;
	const {exit} = useApp();
	const clamp = (p: number) => Math.max(0, Math.min(replay.length, p));
	const [position, setPositionState] = useState(() => clamp(initialPosition));
	// Keys can arrive faster than React commits (a paste, a script): refs hold the latest values.
	const positionRef = useRef(position);
	const carry = useRef(0);
	const [playing, setPlaying] = useState(false);
	const [speedIndex, setSpeedIndex] = useState(DEFAULT_SPEED_INDEX);
	const [message, setMessage] = useState<string | undefined>(undefined);
	const [searchInput, setSearchInput, searchRef] = useRefState<string | undefined>(undefined);
	const lastQuery = useRef('');
	const [showHelp, setShowHelp] = useState(false);
	const [showChecklist, setShowChecklist] = useState(false);
	const speed = SPEEDS[speedIndex]!;

	const state = useMemo(() => replay.stateAt(position), [replay, position]);

	const moveTo = useCallback(
		(next: number) => {
			const p = Math.max(0, Math.min(replay.length, next));
			positionRef.current = p;
			carry.current = 0;
			setPositionState(p);
		},
		[replay],
	);

	useEffect(() => {
		if (!playing) return;
		let last = performance.now();
		let timer: NodeJS.Timeout | undefined;
		const schedule = () => {
			const wait = msUntilNext(replay.events, {position: positionRef.current, carryMs: carry.current}, speed);
			if (!Number.isFinite(wait)) {
				setPlaying(false);
				return;
			}

			timer = setTimeout(tick, Math.max(FRAME_MS, wait));
		};

		const tick = () => {
			const now = performance.now();
			const next = advancePlayback(replay.events, {position: positionRef.current, carryMs: carry.current}, now - last, speed);
			last = now;
			positionRef.current = next.position;
			carry.current = next.carryMs;
			setPositionState(next.position);
			if (next.position >= replay.length) setPlaying(false);
			else schedule();
		};

		schedule();
		return () => clearTimeout(timer);
	}, [playing, speed, replay]);

	const jump = (target: number | undefined, none: string) => {
		if (target === undefined) setMessage(none);
		else moveTo(target);
	};

	const search = (query: string, direction: SearchDirection) => {
		const p = positionRef.current;
		if (!query.trim()) {
			setMessage('Type something to search for after /.');
			return;
		}

		const found = replay.search(query, p, direction);
		if (found !== undefined) {
			moveTo(found);
			return;
		}

		// Like an editor: wrap around once, and say so.
		const wrapped = replay.search(query, direction === 'forward' ? 0 : replay.length + 1, direction);
		if (wrapped === undefined || wrapped === p) setMessage(`No match for "${query}".`);
		else {
			moveTo(wrapped);
			setMessage(`"${query}": wrapped around to the ${direction === 'forward' ? 'start' : 'end'}.`);
		}
	};

	const run = (action: ActionIn<(typeof REPLAY_CONTEXTS)[number]>) => {
		const p = positionRef.current;
		switch (action) {
			case 'stepForward':
				if (p >= replay.length) setMessage('End of the session.');
				else moveTo(p + 1);
				break;
			case 'stepBack':
				if (p <= 0) setMessage('Start of the session.');
				else moveTo(p - 1);
				break;
			case 'nextTurn':
				jump(replay.nextTurn(p), 'No later user turn.');
				break;
			case 'previousTurn':
				moveTo(replay.previousTurn(p) ?? 0);
				break;
			case 'nextApproval':
				jump(replay.nextApproval(p), 'No later approval.');
				break;
			case 'previousApproval':
				jump(replay.previousApproval(p), 'No earlier approval.');
				break;
			case 'nextDiff':
				jump(replay.nextDiff(p), 'No later diff in this session.');
				break;
			case 'playPause':
				if (!playing && p >= replay.length) moveTo(0);
				carry.current = 0;
				setPlaying(!playing);
				break;
			case 'faster':
				setSpeedIndex(i => Math.min(SPEEDS.length - 1, i + 1));
				break;
			case 'slower':
				setSpeedIndex(i => Math.max(0, i - 1));
				break;
			case 'start':
				moveTo(0);
				break;
			case 'end':
				moveTo(replay.length);
				break;
			case 'search':
				setSearchInput('');
				break;
			case 'searchNext':
			case 'searchPrevious':
				if (lastQuery.current) search(lastQuery.current, action === 'searchNext' ? 'forward' : 'backward');
				else setMessage('No search yet: press / to search.');
				break;
			case 'toggleChecklist':
				setShowChecklist(v => !v);
				break;
			case 'toggleHelp':
				setShowHelp(v => !v);
				break;
			case 'quit':
				onExit?.();
				exit();
				break;
			case 'pause':
				setPlaying(false);
				break;
			case 'closeHelp':
				setShowHelp(false);
				break;
			case 'find': {
				const query = searchRef.current?.trim() || lastQuery.current;
				setSearchInput(undefined);
				lastQuery.current = query;
				search(query, 'forward');
				break;
			}

			case 'cancelSearch':
				setSearchInput(undefined);
				break;
			case 'deleteChar':
				setSearchInput(searchRef.current?.slice(0, -1));
				break;
			case 'clearText':
				setSearchInput('');
				break;
			default: {
				const unhandled: never = action;
				return unhandled;
			}
		}
	};

	useKeys(
		// The search being typed lives in a ref: keys typed faster than React commits still land in it.
		() => replayContexts({searching: searchRef.current !== undefined, helpOpen: showHelp, playing}),
		REPLAY_CONTEXTS,
		{
			onAction: action => {
				setMessage(undefined);
				run(action);
			},
			onText: text => {
				setMessage(undefined);
				const typing = searchRef.current;
				if (typing !== undefined) setSearchInput(typing + text.replace(/[\r\n]/g, ''));
			},
		},
	);

	return (
		<ReplayView
			header={header}
			replay={replay}
			{...(warnings ? {warnings} : {})}
			state={state}
			position={position}
			playing={playing}
			speed={speed}
			showHelp={showHelp}
			showChecklist={showChecklist}
			columns={columns}
			rows={rows}
			{...(message ? {message} : {})}
			{...(searchInput === undefined ? {} : {searchInput})}
			{...(timeZone ? {timeZone} : {})}
		/>
	);
}
