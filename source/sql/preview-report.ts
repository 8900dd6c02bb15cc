/**
 * What the local server's `pgpair_preview_sql` answers: the effect of SQL as measured in a sandbox. The server
 * (source/supabase-local/preview/) builds it; the app (source/preview/) reads it back from the JSON of an MCP text
 * block and checks the parts it relies on, since the server it talks to may be of another version.
 */

export type DryRunMode = 'migration' | 'sql';

export type DryRunError = {message: string; code?: string; position?: number; detail?: string; hint?: string};

/**
 * `frozen`: the embedded engine itself, frozen so that nothing it does reaches its files, discarded afterwards;
 * `clone`: a copy loaded into an engine of its own; `rolled-back-transaction`: Postgres, as a confined role (see
 * source/supabase-local/postgres-sandbox.ts).
 */
export type SandboxKind = 'frozen' | 'clone' | 'rolled-back-transaction';

/** A table or view of the user's schemas as the dry run sees it: identity, storage and size. */
export type DryRunRelation = {
	oid: number;
	/** `schema.table`, quoted where needed. */
	name: string;
	schema: string;
	table: string;
	kind: 'table' | 'view';
	/** A foreign table: reading it reads another server, a file or a program's output. */
	foreign?: true;
	/** Changes when the table is rewritten (type change, volatile default, TRUNCATE, VACUUM FULL). */
	filenode: number;
};

/** A table's row count: exact up to a limit, else the planner's estimate. */
export type TableRows = {name: string; rows: number; estimated?: true};

export type RowChange = {
	table: string;
	operation: 'insert' | 'update' | 'delete' | 'truncate';
	count: number;
	sample: Record<string, unknown>[];
};

/** A function, procedure, trigger function, rule or event trigger the SQL created or replaced: code that runs later. */
export type CreatedCode = {
	kind: 'function' | 'procedure' | 'rule' | 'event trigger';
	/** `schema.name(args)` for routines, `schema.table.rule` for rules, the name for event triggers. */
	name: string;
	language?: string;
	securityDefiner?: boolean;
	/** The source: a routine's body, a rule's definition, an event trigger's function and events. */
	definition: string;
	/** It existed before with another definition: what called it now gets this instead. */
	replaced?: boolean;
};

export type SequenceChange = {name: string; before: number | string | null; after: number | string | null};

/** What the sandbox measured besides rows and the schema. */
export type MeasuredEffects = {
	/** Sequences whose value moved (a real run moves them for good: Postgres never rolls them back). */
	sequences: SequenceChange[];
	largeObjects: {before: number; after: number};
	/** Files written outside the database's own files; undefined where the sandbox cannot tell (it prevents them). */
	files?: string[];
	code: CreatedCode[];
};

export type DryRunReport = {
	mode: DryRunMode;
	/** Where the SQL ran; none: it was not run. */
	sandbox: SandboxKind | 'none';
	before: string;
	after: string;
	after_rollback?: string;
	error?: DryRunError;
	rollback_error?: DryRunError;
	/** ACCESS EXCLUSIVE locks taken on tables and views that existed before: they block every reader until commit. */
	locks: {relation: string; mode: string}[];
	rows: RowChange[];
	/** Row counts before the SQL ran. */
	tables: TableRows[];
	/** Tables and views by oid before and after, so renames, drops and rewrites can be told apart. */
	relations: {before: DryRunRelation[]; after: DryRunRelation[]};
	effects: MeasuredEffects;
	/** What was not run, and why: nothing is known about it, so the app counts it as destructive. */
	not_previewed: string[];
	/** What the dry run did differently from the real run, in plain words. */
	notes: string[];
	duration_ms: number;
};
