import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {type LocalWorkspace, localWorkspace} from '../../helpers/local-workspace.js';

let ws: LocalWorkspace;

beforeEach(() => {
	ws = localWorkspace();
});

/** Sets a file's modification time to `secondsAgo` before a fixed moment, so order never depends on timing. */
function age(relative: string, secondsAgo: number): void {
	const when = new Date(Date.UTC(2025, 0, 1) - secondsAgo * 1000);
	fs.utimesSync(path.join(ws.root, relative), when, when);
}

const abs = (relative: string) => path.join(ws.root, relative);

describe('Glob', () => {
	it('lists matching files as absolute paths, newest first', async () => {
		ws.write('supabase/migrations/001_init.sql', '');
		ws.write('supabase/migrations/002_rls.sql', '');
		ws.write('supabase/seed.sql', '');
		ws.write('README.md', '');
		age('supabase/migrations/001_init.sql', 30);
		age('supabase/migrations/002_rls.sql', 10);
		age('supabase/seed.sql', 20);
		const result = await ws.run('Glob', {pattern: '**/*.sql'});
		expect(result).toEqual({
			isError: false,
			content: [abs('supabase/migrations/002_rls.sql'), abs('supabase/seed.sql'), abs('supabase/migrations/001_init.sql')].join('\n'),
		});
	});

	it('searches below path, and a pattern with directories only looks there', async () => {
		ws.write('a/x.ts', '');
		ws.write('a/deep/y.ts', '');
		ws.write('b/z.ts', '');
		expect((await ws.run('Glob', {pattern: '*.ts', path: 'a'})).content).toBe(abs('a/x.ts'));
		expect((await ws.run('Glob', {pattern: 'a/*.ts'})).content).toBe(abs('a/x.ts'));
		expect((await ws.run('Glob', {pattern: '{a,b}/*.ts'})).content.split('\n').sort()).toEqual([abs('a/x.ts'), abs('b/z.ts')]);
	});

	it('skips node_modules and .git', async () => {
		ws.write('index.js', '');
		ws.write('node_modules/pkg/index.js', '');
		ws.write('.git/hooks/pre-commit.js', '');
		ws.write('packages/app/node_modules/x.js', '');
		expect((await ws.run('Glob', {pattern: '**/*.js'})).content).toBe(abs('index.js'));
	});

	it('caps the results at 100 and says the list is truncated', async () => {
		for (let i = 0; i < 130; i++) {
			ws.write(`many/f${String(i).padStart(3, '0')}.txt`, '');
			age(`many/f${String(i).padStart(3, '0')}.txt`, i);
		}

		const result = await ws.run('Glob', {pattern: 'many/*.txt'});
		const lines = result.content.split('\n');
		expect(lines).toHaveLength(101);
		expect(lines[0]).toBe(abs('many/f000.txt'));
		expect(lines[99]).toBe(abs('many/f099.txt'));
		expect(lines[100]).toBe('(Results are truncated: showing 100 of 130 files, newest first. Use a more specific pattern or path.)');
	});

	it('says when nothing matches, and refuses a path that is not a directory', async () => {
		ws.write('a.txt', '');
		expect(await ws.run('Glob', {pattern: '**/*.sql'})).toEqual({isError: false, content: 'No files found'});
		expect(await ws.run('Glob', {pattern: 'missing/*.sql'})).toEqual({isError: false, content: 'No files found'});
		expect(await ws.run('Glob', {pattern: '*', path: 'a.txt'})).toEqual({isError: true, content: 'a.txt is a file, not a directory.'});
		expect(await ws.run('Glob', {pattern: '*', path: 'nowhere'})).toEqual({isError: true, content: 'Directory does not exist: nowhere'});
	});
});

