import {KeyHelp, keyHelpInner, keyHelpPage, keyHelpRows} from './key-help.js';
import {keyOf} from './keys/bindings.js';
import {LIVE_HELP_CONTEXTS} from './keys/focus.js';
import {SLASH_COMMANDS} from './slash-commands.js';

const COMMANDS = SLASH_COMMANDS.map(c => `/${c.name}${c.args ? ` ${c.args}` : ''}`);

/** The commands under the keys, what `/help` is asked for: packed into as many lines of `width` as they need. */
export function commandsNote(width: number): string[] {
	const inner = keyHelpInner(width);
	const prefix = 'Commands: ';
	const lines: string[] = [];
	let line: string[] = [];
	const text = (items: readonly string[]) => (lines.length === 0 ? prefix : ' '.repeat(prefix.length)) + items.join('  ');
	for (const command of COMMANDS) {
		if (line.length > 0 && text([...line, command]).length > inner) {
			lines.push(text(line));
			line = [];
		}
		line.push(command);
	}
	lines.push(text(line));
	return lines;
}

/** Rows the live help takes at this width. */
export function helpOverlayRows(width: number): number {
	return keyHelpRows(LIVE_HELP_CONTEXTS, width, commandsNote(width));
}

/** How far the live help pages at this size: PgDn moves `page` lines, up to `maxScroll`. */
export function helpOverlayPage(width: number, maxRows: number): {page: number; maxScroll: number} {
	return keyHelpPage(LIVE_HELP_CONTEXTS, width, maxRows, commandsNote(width));
}

const PAGE_HINT = `${keyOf('helpPageDown')} more · ${keyOf('helpPageUp')} back`;

/** The live app's keys, every context of them, from the bindings table, and the slash commands; paged when taller than `maxRows`. */
export function HelpOverlay({width, maxRows, scroll = 0}: {width: number; maxRows?: number; scroll?: number}) {
	return (
		<KeyHelp
			title="Keys"
			contexts={LIVE_HELP_CONTEXTS}
			width={width}
			note={commandsNote(width)}
			scroll={scroll}
			pageHint={PAGE_HINT}
			{...(maxRows === undefined ? {} : {maxRows})}
		/>
	);
}
