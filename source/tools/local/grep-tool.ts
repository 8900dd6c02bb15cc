import fs from 'node:fs/promises';
import path from 'node:path';
import {z} from 'zod';
import {globToRegExp} from './glob-pattern.js';
import {defineTool, ok, plural} from './local-tool.js';
import {looksBinary} from './text-file.js';
import {type WalkedFile, walkFiles} from './walk.js';
import {resolveInWorkspace, ToolInputError} from './workspace.js';

/** Output beyond this is cut (head kept) with a note; a model context is not a log file. */
export const GREP_MAX_OUTPUT_CHARS = 30_000;
/** Matching lines longer than this are shortened in content mode (minified files). */
export const GREP_MAX_LINE_CHARS = 500;
/** Larger files are not searched (and the output says how many were skipped). */
export const GREP_MAX_FILE_BYTES = 10 * 1024 * 1024;

/** ripgrep's `--type` names the model is used to, for the common languages of this kind of project. */
const FILE_TYPES: Readonly<Record<string, readonly string[]>> = {
	js: ['js', 'mjs', 'cjs', 'jsx'],
	ts: ['ts', 'mts', 'cts', 'tsx'],
	json: ['json'],
	sql: ['sql'],
	md: ['md', 'markdown'],
	yaml: ['yaml', 'yml'],
	toml: ['toml'],
	html: ['html', 'htm'],
	css: ['css', 'scss'],
	sh: ['sh', 'bash', 'zsh'],
	py: ['py', 'pyi'],
	go: ['go'],
	rust: ['rs'],
	java: ['java'],
	ruby: ['rb'],
	c: ['c', 'h'],
	cpp: ['cpp', 'cc', 'cxx', 'hpp', 'hh', 'h'],
};

