/**
 * Proves that SQL only reads, by identity rather than by name: every function, operator, type and relation a query
 * reaches is looked up in the catalog by oid, and only objects that come with Postgres itself (oids below 16384,
 * which no user can create) and are known not to act count as safe. A user's function named `lower`, an operator
 * named `=`, `t.fn` attribute notation, a domain whose CHECK calls a function, a view over a volatile function: each
 * resolves to an object of the user's, so the query is not provably read-only and pgpair asks.
 *
 * How: each statement becomes the body of a temporary view in a transaction that is rolled back. Creating a view
 * analyses the query (names resolved exactly as when it runs) without running any of it, and records everything
 * the query depends on in pg_depend, which is then walked: views into their own dependencies, domains into their
 * constraints, range types into their support functions.
 */
import type {DatabasePlatform, SqlRunner} from './platform.js';
import {parseSql} from './sql-split.js';

export type ReadProof = {readOnly: true} | {readOnly: false; reasons: string[]};

/** The first oid a user object can have (Postgres's FirstNormalObjectId): everything below came with the server. */
const FIRST_USER_OID = 16384;

/**
 * Built-in functions that are stable or immutable yet run SQL text they are given (so they could reach anything).
 */
const SQL_TEXT_RUNNERS =
	/^(query_to_xml|query_to_xmlschema|query_to_xml_and_xmlschema|cursor_to_xml|cursor_to_xmlschema|table_to_xml|table_to_xmlschema|table_to_xml_and_xmlschema|schema_to_xml|schema_to_xmlschema|schema_to_xml_and_xmlschema|database_to_xml|database_to_xmlschema|database_to_xml_and_xmlschema|ts_stat)$/;

/** Built-in functions marked volatile only because their result changes, not because they act. */
const HARMLESS_VOLATILE = /^(random|random_normal|gen_random_uuid|uuidv4|uuidv7|clock_timestamp|timeofday)$/;

type Node = Record<string, unknown>;

function isObject(value: unknown): value is Node {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why a statement is not a plain read, or undefined when its kind can only read. */
function statementKindProblem(kind: string, body: Node): string | undefined {
	if (kind === 'VariableShowStmt') return undefined;
	if (kind === 'ExplainStmt') {
		const inner = isObject(body.query) ? Object.entries(body.query)[0] : undefined;
		return inner ? statementKindProblem(inner[0], (inner[1] ?? {}) as Node) : 'an EXPLAIN of nothing';
	}
	if (kind !== 'SelectStmt') return `${kind.replace(/Stmt$/, '')} is not a query`;
	if (body.intoClause) return 'SELECT … INTO creates a table';
	if (Array.isArray(body.lockingClause) && body.lockingClause.length > 0) return 'SELECT … FOR UPDATE/SHARE locks rows';
	return undefined;
}

/** The SELECT inside an EXPLAIN, as text, cut from the statement's own text. */
function queryText(kind: string, text: string): string | undefined {
	if (kind === 'SelectStmt') return text;
	if (kind === 'ExplainStmt') {
		// EXPLAIN [ ( options ) ] [ANALYZE] [VERBOSE] query: the query starts at its first keyword.
		const match = /^\s*explain\s*(\([^)]*\))?\s*(analy[sz]e\s+)?(verbose\s+)?/i.exec(text);
		return match ? text.slice(match[0].length) : undefined;
	}
	return undefined;
}

type Dependency = {classid: string; objid: number};

/**
 * Functions named inside stored expression trees (a view's query, a CHECK, a policy), by oid. Postgres does not
 * record dependencies on its own pinned objects, so pg_depend alone never shows a call to `pg_sleep` or
 * `pg_read_file`; the tree itself does. Operators count through the function behind them.
 */
const FUNCTION_FIELDS = /:(?:funcid|opfuncid|aggfnoid|winfnoid|tsmhandler|hashfuncid|negfuncid) (\d+)/g;
const OPERATOR_FIELDS = /:(?:opno|sortop|eqop) (\d+)/g;
const OPERATOR_LISTS = /:opnos \(o ([\d ]+)\)/g;

async function functionsInTrees(tx: SqlRunner, trees: string[]): Promise<Dependency[]> {
	const functions = new Set<number>();
	const operators = new Set<number>();
	for (const tree of trees) {
		for (const match of tree.matchAll(FUNCTION_FIELDS)) functions.add(Number(match[1]));
		for (const match of tree.matchAll(OPERATOR_FIELDS)) operators.add(Number(match[1]));
		for (const match of tree.matchAll(OPERATOR_LISTS)) for (const oid of match[1]!.trim().split(/\s+/)) operators.add(Number(oid));
	}
	functions.delete(0);
	operators.delete(0);
	if (operators.size > 0) {
		const {rows} = await tx.query(`select oprcode::oid::int8 as f from pg_catalog.pg_operator where oid = any($1::oid[])`, [[...operators]]);
		for (const row of rows) if (Number(row.f) !== 0) functions.add(Number(row.f));
	}
	return [...functions].map(objid => ({classid: 'pg_proc', objid}));
}

