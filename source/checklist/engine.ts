/**
 * The live quality checklist. Known items are decided by their evaluators from the session's events and the
 * evidence port; other items change only when the person or the model ticks them. Every change leaves as a
 * `checklist_item_changed` body through `onChange`, which the caller appends to the session's event log.
 */
import type {ChecklistItem, KnownChecklistKey} from '../agents/agent-sections.js';
import type {ChecklistItemState, ChecklistSource, EventBody, SessionEvent} from '../core/events.js';
import type {ChecklistEntry, SessionState} from '../core/session-state.js';
import {openItemsNotice} from './completion-notice.js';
import {EVALUATORS, type EvaluationResult, type Evaluator} from './evaluators/index.js';
import type {Evidence} from './evidence.js';

export type {ChecklistItem} from '../agents/agent-sections.js';

export type ChecklistChange = Extract<EventBody, {type: 'checklist_item_changed'}>;

export type ChecklistEngineOptions = {
	/** From the agent file's "Quality Checklist" (`extractChecklist`), in its order. */
	items: readonly ChecklistItem[];
	evidence: Evidence;
	/** Called synchronously for every change; append it to the event store. */
	onChange: (change: ChecklistChange) => void;
	/** A resumed session's checklist (`state.checklist`): its ticks stay until the evidence changes. */
	initial?: readonly ChecklistEntry[];
	/** An evaluator failed (server down, SQL error): the item keeps its state. For the debug log. */
	onError?: (item: ChecklistItem, error: unknown) => void;
	/** Defaults to pgpair's evaluators; a test or another back end may supply its own. */
	evaluators?: Partial<Record<KnownChecklistKey, Evaluator>>;
	/** The MCP server the evidence comes from (`mcp__<server>__…` calls use its database). Default `supabase`. */
	databaseServer?: string;
};

export type ChecklistEngine = {
	/**
	 * Re-checks the known items against `events` (the whole session so far). Cheap to call after every event: it
	 * returns at once unless a tool call completed, a turn completed or someone ticked an item since the last call.
	 * At most one evaluation runs at a time; calls made meanwhile coalesce into one more run with the newest
	 * events. Resolves when the checklist reflects `events`.
	 */
	evaluate(events: readonly SessionEvent[]): Promise<void>;
	/** The person toggles an item (space in the pane). Undefined when no item has that id. */
	tickByUser(itemId: string, note?: string): ChecklistChange | undefined;
	/** The model sets an item through its `Checklist` tool. */
	tickByModel(itemId: string, state: ChecklistItemState, note: string): ChecklistChange | undefined;
	/** An item by id, or by its text (exact, case-insensitive, or a unique part of it). */
	findItem(reference: string): ChecklistItem | undefined;
	/** State of an item as the engine last set or saw it. */
	current(itemId: string): {state: ChecklistItemState; by: ChecklistSource; evidence: string} | undefined;
	/** The chat notice for a turn that ends claiming the work is finished while items are open (see completion-notice). */
	openItemsNotice(state: SessionState): string | undefined;
	readonly items: readonly ChecklistItem[];
};

/**
 * The evidence that needs the database is not gathered before the session has used the database: pgpair's own
 * server starts it on the first call that needs it, and a conversation that never touches it should not pay for
 * it. Items that depend on it keep their state until then; items decided from the events alone are decided.
 */
class DatabaseNotUsedYet extends Error {}

/**
 * What the database's evidence depends on, as cheaply as it can be read: the transaction ids that last wrote the
 * catalog rows of relations, columns, policies, functions, schemas, indexes, constraints, triggers and comments
 * (plus their counts). Any DDL, by this session or another, changes it; a catalog read is a few milliseconds even
 * with hundreds of tables, where the advisors take most of a second.
 */
export const SCHEMA_VERSION_SQL = `select concat_ws(':', ${[
	'pg_class',
	'pg_attribute',
	'pg_policy',
	'pg_proc',
	'pg_namespace',
	'pg_index',
	'pg_constraint',
	'pg_trigger',
	'pg_description',
]
	.map(catalog => `(select count(*) || '/' || coalesce(sum(xmin::text::numeric), 0) from pg_catalog.${catalog})`)
	.join(', ')}) as version`;