export const grepTool = defineTool({
	name: 'Grep',
	description: [
		"Search file contents in the workspace with a regular expression (JavaScript syntax, close to ripgrep's).",
		'output_mode: "files_with_matches" (default; paths, most recently modified first), "content" (matching lines,',
		'with -n line numbers on by default and -A/-B/-C context), or "count" (matching lines per file).',
		'Filter files with glob (e.g. "*.sql", "*.{ts,tsx}", "supabase/**") or type (e.g. "ts", "sql").',
		'multiline lets a match span lines (`.` matches newlines). Binary files, node_modules and .git are skipped.',
		`head_limit keeps the first N lines or entries; output is cut at ${GREP_MAX_OUTPUT_CHARS} characters either way.`,
	].join('\n'),
	schema: z.strictObject({
		pattern: z.string().min(1).describe('The regular expression to search for.'),
		path: z.string().optional().describe('File or directory to search (default: the workspace root).'),
		glob: z.string().optional().describe('Only search files matching this glob; without a "/" it matches file names at any depth. A leading "!" excludes.'),
		type: z
			.string()
			.optional()
			.describe(`Only search files of this type: ${Object.keys(FILE_TYPES).join(', ')}.`),
		output_mode: z.enum(['content', 'files_with_matches', 'count']).optional().describe('What to return (default "files_with_matches").'),
		'-i': z.boolean().optional().describe('Case-insensitive search.'),
		'-n': z.boolean().optional().describe('Show line numbers (content mode; default true).'),
		'-A': z.number().int().min(0).optional().describe('Lines of context after each match (content mode).'),
		'-B': z.number().int().min(0).optional().describe('Lines of context before each match (content mode).'),
		'-C': z.number().int().min(0).optional().describe('Lines of context before and after each match (content mode).'),
		head_limit: z.number().int().min(1).optional().describe('Return only the first N lines or entries.'),
		multiline: z.boolean().optional().describe('Let patterns span lines; `.` also matches newlines (default false).'),
	}),
	async run(input, {workspace, signal}) {
		const regex = compile(input.pattern, input['-i'] === true, input.multiline === true);
		const target = await resolveInWorkspace(workspace, input.path ?? '.', 'path');
		const stat = await fs.stat(target.path).catch(() => undefined);
		if (!stat) throw new ToolInputError(`Path does not exist: ${target.display}`);
		const accept = fileFilter(input.glob, input.type);

		let walkTruncated = () => false;
		let files: AsyncIterable<WalkedFile> | WalkedFile[];
		if (stat.isDirectory()) {
			const walk = walkFiles(workspace, target.path, {signal});
			files = walk.files;
			walkTruncated = walk.truncated;
		} else {
			// A file named directly is searched whatever glob and type say, as ripgrep does.
			files = [{path: target.path, relative: path.basename(target.path)}];
		}

		const mode = input.output_mode ?? 'files_with_matches';
		const before = input['-B'] ?? input['-C'] ?? 0;
		const after = input['-A'] ?? input['-C'] ?? 0;
		const showNumbers = input['-n'] ?? true;
		const limit = input.head_limit ?? Number.POSITIVE_INFINITY;
		const out = new OutputBuffer(limit);
		const matched: Array<{path: string; mtimeMs: number; count: number}> = [];
		let skippedLarge = 0;
		let totalLines = 0;

		for await (const file of files) {
			if (signal.aborted) break;
			if (stat.isDirectory() && !accept(file.relative)) continue;
			const fileStat = await fs.stat(file.path).catch(() => undefined);
			if (!fileStat?.isFile()) continue;
			if (fileStat.size > GREP_MAX_FILE_BYTES) {
				skippedLarge++;
				continue;
			}

			const buffer = await fs.readFile(file.path).catch(() => undefined);
			if (!buffer || looksBinary(buffer)) continue;
			const text = buffer.toString('utf8');
			const lines = text.split('\n');
			if (lines.at(-1) === '') lines.pop();
			const hits = input.multiline === true ? multilineHits(regex, text) : lineHits(regex, lines);
			if (hits.size === 0) continue;
			matched.push({path: file.path, mtimeMs: fileStat.mtimeMs, count: hits.size});
			totalLines += hits.size;
			if (mode === 'content') writeContent(out, file.path, lines, hits, {before, after, showNumbers});
		}

		const notes: string[] = [];
		if (skippedLarge > 0)
			notes.push(`(${plural(skippedLarge, 'file')} over ${GREP_MAX_FILE_BYTES / 1024 / 1024} MB ${skippedLarge === 1 ? 'was' : 'were'} not searched.)`);
		if (walkTruncated()) notes.push('(The search stopped early: too many files under the search path.)');
		if (signal.aborted) notes.push('(The search was interrupted.)');

		if (matched.length === 0) return ok([mode === 'files_with_matches' ? 'No files found' : 'No matches found', ...notes].join('\n'));
		if (mode === 'files_with_matches') {
			matched.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : 1));
			for (const file of matched) out.push(file.path);
			return ok([`Found ${plural(matched.length, 'file')}`, out.text(), ...notes].join('\n'));
		}

		if (mode === 'count') {
			for (const file of matched) out.push(`${file.path}:${file.count}`);
			return ok([out.text(), '', `Found ${plural(totalLines, 'matching line')} in ${plural(matched.length, 'file')}.`, ...notes].join('\n'));
		}

		return ok([out.text(), ...notes].join('\n'));
	},
});