/** The dependencies of relations' query rules (views, the probe views), stored ones and the calls in the trees. */
async function ruleReach(tx: SqlRunner, relations: string[] | number[]): Promise<Dependency[]> {
	const filter = typeof relations[0] === 'number' ? 'r.ev_class = any($1::oid[])' : 'r.ev_class = any($1::regclass[])';
	const deps = await tx.query(
		`select d.refclassid::regclass::text as classid, d.refobjid::int8 as objid
		from pg_catalog.pg_depend d join pg_catalog.pg_rewrite r on d.classid = 'pg_catalog.pg_rewrite'::regclass and d.objid = r.oid
		where ${filter} and d.refobjid <> r.ev_class`,
		[relations],
	);
	const trees = await tx.query(`select r.ev_action::text as tree from pg_catalog.pg_rewrite r where ${filter}`, [relations]);
	return [
		...deps.rows.map(r => ({classid: String(r.classid), objid: Number(r.objid)})),
		...(await functionsInTrees(
			tx,
			trees.rows.map(r => String(r.tree)),
		)),
	];
}

/**
 * Everything the probe views reach, walked to the end: returns the reasons the reach is not safe (empty: safe).
 * `bypassRls`: the reader skips row-level security, so policies never run; otherwise their code counts too.
 */
async function unsafeReach(tx: SqlRunner, views: string[], bypassRls: boolean): Promise<string[]> {
	const reasons = new Set<string>();
	const seen = new Set<string>();
	let frontier: Dependency[] = await ruleReach(tx, views);

	for (let depth = 0; frontier.length > 0 && depth < 32; depth++) {
		const next: Dependency[] = [];
		const fresh = frontier.filter(d => {
			const key = `${d.classid}:${d.objid}`;
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
		const byClass = new Map<string, number[]>();
		for (const d of fresh) byClass.set(d.classid, [...(byClass.get(d.classid) ?? []), d.objid]);
		for (const [classid, oids] of byClass) {
			const user = oids.filter(oid => oid >= FIRST_USER_OID);
			switch (classid) {
				case 'pg_proc': {
					const {rows} = await tx.query(
						`select p.oid::int8 as oid, p.oid::regprocedure::text as name, p.proname, p.provolatile::text as volatility, n.nspname
						from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace where p.oid = any($1::oid[])`,
						[oids],
					);
					for (const row of rows) {
						if (Number(row.oid) >= FIRST_USER_OID) reasons.add(`calls the function ${row.name}, which is not built in`);
						else if (SQL_TEXT_RUNNERS.test(String(row.proname))) reasons.add(`calls ${row.name}, which runs the SQL it is given`);
						else if (row.volatility === 'v' && !HARMLESS_VOLATILE.test(String(row.proname))) reasons.add(`calls ${row.name}, which may act (it is volatile)`);
					}
					break;
				}
				case 'pg_operator':
					for (const oid of user) reasons.add(`uses the operator ${await describe(tx, 'regoperator', oid)}, which is not built in`);
					break;
				case 'pg_type':
					next.push(...(await typeReach(tx, user, reasons)));
					break;
				case 'pg_class':
					next.push(...(await relationReach(tx, oids, bypassRls, reasons)));
					break;
				case 'pg_cast': {
					const {rows} = await tx.query(`select castfunc::int8 as f from pg_catalog.pg_cast where oid = any($1::oid[]) and castfunc <> 0`, [oids]);
					next.push(...rows.map(r => ({classid: 'pg_proc', objid: Number(r.f)})));
					break;
				}
				case 'pg_namespace':
				case 'pg_collation':
				case 'pg_constraint':
				case 'pg_attrdef':
					break;
				default:
					for (const oid of user) reasons.add(`depends on ${classid} object ${oid}, which is not built in`);
			}
		}
		frontier = next;
	}
	return [...reasons];
}

async function describe(tx: SqlRunner, regtype: 'regoperator' | 'regtype' | 'regclass', oid: number): Promise<string> {
	const {rows} = await tx.query(`select $1::oid::${regtype}::text as name`, [oid]);
	return String(rows[0]?.name ?? oid);
}

/** User types: enums and composites hold no code; domains are judged by their constraints, ranges by their functions. */
async function typeReach(tx: SqlRunner, oids: number[], reasons: Set<string>): Promise<Dependency[]> {
	if (oids.length === 0) return [];
	const next: Dependency[] = [];
	const {rows} = await tx.query(
		`select t.oid::int8 as oid, t.oid::regtype::text as name, t.typtype::text as kind, t.typbasetype::int8 as base,
			coalesce(r.rngcanonical::int8, 0) as canonical, coalesce(r.rngsubdiff::int8, 0) as subdiff
		from pg_catalog.pg_type t left join pg_catalog.pg_range r on r.rngtypid = t.oid where t.oid = any($1::oid[])`,
		[oids],
	);
	for (const row of rows) {
		if (row.kind === 'e' || row.kind === 'c') continue;
		if (row.kind === 'd') {
			next.push({classid: 'pg_type', objid: Number(row.base)});
			const constraints = await tx.query(
				`select d.refclassid::regclass::text as classid, d.refobjid::int8 as objid
				from pg_catalog.pg_constraint c join pg_catalog.pg_depend d on d.classid = 'pg_catalog.pg_constraint'::regclass and d.objid = c.oid
				where c.contypid = $1 and d.refobjid <> $1`,
				[row.oid],
			);
			const trees = await tx.query(`select coalesce(conbin::text, '') as tree from pg_catalog.pg_constraint where contypid = $1`, [row.oid]);
			next.push(...constraints.rows.map(r => ({classid: String(r.classid), objid: Number(r.objid)})));
			next.push(
				...(await functionsInTrees(
					tx,
					trees.rows.map(r => String(r.tree)),
				)),
			);
		} else if (row.kind === 'r') {
			for (const fn of [row.canonical, row.subdiff]) if (Number(fn) !== 0) next.push({classid: 'pg_proc', objid: Number(fn)});
		} else {
			reasons.add(`uses the type ${row.name}, whose input and output functions are not built in`);
		}
	}
	return next;
}

/** Tables are data; views are followed into their definition; foreign tables reach other servers. */
async function relationReach(tx: SqlRunner, oids: number[], bypassRls: boolean, reasons: Set<string>): Promise<Dependency[]> {
	const next: Dependency[] = [];
	const {rows} = await tx.query(
		`select c.oid::int8 as oid, c.oid::regclass::text as name, c.relkind::text as kind, c.relrowsecurity as rls
		from pg_catalog.pg_class c where c.oid = any($1::oid[])`,
		[oids],
	);
	for (const row of rows) {
		if (row.kind === 'f') {
			reasons.add(`reads the foreign table ${row.name}, which reaches another server`);
		} else if (row.kind === 'v' || row.kind === 'm') {
			// A materialized view is stored data when read; only a view runs its query.
			if (row.kind === 'v') next.push(...(await ruleReach(tx, [Number(row.oid)])));
		} else if (row.rls && !bypassRls) {
			const deps = await tx.query(
				`select d.refclassid::regclass::text as classid, d.refobjid::int8 as objid
				from pg_catalog.pg_policy p join pg_catalog.pg_depend d on d.classid = 'pg_catalog.pg_policy'::regclass and d.objid = p.oid
				where p.polrelid = $1 and d.refobjid <> $1`,
				[row.oid],
			);
			const trees = await tx.query(
				`select coalesce(polqual::text, '') || coalesce(polwithcheck::text, '') as tree from pg_catalog.pg_policy where polrelid = $1`,
				[row.oid],
			);
			next.push(...deps.rows.map(r => ({classid: String(r.classid), objid: Number(r.objid)})));
			next.push(
				...(await functionsInTrees(
					tx,
					trees.rows.map(r => String(r.tree)),
				)),
			);
		}
	}
	return next;
}

/**
 * Whether `query` only reads, proven against this database's catalog. Runs nothing of the query: the probe
 * transaction creates temporary views and is rolled back.
 */
export async function proveReadOnly(db: DatabasePlatform, query: string, options: {timeoutMs: number; bypassRls: boolean}): Promise<ReadProof> {
	const parsed = await parseSql(query);
	if (!parsed) return {readOnly: false, reasons: ['the SQL does not parse']};
	const reasons: string[] = [];
	const queries: string[] = [];
	parsed.kinds.forEach((kind, i) => {
		const body = parsed.bodies[i] ?? {};
		const problem = statementKindProblem(kind, body);
		if (problem) reasons.push(problem);
		else {
			const text = queryText(kind, parsed.statements[i]!);
			if (text !== undefined) queries.push(text);
		}
	});
	if (reasons.length > 0) return {readOnly: false, reasons};
	if (queries.length === 0) return {readOnly: true};
	return db.session(
		async tx => {
			await tx.exec('begin');
			try {
				const views: string[] = [];
				for (const [i, text] of queries.entries()) {
					const view = `pg_temp.pgpair_probe_${i}`;
					await tx.exec('savepoint pgpair_probe');
					try {
						await tx.exec(`create temporary view ${view} as select 1 as pgpair_probe from (\n${text}\n) as pgpair_probe_query`);
						await tx.exec('release savepoint pgpair_probe');
					} catch (error) {
						await tx.exec('rollback to savepoint pgpair_probe');
						return {readOnly: false as const, reasons: [`it could not be analysed: ${(error as Error).message}`]};
					}
					views.push(view);
				}
				const unsafe = await unsafeReach(tx, views, options.bypassRls);
				return unsafe.length === 0 ? {readOnly: true as const} : {readOnly: false as const, reasons: unsafe};
			} finally {
				await tx.exec('rollback').catch(() => {});
			}
		},
		{timeoutMs: options.timeoutMs},
	);
}