/** Events after which an evaluation can change anything; text deltas and the like never can. */
function triggers(event: SessionEvent): boolean {
	if (event.type === 'tool_call_completed' || event.type === 'turn_completed') return true;
	// A tick by pgpair itself is the result of an evaluation, not a reason for another.
	return event.type === 'checklist_item_changed' && event.by !== 'evidence';
}

const MANUAL_ON_KNOWN = 'pgpair checks this item from evidence and will overrule this tick when the evidence changes';

export function createChecklistEngine(options: ChecklistEngineOptions): ChecklistEngine {
	const {items, evidence, onChange} = options;
	const evaluators = options.evaluators ?? EVALUATORS;
	type Current = {state: ChecklistItemState; by: ChecklistSource; evidence: string};
	const current = new Map<string, Current>();
	// What each evaluator said last: a manual tick stands until this changes.
	const lastEvaluated = new Map<string, EvaluationResult>();
	// Resumed manual ticks on known items: the first evaluation learns the evidence without overruling them.
	const keepManual = new Set<string>();
	for (const entry of options.initial ?? []) {
		current.set(entry.itemId, {state: entry.state, by: entry.by, evidence: entry.evidence});
		if (entry.by === 'evidence') lastEvaluated.set(entry.itemId, {state: entry.state, evidence: entry.evidence});
		else keepManual.add(entry.itemId);
	}

	const emit = (item: ChecklistItem, next: Current): ChecklistChange => {
		current.set(item.id, next);
		const change: ChecklistChange = {type: 'checklist_item_changed', itemId: item.id, text: item.text, ...next};
		onChange(change);
		return change;
	};

	const databaseTools = `mcp__${options.databaseServer ?? 'supabase'}__`;
	let databaseUsed = false;
	// Calls of the session that may have changed the database (anything its class does not prove read-only), and
	// how many of them have completed: with the catalog's version, what the evidence cache is keyed on.
	const databaseCalls = new Set<string>();
	const mayChange = new Set<string>();
	let changes = 0;
	const shared = sharedEvidence(evidence, () => databaseUsed);
	const evaluateOnce = async (events: readonly SessionEvent[]): Promise<void> => {
		await shared.newRun(changes);
		// One item after another: the evaluators share one database connection, and their reads are ordered.
		for (const item of items) {
			const evaluator = item.known ? evaluators[item.known] : undefined;
			if (!evaluator) continue;
			let result: EvaluationResult;
			try {
				result = await evaluator(events, shared, item);
			} catch (error) {
				if (!(error instanceof DatabaseNotUsedYet)) options.onError?.(item, error);
				continue;
			}
			const previous = lastEvaluated.get(item.id);
			lastEvaluated.set(item.id, result);
			if (previous && previous.state === result.state && previous.evidence === result.evidence) continue;
			const now = current.get(item.id);
			if (keepManual.delete(item.id) && now && now.by !== 'evidence') continue;
			if (now && now.by === 'evidence' && now.state === result.state && now.evidence === result.evidence) continue;
			emit(item, {state: result.state, by: 'evidence', evidence: result.evidence});
		}
	};

	// Events up to here have been looked at; each event is looked at once (a stream is thousands of deltas).
	let scannedThrough = 0;
	let pending: readonly SessionEvent[] | undefined;
	let running: Promise<void> | undefined;

	const drain = async (): Promise<void> => {
		while (pending) {
			const batch = pending;
			pending = undefined;
			await evaluateOnce(batch);
		}
	};

	const find = (reference: string): ChecklistItem | undefined => {
		const wanted = reference.trim().toLowerCase();
		if (!wanted) return undefined;
		const exact = items.find(item => item.id === reference.trim() || item.text.toLowerCase() === wanted);
		if (exact) return exact;
		const partial = items.filter(item => item.text.toLowerCase().includes(wanted) || item.id.includes(wanted));
		return partial.length === 1 ? partial[0] : undefined;
	};

	const manualEvidence = (item: ChecklistItem, note: string): string => (item.known ? `${note} (${MANUAL_ON_KNOWN})` : note);

	return {
		items,

		evaluate(events) {
			// The events not looked at yet are found from the end (a stream is thousands of deltas), then read in
			// order: a call's request comes before its completion, even when both arrive in one batch.
			let first = events.length;
			while (first > 0 && events[first - 1]!.seq > scannedThrough) first--;
			let relevant = false;
			for (let i = first; i < events.length; i++) {
				const event = events[i]!;
				if (triggers(event)) relevant = true;
				if (event.type === 'tool_call_requested' && event.name.startsWith(databaseTools)) {
					databaseUsed = true;
					databaseCalls.add(event.callId);
					if (event.classification?.class !== 'read-only') mayChange.add(event.callId);
				} else if (event.type === 'tool_call_previewed' && databaseCalls.has(event.callId) && event.classification?.class !== 'read-only') {
					// The preview measured more than the syntax said: the stronger class counts, as at the gate.
					mayChange.add(event.callId);
				} else if (event.type === 'tool_call_completed' && mayChange.delete(event.callId)) {
					changes++;
				}
			}
			scannedThrough = events.at(-1)?.seq ?? scannedThrough;
			if (!relevant) return running ?? Promise.resolve();
			pending = events;
			running ??= drain().finally(() => {
				running = undefined;
			});
			return running;
		},

		tickByUser(itemId, note) {
			const item = items.find(candidate => candidate.id === itemId);
			if (!item) return undefined;
			const state: ChecklistItemState = current.get(item.id)?.state === 'done' ? 'open' : 'done';
			const text = note?.trim() || (state === 'done' ? 'ticked by you' : 'unticked by you');
			return emit(item, {state, by: 'user', evidence: manualEvidence(item, text)});
		},

		tickByModel(itemId, state, note) {
			const item = items.find(candidate => candidate.id === itemId);
			if (!item) return undefined;
			return emit(item, {state, by: 'model', evidence: manualEvidence(item, note.trim() || `set to ${state} by the model`)});
		},

		findItem: find,

		current(itemId) {
			const entry = current.get(itemId);
			return entry ? {...entry} : undefined;
		},

		openItemsNotice(state) {
			return openItemsNotice(state, items);
		},
	};
}

