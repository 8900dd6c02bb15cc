import {KeyHelp, keyHelpRows} from './key-help.js';
import {LIVE_HELP_CONTEXTS} from './keys/focus.js';

/** Rows the live help takes at this width. */
export function helpOverlayRows(width: number): number {
	return keyHelpRows(LIVE_HELP_CONTEXTS, width);
}

/** The live app's keys, every context of them, from the bindings table. */
export function HelpOverlay({width, maxRows}: {width: number; maxRows?: number}) {
	return <KeyHelp title="Keys" contexts={LIVE_HELP_CONTEXTS} width={width} maxRows={maxRows} />;
}
