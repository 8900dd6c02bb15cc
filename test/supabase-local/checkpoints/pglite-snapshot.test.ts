/**
 * Snapshots of the embedded database, on real PGlite engines and real files: what a checkpoint saves comes back
 * whole, a checkpoint shares what did not change, and a process killed with SIGKILL in the middle of a restore leaves
 * the old database or the new one — opened and queried afterwards — never a broken one and never none.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {recoverSwap, restoreSnapshot} from '../../../source/supabase-local/checkpoints/pglite-snapshot.js';
import {createPGliteHost} from '../../../source/supabase-local/pglite-platform.js';
import type {DatabasePlatform, PlatformHost} from '../../../source/supabase-local/platform.js';
import {REPO_ROOT, TSX_LOADER, tempWorkspace} from '../../helpers/paths.js';
import {sharedSnapshotCache} from '../pglite-cache.js';

const hosts: PlatformHost[] = [];
afterEach(async () => {
	for (const host of hosts.splice(0)) await host.close();
});

async function openMain(dataDir: string): Promise<DatabasePlatform> {
	const host = createPGliteHost({dataDir, cacheDir: sharedSnapshotCache()});
	hosts.push(host);
	return host.openMain();
}

async function closeAll(): Promise<void> {
	for (const host of hosts.splice(0)) await host.close();
}

/** Which of the two states the database is in: A has `kept` with its rows, B has `other` and no `kept`. */
async function stateOf(db: DatabasePlatform): Promise<string> {
	const {rows} = await db.query(
		`select (select count(*)::int from pg_tables where tablename = 'kept') as kept_exists,
			(select count(*)::int from pg_tables where tablename = 'other') as other_exists`,
	);
	const {kept_exists, other_exists} = rows[0] as {kept_exists: number; other_exists: number};
	if (kept_exists === 1 && other_exists === 0) {
		const {rows: counted} = await db.query('select count(*)::int as n, sum(id)::int8 as s from public.kept');
		return `A:${JSON.stringify(counted[0])}`;
	}
	if (kept_exists === 0 && other_exists === 1) {
		const {rows: counted} = await db.query('select count(*)::int as n from public.other');
		return `B:${JSON.stringify(counted[0])}`;
	}
	return `neither (kept ${kept_exists}, other ${other_exists})`;
}

