/** Class 7 (no deadlines, no process ownership, guards on one path only) on the embedded database. Cases: c7-deadlines-and-neighbours.cases.ts. */
import {afterAll, describe, expect, it} from 'vitest';
import {disposeTemplates} from '../helpers/adversary/arena.js';
import {describeAttacks} from '../helpers/adversary/cases.js';
import {killDuringLongCall} from '../helpers/adversary/kill.js';
import {C7_CASES, ENDLESS_READ} from './c7-deadlines-and-neighbours.cases.js';

afterAll(disposeTemplates, 120_000);

// Rules for the calls that carry the neighbour attacks (a migration, a function deploy); reads need none.
describeAttacks('issue 15 class 7: no deadlines, no process ownership, guards on one path only', 'pglite', C7_CASES, {
	args: ['--allow', 'mcp__supabase__apply_migration', '--allow', 'mcp__supabase__deploy_edge_function', '--allow-destructive-rules'],
});

describe('issue 15 class 7: killing pgpair during a long database call (pglite)', () => {
	for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
		it(`c7_kill_${signal.toLowerCase()}: ${signal} to pgpair leaves no process behind within 5 s`, async () => {
			// Issue example (G8): the database child (and on Postgres the backend) outlives pgpair.
			expect(await killDuringLongCall('pglite', signal, ENDLESS_READ), `issue example attack on G8: ${signal} during a long read`).toEqual([]);
		}, 240_000);
	}
});
