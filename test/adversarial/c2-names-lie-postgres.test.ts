/** Class 2 (read-only by names, and names lie) on the test Postgres (DATABASE_URL). Cases: c2-names-lie.cases.ts. */
import {afterAll} from 'vitest';
import {disposeTemplates} from '../helpers/adversary/arena.js';
import {describeAttacks} from '../helpers/adversary/cases.js';
import {C2_CASES} from './c2-names-lie.cases.js';

afterAll(disposeTemplates, 120_000);

// Default mode, no allow rule: only what pgpair judges read-only runs.
describeAttacks('issue 15 class 2: read-only is decided by names, and names lie', 'postgres', C2_CASES, {args: []});
