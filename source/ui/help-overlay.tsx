import {KeyHelp, keyHelpRows} from './key-help.js';
import {LIVE_HELP_CONTEXTS} from './keys/focus.js';
import {SLASH_COMMANDS} from './slash-commands.js';

/** The commands under the keys: what `/help` is asked for, with the keys it shares a screen with. */
const COMMANDS_NOTE = `Commands: ${SLASH_COMMANDS.map(c => `/${c.name}${c.args ? ` ${c.args}` : ''}`).join('  ')}`;

/** Rows the live help takes at this width. */
export function helpOverlayRows(width: number): number {
	return keyHelpRows(LIVE_HELP_CONTEXTS, width, COMMANDS_NOTE);
}

/** The live app's keys, every context of them, from the bindings table, and the slash commands. */
export function HelpOverlay({width, maxRows}: {width: number; maxRows?: number}) {
	return <KeyHelp title="Keys" contexts={LIVE_HELP_CONTEXTS} width={width} maxRows={maxRows} note={COMMANDS_NOTE} />;
}
