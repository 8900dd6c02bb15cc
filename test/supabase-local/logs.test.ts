/**
 * The server's logs on disk: they outlive the server, stay bounded however long a session runs, keep secrets out, and
 * answer query_logs with SQL over one `logs` table. The store and the query worker are the real ones, on real files.
 */
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {LogStore, logFileOf, MAX_MESSAGE_CHARS, scrubSecrets} from '../../source/supabase-local/logs.js';
import {runLogsQuery} from '../../source/supabase-local/logs-query.js';
import {logTimestamp, rewriteMapAccess, unifiedRow} from '../../source/supabase-local/logs-sql.js';
import {connectInMemory, unfence} from '../helpers/supabase-mcp-client.js';
import {sharedSnapshotCache} from './pglite-cache.js';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'pgpair-logs-'));
});
afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('the log store', () => {
	it('keeps entries in a file that a new store on the same file reads back', async () => {
		const file = path.join(dir, 'restart', 'server.jsonl');
		const first = new LogStore({file});
		first.record('proj', 'postgres', 'select 1', {error_severity: 'LOG'});
		first.record('other', 'postgres', 'select 2');
		await first.close();
		expect((await stat(file)).mode & 0o777).toBe(0o600);

		const second = new LogStore({file});
		expect((await second.query('proj', 'postgres')).map(e => [e.event_message, e['error_severity']])).toEqual([['select 1', 'LOG']]);
		expect(await second.query('proj', 'edge-function')).toEqual([]);
	});

	it('rotates at its size: at most two files, newest entries kept, oldest dropped', async () => {
		const file = path.join(dir, 'rotate', 'server.jsonl');
		const store = new LogStore({file, maxFileBytes: 4096});
		for (let i = 0; i < 400; i++) {
			store.record('proj', 'postgres', `statement ${i} ${'x'.repeat(100)}`);
			if (i % 50 === 0) await store.flush();
		}
		await store.flush();
		// Just after a rotation the current file is not there yet.
		const sizes = await Promise.all([file, store.previousFile!].map(async f => (await stat(f).catch(() => undefined))?.size ?? 0));
		expect(sizes[1]).toBeGreaterThan(0);
		// One batch may overshoot before the file is rotated; never more than that.
		for (const size of sizes) expect(size).toBeLessThan(4096 + 51 * 250);
		const entries = await store.entries('proj');
		expect(entries.at(-1)?.event_message).toMatch(/^statement 399 /);
		expect(entries.some(e => e.event_message.startsWith('statement 0 '))).toBe(false);
		expect(entries.length).toBeLessThan(400);
		const newest = await store.query('proj', 'postgres');
		expect(newest).toHaveLength(entries.length);
		expect(newest[0]!.event_message).toMatch(/^statement 399 /);
	});

	it('skips a line torn by a crash and cuts a huge message', async () => {
		const file = path.join(dir, 'torn', 'server.jsonl');
		const store = new LogStore({file});
		store.record('proj', 'edge-function-runtime', 'y'.repeat(MAX_MESSAGE_CHARS * 3));
		await store.flush();
		await writeFile(file, `${await readFile(file, 'utf8')}{"id":"torn","timesta`);
		const [entry] = await new LogStore({file}).query('proj', 'edge-function-runtime');
		expect(entry!.event_message.length).toBeLessThan(MAX_MESSAGE_CHARS + 100);
		expect(entry!.event_message).toMatch(/more characters\]$/);
	});

	it.each([
		["create role app login password 'hunter2-very-secret'", 'hunter2-very-secret'],
		["ALTER ROLE app PASSWORD E'it\\'s-a-secret'", "it\\'s-a-secret"],
		['alter role app password $pw$dollar-quoted-secret$pw$', 'dollar-quoted-secret'],
		["select dblink_connect('host=db user=app password=conninfo-secret dbname=x')", 'conninfo-secret'],
		["create server s foreign data wrapper postgres_fdw options (password 'fdw-secret-value')", 'fdw-secret-value'],
		["select vault.create_secret('vault-secret-value', 'name')", 'vault-secret-value'],
		["select vault.update_secret('00000000-0000-0000-0000-000000000000', 'updated-secret-value')", 'updated-secret-value'],
		["select * from dblink('postgres://app:url-secret-value@db/x', 'select 1')", 'url-secret-value'],
	])('writes %s without its secret', async (sql, secret) => {
		expect(scrubSecrets(sql)).not.toContain(secret);
		expect(scrubSecrets(sql)).toContain('[REDACTED]');
		const file = path.join(dir, 'scrub', `${secret.replace(/\W/g, '')}.jsonl`);
		const store = new LogStore({file});
		store.record('proj', 'postgres', sql);
		await store.close();
		expect(await readFile(file, 'utf8')).not.toContain(secret);
	});

	it('leaves SQL without secrets as it was', () => {
		for (const sql of ['select 1', "insert into notes (body) values ('password reset requested')", "update users set name = 'x' where id = 1"]) {
			expect(scrubSecrets(sql)).toBe(sql);
		}
	});
});

