/**
 * Every SQL recipe the built-in agent teaches, run as the model would run it: through the real MCP server, on the
 * embedded database and on a real Postgres. Each fenced block of the agent's text must have an entry below saying
 * what it needs, what it returns and what it leaves behind, so a new recipe fails here until it is checked.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {BUILTIN_AGENT_MARKDOWN} from '../../source/agents/builtin-agent.js';
import {downSection} from '../../source/checklist/evaluators/migration-reversible.js';
import {type FencedBlock, fencedBlocks} from '../helpers/fenced-blocks.js';
import {ENGINES, type ServerOnEngine, startServerOn} from '../helpers/server-on-engine.js';
import {type ServerJson, type SupabaseMcpTestClient, unfence} from '../helpers/supabase-mcp-client.js';

const USER_1 = '00000000-0000-0000-0000-000000000001';
const USER_2 = '00000000-0000-0000-0000-000000000002';

const RECIPES = fencedBlocks(BUILTIN_AGENT_MARKDOWN);
const key = (block: FencedBlock) => `${block.section} #${block.ordinal}`;
const recipe = (name: string) => RECIPES.find(block => key(block) === name)!;

/** What a recipe needs before it runs; each recipe starts from an empty public schema. */
type Setup = (client: SupabaseMcpTestClient) => Promise<void>;

type Expectation = {
	/** How the model runs it: a migration through apply_migration, anything else through execute_sql. */
	tool: 'apply_migration' | 'execute_sql';
	setup?: Setup;
	/** Words of the recipe that state its claim, so the text and this check stay together. */
	claims: string[];
	/** The recipe's result (execute_sql: the rows; apply_migration: the answer) and what it must be. */
	returns: (result: ServerJson) => void;
	/** `unchanged`: the database afterwards is as before; otherwise a check of what the recipe left. */
	leaves: 'unchanged' | ((client: SupabaseMcpTestClient, before: DatabaseState) => Promise<void>);
};

/** The migration the agent teaches creates public.notes; the RLS recipes test policies on it. */
const withNotesAndPolicies: Setup = async client => {
	await client.call('apply_migration', {name: 'create_notes', query: recipe('Migrations #1').code});
	await client.call('execute_sql', {
		query: `
insert into auth.users (id, email) values ('${USER_1}', 'one@example.com'), ('${USER_2}', 'two@example.com');
alter table public.notes enable row level security;
create policy "notes: owners read" on public.notes for select to authenticated using ((select auth.uid()) = owner_id);
create policy "notes: owners edit" on public.notes for update to authenticated
	using ((select auth.uid()) = owner_id) with check ((select auth.uid()) = owner_id);
insert into public.notes (owner_id, body) values
	('${USER_1}', 'first of one'), ('${USER_1}', 'second of one'),
	('${USER_2}', 'first of two'), ('${USER_2}', 'second of two'), ('${USER_2}', 'third of two');`,
	});
};

const EXPECTATIONS: Record<string, Expectation> = {
	'Migrations #1': {
		tool: 'apply_migration',
		claims: ['-- migrate:down'],
		returns: answer => expect(answer).toEqual({success: true}),
		leaves: async (client, before) => {
			const created = await databaseState(client);
			expect(created.objects).toEqual(
				expect.arrayContaining([
					'table notes (rls off)',
					'column notes.id uuid',
					'column notes.owner_id uuid',
					'column notes.body text',
					'column notes.created_at timestamp with time zone',
					'index notes_owner_id_idx on notes',
				]),
			);
			// The down section, as pgpair's rollback check reads it, gives the schema back exactly.
			const down = downSection(recipe('Migrations #1').code);
			expect(down).toBeDefined();
			await client.call('execute_sql', {query: down!});
			expect(await databaseState(client)).toEqual(before);
		},
	},
	'Row level security #1': {
		tool: 'execute_sql',
		setup: withNotesAndPolicies,
		claims: [USER_1, "expect only this user's rows"],
		// user 1 owns two of the five notes
		returns: rows => expect(rows).toEqual([{count: 2}]),
		leaves: 'unchanged',
	},
	'Row level security #2': {
		tool: 'execute_sql',
		setup: withNotesAndPolicies,
		claims: [USER_1, "expect only this user's rows"],
		returns: rows => expect(rows).toEqual([{owner_id: USER_1}, {owner_id: USER_1}]),
		leaves: 'unchanged',
	},
	'Query performance #1': {
		tool: 'execute_sql',
		setup: withNotesAndPolicies,
		claims: ['explain (analyze, buffers)'],
		returns: rows => {
			const plan = rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
			expect(plan).toMatch(/^Update on notes/);
			expect(plan).toMatch(/actual time=/);
		},
		leaves: 'unchanged',
	},
};

type DatabaseState = {objects: string[]; rows: Record<string, string[]>; authUsers: number};

/** The public schema's objects and every row of its tables, as the superuser sees them. */
async function databaseState(client: SupabaseMcpTestClient): Promise<DatabaseState> {
	const objects = (await client.sql(OBJECTS_SQL)).map((row: {object: string}) => row.object);
	const rows: Record<string, string[]> = {};
	for (const {name} of await client.sql(`select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`)) {
		rows[name] = (await client.sql(`select t::text as row from public.${name} t order by 1`)).map((row: {row: string}) => row.row);
	}
	const [{count}] = await client.sql('select count(*)::int as count from auth.users');
	return {objects, rows, authUsers: count};
}

const OBJECTS_SQL = `
select object from (
	select format('table %s (rls %s)', relname, case when relrowsecurity then 'on' else 'off' end) as object
		from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'
	union all
	select format('column %s.%s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod))
		from pg_attribute a join pg_class c on c.oid = a.attrelid
		where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
	union all
	select format('index %s on %s', indexname, tablename) from pg_indexes where schemaname = 'public'
	union all
	select format('policy %s on %s', policyname, tablename) from pg_policies where schemaname = 'public'
) objects order by object`;

/** Back to an empty public schema and no users, between recipes. */
const RESET_SQL = `drop table if exists public.notes cascade; delete from auth.users;`;

describe('the SQL recipes of the built-in agent', () => {
	it('are each listed here with what they need, return and leave', () => {
		expect(RECIPES.length).toBeGreaterThan(0);
		// an SQL recipe without its info string would escape the checks below
		expect(RECIPES.filter(block => block.info === '').map(key)).toEqual([]);
		expect(RECIPES.filter(block => block.info === 'sql').map(key)).toEqual(Object.keys(EXPECTATIONS));
		for (const [name, expectation] of Object.entries(EXPECTATIONS)) {
			for (const claim of expectation.claims) expect(recipe(name).code, name).toContain(claim);
		}
	});

	for (const engine of ENGINES) {
		describe(`run through the MCP server on ${engine}`, () => {
			let server: ServerOnEngine;

			beforeAll(async () => {
				server = await startServerOn(engine);
			});

			afterAll(async () => {
				await server?.close();
			});

			for (const [name, expectation] of Object.entries(EXPECTATIONS)) {
				it(`${name}: returns what it claims and leaves the database as it says`, async () => {
					const {client} = server;
					await client.call('execute_sql', {query: RESET_SQL});
					await expectation.setup?.(client);
					const before = await databaseState(client);
					const {code} = recipe(name);
					const result =
						expectation.tool === 'apply_migration'
							? await client.call('apply_migration', {name: 'recipe', query: code})
							: unfence((await client.call('execute_sql', {query: code})).result).data;
					expectation.returns(result);
					if (expectation.leaves === 'unchanged') expect(await databaseState(client)).toEqual(before);
					else await expectation.leaves(client, before);
				});
			}
		});
	}
});
