import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {extractChecklist} from '../../source/agents/agent-sections.js';
import {BUILTIN_AGENT_MARKDOWN} from '../../source/agents/builtin-agent.js';
import {type ChecklistChange, type ChecklistItem, createChecklistEngine} from '../../source/checklist/engine.js';
import type {Evaluator} from '../../source/checklist/evaluators/types.js';
import type {SessionEvent} from '../../source/core/events.js';
import {INITIAL_STATE, reduceSession, type SessionState} from '../../source/core/session-state.js';
import {asAuthenticated, type LocalServer, SessionRecorder, startLocalServer} from './session-harness.js';

const AGENT_ITEMS = extractChecklist(BUILTIN_AGENT_MARKDOWN);
const UNKNOWN: ChecklistItem = {id: 'api-docs-updated', text: 'API docs updated'};

describe('checklist engine, through the local server', () => {
	let server: LocalServer;
	let session: SessionRecorder;
	const changes: ChecklistChange[] = [];
	let engine: ReturnType<typeof createChecklistEngine>;

	/** Appends like the lead does: every change becomes an event of the session. */
	const record = (change: ChecklistChange) => {
		changes.push(change);
		session.add(change);
	};

	beforeAll(async () => {
		server = await startLocalServer();
		session = new SessionRecorder(server);
		engine = createChecklistEngine({items: [...AGENT_ITEMS, UNKNOWN], evidence: server.evidence, onChange: record});
	});
	afterAll(() => server?.close());

	const state = (): SessionState => session.events.reduce(reduceSession, INITIAL_STATE);
	const item = (known: string) => AGENT_ITEMS.find(candidate => candidate.known === known)!;

	it('maps all seven built-in items to known keys', () => {
		expect(AGENT_ITEMS.map(candidate => candidate.known)).toEqual([
			'migration_reversible',
			'rls_tested',
			'indexes',
			'types_regenerated',
			'advisors_run',
			'query_performance',
			'edge_function_errors',
		]);
	});

	it('does not evaluate on events that cannot matter', async () => {
		session.prompt('Create a notes table');
		session.add({type: 'assistant_text_delta', text: 'Sure'});
		await engine.evaluate(session.events);
		expect(changes).toEqual([]);
	});

	it('evaluates known items after a tool call and leaves unknown items alone', async () => {
		await session.migrate(
			'create_notes',
			'create table public.notes (id bigint generated always as identity primary key, user_id uuid references auth.users (id), body text);',
		);
		await engine.evaluate(session.events);
		expect(changes.map(change => change.itemId)).toEqual(AGENT_ITEMS.map(candidate => candidate.id));
		expect(changes.every(change => change.by === 'evidence')).toBe(true);
		expect(changes.find(change => change.itemId === item('rls_tested').id)).toMatchObject({
			state: 'open',
			evidence: 'public.notes: RLS is off, never queried as anon or authenticated',
		});
		expect(state().checklist.find(entry => entry.itemId === UNKNOWN.id)).toBeUndefined();
	});

	it('emits only what changed', async () => {
		changes.length = 0;
		session.say('Created the table.');
		session.endTurn();
		await engine.evaluate(session.events);
		expect(changes).toEqual([]);
		await session.ok('generate_typescript_types', {});
		await engine.evaluate(session.events);
		expect(changes.map(change => [change.itemId, change.state])).toEqual([[item('types_regenerated').id, 'done']]);
	});

	it('records ticks by the user and by the model with who ticked', () => {
		changes.length = 0;
		expect(engine.tickByUser(UNKNOWN.id)).toMatchObject({itemId: UNKNOWN.id, state: 'done', by: 'user', evidence: 'ticked by you'});
		expect(engine.tickByUser(UNKNOWN.id, 'docs are still stale')).toMatchObject({state: 'open', by: 'user', evidence: 'docs are still stale'});
		expect(engine.tickByModel(UNKNOWN.id, 'done', 'Updated docs/api.md with the notes endpoints.')).toMatchObject({state: 'done', by: 'model'});
		expect(engine.tickByUser('no-such-item')).toBeUndefined();
		expect(state().checklist.find(entry => entry.itemId === UNKNOWN.id)).toMatchObject({
			state: 'done',
			by: 'model',
			evidence: 'Updated docs/api.md with the notes endpoints.',
		});
		expect(changes).toHaveLength(3);
	});

	it('keeps a manual tick on a known item until the evidence changes, and says so', async () => {
		changes.length = 0;
		const rls = item('rls_tested');
		const tick = engine.tickByUser(rls.id, 'I tested it in the dashboard');
		expect(tick?.evidence).toBe('I tested it in the dashboard (pgpair checks this item from evidence and will overrule this tick when the evidence changes)');
		await session.sql('select 1');
		await engine.evaluate(session.events);
		// The evidence did not change, so the person's tick stands.
		expect(engine.current(rls.id)).toMatchObject({state: 'done', by: 'user'});
		await session.migrate(
			'notes_rls',
			`alter table public.notes enable row level security;
create policy "owners read notes" on public.notes for select to authenticated using ((select auth.uid()) = user_id);
comment on policy "owners read notes" on public.notes is 'A signed-in user reads only their own notes.';`,
		);
		await engine.evaluate(session.events);
		expect(engine.current(rls.id)).toEqual({state: 'open', by: 'evidence', evidence: 'public.notes: never queried as anon or authenticated'});
		await session.sql(asAuthenticated('select count(*) from public.notes;'));
		await engine.evaluate(session.events);
		expect(engine.current(rls.id)).toMatchObject({state: 'done', by: 'evidence'});
		expect(engine.current(UNKNOWN.id)).toMatchObject({state: 'done', by: 'model'});
	});

	it('keeps resumed manual ticks until the evidence changes', async () => {
		const resumed: ChecklistChange[] = [];
		const again = createChecklistEngine({
			items: [...AGENT_ITEMS, UNKNOWN],
			evidence: server.evidence,
			onChange: change => resumed.push(change),
			initial: state().checklist,
		});
		expect(again.current(UNKNOWN.id)).toMatchObject({state: 'done', by: 'model'});
		await again.evaluate(session.events);
		expect(resumed).toEqual([]);
	});
});

