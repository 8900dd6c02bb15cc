/** Class 7, the production guard (G9): only a DATABASE_URL can be production, so Postgres only. */
import {afterAll} from 'vitest';
import {disposeTemplates} from '../helpers/adversary/arena.js';
import {describeAttacks} from '../helpers/adversary/cases.js';
import {PRODUCTION_CASES} from './c7-deadlines-and-neighbours.cases.js';

afterAll(disposeTemplates, 120_000);

// Production, with every rule and the destructive opt-in: a schema change must still not run without a person.
describeAttacks('issue 15 class 7: the production guard covers one path, not its neighbour', 'postgres', PRODUCTION_CASES, {
	args: ['--production', '--allow', 'mcp__supabase__execute_sql', '--allow', 'mcp__supabase__apply_migration', '--allow-destructive-rules'],
});
