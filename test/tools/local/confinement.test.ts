import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {type LocalWorkspace, localWorkspace} from '../../helpers/local-workspace.js';

let ws: LocalWorkspace;

beforeEach(() => {
	ws = localWorkspace();
	ws.write('src/inside.txt', 'inside text\n');
	fs.symlinkSync(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'link-to-secret'));
	fs.symlinkSync(ws.outside, path.join(ws.root, 'link-to-outside'));
	fs.symlinkSync(path.join(ws.outside, 'not-yet.txt'), path.join(ws.root, 'dangling-to-outside'));
	fs.symlinkSync(path.join(ws.root, 'src/inside.txt'), path.join(ws.root, 'link-to-inside-file'));
	fs.symlinkSync('src', path.join(ws.root, 'link-to-inside-dir'));
});

/** Every path a file tool takes, as the input that names it. */
const fileTools: Array<[string, (file: string) => Record<string, unknown>]> = [
	['Read', file => ({file_path: file})],
	['Write', file => ({file_path: file, content: 'overwritten'})],
	['Edit', file => ({file_path: file, old_string: 'SECRET', new_string: 'CHANGED'})],
	['Grep', file => ({pattern: 'SECRET', path: file})],
];

const escapingFiles: Array<[string, (ws: LocalWorkspace) => string, RegExp]> = [
	['a ".." escape', () => '../outside/secret.txt', /outside the workspace/],
	['a deeper ".." escape', () => 'src/../../outside/secret.txt', /outside the workspace/],
	['an absolute path outside', w => path.join(w.outside, 'secret.txt'), /outside the workspace/],
	['a symlink to a file outside', () => 'link-to-secret', /symbolic link to .*secret\.txt/],
	['a symlink to a directory outside', () => 'link-to-outside/secret.txt', /symbolic link to .*outside[/\\]secret\.txt/],
];

