/**
 * The chat prompt's text and its cursor, and the edits its keys make: pure, so the prompt component only maps keys
 * to these. The cursor is an index into the text (0 to its length) and never splits a surrogate pair. Lines are the
 * text's own (split at "\n"); how they wrap on screen is prompt-layout.ts's business.
 */

export type PromptBuffer = {readonly text: string; readonly cursor: number};

export const EMPTY_BUFFER: PromptBuffer = Object.freeze({text: '', cursor: 0});

/** A buffer holding `text`, the cursor at its end unless given. */
export function bufferOf(text: string, cursor = text.length): PromptBuffer {
	return {text, cursor: Math.max(0, Math.min(text.length, cursor))};
}

/** `typed` put in at the cursor, the cursor after it. */
export function insertText(buffer: PromptBuffer, typed: string): PromptBuffer {
	const {text, cursor} = buffer;
	return {text: text.slice(0, cursor) + typed + text.slice(cursor), cursor: cursor + typed.length};
}

/** The character before the cursor removed (Backspace). */
export function deleteBack(buffer: PromptBuffer): PromptBuffer {
	if (buffer.cursor === 0) return buffer;
	const start = buffer.cursor - charBefore(buffer.text, buffer.cursor);
	return {text: buffer.text.slice(0, start) + buffer.text.slice(buffer.cursor), cursor: start};
}

export function moveLeft(buffer: PromptBuffer): PromptBuffer {
	return buffer.cursor === 0 ? buffer : {text: buffer.text, cursor: buffer.cursor - charBefore(buffer.text, buffer.cursor)};
}

export function moveRight(buffer: PromptBuffer): PromptBuffer {
	return buffer.cursor >= buffer.text.length ? buffer : {text: buffer.text, cursor: buffer.cursor + charAfter(buffer.text, buffer.cursor)};
}

/** The cursor on the line above, at the same column or the line's end; undefined on the first line (↑ then recalls history). */
export function moveUp(buffer: PromptBuffer): PromptBuffer | undefined {
	const {text, cursor} = buffer;
	const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
	if (lineStart === 0) return undefined;
	const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
	const column = cursor - lineStart;
	return {text, cursor: onBoundary(text, Math.min(previousStart + column, lineStart - 1))};
}

/** The cursor on the line below, at the same column or the line's end; undefined on the last line (↓ then goes forward in history). */
export function moveDown(buffer: PromptBuffer): PromptBuffer | undefined {
	const {text, cursor} = buffer;
	const lineEnd = text.indexOf('\n', cursor);
	if (lineEnd === -1) return undefined;
	const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
	const nextEnd = text.indexOf('\n', lineEnd + 1);
	const column = cursor - lineStart;
	return {text, cursor: onBoundary(text, Math.min(lineEnd + 1 + column, nextEnd === -1 ? text.length : nextEnd))};
}

/** Whether the text right before the cursor is `suffix` (a `\` before Enter asks for a new line). */
export function endsBeforeCursor(buffer: PromptBuffer, suffix: string): boolean {
	return buffer.text.startsWith(suffix, buffer.cursor - suffix.length) && buffer.cursor >= suffix.length;
}

/** `count` characters before the cursor replaced by `replacement`. */
export function replaceBeforeCursor(buffer: PromptBuffer, count: number, replacement: string): PromptBuffer {
	const start = Math.max(0, buffer.cursor - count);
	return {text: buffer.text.slice(0, start) + replacement + buffer.text.slice(buffer.cursor), cursor: start + replacement.length};
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

function charBefore(text: string, index: number): number {
	return index >= 2 && isLow(text.charCodeAt(index - 1)) && isHigh(text.charCodeAt(index - 2)) ? 2 : 1;
}

function charAfter(text: string, index: number): number {
	return isHigh(text.charCodeAt(index)) && isLow(text.charCodeAt(index + 1)) ? 2 : 1;
}

/** `index`, moved back off the middle of a surrogate pair. */
function onBoundary(text: string, index: number): number {
	return index > 0 && isLow(text.charCodeAt(index)) && isHigh(text.charCodeAt(index - 1)) ? index - 1 : index;
}
