/** Class 1 (the preview runs before the decision) on the test Postgres (DATABASE_URL). Cases: c1-preview.cases.ts. */
import {afterAll} from 'vitest';
import {disposeTemplates} from '../helpers/adversary/arena.js';
import {describeAttacks} from '../helpers/adversary/cases.js';
import {C1_CASES} from './c1-preview.cases.js';

afterAll(disposeTemplates, 120_000);

// Default mode, no allow rule: every call here is denied, after its preview.
describeAttacks('issue 15 class 1: the preview executes before the decision', 'postgres', C1_CASES, {args: []});
