import {MAX_IDLE_GAP_MS} from '../../replay/playback.js';
import {KeyHelp, keyHelpRows} from '../key-help.js';
import {REPLAY_HELP_CONTEXTS} from '../keys/focus.js';

const NOTE = `Play keeps the recorded pace, but any pause longer than ${MAX_IDLE_GAP_MS / 1000} s is cut to ${MAX_IDLE_GAP_MS / 1000} s.`;

/** Rows the replay help takes at this width. */
export function replayHelpRows(width: number): number {
	return keyHelpRows(REPLAY_HELP_CONTEXTS, width, NOTE);
}

/** The replay's keys, from the bindings table. */
export function ReplayHelp({width, maxRows}: {width: number; maxRows?: number}) {
	return <KeyHelp title="Replay keys" contexts={REPLAY_HELP_CONTEXTS} width={width} note={NOTE} maxRows={maxRows} />;
}
