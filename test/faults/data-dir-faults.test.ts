import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {McpServerConfig} from '../../source/tools/mcp-config.js';
import {createMcpHost, type McpHost} from '../../source/tools/mcp-host.js';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {unfence} from '../helpers/supabase-mcp-client.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

/**
 * The local server (`pgpair mcp`, a separate process behind a real MCP client) on a data dir that cannot be
 * written. Tests run as root in CI and root ignores permission bits, so a read-only dir is served by a process
 * that runs as `nobody` (setpriv); a size limit is RLIMIT_FSIZE (prlimit, no privilege needed); a full disk is a
 * small tmpfs, which needs mount privileges and is skipped without them.
 */

const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const CAN_MOUNT = IS_ROOT && canMountTmpfs();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A data dir with one committed row, made once by a normal server and copied for each test. */
let seed: string;
beforeAll(async () => {
	const workspace = tempWorkspace('pgpair-fault-seed-');
	seed = path.join(workspace, 'db');
	const host = serverHost(workspace, seed);
	try {
		await ok(host, "create table big (id int primary key, pad text);\ninsert into big values (0, 'committed before the fault');", 'apply_migration');
	} finally {
		await host.close();
	}
});

describe('a data dir that cannot be written', () => {
	it('reports a data dir path that is a file as a tool error, and leaves the file alone', async () => {
		const workspace = tempWorkspace('pgpair-fault-file-');
		const file = path.join(workspace, 'db');
		fs.writeFileSync(file, 'not a directory\n');
		const host = serverHost(workspace, file);
		cleanups.push(() => host.close());

		const result = await host.call('mcp__supabase__execute_sql', {query: 'select 1'}, AbortSignal.timeout(30_000));
		expect(result.isError).toBe(true);
		expect(errorMessage(result.content)).toMatch(/The local database \(PGlite \(embedded\) at .*\/db\) failed to start: ENOTDIR/);
		expect(host.statuses()).toMatchObject([{state: 'ready'}]);
		expect(fs.readFileSync(file, 'utf8')).toBe('not a directory\n');
	});

	it('reports a read-only data dir as a tool error without changing a byte, and the data is all there once it is writable again', async () => {
		const workspace = tempWorkspace('pgpair-fault-ro-');
		const dataDir = path.join(workspace, 'db');
		fs.cpSync(seed, dataDir, {recursive: true});
		// The server process must be able to reach the dir, only not write it.
		fs.chmodSync(workspace, 0o755);
		if (IS_ROOT) chownRecursive(dataDir, NOBODY);
		execFileSync('chmod', ['-R', 'a-w', dataDir]);
		const before = fingerprint(dataDir);

		const host = serverHost(workspace, dataDir, IS_ROOT ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--'] : []);
		cleanups.push(() => host.close());
		for (const query of ['select count(*) from big', "insert into big values (1, 'must not land')"]) {
			const result = await host.call('mcp__supabase__execute_sql', {query}, AbortSignal.timeout(30_000));
			expect(result.isError).toBe(true);
			expect(errorMessage(result.content)).toMatch(/The local database \(PGlite \(embedded\) at .*\) failed to start/);
		}

		// The server did not die with it: the host still talks to the same process.
		expect(host.statuses()).toMatchObject([{state: 'ready'}]);
		await host.close();
		expect(fingerprint(dataDir)).toEqual(before);

		execFileSync('chmod', ['-R', 'u+w', dataDir]);
		const reopened = serverHost(workspace, dataDir);
		cleanups.push(() => reopened.close());
		await ok(reopened, "insert into big values (1, 'written once writable')");
		expect(await rows(reopened, 'select id, pad from big order by id')).toEqual([
			{id: 0, pad: 'committed before the fault'},
			{id: 1, pad: 'written once writable'},
		]);
	});

	it('turns a table file that hits the file size limit into a clear error, keeps the server usable, and loses nothing', async () => {
		const workspace = tempWorkspace('pgpair-fault-fsize-');
		const dataDir = path.join(workspace, 'db');
		fs.cpSync(seed, dataDir, {recursive: true});
		// Above a WAL segment (16 MB), so only the growing table meets the limit.
		const host = serverHost(workspace, dataDir, ['prlimit', `--fsize=${24 * 1024 * 1024}`, '--']);
		cleanups.push(() => host.close());

		const failed = await host.call(
			'mcp__supabase__execute_sql',
			{query: 'insert into big select g, repeat(md5(g::text), 20) from generate_series(1, 100000) g'},
			AbortSignal.timeout(60_000),
		);
		expect(failed.isError).toBe(true);
		const error = JSON.parse(failed.content).error as {message: string; hint?: string};
		expect(error.message).toMatch(/could not extend file .*: File too large/);
		expect(error.hint).toBe('Check free disk space.');

		// The same server goes on: reads work, and so do writes that stay under the limit.
		expect(await rows(host, 'select count(*)::int as n from big')).toEqual([{n: 1}]);
		await ok(host, "create table small (note text);\ninsert into small values ('under the limit');", 'apply_migration');
		await host.close();

		const reopened = serverHost(workspace, dataDir);
		cleanups.push(() => reopened.close());
		expect(await rows(reopened, 'select id, pad from big order by id')).toEqual([{id: 0, pad: 'committed before the fault'}]);
		expect(await rows(reopened, 'select note from small')).toEqual([{note: 'under the limit'}]);
		await ok(reopened, "insert into big select g, 'after' from generate_series(1, 1000) g");
		expect(await rows(reopened, 'select count(*)::int as n from big')).toEqual([{n: 1001}]);
	});

	it.runIf(CAN_MOUNT)('fails a write on a full disk with a tool error, works again once there is space, and loses nothing', async () => {
		const mountPoint = tempWorkspace('pgpair-fault-full-');
		const seedMegabytes = Math.ceil(directoryBytes(seed) / 1024 / 1024);
		execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${seedMegabytes + 24}m`, 'tmpfs', mountPoint]);
		cleanups.push(() => {
			execFileSync('umount', ['-l', mountPoint]);
		});
		const dataDir = path.join(mountPoint, 'db');
		fs.cpSync(seed, dataDir, {recursive: true});
		const host = serverHost(mountPoint, dataDir);
		cleanups.push(() => host.close());
		expect(await rows(host, 'select count(*)::int as n from big')).toEqual([{n: 1}]);

		const failed = await host.call(
			'mcp__supabase__execute_sql',
			{query: 'insert into big select g, repeat(md5(g::text), 20) from generate_series(1, 100000) g'},
			AbortSignal.timeout(60_000),
		);
		expect(failed.isError).toBe(true);
		expect(errorMessage(failed.content)).not.toBe('');

		// The fault goes away while the session runs (the person frees space); the next call must work.
		execFileSync('mount', ['-o', 'remount,size=512m', mountPoint]);
		expect(await rows(host, 'select count(*)::int as n from big')).toEqual([{n: 1}]);
		await host.close();

		const reopened = serverHost(mountPoint, dataDir);
		cleanups.push(() => reopened.close());
		expect(await rows(reopened, 'select id, pad from big order by id')).toEqual([{id: 0, pad: 'committed before the fault'}]);
	});
});

/** `pgpair mcp` on `dataDir`, spawned through `prefix` (setpriv, prlimit) when given. */
function serverHost(workspace: string, dataDir: string, prefix: string[] = []): McpHost {
	const argv = [BUILT_CLI, 'mcp', '--workspace', workspace, '--data-dir', dataDir];
	const config: McpServerConfig =
		prefix.length > 0
			? {type: 'stdio', command: prefix[0]!, args: [...prefix.slice(1), process.execPath, ...argv], env: {XDG_CACHE_HOME: TEST_XDG_CACHE_HOME}, cwd: workspace}
			: {type: 'stdio', command: process.execPath, args: argv, env: {XDG_CACHE_HOME: TEST_XDG_CACHE_HOME}, cwd: workspace};
	return createMcpHost({supabase: config}, () => undefined);
}

async function ok(host: McpHost, query: string, tool: 'execute_sql' | 'apply_migration' = 'execute_sql'): Promise<string> {
	const input = tool === 'apply_migration' ? {name: `m${Date.now()}`, query} : {query};
	const {isError, content} = await host.call(`mcp__supabase__${tool}`, input, AbortSignal.timeout(60_000));
	if (isError) throw new Error(`${tool} failed: ${content}`);
	return content;
}

async function rows(host: McpHost, query: string): Promise<unknown> {
	return unfence(JSON.parse(await ok(host, query)).result as string).data;
}

function errorMessage(content: string): string {
	try {
		return (JSON.parse(content) as {error: {message: string}}).error.message;
	} catch {
		return content;
	}
}

/** Every file's path, mode and content hash: equal before and after means nothing was touched. */
function fingerprint(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const entry of fs.readdirSync(dir, {recursive: true, withFileTypes: true})) {
		const file = path.join(entry.parentPath, entry.name);
		const stat = fs.statSync(file);
		out[path.relative(dir, file)] = entry.isFile()
			? `${stat.mode.toString(8)} ${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`
			: stat.mode.toString(8);
	}

	return out;
}

function chownRecursive(dir: string, uid: number): void {
	fs.chownSync(dir, uid, uid);
	for (const entry of fs.readdirSync(dir, {recursive: true, withFileTypes: true})) fs.chownSync(path.join(entry.parentPath, entry.name), uid, uid);
}

function directoryBytes(dir: string): number {
	return Number(execFileSync('du', ['-sb', dir], {encoding: 'utf8'}).split('\t')[0]);
}

function canMountTmpfs(): boolean {
	const probe = tempWorkspace('pgpair-mount-probe-');
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], {stdio: 'ignore'});
		execFileSync('umount', [probe], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}
