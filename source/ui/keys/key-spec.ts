/**
 * What a key in the bindings table is, and whether an Ink key event is that key. The only module that reads
 * Ink's `input` and `key` for meaning: components ask the table for an action, or for typed text. `specMatches`
 * and `typedText` run on every keypress and allocate nothing; parsing and labels run when the table loads or a
 * hint is drawn.
 */
import type {Key} from 'ink';

/** Ink's flags for keys that type no text. */
export type KeyName =
	| 'return'
	| 'escape'
	| 'tab'
	| 'backspace'
	| 'delete'
	| 'upArrow'
	| 'downArrow'
	| 'leftArrow'
	| 'rightArrow'
	| 'pageUp'
	| 'pageDown'
	| 'home'
	| 'end';

/**
 * A named key (`{name: 'return'}`, `{shift: true, name: 'tab'}`, `{meta: true, name: 'return'}`) or a typed
 * character (`{ch: 'y'}`, `{ctrl: true, ch: 'd'}`). Ctrl and Meta must be as stated (absent: not pressed), except
 * that Esc ignores Meta, which Ink sets for every Esc; a named key ignores Shift unless it states it. A character
 * never matches with Meta (that is Alt+key), nor cares for Shift (Ink sets it for capitals). `repeated`: the
 * character two or more times in one read, which is how two fast presses of a control key arrive.
 */
export type KeySpec =
	| {readonly name: KeyName; readonly shift?: boolean; readonly ctrl?: boolean; readonly meta?: boolean}
	| {readonly ch: string; readonly ctrl?: boolean; readonly repeated?: boolean};

/** The part of Ink's key event the matcher reads; tests pass plain objects. */
export type KeyEvent = Partial<Key>;

export function specMatches(spec: KeySpec, input: string, key: KeyEvent): boolean {
	if (!key.ctrl !== !spec.ctrl) return false;
	if ('name' in spec)
		return (
			key[spec.name] === true &&
			(spec.shift === undefined || !key.shift === !spec.shift) &&
			// Meta+Enter is a new line, not a send: Meta tells them apart (Esc always comes with it).
			(spec.name === 'escape' || !key.meta === !spec.meta)
		);
	if (key.meta) return false;
	return spec.repeated ? isRepeated(input, spec.ch) : input === spec.ch;
}

function isRepeated(input: string, ch: string): boolean {
	if (input.length < 2 * ch.length) return false;
	for (let at = 0; at < input.length; at += ch.length) if (!input.startsWith(ch, at)) return false;
	return true;
}

/**
 * The text a key types, or '' for keys that type none (navigation, Ctrl and Alt combinations). Call it only
 * for keys no active binding claims.
 */
export function typedText(input: string, key: KeyEvent): string {
	if (key.ctrl || key.meta || key.escape || key.return || key.tab || key.backspace || key.delete) return '';
	if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return '';
	return input;
}

const NO_KEY: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** One control character as Ink reports it when it comes alone. */
function controlStroke(ch: string): {input: string; key: KeyEvent} {
	if (ch === '\r') return {input: '', key: {...NO_KEY, return: true}};
	if (ch === '\t') return {input: '', key: {...NO_KEY, tab: true}};
	if (ch === '\u007f') return {input: '', key: {...NO_KEY, delete: true}};
	if (ch === '\b') return {input: '', key: {...NO_KEY, backspace: true}};
	if (ch === '\n') return {input: '\n', key: NO_KEY};
	// Ctrl+A … Ctrl+Z: Ink reports the lower-case letter with ctrl set.
	return {input: String.fromCharCode(ch.charCodeAt(0) + 96), key: {...NO_KEY, ctrl: true}};
}

/**
 * A read split into the keys it holds. Ink splits a read at escape sequences only, so keys typed faster than the app
 * reads them ("y" then Enter, Backspace held down, a test's send-keys) come as one input such as "ab\r" or
 * "\u007f\u007f", which Ink reports as text: Enter would be typed as a carriage return and Backspace as invisible
 * characters. Printable runs stay together (typing "hello" is one text); each control character is a key of its own.
 * A bracketed paste never comes here (`useKeys` takes it whole).
 */
