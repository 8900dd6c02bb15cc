/**
 * A small glob matcher, so the file tools need no dependency: `*`, `?`, `**` (any number of
 * directories), `[abc]` / `[!abc]`, `{a,b}` (nestable) and `\` escapes. Paths use `/`. `*` also
 * matches names starting with a dot: the walk already skips `.git` and `node_modules`, and the model
 * looking for `.env.example` or `.claude/agents/*.md` should find them.
 */

const MAGIC = /[*?[{\\]/;

export function hasMagic(pattern: string): boolean {
	return MAGIC.test(pattern);
}

export function globToRegExp(pattern: string, flags = ''): RegExp {
	return new RegExp(`^${translate(pattern)}$`, flags);
}

function translate(pattern: string): string {
	let out = '';
	let braceDepth = 0;
	for (let i = 0; i < pattern.length; i++) {
		const char = pattern[i]!;
		const atSegmentStart = i === 0 || pattern[i - 1] === '/' || (braceDepth > 0 && (pattern[i - 1] === '{' || pattern[i - 1] === ','));
		if (char === '*') {
			if (pattern[i + 1] === '*' && atSegmentStart) {
				const after = pattern[i + 2];
				if (after === '/') {
					out += '(?:[^/]*/)*';
					i += 2;
					continue;
				}

				if (after === undefined || (braceDepth > 0 && (after === ',' || after === '}'))) {
					out += '.*';
					i += 1;
					continue;
				}
			}

			while (pattern[i + 1] === '*') i++;
			out += '[^/]*';
		} else if (char === '?') {
			out += '[^/]';
		} else if (char === '[') {
			const end = classEnd(pattern, i);
			if (end === -1) {
				out += '\\[';
				continue;
			}

			let body = pattern.slice(i + 1, end);
			let negated = false;
			if (body.startsWith('!') || body.startsWith('^')) {
				negated = true;
				body = body.slice(1);
			}

			// Inside a class only `\`, `]` and `^` mean something to RegExp; `-` ranges are kept.
			const escaped = body.replace(/[\\\]^]/g, match => `\\${match}`);
			out += negated ? `[^/${escaped}]` : `[${escaped}]`;
			i = end;
		} else if (char === '{') {
			braceDepth++;
			out += '(?:';
		} else if (char === '}' && braceDepth > 0) {
			braceDepth--;
			out += ')';
		} else if (char === ',' && braceDepth > 0) {
			out += '|';
		} else if (char === '\\' && i + 1 < pattern.length) {
			i++;
			out += escapeRegExp(pattern[i]!);
		} else {
			out += escapeRegExp(char);
		}
	}

	// An unclosed `{` is taken literally by most shells; here it simply closes, which errs on matching.
	return out + ')'.repeat(braceDepth);
}

function classEnd(pattern: string, start: number): number {
	// A `]` right after `[` or `[!` is part of the class, as in shells.
	let i = start + 1;
	if (pattern[i] === '!' || pattern[i] === '^') i++;
	if (pattern[i] === ']') i++;
	for (; i < pattern.length; i++) {
		if (pattern[i] === '\\') i++;
		else if (pattern[i] === ']') return i;
	}

	return -1;
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Splits a pattern into the directories it names literally and the part that needs matching, so a
 * walk can start at `src/components` for `src/components/**\/*.tsx` and the start is confinement-checked.
 */
export function splitStaticPrefix(pattern: string): {base: string; rest: string} {
	const segments = pattern.split('/');
	let count = 0;
	// The last segment always stays in `rest`: it names files, not the directory to walk.
	while (count < segments.length - 1 && !hasMagic(segments[count]!)) count++;
	const baseSegments = segments.slice(0, count);
	const base = baseSegments.join('/') || (pattern.startsWith('/') ? '/' : '');
	return {base: base === '' ? '.' : base, rest: segments.slice(count).join('/')};
}

/** How many directory levels below the start a pattern can reach; undefined when `**` makes it unbounded. */
export function maxDepth(pattern: string): number | undefined {
	// Alternatives in braces may have different depths (`{a,b/c}`): no bound then either.
	if (pattern.includes('**') || /\{[^}]*\//.test(pattern)) return undefined;
	return pattern.split('/').length;
}
