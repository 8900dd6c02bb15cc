import fs from 'node:fs/promises';
import {type ResolvedPath, ToolInputError} from './workspace.js';

/** Like git and ripgrep: a NUL byte near the start means binary. */
const BINARY_SNIFF_BYTES = 8000;

/** Read and Edit load whole files; beyond this the model should look with Grep or Bash instead. */
export const MAX_TEXT_FILE_BYTES = 20 * 1024 * 1024;

export function looksBinary(buffer: Uint8Array): boolean {
	return buffer.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** The text of an existing regular file, or a ToolInputError saying plainly why not. */
export async function readTextFile(file: ResolvedPath): Promise<string> {
	const stat = await fs.stat(file.path).catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new ToolInputError(`File does not exist: ${file.display}`);
		throw error;
	});
	if (stat.isDirectory()) throw new ToolInputError(`${file.display} is a directory, not a file. Use Glob or Bash (ls) to list it.`);
	if (!stat.isFile()) throw new ToolInputError(`${file.display} is not a regular file.`);
	if (stat.size > MAX_TEXT_FILE_BYTES) {
		throw new ToolInputError(
			`${file.display} is ${(stat.size / 1024 / 1024).toFixed(1)} MB, more than the ${MAX_TEXT_FILE_BYTES / 1024 / 1024} MB this tool loads. Use Grep, or Bash with head/sed, to look at parts of it.`,
		);
	}

	const buffer = await fs.readFile(file.path);
	if (looksBinary(buffer)) throw new ToolInputError(`${file.display} is a binary file; only text files can be read or edited.`);
	return buffer.toString('utf8');
}

/** Lines as `cat -n` prints them; a final newline does not start another line. */
export function splitLines(text: string): string[] {
	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	return lines.map(line => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

export function numberedLine(lineNumber: number, line: string): string {
	return `${String(lineNumber).padStart(6)}\t${line}`;
}
