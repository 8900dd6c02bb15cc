/**
 * Issue 16: an embedded database left unused gives its memory back: its engine closes and its worker thread ends,
 * and the next call opens it again from its files, with everything committed. Asserted on this process's threads
 * and on the rows; a database in memory never sleeps (it would lose everything).
 */
import fs from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createPGliteHost} from '../../source/supabase-local/pglite-platform.js';
import type {SleepState} from '../../source/supabase-local/platform.js';
import {waitFor} from '../helpers/wait-for.js';
import {sharedSnapshotCache} from './pglite-cache.js';

const threads = () => fs.readdirSync('/proc/self/task').length;

describe('an embedded database left unused', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'pgpair-sleep-'));
	});
	afterAll(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	it('sleeps after the idle time, ending its engine thread, and the next call wakes it with its data', async () => {
		const host = createPGliteHost({dataDir: dir, cacheDir: sharedSnapshotCache(), idleMs: 400});
		try {
			const main = await host.openMain();
			const states: SleepState[] = [];
			main.onSleep!(state => states.push(state));
			await main.exec('create table notes (id int primary key, body text); insert into notes values (1, $$kept$$)');
			const awake = threads();
			await waitFor(() => states.includes('asleep'), 'the engine to sleep', 10_000);
			await waitFor(() => threads() < awake, 'the engine thread to end', 10_000);

			expect((await main.query('select body from notes')).rows).toEqual([{body: 'kept'}]);
			expect(states).toEqual(['asleep', 'waking', 'awake']);
			expect(threads()).toBeGreaterThanOrEqual(awake);
			// A call keeps it awake: the idle time counts from the last one.
			for (let i = 0; i < 4; i++) {
				await new Promise(resolve => setTimeout(resolve, 200));
				await main.query('select 1');
			}
			expect(states).toEqual(['asleep', 'waking', 'awake']);
			await waitFor(() => states.length === 4, 'the engine to sleep again', 10_000);
			expect(states.at(-1)).toBe('asleep');
		} finally {
			await host.close();
		}
	});

	it('never sleeps when it lives in memory', async () => {
		const host = createPGliteHost({cacheDir: sharedSnapshotCache(), idleMs: 200});
		try {
			const main = await host.openMain();
			const states: SleepState[] = [];
			main.onSleep!(state => states.push(state));
			await main.exec('create table t (id int); insert into t values (7)');
			await new Promise(resolve => setTimeout(resolve, 1_000));
			expect(states).toEqual([]);
			expect((await main.query('select id from t')).rows).toEqual([{id: 7}]);
		} finally {
			await host.close();
		}
	});
});
