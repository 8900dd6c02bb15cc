/**
 * What `pgpair_preview_sql` answers: the effect of SQL as measured in the sandbox. The app restates this shape
 * (source/preview/dry-run-report.ts) because it reaches the server only through MCP.
 */
import type {SandboxKind} from '../platform.js';
import type {RelationInfo, TableRows} from '../schema-dump.js';

export type DryRunMode = 'migration' | 'sql';

export type DryRunInput = {
	query: string;
	/** `migration` behaves like apply_migration (one transaction, no transaction control); `sql` like execute_sql. */
	mode: DryRunMode;
	/** A down migration run after `query` in the same transaction, for the reversibility check. */
	rollbackQuery?: string;
};

export type DryRunError = {message: string; code?: string; position?: number; detail?: string; hint?: string};

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

export type DryRunResult = {
	mode: DryRunMode;
	/** Where the SQL ran (see `SandboxKind`); none: it was not run. */
	sandbox: SandboxKind | 'none';
	before: string;
	after: string;
	after_rollback?: string;
	error?: DryRunError;
	rollback_error?: DryRunError;
	/** ACCESS EXCLUSIVE locks taken on tables and views that existed before: they block every reader until commit. */
	locks: {relation: string; mode: string}[];
	rows: RowChange[];
	/** Row counts before the SQL ran (exact up to a limit, else estimated). */
	tables: TableRows[];
	/** Tables and views by oid before and after, so renames, drops and rewrites can be told apart. */
	relations: {before: RelationInfo[]; after: RelationInfo[]};
	effects: MeasuredEffects;
	/** What was not run, and why: nothing is known about it, so the app counts it as destructive. */
	not_previewed: string[];
	/** What the dry run did differently from the real run, in plain words. */
	notes: string[];
	duration_ms: number;
};
