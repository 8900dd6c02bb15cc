/** Anything that runs SQL: a PGlite instance, a `pg` Pool or Client, or a branch's connection. */
export type Queryable = {query(sql: string, params?: unknown[]): Promise<{rows: Record<string, unknown>[]}>};

export type AdvisorType = 'security' | 'performance';
export type LintLevel = 'ERROR' | 'WARN' | 'INFO';
export type LintCategory = 'SECURITY' | 'PERFORMANCE';

/** One object a lint flagged. `metadata` always carries `schema` and `name` (and usually `type`). */
export type LintFinding = {
	detail: string;
	metadata: Record<string, unknown>;
	cache_key: string;
};

/** Findings of one lint, in the shape `get_advisors` returns them. */
export type LintGroup = {
	name: string;
	title: string;
	level: LintLevel;
	facing: 'EXTERNAL';
	categories: LintCategory[];
	description: string;
	remediation: string;
	count: number;
	findings: LintFinding[];
};

/** What the database looks like, probed once per run so each lint query stays static and valid. */
export type LintContext = {
	/** Schemas PostgREST serves (from `pgrst.db_schemas`), system schemas removed. */
	exposedSchemas: string[];
	/** Raw `pgrst.db_schemas` list, before system schemas are removed (queue lint needs `pgmq_public`). */
	configuredSchemas: string[];
	/** Which of `anon` / `authenticated` exist: privilege checks against a missing role would raise. */
	apiRoles: ApiRole[];
	hasAuthUsers: boolean;
	hasStorageBuckets: boolean;
	hasPgGraphql: boolean;
};

export type ApiRole = 'anon' | 'authenticated';

/**
 * A lint: fixed facts plus a query. The query returns `detail text, metadata jsonb, cache_key text`,
 * or `sql` returns null when the lint cannot apply to this database (e.g. no storage schema).
 */
export type LintDefinition = {
	/** Upstream number, part of the remediation URL. */
	code: string;
	name: string;
	title: string;
	level: LintLevel;
	type: AdvisorType;
	description: string;
	sql: (context: LintContext) => string | null;
};
