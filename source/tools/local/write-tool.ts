import fs from 'node:fs/promises';
import path from 'node:path';
import {z} from 'zod';
import {defineTool, ok, plural} from './local-tool.js';
import {splitLines} from './text-file.js';
import {resolveInWorkspace, ToolInputError} from './workspace.js';

export const writeTool = defineTool({
	name: 'Write',
	description: [
		'Write a file in the workspace, replacing it if it exists; missing parent directories are created.',
		'file_path may be absolute or relative to the workspace root; it must stay inside the workspace.',
		'Prefer Edit for changing part of an existing file: it sends less and shows a smaller diff for approval.',
	].join('\n'),
	schema: z.strictObject({
		file_path: z.string().describe('The file to write: absolute, or relative to the workspace root.'),
		content: z.string().describe('The complete new content of the file.'),
	}),
	async run(input, {workspace}) {
		const file = await resolveInWorkspace(workspace, input.file_path);
		const existing = await fs.stat(file.path).catch(() => undefined);
		if (existing?.isDirectory()) throw new ToolInputError(`${file.display} is a directory; Write needs a file path.`);
		if (existing && !existing.isFile()) throw new ToolInputError(`${file.display} is not a regular file.`);

		try {
			await fs.mkdir(path.dirname(file.path), {recursive: true});
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'EEXIST' || code === 'ENOTDIR') throw new ToolInputError(`Cannot create ${file.display}: a parent of it is a file, not a directory.`);
			throw error;
		}

		await fs.writeFile(file.path, input.content, 'utf8');
		return ok(`${existing ? 'Overwrote' : 'Created'} ${file.display} (${plural(splitLines(input.content).length, 'line')}).`);
	},
});
