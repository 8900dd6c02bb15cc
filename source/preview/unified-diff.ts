import {createTwoFilesPatch, FILE_HEADERS_ONLY} from 'diff';

/** How the UI paints one line of a unified diff. */
export type DiffLineKind = 'header' | 'hunk' | 'add' | 'remove' | 'context' | 'note';

export type DiffLine = {kind: DiffLineKind; text: string};

/** Lines of context around each change: enough to place it, few enough to keep the pane short. */
export const DIFF_CONTEXT = 3;

/** A unified diff of two texts, or '' when they are equal (no headers for nothing). */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string, context = DIFF_CONTEXT): string {
	if (before === after) return '';
	return createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, {context, headerOptions: FILE_HEADERS_ONLY});
}

/** Classifies every line of a unified diff for colouring; the trailing newline does not make an extra line. */
export function coloriseDiffLines(diff: string): DiffLine[] {
	if (!diff) return [];
	const lines = diff.endsWith('\n') ? diff.slice(0, -1).split('\n') : diff.split('\n');
	return lines.map((text): DiffLine => {
		if (text.startsWith('--- ') || text.startsWith('+++ ')) return {kind: 'header', text};
		if (text.startsWith('@@')) return {kind: 'hunk', text};
		if (text.startsWith('+')) return {kind: 'add', text};
		if (text.startsWith('-')) return {kind: 'remove', text};
		if (text.startsWith('\\')) return {kind: 'note', text};
		return {kind: 'context', text};
	});
}

/** Lines added and removed, ignoring the file headers. */
export function diffStat(diff: string): {added: number; removed: number} {
	let added = 0;
	let removed = 0;
	for (const line of coloriseDiffLines(diff)) {
		if (line.kind === 'add') added++;
		else if (line.kind === 'remove') removed++;
	}
	return {added, removed};
}