describe('embedded database snapshots', () => {
	it('restores what was saved, and the engine answers right after', {timeout: 120_000}, async () => {
		const dir = tempWorkspace('pgpair-snap-');
		const db = await openMain(dir);
		await db.exec('create table public.kept(id int primary key, v text); insert into public.kept select g, md5(g::text) from generate_series(1, 500) g');
		const target = path.join(dir, 'cp', 'one');
		const saved = await db.snapshots!.save(target);
		expect(saved.copied).toBeGreaterThan(100);
		// The WAL segment being written is kept up to its insert position only; the rest is a hole on disk.
		const segments = fs.readdirSync(path.join(target, 'pg_wal')).filter(name => /^[0-9A-F]{24}$/.test(name));
		expect(segments).toHaveLength(1);
		const segment = fs.statSync(path.join(target, 'pg_wal', segments[0]!));
		expect(segment.size).toBe(16 * 1024 * 1024);
		expect(segment.blocks * 512).toBeLessThan(segment.size - 1024 * 1024);
		expect(saved.bytes).toBeLessThan(saved.totalBytes);

		await db.exec('drop table public.kept; create table public.other(id int); insert into public.other values (1), (2)');
		expect(await stateOf(db)).toBe('B:{"n":2}');
		await db.snapshots!.restore(target);
		expect(await stateOf(db)).toBe('A:{"n":500,"s":125250}');
		// The saved copy was never opened: it restores again, after more changes.
		await db.exec('delete from public.kept where id > 10');
		await db.snapshots!.restore(target);
		expect(await stateOf(db)).toBe('A:{"n":500,"s":125250}');
	});

	it('shares the files a later checkpoint did not change, and restores from the shared copy', {timeout: 120_000}, async () => {
		const dir = tempWorkspace('pgpair-snap-');
		const db = await openMain(dir);
		await db.exec('create table public.kept(id int primary key, v text); insert into public.kept select g, md5(g::text) from generate_series(1, 500) g');
		const first = path.join(dir, 'cp', 'first');
		const second = path.join(dir, 'cp', 'second');
		const a = await db.snapshots!.save(first);
		await db.exec('insert into public.kept values (501, $$late$$)');
		// Past the racy window, so unchanged files count as unchanged.
		await new Promise(resolve => setTimeout(resolve, 100));
		const b = await db.snapshots!.save(second, first);
		expect(b.linked).toBeGreaterThan(a.copied / 2);
		expect(b.bytes).toBeLessThan(a.bytes);
		// Shared means the same inode: the second snapshot costs only what changed.
		const catalogFile = fs.readdirSync(path.join(first, 'global')).find(name => /^\d+$/.test(name))!;
		expect(fs.statSync(path.join(second, 'global', catalogFile)).ino).toBe(fs.statSync(path.join(first, 'global', catalogFile)).ino);

		await db.exec('truncate public.kept');
		await db.snapshots!.restore(second);
		expect(await stateOf(db)).toBe('A:{"n":501,"s":125751}');
		await db.snapshots!.restore(first);
		expect(await stateOf(db)).toBe('A:{"n":500,"s":125250}');
	});

	it('survives SIGKILL at any point of a restore: the old database or the new one, opened and queried', {timeout: 600_000}, async () => {
		const dir = tempWorkspace('pgpair-snap-kill-');
		const db = await openMain(dir);
		// Big enough that the copy takes a while, so kills land before, during and after it.
		await db.exec(
			`create table public.kept(id int primary key, v text); insert into public.kept select g, repeat(md5(g::text), 8) from generate_series(1, 60000) g`,
		);
		const stateA = path.join(dir, 'cp', 'a');
		await db.snapshots!.save(stateA);
		await db.exec('drop table public.kept; create table public.other(id int); insert into public.other select generate_series(1, 7)');
		const stateB = path.join(dir, 'cp', 'b');
		await db.snapshots!.save(stateB);
		await closeAll();
		const live = path.join(dir, 'main');
		const child = path.join(REPO_ROOT, 'test/supabase-local/checkpoints/restore-child.ts');

		const restore = (target: string, killAfterMs: number | undefined) =>
			new Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}>((resolve, reject) => {
				const process_ = spawn(process.execPath, ['--import', TSX_LOADER, child, target, live], {stdio: ['ignore', 'pipe', 'inherit']});
				let began = 0;
				process_.on('error', reject);
				process_.stdout.once('data', () => {
					began = performance.now();
					if (killAfterMs !== undefined) setTimeout(() => process_.kill('SIGKILL'), killAfterMs);
				});
				process_.on('exit', (code, signal) => resolve({code, signal, ms: performance.now() - began}));
			});
		// How long a whole restore takes here (each way), so the kills can be spread from its start to past its end.
		const toA = await restore(stateA, undefined);
		expect(await stateOf(await openMain(dir))).toBe('A:{"n":60000,"s":1800030000}');
		await closeAll();
		const toB = await restore(stateB, undefined);
		expect([toA.code, toB.code]).toEqual([0, 0]);
		let current = await stateOf(await openMain(dir));
		expect(current).toBe('B:{"n":7}');
		await closeAll();
		const whole = {ms: Math.max(toA.ms, toB.ms)};

		const seen: string[] = [];
		const rounds = 16;
		for (let round = 0; round < rounds; round++) {
			const target = current.startsWith('A') ? stateB : stateA;
			// From 0 ms to four times a whole restore: disk write-back makes later restores slower than the first.
			const started = await restore(target, Math.round((round / (rounds - 1)) * whole.ms * 4));
			expect(started.signal === 'SIGKILL' || started.code === 0).toBe(true);
			await recoverSwap(live);
			expect(fs.readdirSync(dir).filter(name => name.startsWith('main.rewind'))).toEqual([]);
			const reopened = await openMain(dir);
			const state = await stateOf(reopened);
			expect(['A:{"n":60000,"s":1800030000}', 'B:{"n":7}']).toContain(state);
			seen.push(`${started.signal ?? 'done'}:${state === current ? 'old' : 'new'}@${Math.round(started.ms)}`);
			current = state;
			await closeAll();
		}
		console.log(`SIGKILL during restores (a whole restore: ${Math.round(whole.ms)} ms): ${seen.join(' ')}`);
		// Both outcomes happened: some kills came before the swap (the old state stayed), some restores got through it.
		expect(seen.some(s => s.startsWith('SIGKILL:old'))).toBe(true);
		expect(seen.some(s => s.includes(':new'))).toBe(true);
	});

	it('recovers each half-done swap the right way', async () => {
		const dir = tempWorkspace('pgpair-swap-');
		const live = path.join(dir, 'main');
		const put = (where: string, content: string) => {
			fs.mkdirSync(where, {recursive: true});
			fs.writeFileSync(path.join(where, 'PG_VERSION'), content);
		};
		const read = () => fs.readFileSync(path.join(live, 'PG_VERSION'), 'utf8');
		// Killed while copying: the half copy goes, the live directory stays.
		put(live, 'old');
		put(`${live}.rewind-new`, 'half');
		expect(await recoverSwap(live)).toBe('undone');
		expect(read()).toBe('old');
		// Killed between the two renames, before the journal was removed: the swap is finished.
		fs.renameSync(live, `${live}.rewind-old`);
		put(`${live}.rewind-new`, 'new');
		fs.writeFileSync(`${live}.rewind.json`, '{}');
		expect(await recoverSwap(live)).toBe('completed');
		expect(read()).toBe('new');
		// The old directory moved aside without a journal (cannot happen in order, but a crash must still not lose it).
		fs.renameSync(live, `${live}.rewind-old`);
		expect(await recoverSwap(live)).toBe('undone');
		expect(read()).toBe('new');
		expect(await recoverSwap(live)).toBeUndefined();
		// A snapshot without its manifest is never restored.
		fs.mkdirSync(path.join(dir, 'partial'));
		await expect(restoreSnapshot(path.join(dir, 'partial'), live)).rejects.toThrow(/incomplete/);
		expect(read()).toBe('new');
	});
});