function compile(pattern: string, ignoreCase: boolean, multiline: boolean): RegExp {
	// ripgrep patterns often start with inline flags, which Node 20's RegExp does not accept.
	const inline = /^\(\?([ims]+)\)/.exec(pattern);
	const source = inline ? pattern.slice(inline[0].length) : pattern;
	const flags = new Set(inline?.[1] ?? '');
	if (ignoreCase) flags.add('i');
	if (multiline) {
		flags.add('g');
		flags.add('m');
		flags.add('s');
	}

	const base = [...flags].join('');
	try {
		// Unicode mode first (\p{L}, whole code points); some ripgrep-valid escapes only parse without it.
		return new RegExp(source, `${base}u`);
	} catch {
		try {
			return new RegExp(source, base);
		} catch (error) {
			throw new ToolInputError(`Invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
		}
	}
}

function fileFilter(glob: string | undefined, type: string | undefined): (relative: string) => boolean {
	const checks: Array<(relative: string) => boolean> = [];
	if (type !== undefined) {
		const extensions = FILE_TYPES[type];
		if (!extensions) throw new ToolInputError(`Unknown type ${JSON.stringify(type)}. Known types: ${Object.keys(FILE_TYPES).join(', ')}; or use glob.`);
		checks.push(relative => extensions.includes(path.extname(relative).slice(1)));
	}

	if (glob !== undefined) {
		const negated = glob.startsWith('!');
		const pattern = negated ? glob.slice(1) : glob;
		const regex = globToRegExp(pattern);
		// As in ripgrep: a glob without "/" is matched against the file name wherever it is.
		const subject = pattern.includes('/') ? (relative: string) => relative : (relative: string) => relative.slice(relative.lastIndexOf('/') + 1);
		checks.push(relative => regex.test(subject(relative)) !== negated);
	}

	return relative => checks.every(check => check(relative));
}

function lineHits(regex: RegExp, lines: string[]): Set<number> {
	const hits = new Set<number>();
	lines.forEach((line, index) => {
		if (regex.test(line.endsWith('\r') ? line.slice(0, -1) : line)) hits.add(index);
	});
	return hits;
}

/** Every line a match touches, for patterns that may span lines. */
function multilineHits(regex: RegExp, text: string): Set<number> {
	const lineStarts = [0];
	for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lineStarts.push(index + 1);
	const lineOf = (offset: number) => {
		let low = 0;
		let high = lineStarts.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if (lineStarts[mid]! <= offset) low = mid;
			else high = mid - 1;
		}

		return low;
	};

	const hits = new Set<number>();
	regex.lastIndex = 0;
	for (let match = regex.exec(text); match; match = regex.exec(text)) {
		const first = lineOf(match.index);
		const last = lineOf(match.index + Math.max(0, match[0].length - 1));
		for (let line = first; line <= last; line++) hits.add(line);
		if (match[0].length === 0) regex.lastIndex++;
	}

	return hits;
}

function writeContent(
	out: OutputBuffer,
	file: string,
	lines: string[],
	hits: Set<number>,
	options: {before: number; after: number; showNumbers: boolean},
): void {
	const sorted = [...hits].sort((a, b) => a - b);
	const ranges: Array<[number, number]> = [];
	for (const hit of sorted) {
		const from = Math.max(0, hit - options.before);
		const to = Math.min(lines.length - 1, hit + options.after);
		const last = ranges.at(-1);
		if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
		else ranges.push([from, to]);
	}

	const withContext = options.before > 0 || options.after > 0;
	for (const [from, to] of ranges) {
		// ripgrep's group separator, only when context lines make groups ambiguous.
		if (withContext && out.lines() > 0) out.push('--');
		for (let index = from; index <= to; index++) {
			const separator = hits.has(index) ? ':' : '-';
			let line = lines[index]!;
			if (line.endsWith('\r')) line = line.slice(0, -1);
			if (line.length > GREP_MAX_LINE_CHARS) line = `${line.slice(0, GREP_MAX_LINE_CHARS)}… [${line.length - GREP_MAX_LINE_CHARS} more characters]`;
			out.push(options.showNumbers ? `${file}${separator}${index + 1}${separator}${line}` : `${file}${separator}${line}`);
		}
	}
}

/** Collects output lines up to head_limit and the character cap, remembering how much was left out. */
class OutputBuffer {
	private readonly kept: string[] = [];
	private chars = 0;
	private dropped = 0;
	private cutByChars = false;

	constructor(private readonly limit: number) {}

	push(line: string): void {
		if (this.kept.length >= this.limit || this.cutByChars) {
			this.dropped++;
			return;
		}

		if (this.chars + line.length + 1 > GREP_MAX_OUTPUT_CHARS) {
			this.cutByChars = true;
			this.dropped++;
			return;
		}

		this.kept.push(line);
		this.chars += line.length + 1;
	}

	lines(): number {
		return this.kept.length;
	}

	text(): string {
		if (this.dropped === 0) return this.kept.join('\n');
		const why = this.cutByChars ? `the output reached ${GREP_MAX_OUTPUT_CHARS} characters` : `head_limit is ${this.limit}`;
		return `${this.kept.join('\n')}\n(Output truncated: ${why}; ${plural(this.dropped, 'more line')} not shown. Narrow the pattern, path or glob${this.cutByChars ? ', or use head_limit' : ''}.)`;
	}
}
