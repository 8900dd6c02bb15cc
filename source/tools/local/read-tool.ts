import {z} from 'zod';
import {defineTool, ok, plural} from './local-tool.js';
import {numberedLine, readTextFile, splitLines} from './text-file.js';
import {resolveInWorkspace, ToolInputError} from './workspace.js';

export const READ_DEFAULT_LIMIT = 2000;
export const READ_MAX_LINE_CHARS = 2000;

export const readTool = defineTool({
	name: 'Read',
	description: [
		'Read a text file in the workspace. Lines come back numbered like `cat -n` (line number, a tab, the line).',
		`Reads up to ${READ_DEFAULT_LIMIT} lines from the start unless offset/limit say otherwise; lines longer than ${READ_MAX_LINE_CHARS} characters are cut.`,
		'file_path may be absolute or relative to the workspace root; it must stay inside the workspace.',
		'Directories and binary files are refused: use Glob or Bash to list a directory.',
		"The line numbers are not part of the file: leave them out of Edit's old_string.",
	].join('\n'),
	schema: z.strictObject({
		file_path: z.string().describe('The file to read: absolute, or relative to the workspace root.'),
		offset: z.number().int().min(1).optional().describe('The line number to start reading from (1-based). Use it for large files.'),
		limit: z.number().int().min(1).optional().describe(`How many lines to read (default ${READ_DEFAULT_LIMIT}).`),
	}),
	async run(input, {workspace}) {
		const file = await resolveInWorkspace(workspace, input.file_path);
		const text = await readTextFile(file);
		if (text.length === 0) return ok(`${file.display} exists but is empty.`);

		const lines = splitLines(text);
		const offset = input.offset ?? 1;
		if (offset > lines.length) {
			throw new ToolInputError(`offset ${offset} is past the end of ${file.display}, which has ${plural(lines.length, 'line')}.`);
		}

		const end = Math.min(lines.length, offset - 1 + (input.limit ?? READ_DEFAULT_LIMIT));
		let cut = 0;
		const shown = lines.slice(offset - 1, end).map((line, index) => {
			if (line.length <= READ_MAX_LINE_CHARS) return numberedLine(offset + index, line);
			cut++;
			return numberedLine(offset + index, `${line.slice(0, READ_MAX_LINE_CHARS)}… [line cut at ${READ_MAX_LINE_CHARS} of ${line.length} characters]`);
		});

		const notes: string[] = [];
		if (cut > 0) notes.push(`${plural(cut, 'line was', 'lines were')} longer than ${READ_MAX_LINE_CHARS} characters and cut.`);
		if (offset > 1 || end < lines.length) {
			notes.push(`Showed lines ${offset}-${end} of ${lines.length}.${end < lines.length ? ` Pass offset: ${end + 1} to read on.` : ''}`);
		}

		return ok(notes.length > 0 ? `${shown.join('\n')}\n\n(${notes.join(' ')})` : shown.join('\n'));
	},
});
