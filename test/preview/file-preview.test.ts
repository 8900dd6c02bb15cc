import {mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createPreviewer} from '../../source/preview/index.js';

describe('Write and Edit previews', () => {
	let root: string;
	const previewer = () =>
		createPreviewer({
			callServerTool: () => Promise.reject(new Error('file previews never call a server')),
			hasServerTool: () => false,
			workspaceRoot: root,
		});
	const preview = async (name: string, input: Record<string, unknown>) => (await previewer()({callId: 'c', name, input}, new AbortController().signal))!;

	beforeAll(async () => {
		root = await mkdtemp(path.join(tmpdir(), 'pgpair-file-preview-'));
		await mkdir(path.join(root, 'src'));
		await writeFile(path.join(root, 'src/app.ts'), 'const a = 1;\nconst b = 2;\nexport {a, b};\n');
		await writeFile(path.join(root, 'src/twice.ts'), 'x();\nx();\n');
		await writeFile(path.join(root, 'src/windows.txt'), 'one\r\ntwo\r\n');
	});

	afterAll(async () => {
		await rm(root, {recursive: true, force: true});
	});

	it('shows a new file as all additions and writes nothing', async () => {
		const result = await preview('Write', {file_path: 'notes/todo.md', content: 'one\ntwo\n'});
		expect(result).toEqual({
			kind: 'file',
			summary: 'new file notes/todo.md (2 lines)',
			diff: '--- /dev/null\n+++ b/notes/todo.md\n@@ -0,0 +1,2 @@\n+one\n+two\n',
			hazards: [],
		});
		await expect(stat(path.join(root, 'notes'))).rejects.toThrow(/ENOENT/);
	});

	it('diffs an overwrite against the current content', async () => {
		const result = await preview('Write', {file_path: path.join(root, 'src/app.ts'), content: 'const a = 1;\nconst b = 3;\nexport {a, b};\n'});
		expect(result.summary).toBe('src/app.ts: +1 −1 lines');
		expect(result.diff).toBe('--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1,3 +1,3 @@\n const a = 1;\n-const b = 2;\n+const b = 3;\n export {a, b};\n');
	});

	it('refuses a path outside the workspace, as the Write tool would', async () => {
		const result = await preview('Write', {file_path: '../escape.txt', content: 'x'});
		expect(result.error).toMatch(/outside the workspace/);
		expect(result.diff).toBeUndefined();
	});

	it('applies a unique Edit and leaves the file as it was', async () => {
		const result = await preview('Edit', {file_path: 'src/app.ts', old_string: 'const b = 2;', new_string: 'const b = 20;\nconst c = 3;'});
		expect(result.error).toBeUndefined();
		expect(result.diff).toContain('-const b = 2;\n+const b = 20;\n+const c = 3;\n');
		expect(result.summary).toBe('src/app.ts: +2 −1 lines');
		expect(await readFile(path.join(root, 'src/app.ts'), 'utf8')).toBe('const a = 1;\nconst b = 2;\nexport {a, b};\n');
	});

	it('reports the errors the Edit tool would give', async () => {
		expect((await preview('Edit', {file_path: 'src/app.ts', old_string: 'nope', new_string: 'x'})).error).toMatch(/old_string was not found in src\/app\.ts/);
		expect((await preview('Edit', {file_path: 'src/twice.ts', old_string: 'x();', new_string: 'y();'})).error).toMatch(/occurs 2 times in src\/twice\.ts/);
		expect((await preview('Edit', {file_path: 'src/app.ts', old_string: 'a', new_string: 'a'})).error).toMatch(/identical/);
		expect((await preview('Edit', {file_path: 'src/app.ts', old_string: '', new_string: 'x'})).error).toMatch(/already has content/);
		expect((await preview('Edit', {file_path: 'src/missing.ts', old_string: 'a', new_string: 'b'})).error).toMatch(/does not exist/);
		const failed = await preview('Edit', {file_path: 'src/app.ts', old_string: 'nope', new_string: 'x'});
		expect(failed.summary).toBe('Edit src/app.ts: cannot be applied');
	});

	it('replaces every occurrence with replace_all', async () => {
		const result = await preview('Edit', {file_path: 'src/twice.ts', old_string: 'x();', new_string: 'y();', replace_all: true});
		expect(result.diff).toBe('--- a/src/twice.ts\n+++ b/src/twice.ts\n@@ -1,2 +1,2 @@\n-x();\n-x();\n+y();\n+y();\n');
	});

	it('matches LF text in a CRLF file and keeps its line endings', async () => {
		const result = await preview('Edit', {file_path: 'src/windows.txt', old_string: 'one\ntwo', new_string: 'one\nTWO'});
		expect(result.error).toBeUndefined();
		expect(result.diff).toContain('-two\r\n+TWO\r\n');
	});

	it('creates a new file from an Edit with an empty old_string', async () => {
		const result = await preview('Edit', {file_path: 'src/new.ts', old_string: '', new_string: 'export {};\n'});
		expect(result.summary).toBe('new file src/new.ts (1 line)');
	});

	it('gives no preview for tools it does not know', async () => {
		expect(await previewer()({callId: 'c', name: 'Bash', input: {command: 'ls'}}, new AbortController().signal)).toBeUndefined();
	});
});
