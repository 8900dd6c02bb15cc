// Facts the evaluators read from the session's events: which calls ran, what changed the schema, what SQL ran as
// whom, which EXPLAINs ran and what their plans said. Pure over the events (SQL parsing needs the parser loaded).
import type {SessionEvent, ToolCallClassification} from '../core/events.js';
import {isObject, loadSqlParser, optionEnabled, type ParsedStatement} from '../policy/sql-parser.js';
import {changesSchema, explained, fingerprint, parseStatements, type RunStatement, relationsIn, runStatements, tablesChangedBy} from './sql-facts.js';
import {executeSqlRows} from './tool-results.js';

export type CompletedCall = {
	callId: string;
	/** The name the model used, e.g. `mcp__supabase__apply_migration`. */
	name: string;
	/** The tool's own name, server prefix removed: `apply_migration`. */
	tool: string;
	/** What actually ran: the person's edited arguments when they edited the call. */
	input: Record<string, unknown>;
	classification?: ToolCallClassification;
	isError: boolean;
	content: string;
	/** Sequence number of the completion: "after" and "before" compare these. */
	seq: number;
};

export function bareToolName(name: string): string {
	const match = /^mcp__.+?__(.+)$/.exec(name);
	return match?.[1] ?? name;
}

/** Calls that finished (successfully or not), in the order they finished. */
export function completedCalls(events: readonly SessionEvent[]): CompletedCall[] {
	const requested = new Map<string, {name: string; input: unknown; classification?: ToolCallClassification}>();
	const calls: CompletedCall[] = [];
	for (const event of events) {
		if (event.type === 'tool_call_requested') {
			requested.set(event.callId, {name: event.name, input: event.input, ...(event.classification ? {classification: event.classification} : {})});
		} else if (event.type === 'tool_call_decided' && event.editedInput !== undefined) {
			const call = requested.get(event.callId);
			if (call) call.input = event.editedInput;
		} else if (event.type === 'tool_call_completed') {
			const call = requested.get(event.callId);
			if (!call) continue;
			calls.push({
				callId: event.callId,
				name: call.name,
				tool: bareToolName(call.name),
				input: isObject(call.input) ? call.input : {},
				...(call.classification ? {classification: call.classification} : {}),
				isError: event.isError,
				content: event.content,
				seq: event.seq,
			});
		}
	}
	return calls;
}

export function succeeded(events: readonly SessionEvent[], tool: string): CompletedCall[] {
	return completedCalls(events).filter(call => call.tool === tool && !call.isError);
}

export type SchemaChange = {
	seq: number;
	call: CompletedCall;
	/** "migration create_notes", "execute_sql", "merge_branch": for evidence text. */
	label: string;
	/** Tables whose behaviour the change may have altered, or 'all'. */
	tables: ReadonlySet<string> | 'all';
};

/** Tools that replay or move migrations: every one of them changes some project's schema. */
const BRANCH_SCHEMA_TOOLS: ReadonlySet<string> = new Set(['merge_branch', 'reset_branch', 'rebase_branch']);

/**
 * Every schema change of the session: successful migrations, branch merges/resets/rebases, and execute_sql calls
 * that were not read-only *and* kept a schema-changing statement. The second condition is a refinement of "not
 * read-only": an RLS test (`set local role …`) or test rows are writes, but they change no schema, and counting
 * them would untick "types regenerated" after every test query.
 */
export function schemaChanges(events: readonly SessionEvent[]): SchemaChange[] {
	const changes: SchemaChange[] = [];
	for (const call of completedCalls(events)) {
		if (call.isError) continue;
		if (call.tool === 'apply_migration') {
			const sql = typeof call.input.query === 'string' ? call.input.query : '';
			changes.push({seq: call.seq, call, label: `migration ${String(call.input.name ?? '')}`.trim(), tables: changedTables(parseStatements(sql))});
		} else if (BRANCH_SCHEMA_TOOLS.has(call.tool)) {
			changes.push({seq: call.seq, call, label: call.tool, tables: 'all'});
		} else if (call.tool === 'execute_sql' && call.classification?.class !== 'read-only') {
			const statements = parseStatements(typeof call.input.query === 'string' ? call.input.query : '');
			if (!statements) {
				// Unparseable SQL that the server ran: assume the worst.
				changes.push({seq: call.seq, call, label: 'execute_sql', tables: 'all'});
				continue;
			}
			const kept = runStatements(statements)
				.filter(run => run.kept && changesSchema(run.statement))
				.map(run => run.statement);
			if (kept.length > 0) changes.push({seq: call.seq, call, label: 'execute_sql', tables: changedTables(kept)});
		}
	}
	return changes;
}

function changedTables(statements: readonly ParsedStatement[] | undefined): ReadonlySet<string> | 'all' {
	if (!statements) return 'all';
	const tables = new Set<string>();
	for (const statement of statements.filter(changesSchema)) {
		const touched = tablesChangedBy(statement);
		if (touched === 'all') return 'all';
		for (const table of touched) tables.add(table);
	}
	return tables;
}

