/**
 * Where streamed text can be cut so that no secret straddles the cut, however the model paces its
 * deltas. Text before the cut is redacted and shown now; the rest waits for more text (or the end of
 * the answer). The redaction rules (redact.ts) match single words, except these, which can span
 * whitespace and so decide the cut:
 * - a phrase whose lead ends in whitespace: `Authorization: Bearer <t>`, `aws_secret_access_key = <k>`,
 *   `PASSWORD '<p>'`, `"password": "<p>"`;
 * - a quoted value after such a lead, which may hold spaces: `DB_PASSWORD="a b"`, `password 'a b'`,
 *   `PASSWORD $$…$$`;
 * - a private key block (BEGIN … END, over many lines);
 * - a known secret with whitespace in it.
 * Everything else is a word, and the last word of the text may still be growing (`sk-ant-ap` …), so
 * it always waits. Nothing is held for being slow: a pause does not make a word complete.
 */

/** A word that leads a secret when only separators follow it (`Bearer `, `PASSWORD `, `"api_key": `). */
const LEAD = /\b[A-Za-z0-9_]*(?:password|passwd|secret|token|key|authorization|bearer|basic)["'\s:=]*$/i;
/** A quoted value opened after a lead and not closed (same escapes as the rules: '' and \x). */
const OPEN_QUOTE = /\b[A-Za-z0-9_]*(?:password|passwd|secret|token|key)["']?(?:\s+|\s*[:=]\s*)(?:[EeNn]|[Uu]&)?(["'])(?:(?!\1)[^\n\\]|\\[^\n]|\1\1)*$/i;
const OPEN_DOLLAR = /\b[A-Za-z0-9_]*(?:password|passwd)\s+\$([A-Za-z_][A-Za-z0-9_]*)?\$(?:(?!\$\1\$)[^\n])*$/i;
const PRIVATE_KEY_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** How far back a lead is looked for: longer than any lead phrase. */
const LEAD_WINDOW = 256;
/** An open quote is looked for on the last line, up to this far back. */
const LINE_WINDOW = 1024;
/** Text held back beyond this is released anyway (but for its last HELD_TAIL characters): a bound on memory and on lag. */
export const MAX_HELD = 65_536;
const HELD_TAIL = 4096;

/** Real text moves the cut back once or twice (a lead, then the quote it opened); text that is all leads is held whole. */
const MAX_STEPS = 16;

/** Index up to which `text` can be released now; `spaced` are known secrets that contain whitespace. */
export function releasableLength(text: string, spaced: readonly string[] = []): number {
	let cut = lastWordStart(text, text.length);
	for (let step = 0; ; step++) {
		const earlier = Math.min(leadStart(text, cut), openStart(text, cut), spacedSecretStart(text, cut, spaced));
		if (earlier >= cut) break;
		if (step === MAX_STEPS) {
			cut = 0;
			break;
		}

		cut = lastWordStart(text, earlier);
	}

	if (text.length - cut > MAX_HELD) {
		const bound = text.length - HELD_TAIL;
		const space = lastWordStart(text, bound);
		return space > cut ? space : bound;
	}

	return cut;
}

/** Start of the word that `end` is in or right after (the index after the whitespace before it). */
function lastWordStart(text: string, end: number): number {
	let index = end;
	if (index === text.length && index > 0 && isSpace(text.charCodeAt(index - 1))) return index;
	while (index > 0 && !isSpace(text.charCodeAt(index - 1))) index--;
	return index;
}

function isSpace(code: number): boolean {
	return code === 32 || code === 10 || code === 9 || code === 13 || code === 12 || code === 11 || code === 0xa0 || code === 0x2028 || code === 0x2029;
}

function leadStart(text: string, cut: number): number {
	const from = Math.max(0, cut - LEAD_WINDOW);
	const match = LEAD.exec(text.slice(from, cut));
	return match ? from + match.index : cut;
}

function openStart(text: string, cut: number): number {
	let start = cut;
	// A private key block is open until its END line is whole (a header cut short may still be one).
	const begin = cut > 0 ? text.lastIndexOf('-----BEGIN ', cut - 1) : -1;
	if (begin >= 0) {
		const block = text.slice(begin, cut);
		const header = /^-----BEGIN ([A-Z0-9 ]*)-----/.exec(block);
		if ((!header || header[1]!.endsWith('PRIVATE KEY')) && !PRIVATE_KEY_END.test(block)) start = begin;
	}

	const from = Math.max(0, text.lastIndexOf('\n', cut - 1) + 1, cut - LINE_WINDOW);
	const line = text.slice(from, cut);
	for (const open of [OPEN_QUOTE, OPEN_DOLLAR]) {
		const match = open.exec(line);
		if (match) start = Math.min(start, from + match.index);
	}

	return start;
}

/** Start of a known secret with whitespace that begins before the cut and is not whole before it. */
function spacedSecretStart(text: string, cut: number, spaced: readonly string[]): number {
	let start = cut;
	for (const secret of spaced) {
		for (let at = Math.max(0, cut - secret.length + 1); at < cut; at++) {
			const visible = Math.min(secret.length, text.length - at);
			if (at + secret.length > cut && text.startsWith(secret.slice(0, visible), at)) {
				start = Math.min(start, at);
				break;
			}
		}
	}

	return start;
}