export function keystrokes(input: string, key: KeyEvent): Array<{input: string; key: KeyEvent}> {
	if (input.length < 2 || key.meta || key.ctrl || !/[\u0000-\u001f\u007f]/.test(input)) return [{input, key}];
	// Text after a line break is a paste from a terminal without bracketed paste, not typing: it stays one text, as
	// before, so its first line is not sent on its own.
	if (/[\r\n][\s\S]*[^\u0000-\u001f\u007f]/.test(input)) return [{input, key}];
	const strokes: Array<{input: string; key: KeyEvent}> = [];
	let text = '';
	for (const ch of input) {
		const code = ch.charCodeAt(0);
		if (code >= 32 && code !== 127) {
			text += ch;
			continue;
		}
		if (text) strokes.push({input: text, key: NO_KEY});
		text = '';
		strokes.push(controlStroke(ch));
	}
	if (text) strokes.push({input: text, key: NO_KEY});
	return strokes;
}

/**
 * The marks a terminal puts around pasted text once the app asks for bracketed paste (ESC [ 200 ~ … ESC [ 201 ~), as
 * Ink hands them over: it strips the ESC and passes the rest as input.
 */
export const PASTE_START = '[200~';
export const PASTE_END = '[201~';

/** What a key event inside a paste contributed to the pasted text: a lone CR or tab arrives as a named key. */
export function pastedPart(input: string, key: KeyEvent): string {
	if (key.return) return '\r';
	if (key.tab) return '\t';
	return input;
}

/** Named keys as help writes them: what moves, and the rest. */
const MOVES: Record<string, KeyName> = {
	'↑': 'upArrow',
	'↓': 'downArrow',
	'←': 'leftArrow',
	'→': 'rightArrow',
	PgUp: 'pageUp',
	PgDn: 'pageDown',
	Home: 'home',
	End: 'end',
};
const NAMES: Record<string, KeyName> = {Enter: 'return', Esc: 'escape', Tab: 'tab', Backspace: 'backspace', Delete: 'delete', ...MOVES};
const LABELS = Object.fromEntries(Object.entries(NAMES).map(([label, name]) => [name, label])) as Record<KeyName, string>;

/**
 * The keys of a table row, written as help shows them and separated by spaces: `Enter`, `Shift+Tab`, `Ctrl+D`,
 * `Space`, `j`, `↓`, `PgUp`. A raw control character is that key as a terminal sends it ("\u0003"), and one
 * repeated ("\u0003\u0003") is two or more presses arriving in one read. Parsed once, when the table loads.
 */
export function parseKeys(text: string): KeySpec[] {
	return text.split(' ').map(parseKey);
}

function parseKey(token: string): KeySpec {
	const modifiers = /^((?:Ctrl\+|Shift\+|Meta\+)*)(.+)$/su.exec(token);
	const [, prefix = '', rest = ''] = modifiers ?? [];
	const ctrl = prefix.includes('Ctrl+');
	const shift = prefix.includes('Shift+');
	const meta = prefix.includes('Meta+');
	const name = NAMES[rest];
	if (name) return {name, ...(ctrl ? {ctrl} : {}), ...(shift ? {shift} : {}), ...(meta ? {meta} : {})};
	const ch = rest === 'Space' ? ' ' : rest;
	const chars = [...ch];
	if (shift || meta || chars.length === 0) throw new Error(`not a key: ${JSON.stringify(token)}`);
	// Ink reports Ctrl+letter as the lower-case letter with ctrl set.
	if (chars.length === 1) return ctrl ? {ctrl, ch: ch.toLowerCase()} : {ch};
	if (!ctrl && chars.every(c => c === chars[0])) return {ch: chars[0]!, repeated: true};
	throw new Error(`not a key: ${JSON.stringify(token)}`);
}

/** How help and hints write a key: `Enter`, `Shift+Tab`, `Ctrl+D`, `Meta+Enter`, `Space`; a raw control character as its Ctrl key. */
export function specLabel(spec: KeySpec): string {
	if ('name' in spec) return `${spec.ctrl ? 'Ctrl+' : ''}${spec.meta ? 'Meta+' : ''}${spec.shift ? 'Shift+' : ''}${LABELS[spec.name]}`;
	const code = spec.ch.charCodeAt(0);
	const one =
		spec.ctrl || (spec.ch.length === 1 && code < 32)
			? `Ctrl+${(code < 32 ? String.fromCharCode(code + 64) : spec.ch).toUpperCase()}`
			: spec.ch === ' '
				? 'Space'
				: spec.ch;
	return spec.repeated ? `${one} ${one}` : one;
}