describe('query_logs SQL', () => {
	it.each([
		["select * from logs where log_attributes['status_code'] = '500'", `select * from logs where json_extract(log_attributes, '$."status_code"') = '500'`],
		["select l.log_attributes [ 'method' ] from logs l", `select l.json_extract(log_attributes, '$."method"') from logs l`],
		["select 'log_attributes[''x'']' as text", "select 'log_attributes[''x'']' as text"],
		["-- log_attributes['x']\nselect 1", "-- log_attributes['x']\nselect 1"],
		["select my_log_attributes['x'] from logs", "select my_log_attributes['x'] from logs"],
		["select log_attributes['it''s'] from logs", `select json_extract(log_attributes, '$."it''s"') from logs`],
	])('%s', (sql, rewritten) => {
		expect(rewriteMapAccess(sql)).toBe(rewritten);
	});

	it('formats timestamps as sortable UTC text with microseconds', () => {
		expect(logTimestamp(Date.parse('2025-06-01T09:00:00.123Z') * 1000 + 456)).toBe('2025-06-01 09:00:00.123456');
	});

	it('runs in a worker over the logs table only, refuses writes and is stopped at its deadline', async () => {
		const rows = [
			unifiedRow({id: 'a', timestamp: 1_000_000, project: 'p', service: 'edge-function', event_message: 'POST | 500', status_code: 500, method: 'POST'}),
			unifiedRow({id: 'b', timestamp: 2_000_000, project: 'p', service: 'edge-function', event_message: 'GET | 200', status_code: 200, method: 'GET'}),
			unifiedRow({id: 'c', timestamp: 3_000_000, project: 'p', service: 'postgres', event_message: 'select 1', error_severity: 'LOG'}),
		];
		const failed = await runLogsQuery(rows, "select id, log_attributes['method'] as method from logs where log_attributes['status_code'] = '500'", 20_000);
		expect(failed).toEqual({rows: [{id: 'a', method: 'POST'}], truncated: false});
		const bySource = await runLogsQuery(rows, 'select source, count(*) as n from logs group by source order by source', 20_000);
		expect(bySource.rows).toEqual([
			{source: 'function_edge_logs', n: 2},
			{source: 'postgres_logs', n: 1},
		]);
		await expect(runLogsQuery(rows, 'delete from logs', 20_000)).rejects.toThrow(/readonly|read-only/i);
		await expect(runLogsQuery(rows, 'select * from users', 20_000)).rejects.toThrow(/no such table: users/);
		const started = Date.now();
		await expect(runLogsQuery(rows, 'with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n', 1500)).rejects.toThrow(
			/did not finish within 1.5 s/,
		);
		expect(Date.now() - started).toBeLessThan(10_000);
		const many = await runLogsQuery(rows, 'with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000) select i from n', 20_000);
		expect(many.rows).toHaveLength(1000);
		expect(many.truncated).toBe(true);
	});
});

describe('logs through the server', () => {
	it('answers get_logs and query_logs after a restart, from .pgpair/logs', {timeout: 120_000}, async () => {
		const workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-logs-ws-'));
		try {
			const first = await connectInMemory({workspace, cacheDir: sharedSnapshotCache()});
			await first.callError('execute_sql', {query: 'select * from missing_before_restart'});
			await first.call('apply_migration', {name: 'make_role', query: "create role app_user login password 'never-in-a-log-file';"});
			await first.close();
			const onDisk = await readFile(logFileOf(workspace), 'utf8');
			expect(onDisk).toContain('missing_before_restart');
			expect(onDisk).not.toContain('never-in-a-log-file');

			const second = await connectInMemory({workspace, cacheDir: sharedSnapshotCache()});
			try {
				const logged = unfence((await second.call('get_logs', {service: 'postgres'})).result).data;
				expect(logged.map((e: {event_message: string}) => e.event_message).join('\n')).toMatch(/missing_before_restart/);
				const {result} = await second.call('query_logs', {
					sql: "select event_message from logs where source = 'postgres_logs' and log_attributes['error_severity'] = 'ERROR'",
				});
				expect(unfence(result).data).toEqual([{event_message: expect.stringMatching(/missing_before_restart/)}]);
				const outside = await second.call('query_logs', {
					sql: 'select count(*) as n from logs',
					iso_timestamp_start: '2020-01-01T00:00:00Z',
					iso_timestamp_end: '2020-01-01T12:00:00Z',
				});
				expect(unfence(outside.result).data).toEqual([{n: 0}]);
				const wide = await second.callError('query_logs', {
					sql: 'select 1',
					iso_timestamp_start: '2020-01-01T00:00:00Z',
					iso_timestamp_end: '2020-01-03T00:00:00Z',
				});
				expect(wide.body.error.message).toMatch(/24 hours/);
				const empty = await second.callError('query_logs', {sql: ''});
				expect(empty.text).toMatch(/sql/);
			} finally {
				await second.close();
			}
		} finally {
			await rm(workspace, {recursive: true, force: true});
		}
	});
});
