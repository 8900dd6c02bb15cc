import {readFileSync} from 'node:fs';
import {diffLines} from 'diff';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ENGINES, type Engine, type ServerOnEngine, startServerOn} from '../../helpers/server-on-engine.js';
import {ADAPTATIONS, fixtureSql} from './postgres-meta-fixture.js';
import {typeCheck} from './type-check.js';

/**
 * The generator postgres-meta 0.99 runs. It declares `@supabase/postgrest-typegen: ^0.2.0` and publishes no lock
 * file; npm resolves that to 0.2.2 on Node 20 and to 0.2.5 on Node 22.12+, the first version whose engines exclude
 * Node 20 (we support ^20.19). Both write the same file for this fixture.
 */
const TYPEGEN_VERSION = '0.2.2';

/**
 * Every line the two engines' files differ in, in file order, with the reason. A difference not listed here, or
 * listed and gone, fails the test.
 */
const ENGINE_DIFFERENCES: ReadonlyArray<{onlyOn: Engine; lines: string; reason: string}> = [
	{
		onlyOn: 'postgres',
		reason: 'foreign_table is a postgres_fdw foreign table, left out on PGlite, which has no postgres_fdw (see ADAPTATIONS)',
		lines: `      foreign_table: {
        Row: {
          id: number
          name: string | null
          status: Database["public"]["Enums"]["user_status"] | null
        }
        Insert: {
          id: number
          name?: string | null
          status?: Database["public"]["Enums"]["user_status"] | null
        }
        Update: {
          id?: number
          name?: string | null
          status?: Database["public"]["Enums"]["user_status"] | null
        }
        Relationships: []
      }
`,
	},
	{
		onlyOn: 'postgres',
		reason: 'postgres_fdw installs these functions in public; PGlite has no postgres_fdw (see ADAPTATIONS)',
		lines: `      postgres_fdw_disconnect: { Args: { "": string }; Returns: boolean }
      postgres_fdw_disconnect_all: {
        Args: Record<PropertyKey, never>
        Returns: boolean
      }
      postgres_fdw_get_connections: {
        Args: Record<PropertyKey, never>
        Returns: Record<string, unknown>[]
      }
      postgres_fdw_handler: {
        Args: Record<PropertyKey, never>
        Returns: unknown
      }
`,
	},
];

const SNAPSHOTS: Record<Engine, string> = {
	pglite: '../../fixtures/postgres-meta/types.pglite.ts.snap',
	postgres: '../../fixtures/postgres-meta/types.postgres.ts.snap',
};

const servers = new Map<Engine, ServerOnEngine>();
const types = new Map<Engine, string>();

beforeAll(async () => {
	for (const engine of ENGINES) {
		const server = await startServerOn(engine);
		servers.set(engine, server);
		await server.client.call('execute_sql', {query: fixtureSql(engine)});
		types.set(engine, (await server.client.call('generate_typescript_types')).types);
	}
});

afterAll(async () => {
	for (const server of servers.values()) await server.close();
});

describe("generate_typescript_types on postgres-meta's test database, through the MCP server", () => {
	it('uses the generator version postgres-meta 0.99 resolves, pinned exactly', () => {
		const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
		const installed = JSON.parse(readFileSync(new URL('../../../node_modules/@supabase/postgrest-typegen/package.json', import.meta.url), 'utf8'));
		expect(pkg.dependencies['@supabase/postgrest-typegen']).toBe(TYPEGEN_VERSION);
		expect(installed.version).toBe(TYPEGEN_VERSION);
	});

	for (const engine of ENGINES) {
		it(`writes the committed file on ${engine}`, async () => {
			await expect(types.get(engine)).toMatchFileSnapshot(SNAPSHOTS[engine]);
		});
	}

	it('writes a file that compiles under strict on both engines', () => {
		for (const engine of ENGINES) expect(typeCheck({'database.types.ts': types.get(engine)!}), engine).toEqual([]);
	});

	it('differs between the engines only in the listed lines, each for its stated reason', () => {
		const differences = diffLines(types.get('pglite')!, types.get('postgres')!)
			.filter(part => part.added || part.removed)
			.map(part => ({onlyOn: part.added ? 'postgres' : 'pglite', lines: part.value}));
		expect(differences).toEqual(ENGINE_DIFFERENCES.map(({onlyOn, lines}) => ({onlyOn, lines})));
		for (const {reason} of ENGINE_DIFFERENCES) expect(reason).not.toBe('');
	});

	it('applies on PGlite only the adaptations PGlite needs, each with its reason', () => {
		const pgliteOnly = ADAPTATIONS.filter(a => !a.engines.includes('postgres'));
		expect(pgliteOnly.map(a => a.reason)).toEqual([expect.stringMatching(/postgres_fdw/)]);
		expect(fixtureSql('postgres')).toContain('create extension postgres_fdw;');
		expect(fixtureSql('pglite')).not.toContain('postgres_fdw');
		for (const engine of ENGINES) expect(fixtureSql(engine)).not.toMatch(/json_matches_schema|jsonb_matches_schema/);
	});
});