describe.each(fileTools)('%s refuses paths that leave the workspace', (tool, inputFor) => {
	it.each(escapingFiles)('refuses %s and says which path and why', async (_case, pathFor, why) => {
		const given = pathFor(ws);
		const result = await ws.run(tool, inputFor(given));
		expect(result.isError).toBe(true);
		expect(result.content).toContain(`Refused path ${JSON.stringify(given)}`);
		expect(result.content).toMatch(why);
		expect(fs.readFileSync(path.join(ws.outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET\n');
		expect(result.content).not.toContain('TOP SECRET');
	});
});

describe('paths that do not exist yet', () => {
	it.each([
		['Write', {file_path: 'link-to-outside/new-file.txt', content: 'x'}],
		['Write', {file_path: 'link-to-outside/deeper/new-file.txt', content: 'x'}],
		['Write', {file_path: 'dangling-to-outside', content: 'x'}],
		['Edit', {file_path: 'link-to-outside/new-file.txt', old_string: '', new_string: 'x'}],
		['Edit', {file_path: 'dangling-to-outside', old_string: '', new_string: 'x'}],
	])('%s %j is refused and creates nothing outside', async (tool, input) => {
		const result = await ws.run(tool, input);
		expect(result.isError).toBe(true);
		expect(result.content).toMatch(/Refused path .*symbolic link to .*outside the workspace/);
		expect(fs.readdirSync(ws.outside)).toEqual(['secret.txt']);
	});

	it('a dangling symlink that points inside the workspace may be written through', async () => {
		fs.symlinkSync(path.join(ws.root, 'src/later.txt'), path.join(ws.root, 'dangling-inside'));
		const result = await ws.run('Write', {file_path: 'dangling-inside', content: 'made'});
		expect(result).toMatchObject({isError: false});
		expect(ws.read('src/later.txt')).toBe('made');
	});

	it('a ".." path out of the workspace is refused even when a link outside leads back in', async () => {
		fs.symlinkSync(ws.root, path.join(ws.outside, 'back-in'));
		const result = await ws.run('Read', {file_path: '../outside/back-in/src/inside.txt'});
		expect(result.isError).toBe(true);
		expect(result.content).toMatch(/^Refused path "..\/outside\/back-in\/src\/inside.txt": it resolves to .*, which is outside the workspace/);
	});

	it('a symlink loop is refused with a clear message', async () => {
		fs.symlinkSync('loop-b', path.join(ws.root, 'loop-a'));
		fs.symlinkSync('loop-a', path.join(ws.root, 'loop-b'));
		const result = await ws.run('Write', {file_path: 'loop-a', content: 'x'});
		expect(result).toMatchObject({isError: true});
		expect(result.content).toMatch(/Refused path "loop-a": its symbolic links form a loop/);
	});
});

describe('Glob refuses search roots and patterns that leave the workspace', () => {
	it.each([
		['path ".."', {pattern: '*', path: '..'}, '..'],
		['path "../outside"', {pattern: '*', path: '../outside'}, '../outside'],
		['an absolute path outside', {pattern: '*', path: '<outside>'}, '<outside>'],
		['a symlinked directory outside', {pattern: '*', path: 'link-to-outside'}, 'link-to-outside'],
		['a pattern starting with ..', {pattern: '../outside/*.txt'}, '../outside/*.txt'],
		['an absolute pattern outside', {pattern: '<outside>/*.txt'}, '<outside>/*.txt'],
		['a pattern through a symlinked directory', {pattern: 'link-to-outside/*.txt'}, 'link-to-outside/*.txt'],
	])('refuses %s', async (_case, rawInput, shown) => {
		const input = JSON.parse(JSON.stringify(rawInput).replaceAll('<outside>', ws.outside)) as Record<string, string>;
		const result = await ws.run('Glob', input);
		expect(result.isError).toBe(true);
		const what = 'path' in input ? 'path' : 'pattern';
		expect(result.content).toMatch(new RegExp(`^Refused ${what} .*outside the workspace`));
		expect(result.content).toContain(JSON.stringify(shown.replace('<outside>', ws.outside)));
		expect(result.content).not.toContain('secret.txt\n');
	});
});

describe('walking never follows links out of the workspace', () => {
	it('Glob lists neither a symlinked directory outside nor a symlinked file outside', async () => {
		const result = await ws.run('Glob', {pattern: '**/*'});
		expect(result.isError).toBe(false);
		const files = result.content.split('\n');
		expect(files).toContain(path.join(ws.root, 'src/inside.txt'));
		expect(files).toContain(path.join(ws.root, 'link-to-inside-file'));
		expect(result.content).not.toContain('link-to-secret');
		expect(result.content).not.toContain('link-to-outside');
		expect(result.content).not.toContain('secret.txt');
	});

	it('Grep does not search files reached through links that leave the workspace', async () => {
		const result = await ws.run('Grep', {pattern: 'SECRET', output_mode: 'content'});
		expect(result).toEqual({isError: false, content: 'No matches found'});
		const control = await ws.run('Grep', {pattern: 'inside text'});
		expect(control.content).toContain(path.join(ws.root, 'src/inside.txt'));
	});
});

describe('symlinks that stay inside the workspace are allowed', () => {
	it('Read follows a symlink to a file inside', async () => {
		const result = await ws.run('Read', {file_path: 'link-to-inside-file'});
		expect(result).toEqual({isError: false, content: '     1\tinside text'});
	});

	it('Read, Write and Edit work through a symlinked directory inside', async () => {
		expect((await ws.run('Read', {file_path: 'link-to-inside-dir/inside.txt'})).content).toBe('     1\tinside text');
		expect((await ws.run('Write', {file_path: 'link-to-inside-dir/new.txt', content: 'new\n'})).isError).toBe(false);
		expect(ws.read('src/new.txt')).toBe('new\n');
		expect((await ws.run('Edit', {file_path: 'link-to-inside-dir/new.txt', old_string: 'new', new_string: 'edited'})).isError).toBe(false);
		expect(ws.read('src/new.txt')).toBe('edited\n');
	});

	it('Glob and Grep accept a symlinked directory inside as their path', async () => {
		const glob = await ws.run('Glob', {pattern: '*.txt', path: 'link-to-inside-dir'});
		expect(glob).toEqual({isError: false, content: path.join(ws.root, 'link-to-inside-dir/inside.txt')});
		const grep = await ws.run('Grep', {pattern: 'inside', path: 'link-to-inside-dir', output_mode: 'count'});
		expect(grep.content).toContain(`${path.join(ws.root, 'link-to-inside-dir/inside.txt')}:1`);
	});

	it('an absolute path inside and a ".." that comes back inside are both fine', async () => {
		expect((await ws.run('Read', {file_path: path.join(ws.root, 'src/inside.txt')})).isError).toBe(false);
		expect((await ws.run('Read', {file_path: 'src/../src/inside.txt'})).isError).toBe(false);
	});
});
