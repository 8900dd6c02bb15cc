/**
 * What bash makes of one word after quote removal, computed from its syntax node: `"rm"`, `'r'm`,
 * `r\m` and `$'\x72m'` are all `rm`. A word is `literal` only when its value is known before the
 * command runs; parameter expansion, command substitution, globs, brace expansion and tildes make it
 * `dynamic`, and `pattern` marks the expansions that only bash's filename matching can resolve.
 */
import type {SyntaxNode} from './shell-parser.js';

export type WordValue = {
	/** The value when literal; otherwise the source text, for messages. */
	text: string;
	literal: boolean;
	/** Unquoted glob, brace or tilde syntax with no parameter or command expansion in it. */
	pattern?: boolean;
};

export function wordValue(node: SyntaxNode): WordValue {
	switch (node.type) {
		case 'word':
		case 'command_name': {
			if (node.type === 'command_name') {
				const only = node.namedChildren.length === 1 ? node.namedChildren[0] : undefined;
				return only && only.startIndex === node.startIndex && only.endIndex === node.endIndex ? wordValue(only) : {text: node.text, literal: false};
			}

			const {text, pattern} = unquoted(node.text);
			return pattern ? {text: node.text, literal: false, pattern: true} : {text, literal: true};
		}

		case 'number':
			// An argument such as `-5` or `0x1f` is plain text to bash; only arithmetic gives numbers meaning.
			return node.namedChildren.length === 0 ? {text: node.text, literal: true} : {text: node.text, literal: false};
		case 'raw_string':
			return {text: node.text.slice(1, -1), literal: true};
		case 'ansi_c_string':
			return {text: decodeAnsiC(node.text.slice(2, -1)), literal: true};
		case 'string': {
			// `$"…"` is looked up in a message catalogue at run time.
			if (!node.text.startsWith('"') || node.namedChildren.some(child => child.type !== 'string_content')) return {text: node.text, literal: false};
			return {text: doubleQuoted(node.text.slice(1, -1)), literal: true};
		}

		case 'concatenation': {
			let text = '';
			let literal = true;
			let pattern = false;
			let position = node.startIndex;
			for (const child of node.children) {
				// Text the grammar left between parts would be silently dropped: refuse to guess.
				if (child.startIndex !== position) return {text: node.text, literal: false};
				position = child.endIndex;
				const part = wordValue(child);
				text += part.text;
				literal &&= part.literal;
				pattern ||= part.pattern === true;
			}

			if (position !== node.endIndex) return {text: node.text, literal: false};
			if (literal) return {text, literal: true};
			return pattern && node.children.every(child => wordValue(child).literal || wordValue(child).pattern)
				? {text: node.text, literal: false, pattern: true}
				: {text: node.text, literal: false};
		}

		default:
			return {text: node.text, literal: false};
	}
}

/** Backslash removal outside quotes; glob, brace and tilde syntax make the word a pattern. */
export function unquoted(raw: string): {text: string; pattern: boolean} {
	let text = '';
	// `{a,b}` and `{1..3}` expand; `{}` and `{x}` are plain text.
	let pattern = raw.startsWith('~') || /\{[^{}]*(?:,|\.\.)[^{}]*\}/.test(raw);
	for (let i = 0; i < raw.length; i++) {
		const char = raw[i]!;
		if (char === '\\') {
			const next = raw[i + 1];
			if (next === undefined) {
				text += '\\';
			} else if (next !== '\n') {
				text += next;
			}

			i++;
			continue;
		}

		if (char === '*' || char === '?' || char === '[') pattern = true;
		text += char;
	}

	return {text, pattern};
}

/** Inside double quotes a backslash only escapes `$`, backtick, `"`, `\` and a newline. */
export function doubleQuoted(raw: string): string {
	let text = '';
	for (let i = 0; i < raw.length; i++) {
		const char = raw[i]!;
		const next = raw[i + 1];
		if (char === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
			if (next !== '\n') text += next;
			i++;
		} else {
			text += char;
		}
	}

	return text;
}

const SIMPLE_ESCAPES: Record<string, string> = {
	a: '\x07',
	b: '\b',
	e: '\x1b',
	E: '\x1b',
	f: '\f',
	n: '\n',
	r: '\r',
	t: '\t',
	v: '\v',
	'\\': '\\',
	"'": "'",
	'"': '"',
	'?': '?',
};

/** bash's `$'…'` (ANSI-C quoting). A NUL ends the string, as it does for bash. */
export function decodeAnsiC(raw: string): string {
	let text = '';
	for (let i = 0; i < raw.length; i++) {
		const char = raw[i]!;
		if (char !== '\\' || i + 1 >= raw.length) {
			text += char;
			continue;
		}

		const next = raw[i + 1]!;
		let code: number | undefined;
		let consumed = 1;
		if (next in SIMPLE_ESCAPES) {
			text += SIMPLE_ESCAPES[next];
			i += 1;
			continue;
		} else if (/[0-7]/.test(next)) {
			const digits = /^[0-7]{1,3}/.exec(raw.slice(i + 1))![0];
			code = Number.parseInt(digits, 8) & 0xff;
			consumed = digits.length;
		} else if (next === 'x' || next === 'u' || next === 'U') {
			const max = next === 'x' ? 2 : next === 'u' ? 4 : 8;
			const digits = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(raw.slice(i + 2))?.[0];
			if (digits === undefined) {
				text += `\\${next}`;
				i += 1;
				continue;
			}

			code = Number.parseInt(digits, 16);
			consumed = 1 + digits.length;
		} else if (next === 'c' && i + 2 < raw.length) {
			const target = raw[i + 2]!;
			code = target === '?' ? 0x7f : target.toUpperCase().charCodeAt(0) & 0x1f;
			consumed = 2;
			// `\c\\` is a control-backslash: the escaped backslash is one character.
			if (target === '\\' && raw[i + 3] === '\\') consumed = 3;
		} else {
			text += `\\${next}`;
			i += 1;
			continue;
		}

		if (code === 0) return text;
		text += code > 0x10ffff ? '\ufffd' : String.fromCodePoint(code);
		i += consumed;
	}

	return text;
}