describe('checklist engine scheduling', () => {
	const items: ChecklistItem[] = [{id: 'types', text: 'Types regenerated', known: 'types_regenerated'}];
	const completed = (seq: number): SessionEvent => ({type: 'tool_call_completed', callId: `c${seq}`, isError: false, content: '', durationMs: 1, seq, at: seq});
	const delta = (seq: number): SessionEvent => ({type: 'assistant_text_delta', text: 'x', seq, at: seq});

	it('runs one evaluation at a time and coalesces calls made meanwhile into one more run', async () => {
		let inFlight = 0;
		let maxInFlight = 0;
		const seen: number[] = [];
		const slow: Evaluator = async events => {
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			await new Promise(resolve => setTimeout(resolve, 20));
			inFlight--;
			seen.push(events.length);
			return {state: 'open', evidence: `saw ${events.length} events`};
		};
		const changes: ChecklistChange[] = [];
		const engine = createChecklistEngine({items, evidence: {} as never, onChange: change => changes.push(change), evaluators: {types_regenerated: slow}});
		const events = [completed(1)];
		const first = engine.evaluate([...events]);
		events.push(completed(2));
		const second = engine.evaluate([...events]);
		events.push(completed(3));
		const third = engine.evaluate([...events]);
		await Promise.all([first, second, third]);
		expect(maxInFlight).toBe(1);
		expect(seen).toEqual([1, 3]);
		expect(changes.map(change => change.evidence)).toEqual(['saw 1 events', 'saw 3 events']);
		events.push(delta(4));
		await engine.evaluate([...events]);
		expect(seen).toEqual([1, 3]);
		events.push({
			type: 'checklist_item_changed',
			itemId: 'types',
			text: 'Types regenerated',
			state: 'open',
			by: 'evidence',
			evidence: 'saw 3 events',
			seq: 5,
			at: 5,
		});
		await engine.evaluate([...events]);
		expect(seen).toEqual([1, 3]);
	});

	it('keeps an item as it is when its evaluator fails, and reports the failure', async () => {
		const failures: string[] = [];
		const changes: ChecklistChange[] = [];
		const broken: Evaluator = async () => {
			throw new Error('server gone');
		};
		const engine = createChecklistEngine({
			items,
			evidence: {} as never,
			onChange: change => changes.push(change),
			onError: (item, error) => failures.push(`${item.id}: ${(error as Error).message}`),
			evaluators: {types_regenerated: broken},
		});
		await engine.evaluate([completed(1)]);
		expect(changes).toEqual([]);
		expect(failures).toEqual(['types: server gone']);
	});
});
