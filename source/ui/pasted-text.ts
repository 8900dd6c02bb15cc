/**
 * Large pastes, collapsed in the prompt to a placeholder such as `[Pasted text #1 +120 lines]` (Claude Code's form)
 * and put back whole when the prompt is sent: the model and the transcript get the text, the screen gets one line.
 *
 * Where the line is drawn: a paste is collapsed when it is longer than PASTE_COLLAPSE_CHARS characters or has more
 * than PASTE_COLLAPSE_LINES lines. Up to that size it stays text to read and edit in the box, which shows up to eight
 * rows of 70-odd columns at 80×24 (about 600 characters), so a paste that is not collapsed fits in the box or
 * nearly; anything larger could not be read there anyway, and drawing it whole is what made the live area taller
 * than the terminal (Ink then clears the screen and the scrollback).
 */

export const PASTE_COLLAPSE_CHARS = 800;
export const PASTE_COLLAPSE_LINES = 5;

/** A collapsed paste: its number in this draft, the placeholder the prompt shows, and the text it stands for. */
export type Paste = {id: number; label: string; text: string};

/** Line ends as the prompt keeps them: terminals send CR for a pasted newline, Windows text brings CRLF. */
export function normalizePasted(text: string): string {
	return text.replace(/\r\n?/g, '\n');
}

/** Whether a paste (normalized) is shown as a placeholder rather than as text. */
export function collapsesPaste(text: string): boolean {
	return text.length > PASTE_COLLAPSE_CHARS || lineCount(text) > PASTE_COLLAPSE_LINES;
}

/** `[Pasted text #2 +40 lines]`: the lines after the first, as Claude Code counts them; one long line says its length. */
export function pasteLabel(id: number, text: string): string {
	const more = lineCount(text) - 1;
	return more > 0 ? `[Pasted text #${id} +${more} lines]` : `[Pasted text #${id} ${text.length} chars]`;
}

const PLACEHOLDER = /\[Pasted text #(\d+) [^\]\n]*\]/g;

/**
 * The text with every placeholder still in it replaced by its paste, in one pass (a pasted text that itself looks
 * like a placeholder stays as it is). A placeholder the person has edited is no longer one and stays as typed.
 */
export function expandPastes(text: string, pastes: readonly Paste[]): string {
	if (pastes.length === 0) return text;
	return text.replace(PLACEHOLDER, (label: string, id: string) => {
		const paste = pastes.find(candidate => candidate.id === Number(id));
		return paste && paste.label === label ? paste.text : label;
	});
}

function lineCount(text: string): number {
	let count = 1;
	for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
	return count;
}
