import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {type LocalWorkspace, localWorkspace} from '../../helpers/local-workspace.js';

let ws: LocalWorkspace;

beforeEach(() => {
	ws = localWorkspace();
});

const numbered = (from: number, lines: string[]) => lines.map((line, index) => `${String(from + index).padStart(6)}\t${line}`).join('\n');

describe('Read', () => {
	it('numbers lines like cat -n: right-aligned number, a tab, the line', async () => {
		ws.write('a.sql', 'select 1;\nselect 2;\n\nselect 3;\n');
		const result = await ws.run('Read', {file_path: 'a.sql'});
		expect(result).toEqual({isError: false, content: '     1\tselect 1;\n     2\tselect 2;\n     3\t\n     4\tselect 3;'});
	});

	it('offset and limit pick lines, keep their real numbers, and say where to read on', async () => {
		ws.write('ten.txt', Array.from({length: 10}, (_, i) => `line ${i + 1}`).join('\n'));
		const result = await ws.run('Read', {file_path: 'ten.txt', offset: 4, limit: 3});
		expect(result.isError).toBe(false);
		expect(result.content).toBe(`${numbered(4, ['line 4', 'line 5', 'line 6'])}\n\n(Showed lines 4-6 of 10. Pass offset: 7 to read on.)`);
	});

	it('an offset alone reads to the end', async () => {
		ws.write('ten.txt', Array.from({length: 10}, (_, i) => `line ${i + 1}`).join('\n'));
		const result = await ws.run('Read', {file_path: 'ten.txt', offset: 9});
		expect(result.content).toBe(`${numbered(9, ['line 9', 'line 10'])}\n\n(Showed lines 9-10 of 10.)`);
	});

	it('reads 2000 lines by default', async () => {
		ws.write('big.txt', Array.from({length: 2500}, (_, i) => `row ${i + 1}`).join('\n'));
		const result = await ws.run('Read', {file_path: 'big.txt'});
		const lines = result.content.split('\n');
		expect(lines[1999]).toBe('  2000\trow 2000');
		expect(result.content).not.toContain('row 2001');
		expect(result.content).toContain('(Showed lines 1-2000 of 2500. Pass offset: 2001 to read on.)');
	});

	it('cuts lines longer than 2000 characters and says so', async () => {
		ws.write('wide.txt', `short\n${'x'.repeat(2500)}\n`);
		const result = await ws.run('Read', {file_path: 'wide.txt'});
		const second = result.content.split('\n')[1]!;
		expect(second.startsWith(`     2\t${'x'.repeat(2000)}…`)).toBe(true);
		expect(second).not.toContain('x'.repeat(2001));
		expect(second).toContain('cut at 2000 of 2500 characters');
		expect(result.content).toContain('1 line was longer than 2000 characters and cut.');
	});

	it('shows CRLF files without the carriage returns', async () => {
		ws.write('crlf.txt', 'one\r\ntwo\r\n');
		expect((await ws.run('Read', {file_path: 'crlf.txt'})).content).toBe('     1\tone\n     2\ttwo');
	});

	it('says an empty file is empty, without an error', async () => {
		ws.write('empty.txt', '');
		expect(await ws.run('Read', {file_path: 'empty.txt'})).toEqual({isError: false, content: 'empty.txt exists but is empty.'});
	});

	it.each([
		['a directory', () => fs.mkdirSync(path.join(ws.root, 'dir')), {file_path: 'dir'}, 'dir is a directory, not a file.'],
		[
			'a binary file',
			() => ws.write('image.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13])),
			{file_path: 'image.png'},
			'image.png is a binary file',
		],
		['a missing file', () => undefined, {file_path: 'nope.txt'}, 'File does not exist: nope.txt'],
		[
			'an offset past the end',
			() => ws.write('two.txt', 'a\nb\n'),
			{file_path: 'two.txt', offset: 3},
			'offset 3 is past the end of two.txt, which has 2 lines.',
		],
	])('refuses %s with a clear error', async (_case, arrange, input, message) => {
		arrange();
		const result = await ws.run('Read', input);
		expect(result.isError).toBe(true);
		expect(result.content).toContain(message);
	});
});

describe('Write', () => {
	it('creates missing parent directories', async () => {
		const result = await ws.run('Write', {file_path: 'supabase/migrations/001_init.sql', content: 'create table t (id int);\n'});
		expect(result).toEqual({isError: false, content: 'Created supabase/migrations/001_init.sql (1 line).'});
		expect(ws.read('supabase/migrations/001_init.sql')).toBe('create table t (id int);\n');
	});

	it('overwrites an existing file completely', async () => {
		ws.write('notes.md', 'a much longer original text\nwith two lines\n');
		const result = await ws.run('Write', {file_path: path.join(ws.root, 'notes.md'), content: 'short'});
		expect(result).toEqual({isError: false, content: 'Overwrote notes.md (1 line).'});
		expect(ws.read('notes.md')).toBe('short');
	});

	it('refuses to write over a directory, or below a file', async () => {
		fs.mkdirSync(path.join(ws.root, 'dir'));
		ws.write('file.txt', 'x');
		expect(await ws.run('Write', {file_path: 'dir', content: 'x'})).toEqual({isError: true, content: 'dir is a directory; Write needs a file path.'});
		const below = await ws.run('Write', {file_path: 'file.txt/child.txt', content: 'x'});
		expect(below.isError).toBe(true);
		expect(below.content).toContain('a parent of it is a file');
	});
});

describe('Edit', () => {
	it('replaces a unique exact match and shows the edited lines', async () => {
		ws.write('app.ts', 'const a = 1;\nconst b = 2;\nconst c = 3;\n');
		const result = await ws.run('Edit', {file_path: 'app.ts', old_string: 'const b = 2;', new_string: 'const b = 20;'});
		expect(result.isError).toBe(false);
		expect(result.content).toBe(`Edited app.ts: replaced 1 occurrence.\n${numbered(1, ['const a = 1;', 'const b = 20;', 'const c = 3;'])}`);
		expect(ws.read('app.ts')).toBe('const a = 1;\nconst b = 20;\nconst c = 3;\n');
	});

	it('refuses a string that is not in the file', async () => {
		ws.write('app.ts', 'const a = 1;\n');
		const result = await ws.run('Edit', {file_path: 'app.ts', old_string: 'const  a = 1;', new_string: 'x'});
		expect(result.isError).toBe(true);
		expect(result.content).toContain('old_string was not found in app.ts');
		expect(ws.read('app.ts')).toBe('const a = 1;\n');
	});

	it('refuses an ambiguous string and says how many times it occurs', async () => {
		ws.write('dup.sql', 'grant select;\ngrant select;\ngrant select;\n');
		const result = await ws.run('Edit', {file_path: 'dup.sql', old_string: 'grant select;', new_string: 'grant all;'});
		expect(result.isError).toBe(true);
		expect(result.content).toContain('old_string occurs 3 times in dup.sql');
		expect(result.content).toContain('replace_all: true');
		expect(ws.read('dup.sql')).toBe('grant select;\ngrant select;\ngrant select;\n');
	});

	it('replace_all replaces every occurrence and reports the count', async () => {
		ws.write('dup.sql', 'grant select;\ngrant select;\ngrant select;\n');
		const result = await ws.run('Edit', {file_path: 'dup.sql', old_string: 'select', new_string: 'all', replace_all: true});
		expect(result.content).toMatch(/^Edited dup.sql: replaced 3 occurrences\./);
		expect(ws.read('dup.sql')).toBe('grant all;\ngrant all;\ngrant all;\n');
	});

	it('refuses an edit that changes nothing', async () => {
		ws.write('a.txt', 'same');
		expect(await ws.run('Edit', {file_path: 'a.txt', old_string: 'same', new_string: 'same'})).toEqual({
			isError: true,
			content: 'old_string and new_string are identical, so the edit would change nothing.',
		});
	});

	it('keeps `$&` and `$1` in new_string literal', async () => {
		ws.write('a.txt', 'price: X\n');
		await ws.run('Edit', {file_path: 'a.txt', old_string: 'X', new_string: '$& and $1 and $$'});
		expect(ws.read('a.txt')).toBe('price: $& and $1 and $$\n');
	});

	it('keeps CRLF line endings when the model sends LF (as Read shows it)', async () => {
		ws.write('win.sql', 'create table a ();\r\ncreate table b ();\r\ncreate table c ();\r\n');
		const result = await ws.run('Edit', {
			file_path: 'win.sql',
			old_string: 'create table a ();\ncreate table b ();',
			new_string: 'create table a ();\n-- b dropped\ncreate table b2 ();',
		});
		expect(result.isError).toBe(false);
		expect(ws.read('win.sql')).toBe('create table a ();\r\n-- b dropped\r\ncreate table b2 ();\r\ncreate table c ();\r\n');
	});

	it('keeps LF line endings when the model sends CRLF', async () => {
		ws.write('unix.txt', 'one\ntwo\nthree\n');
		await ws.run('Edit', {file_path: 'unix.txt', old_string: 'one\r\ntwo', new_string: 'one\r\n2'});
		expect(ws.read('unix.txt')).toBe('one\n2\nthree\n');
	});

	it('matches a mixed-ending file exactly as given', async () => {
		ws.write('mixed.txt', 'a\r\nb\nc\r\n');
		await ws.run('Edit', {file_path: 'mixed.txt', old_string: 'b\nc', new_string: 'B\nC'});
		expect(ws.read('mixed.txt')).toBe('a\r\nB\nC\r\n');
	});

	it('an empty old_string creates a new file, but never overwrites content', async () => {
		expect((await ws.run('Edit', {file_path: 'new/file.txt', old_string: '', new_string: 'hello\n'})).content).toBe('Created new/file.txt (1 line).');
		expect(ws.read('new/file.txt')).toBe('hello\n');
		const refused = await ws.run('Edit', {file_path: 'new/file.txt', old_string: '', new_string: 'other'});
		expect(refused.isError).toBe(true);
		expect(refused.content).toContain('already has content');
		expect(ws.read('new/file.txt')).toBe('hello\n');
	});

	it('refuses special files instead of blocking on them', async () => {
		execFileSync('mkfifo', [path.join(ws.root, 'pipe')]);
		const expected = {isError: true, content: 'pipe is not a regular file.'};
		expect(await ws.run('Read', {file_path: 'pipe'})).toEqual(expected);
		expect(await ws.run('Write', {file_path: 'pipe', content: 'x'})).toEqual(expected);
		expect(await ws.run('Edit', {file_path: 'pipe', old_string: '', new_string: 'x'})).toEqual(expected);
		expect(await ws.run('Edit', {file_path: 'pipe', old_string: 'a', new_string: 'x'})).toEqual(expected);
	});

	it.each([
		['a missing file', () => undefined, 'File does not exist: missing.txt'],
		['a binary file', () => ws.write('missing.txt', Uint8Array.from([1, 0, 2])), 'missing.txt is a binary file'],
	])('refuses %s', async (_case, arrange, message) => {
		arrange();
		const result = await ws.run('Edit', {file_path: 'missing.txt', old_string: 'a', new_string: 'b'});
		expect(result.isError).toBe(true);
		expect(result.content).toContain(message);
	});
});
