/**
 * The scripted model of the checklist tmux test, replayed here through the real local server and the engine, so
 * the fixture is known to produce what the tmux test expects: RLS open, still open, then ticked.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {extractChecklist} from '../../source/agents/agent-sections.js';
import {BUILTIN_AGENT_MARKDOWN} from '../../source/agents/builtin-agent.js';
import {type ChecklistEngine, createChecklistEngine} from '../../source/checklist/engine.js';
import {INITIAL_STATE, reduceSession} from '../../source/core/session-state.js';
import {loadScript, type ParsedScript} from '../../source/model/script.js';
import {REPO_ROOT} from '../helpers/paths.js';
import {type LocalServer, SERVER, SessionRecorder, startLocalServer} from './session-harness.js';

const ITEMS = extractChecklist(BUILTIN_AGENT_MARKDOWN);
const RLS = ITEMS.find(item => item.known === 'rls_tested')!;

describe('test/fixtures/scripts/checklist-rls.json', () => {
	let server: LocalServer;
	let session: SessionRecorder;
	let engine: ChecklistEngine;
	let script: ParsedScript;

	beforeAll(async () => {
		script = await loadScript(`${REPO_ROOT}/test/fixtures/scripts/checklist-rls.json`);
		server = await startLocalServer();
		session = new SessionRecorder(server);
		engine = createChecklistEngine({items: ITEMS, evidence: server.evidence, onChange: change => session.add(change)});
		session.prompt('Create a notes table for signed-in users, secured with RLS.');
	});
	afterAll(() => server?.close());

	/** Runs one scripted model response: its text, then its tool calls for real. */
	async function play(turn: number): Promise<void> {
		const entry = script.turns[turn]!;
		session.say(entry.text);
		for (const call of entry.tool_calls) {
			expect(call.name.startsWith(`mcp__${SERVER}__`)).toBe(true);
			await session.ok(call.name.slice(`mcp__${SERVER}__`.length), call.input);
			await engine.evaluate(session.events);
		}
	}

	it('has four model responses: two migrations, an RLS test, a final claim', () => {
		expect(script.turns.map(turn => turn.tool_calls.map(call => call.name))).toEqual([
			['mcp__supabase__apply_migration'],
			['mcp__supabase__apply_migration'],
			['mcp__supabase__execute_sql'],
			[],
		]);
	});

	it('leaves the RLS item open after the table is created without RLS', async () => {
		await play(0);
		expect(engine.current(RLS.id)).toEqual({state: 'open', by: 'evidence', evidence: 'public.notes: RLS is off, never queried as anon or authenticated'});
	});

	it('keeps it open after the policies until they are tested', async () => {
		await play(1);
		expect(engine.current(RLS.id)).toEqual({state: 'open', by: 'evidence', evidence: 'public.notes: never queried as anon or authenticated'});
	});

	it('ticks it after the scripted RLS test query', async () => {
		await play(2);
		expect(session.events.at(-2)).toMatchObject({type: 'tool_call_completed', isError: false, content: expect.stringContaining('visible_notes')});
		expect(engine.current(RLS.id)).toMatchObject({state: 'done', by: 'evidence'});
		expect(engine.current(RLS.id)?.evidence).toMatch(/^RLS on with commented policies, tested: public\.notes \(2 commented policies, tested as authenticated/);
		const reversible = ITEMS.find(item => item.known === 'migration_reversible')!;
		expect(engine.current(reversible.id)?.state).toBe('done');
	});

	it('ends with a claim of completion that pgpair answers with the items still open', async () => {
		await play(3);
		session.endTurn();
		await engine.evaluate(session.events);
		const state = session.events.reduce(reduceSession, INITIAL_STATE);
		const notice = engine.openItemsNotice(state);
		expect(notice).toMatch(/^The agent says the work is done, but \d checklist items are still open:/);
		expect(notice).toContain('TypeScript types were generated again');
		expect(notice).not.toContain('Row level security is on');
	});
});
