import fs from 'node:fs/promises';
import path from 'node:path';
import {z} from 'zod';
import {defineTool, ok, plural} from './local-tool.js';
import {numberedLine, readTextFile, splitLines} from './text-file.js';
import {resolveInWorkspace, ToolInputError} from './workspace.js';

const SNIPPET_CONTEXT_LINES = 3;
/** A large replacement is not echoed whole: the model just sent it. */
const SNIPPET_MAX_LINES = 40;

export const editTool = defineTool({
	name: 'Edit',
	description: [
		'Replace an exact string in a file in the workspace.',
		"old_string must match the file exactly (whitespace and indentation included, without Read's line-number prefix) and must occur exactly once, unless replace_all is true.",
		'Include enough surrounding lines to make old_string unique. The file keeps its line endings (LF or CRLF).',
		'An empty old_string creates a new file with new_string as its content.',
	].join('\n'),
	schema: z.strictObject({
		file_path: z.string().describe('The file to change: absolute, or relative to the workspace root.'),
		old_string: z.string().describe('The exact text to replace.'),
		new_string: z.string().describe('The text to put in its place (must differ from old_string).'),
		replace_all: z.boolean().optional().describe('Replace every occurrence of old_string (default false).'),
	}),
	async run(input, {workspace}) {
		const file = await resolveInWorkspace(workspace, input.file_path);
		if (input.old_string === input.new_string) throw new ToolInputError('old_string and new_string are identical, so the edit would change nothing.');
		if (input.old_string === '') return createWithEdit(file.path, file.display, input.new_string);

		const text = await readTextFile(file);
		const {search, replacement} = matchLineEndings(text, input.old_string, input.new_string);
		const count = occurrences(text, search);
		if (count === 0) {
			throw new ToolInputError(
				`old_string was not found in ${file.display}. It must match the file exactly, including whitespace and indentation; Read the file again to copy the current text.`,
			);
		}

		if (count > 1 && input.replace_all !== true) {
			throw new ToolInputError(
				`old_string occurs ${count} times in ${file.display}. Include more surrounding lines to make it unique, or pass replace_all: true to replace all ${count}.`,
			);
		}

		const first = text.indexOf(search);
		// split/join, not String.replace: `$&` and friends in new_string must stay literal.
		const updated = input.replace_all === true ? text.split(search).join(replacement) : text.slice(0, first) + replacement + text.slice(first + search.length);
		await fs.writeFile(file.path, updated, 'utf8');

		const replaced = input.replace_all === true ? count : 1;
		return ok(`Edited ${file.display}: replaced ${plural(replaced, 'occurrence')}.\n${snippet(updated, first, replacement)}`);
	},
});

async function createWithEdit(file: string, display: string, content: string) {
	const existing = await fs.stat(file).catch(() => undefined);
	if (existing?.isDirectory()) throw new ToolInputError(`${display} is a directory, not a file.`);
	if (existing && !existing.isFile()) throw new ToolInputError(`${display} is not a regular file.`);
	if (existing && existing.size > 0)
		throw new ToolInputError(
			`old_string is empty, which only creates a new file, but ${display} already has content. Give the text to replace, or use Write to replace the whole file.`,
		);
	await fs.mkdir(path.dirname(file), {recursive: true});
	await fs.writeFile(file, content, 'utf8');
	return ok(`${existing ? 'Filled the empty file' : 'Created'} ${display} (${plural(splitLines(content).length, 'line')}).`);
}

/**
 * Read shows lines without their `\r`, so the model writes `\n`. In a file that uses CRLF throughout,
 * both strings are converted to CRLF; in an LF file, any CRLF the model sent becomes LF. A file with
 * mixed endings is matched exactly as given.
 */
export function matchLineEndings(text: string, oldString: string, newString: string): {search: string; replacement: string} {
	const crlf = (text.match(/\r\n/g) ?? []).length;
	const lf = (text.match(/\n/g) ?? []).length;
	if (crlf > 0 && crlf === lf) return {search: toCrlf(oldString), replacement: toCrlf(newString)};
	if (crlf === 0) return {search: oldString.replace(/\r\n/g, '\n'), replacement: newString.replace(/\r\n/g, '\n')};
	return {search: oldString, replacement: newString};
}

function toCrlf(text: string): string {
	return text.replace(/\r?\n/g, '\r\n');
}

function occurrences(text: string, search: string): number {
	let count = 0;
	for (let index = text.indexOf(search); index !== -1; index = text.indexOf(search, index + search.length)) count++;
	return count;
}

/** The edited region with a few lines around it, numbered like Read, so the model sees the result. */
function snippet(updated: string, start: number, replacement: string): string {
	const lines = splitLines(updated);
	const firstLine = updated.slice(0, start).split('\n').length;
	const lastLine = firstLine + Math.max(0, replacement.split('\n').length - 1);
	const from = Math.max(1, firstLine - SNIPPET_CONTEXT_LINES);
	const to = Math.min(lines.length, lastLine + SNIPPET_CONTEXT_LINES, from + SNIPPET_MAX_LINES - 1);
	return lines
		.slice(from - 1, to)
		.map((line, index) => numberedLine(from + index, line))
		.join('\n');
}
