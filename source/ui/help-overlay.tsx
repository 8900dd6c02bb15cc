import {KeyHelp, keyHelpPage, keyHelpRows} from './key-help.js';
import {keyOf} from './keys/bindings.js';
import {LIVE_HELP_CONTEXTS} from './keys/focus.js';
import {SLASH_COMMANDS} from './slash-commands.js';

/** The commands under the keys: what `/help` is asked for, with the keys it shares a screen with. */
const COMMANDS_NOTE = `Commands: ${SLASH_COMMANDS.map(c => `/${c.name}${c.args ? ` ${c.args}` : ''}`).join('  ')}`;

/** Rows the live help takes at this width. */
export function helpOverlayRows(width: number): number {
	return keyHelpRows(LIVE_HELP_CONTEXTS, width, COMMANDS_NOTE);
}

/** How far the live help pages at this size: PgDn moves `page` lines, up to `maxScroll`. */
export function helpOverlayPage(width: number, maxRows: number): {page: number; maxScroll: number} {
	return keyHelpPage(LIVE_HELP_CONTEXTS, width, maxRows, COMMANDS_NOTE);
}

const PAGE_HINT = `${keyOf('helpPageDown')} more · ${keyOf('helpPageUp')} back`;

/** The live app's keys, every context of them, from the bindings table, and the slash commands; paged when taller than `maxRows`. */
export function HelpOverlay({width, maxRows, scroll = 0}: {width: number; maxRows?: number; scroll?: number}) {
	return (
		<KeyHelp
			title="Keys"
			contexts={LIVE_HELP_CONTEXTS}
			width={width}
			note={COMMANDS_NOTE}
			scroll={scroll}
			pageHint={PAGE_HINT}
			{...(maxRows === undefined ? {} : {maxRows})}
		/>
	);
}