describe('Grep', () => {
	beforeEach(() => {
		ws.write('db/schema.sql', 'create table users (\n  id int primary key,\n  email text\n);\ncreate index on users (email);\n');
		ws.write('src/app.ts', 'const users = await db.from("users");\nexport default users;\n');
		ws.write('src/util.js', 'function noop() {}\n');
		ws.write('node_modules/lib/users.js', 'users\n');
		ws.write('.git/users', 'users\n');
		ws.write('bin/blob.dat', Buffer.concat([Buffer.from('users'), Buffer.from([0, 1, 2])]));
		age('db/schema.sql', 20);
		age('src/app.ts', 10);
	});

	it('lists files with matches by default, newest first, skipping binaries, node_modules and .git', async () => {
		const result = await ws.run('Grep', {pattern: 'users'});
		expect(result).toEqual({isError: false, content: `Found 2 files\n${abs('src/app.ts')}\n${abs('db/schema.sql')}`});
	});

	it('content mode shows path:line:text with line numbers on by default', async () => {
		const result = await ws.run('Grep', {pattern: 'email', output_mode: 'content'});
		expect(result.content).toBe(`${abs('db/schema.sql')}:3:  email text\n${abs('db/schema.sql')}:5:create index on users (email);`);
		const bare = await ws.run('Grep', {pattern: 'email', output_mode: 'content', '-n': false, path: 'db/schema.sql'});
		expect(bare.content).toBe(`${abs('db/schema.sql')}:  email text\n${abs('db/schema.sql')}:create index on users (email);`);
	});

	it('context lines use "-" and groups are separated by "--"', async () => {
		ws.write('ctx.txt', ['a', 'MATCH 1', 'b', 'c', 'd', 'e', 'MATCH 2', 'f'].join('\n'));
		const file = abs('ctx.txt');
		const result = await ws.run('Grep', {pattern: 'MATCH', path: 'ctx.txt', output_mode: 'content', '-C': 1});
		expect(result.content).toBe([`${file}-1-a`, `${file}:2:MATCH 1`, `${file}-3-b`, '--', `${file}-6-e`, `${file}:7:MATCH 2`, `${file}-8-f`].join('\n'));
		const afterOnly = await ws.run('Grep', {pattern: 'MATCH 1', path: 'ctx.txt', output_mode: 'content', '-A': 2, '-B': 0});
		expect(afterOnly.content).toBe([`${file}:2:MATCH 1`, `${file}-3-b`, `${file}-4-c`].join('\n'));
	});

	it('-i ignores case; a leading (?i) works too', async () => {
		expect((await ws.run('Grep', {pattern: 'CREATE TABLE'})).content).toBe('No files found');
		expect((await ws.run('Grep', {pattern: 'CREATE TABLE', '-i': true})).content).toBe(`Found 1 file\n${abs('db/schema.sql')}`);
		expect((await ws.run('Grep', {pattern: '(?i)CREATE TABLE'})).content).toBe(`Found 1 file\n${abs('db/schema.sql')}`);
	});

	it('count mode gives matching lines per file and a total', async () => {
		const result = await ws.run('Grep', {pattern: 'users', output_mode: 'count'});
		expect(result.content).toBe(`${abs('db/schema.sql')}:2\n${abs('src/app.ts')}:2\n\nFound 4 matching lines in 2 files.`);
	});

	it.each([
		[{glob: '*.ts'}, ['src/app.ts']],
		[{glob: '*.{sql,js}'}, ['db/schema.sql']],
		[{glob: 'src/**'}, ['src/app.ts']],
		[{glob: '!*.ts'}, ['db/schema.sql']],
		[{type: 'sql'}, ['db/schema.sql']],
		[{type: 'ts'}, ['src/app.ts']],
	])('filters files with %j', async (filter, expected) => {
		const result = await ws.run('Grep', {pattern: 'users', ...filter});
		expect(result.content).toBe([`Found ${expected.length} file`, ...expected.map(abs)].join('\n'));
	});

	it('head_limit keeps the first lines and says how many were left out', async () => {
		ws.write('many.txt', Array.from({length: 50}, (_, i) => `hit ${i + 1}`).join('\n'));
		const result = await ws.run('Grep', {pattern: 'hit', path: 'many.txt', output_mode: 'content', head_limit: 3});
		const file = abs('many.txt');
		expect(result.content).toBe(
			`${file}:1:hit 1\n${file}:2:hit 2\n${file}:3:hit 3\n(Output truncated: head_limit is 3; 47 more lines not shown. Narrow the pattern, path or glob.)`,
		);
	});

	it('cuts the output at 30,000 characters', async () => {
		ws.write('wide.txt', Array.from({length: 400}, (_, i) => `hit ${i} ${'y'.repeat(200)}`).join('\n'));
		const result = await ws.run('Grep', {pattern: 'hit', path: 'wide.txt', output_mode: 'content'});
		expect(result.content.length).toBeLessThan(30_500);
		expect(result.content).toMatch(/\(Output truncated: the output reached 30000 characters; \d+ more lines not shown/);
		expect(result.content).toContain(':1:hit 0 ');
		expect(result.content).not.toContain(':400:hit 399 ');
	});

	it('multiline lets a match span lines and reports every line it touches', async () => {
		const single = await ws.run('Grep', {pattern: 'users \\(.*email', path: 'db/schema.sql', output_mode: 'content'});
		expect(single.content).toBe(`${abs('db/schema.sql')}:5:create index on users (email);`);
		const spanning = await ws.run('Grep', {pattern: 'table users \\(.*?email', path: 'db/schema.sql', output_mode: 'content', multiline: true});
		expect(spanning.content).toBe(
			[1, 2, 3].map(n => `${abs('db/schema.sql')}:${n}:${['create table users (', '  id int primary key,', '  email text'][n - 1]}`).join('\n'),
		);
	});

	it.each([
		[{pattern: '(unclosed'}, /^Invalid regular expression "\(unclosed"/],
		[{pattern: 'x', type: 'cobol'}, /^Unknown type "cobol"\. Known types: js, ts/],
		[{pattern: 'x', path: 'missing'}, /^Path does not exist: missing$/],
	])('refuses %j with a clear error', async (input, message) => {
		const result = await ws.run('Grep', input);
		expect(result.isError).toBe(true);
		expect(result.content).toMatch(message);
	});
});
