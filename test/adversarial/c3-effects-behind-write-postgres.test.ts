/** Class 3 (effects hide behind "write") on the test Postgres (DATABASE_URL). Cases: c3-effects-behind-write.cases.ts. */
import {afterAll} from 'vitest';
import {disposeTemplates} from '../helpers/adversary/arena.js';
import {describeAttacks} from '../helpers/adversary/cases.js';
import {C3_CASES} from './c3-effects-behind-write.cases.js';

afterAll(disposeTemplates, 120_000);

// Allow rules for both SQL tools, and no destructive opt-in: writes run, destructive calls must not.
describeAttacks('issue 15 class 3: effects hide behind write', 'postgres', C3_CASES, {
	args: ['--allow', 'mcp__supabase__execute_sql', '--allow', 'mcp__supabase__apply_migration'],
});