/**
 * Several evaluators ask the same things (the exposed tables, the advisors): the server is asked once, and the
 * answers are kept until the database may have changed — a call of the session that is not proven read-only
 * completed, or the catalog's version (SCHEMA_VERSION_SQL) moved, whoever moved it. A turn that changed nothing
 * then costs one catalog read. The wrapper lives as long as the engine; the dry runs are remembered by their
 * evaluator, keyed on the schema version.
 */
function sharedEvidence(evidence: Evidence, databaseUsed: () => boolean): Evidence & {newRun(changes: number): Promise<void>} {
	const cache = new Map<string, Promise<unknown>>();
	let keptFor: string | undefined;
	const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
		if (!databaseUsed()) return Promise.reject(new DatabaseNotUsedYet());
		let answer = cache.get(key) as Promise<T> | undefined;
		if (!answer) {
			answer = load();
			cache.set(key, answer);
			// A failed answer is asked again next time, never kept.
			answer.catch(() => cache.get(key) === answer && cache.delete(key));
		}
		return answer;
	};
	return {
		async newRun(changes) {
			let version: string | undefined;
			if (databaseUsed()) {
				try {
					version = `${changes}@${String((await evidence.query(SCHEMA_VERSION_SQL))[0]?.['version'] ?? '')}`;
				} catch {
					version = undefined;
				}
			}
			if (version === undefined || version !== keptFor) cache.clear();
			keptFor = version;
		},
		query: sql => once(`query:${sql}`, () => evidence.query(sql)),
		advisors: type => once(`advisors:${type}`, () => evidence.advisors(type)),
		migrations: () => once('migrations', () => evidence.migrations()),
		edgeFunctions: () => once('edge-functions', () => evidence.edgeFunctions()),
		previewSql: input => (databaseUsed() ? evidence.previewSql(input) : Promise.reject(new DatabaseNotUsedYet())),
		// No probeEdgeFunction: calling a deployed function runs its code, which nobody approved for this; the
		// evaluator then judges the source alone.
	};
}
