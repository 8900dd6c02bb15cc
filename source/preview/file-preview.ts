/**
 * File diffs for Write and Edit, computed without writing: the same confinement and the same matching rules as the
 * local tools (`source/tools/local`), so a preview error is exactly the error the tool would give.
 */
import fs from 'node:fs/promises';
import type {CallPreview} from '../core/events.js';
import {matchLineEndings} from '../tools/local/edit-tool.js';
import {readTextFile} from '../tools/local/text-file.js';
import {openWorkspace, type ResolvedPath, resolveInWorkspace} from '../tools/local/workspace.js';
import {diffStat, unifiedDiff} from './unified-diff.js';

type Input = Record<string, unknown>;

const text = (input: Input, key: string): string | undefined => (typeof input[key] === 'string' ? (input[key] as string) : undefined);

function failed(summary: string, error: unknown): CallPreview {
	return {kind: 'file', summary, hazards: [], error: error instanceof Error ? error.message : String(error)};
}

/** The current text of a file, or undefined when it does not exist yet. */
async function currentText(file: ResolvedPath): Promise<string | undefined> {
	const stat = await fs.stat(file.path).catch(() => undefined);
	if (!stat) return undefined;
	return readTextFile(file);
}

function filePreview(display: string, before: string | undefined, after: string): CallPreview {
	const diff = unifiedDiff(before === undefined ? '/dev/null' : `a/${display}`, `b/${display}`, before ?? '', after);
	const {added, removed} = diffStat(diff);
	const lines = after === '' ? 0 : after.split('\n').length - (after.endsWith('\n') ? 1 : 0);
	const summary =
		before === undefined
			? `new file ${display} (${lines} line${lines === 1 ? '' : 's'})`
			: diff
				? `${display}: +${added} −${removed} lines`
				: `${display}: no change`;
	return {kind: 'file', summary, ...(diff ? {diff} : {}), hazards: []};
}

export async function previewWrite(workspaceRoot: string, input: Input): Promise<CallPreview> {
	const path = text(input, 'file_path') ?? '';
	const content = text(input, 'content');
	if (content === undefined) return failed(`Write ${path}`, new Error('content must be a string.'));
	try {
		const file = await resolveInWorkspace(await openWorkspace(workspaceRoot), path);
		const stat = await fs.stat(file.path).catch(() => undefined);
		if (stat?.isDirectory()) throw new Error(`${file.display} is a directory; Write needs a file path.`);
		return filePreview(file.display, await currentText(file), content);
	} catch (error) {
		return failed(`Write ${path}: cannot be previewed`, error);
	}
}

function occurrences(haystack: string, needle: string): number {
	let count = 0;
	for (let index = haystack.indexOf(needle); index !== -1; index = haystack.indexOf(needle, index + needle.length)) count++;
	return count;
}

/** The file after an Edit, or the reason the Edit tool would refuse it. */
export function applyEdit(current: string, oldString: string, newString: string, replaceAll: boolean, display: string): string {
	const {search, replacement} = matchLineEndings(current, oldString, newString);
	const count = occurrences(current, search);
	if (count === 0) throw new Error(`old_string was not found in ${display}. It must match the file exactly, including whitespace and indentation.`);
	if (count > 1 && !replaceAll)
		throw new Error(`old_string occurs ${count} times in ${display}. Include more surrounding lines to make it unique, or pass replace_all: true.`);
	if (replaceAll) return current.split(search).join(replacement);
	const first = current.indexOf(search);
	return current.slice(0, first) + replacement + current.slice(first + search.length);
}

export async function previewEdit(workspaceRoot: string, input: Input): Promise<CallPreview> {
	const path = text(input, 'file_path') ?? '';
	const oldString = text(input, 'old_string');
	const newString = text(input, 'new_string');
	const label = `Edit ${path}: cannot be applied`;
	if (oldString === undefined || newString === undefined) return failed(label, new Error('old_string and new_string must be strings.'));
	try {
		if (oldString === newString) throw new Error('old_string and new_string are identical, so the edit would change nothing.');
		const file = await resolveInWorkspace(await openWorkspace(workspaceRoot), path);
		const current = await currentText(file);
		if (oldString === '') {
			if (current) throw new Error(`old_string is empty, which only creates a new file, but ${file.display} already has content.`);
			return filePreview(file.display, current, newString);
		}
		if (current === undefined) throw new Error(`File does not exist: ${file.display}`);
		return filePreview(file.display, current, applyEdit(current, oldString, newString, input['replace_all'] === true, file.display));
	} catch (error) {
		return failed(label, error);
	}
}
