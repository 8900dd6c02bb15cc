import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseMcpArguments} from '../../source/supabase-local/stdio-main.js';
import {testDatabaseUrl} from '../helpers/database-url.js';
import {connectInMemory} from '../helpers/supabase-mcp-client.js';
import {sharedSnapshotCache} from './pglite-cache.js';

describe('server lifecycle', () => {
	let workspace: string;

	beforeAll(async () => {
		workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-life-'));
	});
	afterAll(async () => {
		if (workspace) await rm(workspace, {recursive: true, force: true});
	});

	it('answers tools/list before the embedded database is ready', async () => {
		const dataDir = path.join(workspace, 'early');
		const client = await connectInMemory({workspace, dataDir, cacheDir: sharedSnapshotCache()});
		try {
			let ready = false;
			const firstCall = client.call('list_tables').then(result => {
				ready = true;
				return result;
			});
			const {tools} = await client.client.listTools();
			expect(tools.length).toBeGreaterThan(0);
			expect(ready).toBe(false);
			expect(await firstCall).toEqual({tables: []});
		} finally {
			await client.close();
		}
	});

	it('makes a new database from the cached snapshot file on disk, and from scratch when that file is damaged', async () => {
		// A workspace of its own: the migration made here must not meet the other tests' migration files.
		const own = await mkdtemp(path.join(workspace, 'from-cache-'));
		const cacheDir = path.join(own, 'cache');
		const leftovers = (dataDir: string) => readdirSync(dataDir).filter(name => name.includes('.unpacking-'));
		// The first database on this "machine" is initialised and leaves the cache file.
		const first = await connectInMemory({workspace: own, dataDir: path.join(own, 'first'), cacheDir});
		try {
			expect(await first.call('list_tables')).toEqual({tables: []});
		} finally {
			await first.close();
		}
		const [cached] = readdirSync(cacheDir).filter(name => name.endsWith('.tar.gz'));
		expect(cached).toBeDefined();

		const second = await connectInMemory({workspace: own, dataDir: path.join(own, 'second'), cacheDir});
		try {
			await second.call('apply_migration', {name: 'create_things', query: 'create table things (id int primary key);'});
			expect(await second.sql('select count(*)::int as n from things')).toEqual([{n: 0}]);
			expect(readFileSync(path.join(own, 'second', 'main', 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
			expect(leftovers(path.join(own, 'second'))).toEqual([]);
		} finally {
			await second.close();
		}

		// Half a file (a disk that filled up while it was written, say): the database is made without it.
		const file = path.join(cacheDir, cached!);
		writeFileSync(file, readFileSync(file).subarray(0, 100_000));
		const third = await connectInMemory({workspace: own, dataDir: path.join(own, 'third'), cacheDir});
		try {
			expect(await third.call('list_tables')).toEqual({tables: []});
			expect(leftovers(path.join(own, 'third'))).toEqual([]);
		} finally {
			await third.close();
		}
	});

	it('reopens a data directory with its data, branches and ledger, and restores missing migration files', async () => {
		const dataDir = path.join(workspace, 'reopen');
		const options = {workspace, dataDir, cacheDir: sharedSnapshotCache()};
		const first = await connectInMemory(options);
		let branchRef: string;
		try {
			await first.call('apply_migration', {name: 'create_things', query: 'create table things (id int primary key);'});
			await first.sql('insert into things values (1), (2)');
			branchRef = (await first.call('create_branch', {name: 'keep', confirm_cost_id: 'local'})).project_ref;
			await first.sql('insert into things values (10)', branchRef);
		} finally {
			await first.close();
		}
		const migrations = path.join(workspace, 'supabase', 'migrations');
		const [file] = readdirSync(migrations);
		const original = readFileSync(path.join(migrations, file!), 'utf8');
		rmSync(path.join(migrations, file!));

		const second = await connectInMemory(options);
		try {
			expect(await second.sql('select count(*)::int as n from things')).toEqual([{n: 2}]);
			expect(await second.sql('select id from things', branchRef)).toEqual([{id: 10}]);
			expect((await second.call('list_branches')).branches.map((b: {name: string}) => b.name)).toEqual(['main', 'keep']);
			expect(readdirSync(migrations)).toEqual([file]);
			expect(readFileSync(path.join(migrations, file!), 'utf8')).toBe(original);
		} finally {
			await second.close();
		}
	});

	it('turns a database that cannot start into a clear tool error without the password', async () => {
		const url = new URL(testDatabaseUrl());
		url.password = 'not-the-password-s3cret';
		const client = await connectInMemory({workspace, databaseUrl: url.toString()});
		try {
			const {tools} = await client.client.listTools();
			expect(tools.length).toBeGreaterThan(0);
			const {text, body} = await client.callError('list_tables');
			expect(body.error.message).toMatch(/failed to start/);
			expect(body.error.message).toMatch(/password authentication failed/);
			expect(text).not.toContain('not-the-password-s3cret');
			expect(body.error.message).toContain('***');
		} finally {
			await client.close();
		}
	});
});

describe('pgpair mcp arguments', () => {
	it.each([
		[[], {}, {}],
		[['--read-only'], {}, {readOnly: true}],
		[['--db', 'postgres://a/b'], {}, {databaseUrl: 'postgres://a/b'}],
		[['--db=postgres://a/b'], {}, {databaseUrl: 'postgres://a/b'}],
		[[], {DATABASE_URL: 'postgres://env/db'}, {databaseUrl: 'postgres://env/db'}],
		[['--db', 'postgres://flag/db'], {DATABASE_URL: 'postgres://env/db'}, {databaseUrl: 'postgres://flag/db'}],
		[['--data-dir', '/tmp/x', '--workspace', '/tmp/w'], {}, {dataDir: '/tmp/x', workspace: '/tmp/w'}],
		[['--start-database', 'at-once'], {}, {startDatabase: 'at-once'}],
		[['--start-database=on-first-call'], {}, {startDatabase: 'on-first-call'}],
	])('parses %j with env %j', (argv, env, expected) => {
		expect(parseMcpArguments(argv, env)).toEqual(expected);
	});

	it.each([[['--db']], [['--nope']], [['extra']], [['--start-database', 'later']]])('rejects %j', argv => {
		expect(() => parseMcpArguments(argv, {})).toThrow(/usage: pgpair mcp/);
	});
});
