/**
 * Issue 16: the checklist asks the database only for what may have changed. Through a real local server (PGlite),
 * counting the tool calls the evidence port makes: none before the session used the database; after that, one
 * catalog read for a turn that changed nothing; everything again after a change by the session or by anyone else.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {extractChecklist} from '../../source/agents/agent-sections.js';
import {BUILTIN_AGENT_MARKDOWN} from '../../source/agents/builtin-agent.js';
import {createChecklistEngine} from '../../source/checklist/engine.js';
import {type CallTool, createMcpEvidence} from '../../source/checklist/evidence.js';
import {type LocalServer, SessionRecorder, startLocalServer} from './session-harness.js';

describe('the checklist asks the database only for what may have changed', () => {
	let server: LocalServer;
	let session: SessionRecorder;
	const asked: string[] = [];
	let engine: ReturnType<typeof createChecklistEngine>;

	beforeAll(async () => {
		server = await startLocalServer();
		session = new SessionRecorder(server);
		const counting: CallTool = async (name, args) => {
			asked.push(name === 'execute_sql' && String((args as {query?: string}).query).includes("concat_ws(':'") ? 'schema version' : name);
			return server.callTool(name, args);
		};
		engine = createChecklistEngine({
			items: extractChecklist(BUILTIN_AGENT_MARKDOWN),
			evidence: createMcpEvidence(counting, {workspace: server.workspace}),
			onChange: change => session.add(change),
		});
	});
	afterAll(() => server?.close());

	const turn = async (): Promise<string[]> => {
		asked.length = 0;
		session.endTurn();
		await engine.evaluate(session.events);
		return [...asked];
	};

	it('asks nothing before the session used the database', async () => {
		session.prompt('What is row level security?');
		session.say('It filters rows per role.');
		expect(await turn()).toEqual([]);
	});

	it('asks everything once the session used the database, then only the schema version while nothing changes', async () => {
		session.prompt('Make a table');
		await session.ok('apply_migration', {name: 'notes', query: 'create table public.notes (id bigint primary key, body text);'});
		const first = await turn();
		expect(first).toContain('get_advisors');
		expect(first).toContain('schema version');
		session.prompt('How many notes are there?');
		await session.ok('execute_sql', {query: 'select count(*) from public.notes'});
		expect(await turn()).toEqual(['schema version']);
		session.say('Nothing else to do.');
		expect(await turn()).toEqual(['schema version']);
	});

	it('asks again after a change by the session', async () => {
		await session.ok('apply_migration', {name: 'notes_rls', query: 'alter table public.notes enable row level security;'});
		expect(await turn()).toContain('get_advisors');
		expect(await turn()).toEqual(['schema version']);
	});

	it('asks again after a change by the session that leaves the catalog as it was (rows only), recorded in one batch', async () => {
		// The call's request and completion reach the engine together, as on a resumed session or a fast call.
		await session.ok('apply_migration', {name: 'seed_notes', query: "insert into public.notes (id, body) values (1, 'first');"});
		expect(await turn()).toContain('get_advisors');
		expect(await turn()).toEqual(['schema version']);
	});

	it('asks again after a change made outside the session (another client changed the schema)', async () => {
		await server.callTool('apply_migration', {name: 'elsewhere', query: 'create index notes_body on public.notes (body);'});
		expect(await turn()).toContain('get_advisors');
	});
});