/** Seq of the last schema change touching `table` (or any table), 0 when there was none. */
export function lastChangeOf(changes: readonly SchemaChange[], table?: string): number {
	let seq = 0;
	for (const change of changes) {
		if (table === undefined || change.tables === 'all' || change.tables.has(table)) seq = Math.max(seq, change.seq);
	}
	return seq;
}

export type SqlRun = {call: CompletedCall; runs: RunStatement[]};

/** The statements of every successful execute_sql call, with the role each ran as. */
export function sqlRuns(events: readonly SessionEvent[]): SqlRun[] {
	return succeeded(events, 'execute_sql').flatMap(call => {
		const statements = parseStatements(typeof call.input.query === 'string' ? call.input.query : '');
		return statements ? [{call, runs: runStatements(statements)}] : [];
	});
}

export const API_ROLES: ReadonlySet<string> = new Set(['anon', 'authenticated']);

export type ImpersonatedQuery = {seq: number; role: string; tables: ReadonlySet<string>};

/** Statements run as `anon` or `authenticated` (RLS tests) and the tables they touched. */
export function impersonatedQueries(runs: readonly SqlRun[]): ImpersonatedQuery[] {
	return runs.flatMap(({call, runs: statements}) =>
		statements
			.filter(run => API_ROLES.has(run.role) && run.statement.type !== 'TransactionStmt')
			.map(run => ({seq: call.seq, role: run.role, tables: relationsIn(run.statement.body)}))
			.filter(query => query.tables.size > 0),
	);
}

export type ExplainRun = {
	seq: number;
	analyze: boolean;
	/** Fingerprint of the explained statement. */
	shape: string;
	text: string;
	tables: ReadonlySet<string>;
	/** The plan rows as the server returned them (text lines or one JSON document). */
	plan: Array<Record<string, unknown>>;
};

/** EXPLAINs that produced the call's result rows: the last statement of the call is the EXPLAIN. */
export function explainRuns(runs: readonly SqlRun[]): ExplainRun[] {
	return runs.flatMap(({call, runs: statements}) => {
		const last = statements.at(-1)?.statement;
		const inner = last ? explained(last) : undefined;
		if (!last || !inner) return [];
		return [
			{
				seq: call.seq,
				analyze: optionEnabled(last.body.options, 'analyze'),
				shape: fingerprint(inner.body),
				text: last.text,
				tables: relationsIn(inner.body),
				plan: executeSqlRows(call.content),
			},
		];
	});
}

export type PlannedQuery = {seq: number; shape: string; text: string; tables: ReadonlySet<string>};

/** Queries the session ran as itself that the planner scans for: the "new queries" to validate. */
export function plannedQueries(runs: readonly SqlRun[], planned: ReadonlySet<string>): PlannedQuery[] {
	return runs.flatMap(({call, runs: statements}) =>
		statements
			.filter(run => !API_ROLES.has(run.role) && planned.has(run.statement.type))
			.map(run => ({seq: call.seq, shape: fingerprint(run.statement.body), text: run.statement.text, tables: relationsIn(run.statement.body)}))
			.filter(query => query.tables.size > 0),
	);
}

/** Relations in a plan that were read with a sequential scan, from text or JSON EXPLAIN output. */
export function seqScannedRelations(plan: readonly Record<string, unknown>[]): Set<string> {
	const relations = new Set<string>();
	const walk = (node: unknown): void => {
		if (Array.isArray(node)) for (const item of node) walk(item);
		else if (isObject(node)) {
			if (typeof node['Node Type'] === 'string' && /Seq Scan$/.test(node['Node Type']) && typeof node['Relation Name'] === 'string') {
				relations.add(typeof node.Schema === 'string' ? `${node.Schema}.${node['Relation Name']}` : node['Relation Name']);
			}
			for (const value of Object.values(node)) walk(value);
		} else if (typeof node === 'string') {
			for (const match of node.matchAll(/Seq Scan on ((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)/g)) {
				if (match[1]) relations.add(match[1].replace(/"/g, ''));
			}
		}
	};
	walk(plan);
	return relations;
}

/**
 * The SQL parser is a large WASM module (tens of ms to load, more to compile): it is loaded only once the
 * session has SQL for the evaluators to read, so a session of plain answers never pays for it.
 */
export async function sqlParserFor(events: readonly SessionEvent[]): Promise<void> {
	const hasSql = (input: unknown) => isObject(input) && typeof input.query === 'string' && input.query !== '';
	if (
		events.some(event => (event.type === 'tool_call_requested' && hasSql(event.input)) || (event.type === 'tool_call_decided' && hasSql(event.editedInput)))
	) {
		await loadSqlParser();
	}
}
