/**
 * Checkpoints and rewind on a 100 MB embedded database (issue 18): what a checkpoint costs each approved call, the
 * disk it takes, and how long a rewind takes. Through the server's own tools, as the app calls them.
 */
import path from 'node:path';
import {diskUsage} from '../../../source/session/checkpoints.js';
import {inScratch, openBenchServer} from '../in-memory-server.js';
import type {BenchRow, BenchSuite} from '../types.js';

const MB = 1024 * 1024;

async function time(fn: () => Promise<unknown>): Promise<number> {
	const start = performance.now();
	await fn();
	return performance.now() - start;
}

async function checkpoints(scratch: string): Promise<BenchRow[]> {
	const workspace = path.join(scratch, 'workspace');
	const server = await openBenchServer({workspace, cacheDir: path.join(scratch, 'cache'), idleMs: 0});
	const {call} = server;
	try {
		await call('execute_sql', {
			query: `create table public.big(id int primary key, v text);
insert into public.big select g, repeat(md5(g::text), 5) from generate_series(1, 480000) g;
create table public.small(id int primary key, n int);
insert into public.small select g, 0 from generate_series(1, 100) g;`,
		});
		const dataDir = path.join(workspace, '.pgpair', 'db', 'main');
		const databaseMb = (await diskUsage(dataDir)) / MB;

		// The first checkpoint of a database copies all of it; each later one what the calls since have written.
		const first: number[] = [];
		const firstMb: number[] = [];
		let id = 0;
		const save = async () => {
			const checkpointId = `cp-bench${String(id++).padStart(4, '0')}`;
			let saved: Record<string, unknown> = {};
			const ms = await time(async () => (saved = await call('pgpair_checkpoint_save', {checkpoint_id: checkpointId})));
			return {ms, mb: Number(saved['bytes']) / MB, checkpointId};
		};
		const full = await save();
		first.push(full.ms);
		firstMb.push(full.mb);

		const perCall: number[] = [];
		const perCallMb: number[] = [];
		const bigCall: number[] = [];
		const bigCallMb: number[] = [];
		const ids: string[] = [full.checkpointId];
		for (let i = 0; i < 12; i++) {
			// An approved call of the usual size: a few rows of a small table.
			await call('execute_sql', {query: 'update public.small set n = n + 1 where id <= 10'});
			const saved = await save();
			perCall.push(saved.ms);
			perCallMb.push(saved.mb);
			ids.push(saved.checkpointId);
		}
		// The worst case for sharing: one row of the 100 MB table changes, and its whole file is copied again.
		for (let i = 0; i < 6; i++) {
			await call('execute_sql', {query: `update public.big set v = 'changed ${i}' where id = ${i + 1}`});
			const saved = await save();
			bigCall.push(saved.ms);
			bigCallMb.push(saved.mb);
			ids.push(saved.checkpointId);
		}

		// Rewinds back and forth between the first checkpoint and the last: the big table differs between them, so each
		// rewind copies it back (the worst case); then rewinds past small changes only.
		const rewind: number[] = [];
		for (let i = 0; i < 6; i++) {
			const target = i % 2 === 0 ? ids : ids.slice(-1);
			rewind.push(await time(() => call('pgpair_checkpoint_restore', {checkpoint_ids: target})));
			await call('execute_sql', {query: 'select count(*) from public.small'});
		}
		const rewindSmall: number[] = [];
		for (let i = 0; i < 6; i++) {
			await call('execute_sql', {query: 'update public.small set n = n + 100'});
			rewindSmall.push(await time(() => call('pgpair_checkpoint_restore', {checkpoint_ids: ids.slice(-1)})));
		}
		const restored = await call('execute_sql', {query: 'select count(*)::int as n from public.big'});
		if (!JSON.stringify(restored).includes('480000')) throw new Error(`after the rewinds: ${JSON.stringify(restored)}`);
		const totalMb = (await diskUsage(path.join(workspace, '.pgpair', 'checkpoints'))) / MB;
		const note = `database ${databaseMb.toFixed(0)} MB on disk; ${ids.length} checkpoints take ${totalMb.toFixed(0)} MB together`;
		return [
			{
				metric: 'checkpoint per approved call (a small table changed), 100 MB embedded database',
				unit: 'ms',
				samples: perCall.slice(2),
				target: {max: 200},
				note,
			},
			{metric: 'disk per checkpoint, a small table changed (shared files not counted)', unit: 'MB', samples: perCallMb.slice(2)},
			{metric: 'checkpoint per approved call (one row of the 100 MB table changed)', unit: 'ms', samples: bigCall, target: {max: 200}},
			{metric: 'disk per checkpoint, one row of the 100 MB table changed', unit: 'MB', samples: bigCallMb},
			{metric: 'first checkpoint of a database (a whole copy)', unit: 'ms', samples: first},
			{metric: 'disk of the first checkpoint', unit: 'MB', samples: firstMb},
			{metric: 'rewind of the 100 MB database, its big table changed since (stop, copy, swap, reopen)', unit: 'ms', samples: rewind, target: {max: 1000}},
			{metric: 'rewind of the 100 MB database, a small table changed since', unit: 'ms', samples: rewindSmall, target: {max: 1000}},
		];
	} finally {
		await server.close();
	}
}

export default {
	name: 'checkpoints',
	run: () => inScratch('pgpair-bench-checkpoints-', checkpoints),
} satisfies BenchSuite;
