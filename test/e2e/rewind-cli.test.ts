/**
 * Issue 18's must-show, through the built CLI: a scripted session creates a 500-row table and writes a file, then
 * (allowed) drops the table and overwrites the file. `pgpair rewind --list` shows the checkpoint before the drop;
 * `pgpair rewind <id> --yes` brings back every row and the old bytes; the transcript records the checkpoints and the
 * rewind. Rows are read back through a later session, on the real embedded database.
 */
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {waitFor} from '../helpers/wait-for.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

const SQL = 'mcp__supabase__execute_sql';

function pgpair(args: string[], cwd: string) {
	return spawnSync(process.execPath, [BUILT_CLI, ...args], {
		cwd,
		encoding: 'utf8',
		env: {PATH: process.env['PATH'] ?? '', HOME: cwd, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME},
		timeout: 120_000,
	});
}

function script(dir: string, name: string, calls: Array<{name: string; input: Record<string, unknown>}>, after = 'Done.'): string {
	const file = path.join(dir, name);
	fs.writeFileSync(
		file,
		JSON.stringify({turns: [...calls.map((call, i) => ({text: '', tool_calls: [{...call, id: `toolu_${name.replace(/\W/g, '')}_${i}`}]})), {text: after}]}),
	);
	return file;
}

const AGENT = '---\nname: generalist\ndescription: Any task.\n---\nYou help.\n';
const ALLOW = ['--agent', 'generalist', '--allow', SQL, '--allow', 'Write', '--allow-destructive-rules'];

describe('pgpair rewind, from the built CLI', () => {
	it('lists the checkpoint before a DROP and restores all 500 rows and the old file', {timeout: 300_000}, () => {
		const dir = tempWorkspace('pgpair-rewind-cli-');
		fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), AGENT);
		const work = script(dir, 'work.json', [
			{
				name: SQL,
				input: {query: 'create table public.items(id int primary key, v text); insert into public.items select g, md5(g::text) from generate_series(1, 500) g'},
			},
			{name: 'Write', input: {file_path: 'notes.md', content: 'the plan, first version\n'}},
			{name: SQL, input: {query: 'drop table public.items'}},
			{name: 'Write', input: {file_path: 'notes.md', content: 'overwritten\n'}},
		]);
		const run = pgpair(['-p', 'do the work', '--scripted', work, ...ALLOW], dir);
		expect(run.stderr).not.toMatch(/denied/);
		expect(run.status).toBe(0);
		expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('overwritten\n');

		const list = pgpair(['rewind', '--list'], dir);
		expect(list.status).toBe(0);
		const lines = list.stdout.trim().split('\n');
		expect(lines).toHaveLength(4);
		const dropLine = lines.find(line => line.includes('drop table public.items'));
		expect(dropLine).toMatch(/^cp-[0-9a-f]{8} {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}execute_sql {2}drop table public\.items$/);
		const id = dropLine!.split(' ')[0]!;

		// Without --yes: the plan, and nothing changes.
		const dry = pgpair(['rewind', id], dir);
		expect(dry.status).toBe(0);
		expect(dry.stdout).toContain('public.items  500 → now absent');
		expect(dry.stdout).toContain('restore notes.md');
		expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('overwritten\n');

		const rewind = pgpair(['rewind', id, '--yes'], dir);
		expect(rewind.stderr).toBe('');
		expect(rewind.status).toBe(0);
		expect(rewind.stdout).toContain(`Rewound to ${id}`);
		expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('the plan, first version\n');

		const count = script(dir, 'count.json', [
			{name: SQL, input: {query: "select count(*)::int as n, sum(id)::int as s, md5(string_agg(v, ',' order by id)) as h from public.items"}},
		]);
		const read = pgpair(['-p', 'count', '--scripted', count, ...ALLOW, '--output-format', 'json'], dir);
		expect(read.status).toBe(0);
		const expected = spawnSync(
			'node',
			[
				'-e',
				`const c=require('crypto');console.log(c.createHash('md5').update(Array.from({length:500},(_, i)=>c.createHash('md5').update(String(i+1)).digest('hex')).join(',')).digest('hex'))`,
			],
			{encoding: 'utf8'},
		).stdout.trim();
		// The read's result, from its own transcript: the tool's answer as the model got it.
		const {transcript} = JSON.parse(read.stdout) as {transcript: string};
		const completed = fs
			.readFileSync(transcript, 'utf8')
			.split('\n')
			.filter(Boolean)
			.map(line => JSON.parse(line) as {type?: string; content?: string})
			.find(e => e.type === 'tool_call_completed');
		expect(completed?.content).toContain(`{\\"n\\":500,\\"s\\":125250,\\"h\\":\\"${expected}\\"}`);

		// The session that did the work (the count ran in a session of its own).
		const worked = fs
			.readdirSync(path.join(dir, 'sessions'))
			.find(name => fs.readFileSync(path.join(dir, 'sessions', name), 'utf8').includes('checkpoint_created'));
		const events = fs
			.readFileSync(path.join(dir, 'sessions', worked!), 'utf8')
			.trim()
			.split('\n')
			.slice(1)
			.map(line => JSON.parse(line) as {type: string; checkpointId?: string; by?: string; checkpoint?: {id: string}});
		expect(events.filter(e => e.type === 'checkpoint_created').map(e => e.checkpoint!.id)).toContain(id);
		expect(events.find(e => e.type === 'rewound')).toMatchObject({checkpointId: id, by: 'headless', database: true, files: ['notes.md']});
	});

	it('refuses to rewind a database another pgpair has open, and changes nothing', {timeout: 300_000}, async () => {
		const dir = tempWorkspace('pgpair-rewind-busy-');
		fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), AGENT);
		const work = script(dir, 'work.json', [
			{name: SQL, input: {query: 'create table public.t(id int)'}},
			{name: 'Write', input: {file_path: 'notes.md', content: 'one\n'}},
			{name: 'Write', input: {file_path: 'notes.md', content: 'two\n'}},
		]);
		expect(pgpair(['-p', 'go', '--scripted', work, ...ALLOW], dir).status).toBe(0);
		// The first checkpoint: rewinding to it restores the database (a files-only rewind would not need it).
		const [first] = pgpair(['rewind', '--list'], dir).stdout.trim().split('\n');
		const id = first!.split(' ')[0]!;
		// Another pgpair's server, its database open.
		const other = spawn(process.execPath, [BUILT_CLI, 'mcp', '--workspace', dir, '--start-database', 'at-once'], {
			cwd: dir,
			env: {PATH: process.env['PATH'] ?? '', HOME: dir, XDG_CACHE_HOME: TEST_XDG_CACHE_HOME},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		try {
			await waitFor(() => fs.existsSync(path.join(dir, '.pgpair', 'db', 'lock')) || undefined, 'the other server to lock its database');
			const refused = pgpair(['rewind', id, '--yes'], dir);
			expect(refused.status).toBe(1);
			expect(refused.stderr).toMatch(new RegExp(`in use by another pgpair \\(process ${other.pid}\\)`));
			expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('two\n');
		} finally {
			other.kill('SIGTERM');
			await new Promise(resolve => other.once('exit', resolve));
		}
		// Once it has closed, the same rewind goes through, the conversation with it when asked.
		const rewound = pgpair(['rewind', id, '--yes', '--conversation'], dir);
		expect(rewound.status).toBe(0);
		expect(rewound.stdout).toContain('The conversation is back to before that turn.');
		expect(rewound.stdout).toMatch(/The turn began with: go\nGo on with `pgpair --resume \w+`/);
		expect(fs.existsSync(path.join(dir, 'notes.md'))).toBe(false);
	});
});
