/**
 * The advisor test suite, written once and run against each back end (PGlite and a real Postgres).
 */
import {expect, it} from 'vitest';
import {type AdvisorType, LINTS, type LintGroup, type Queryable, runAdvisors} from '../../../source/supabase-local/advisors/index.js';
import {LINT_CASES} from './lint-cases.js';

export type Harness = {
	db: Queryable;
	/** Runs several statements at once (PGlite's exec, pg's simple protocol). */
	exec: (sql: string) => Promise<void>;
};

/** Runs `sql` then the advisors inside one transaction, and rolls everything back. */
export async function advisorsAfter(harness: Harness, sql: string, type: AdvisorType): Promise<LintGroup[]> {
	await harness.exec('begin');
	try {
		await harness.exec(sql);
		return (await runAdvisors(harness.db, type)).lints;
	} finally {
		await harness.exec('rollback');
	}
}

export function findingsOf(groups: LintGroup[], lint: string) {
	return groups.find(group => group.name === lint)?.findings ?? [];
}

export function defineAdvisorTests(harness: () => Harness): void {
	it('reports nothing on a fresh platform: auth and the roles are never linted', async () => {
		for (const type of ['security', 'performance'] as const) {
			expect(await advisorsAfter(harness(), 'select 1', type)).toEqual([]);
		}
	});

	for (const testCase of LINT_CASES) {
		it(`${testCase.lint} triggers on ${testCase.triggers}`, async () => {
			const groups = await advisorsAfter(harness(), testCase.triggerSql, testCase.type);
			const finding = findingsOf(groups, testCase.lint).find(candidate => candidate.cache_key === testCase.cacheKey);
			expect(finding, `cache keys found: ${JSON.stringify(findingsOf(groups, testCase.lint).map(f => f.cache_key))}`).toBeDefined();
			expect(typeof finding?.detail).toBe('string');
			expect(finding?.metadata).toHaveProperty('schema');
			testCase.check?.(finding!);
		});
		it(`${testCase.lint} stays quiet on ${testCase.clean}`, async () => {
			const groups = await advisorsAfter(harness(), testCase.cleanSql, testCase.type);
			expect(findingsOf(groups, testCase.lint).map(finding => finding.cache_key)).not.toContain(testCase.cacheKey);
		});
	}

	it('every lint has at least one case that triggers it', () => {
		const covered = new Set(LINT_CASES.map(testCase => testCase.lint));
		expect(LINTS.map(lint => lint.name).filter(name => !covered.has(name))).toEqual([]);
	});

	it('groups findings per lint in the get_advisors shape, only the requested type', async () => {
		const sql = `create table public.a (id int); create table public.b (id int);
			create function public.f() returns int language sql security definer as 'select 1';`;
		const security = await advisorsAfter(harness(), sql, 'security');
		const performance = await advisorsAfter(harness(), sql, 'performance');
		for (const group of security) expect(group.categories).toEqual(['SECURITY']);
		for (const group of performance) expect(group.categories).toEqual(['PERFORMANCE']);
		const noPk = performance.find(group => group.name === 'no_primary_key');
		expect(noPk).toEqual({
			name: 'no_primary_key',
			title: 'No Primary Key',
			level: 'INFO',
			facing: 'EXTERNAL',
			categories: ['PERFORMANCE'],
			description: expect.any(String),
			remediation: 'https://supabase.com/docs/guides/database/database-linter?lint=0004_no_primary_key',
			count: 2,
			findings: [
				{detail: 'Table `public.a` has no primary key.', metadata: {schema: 'public', name: 'a', type: 'table'}, cache_key: 'no_primary_key_public_a'},
				{detail: 'Table `public.b` has no primary key.', metadata: {schema: 'public', name: 'b', type: 'table'}, cache_key: 'no_primary_key_public_b'},
			],
		});
		const rlsOff = security.find(group => group.name === 'rls_disabled_in_public');
		expect(rlsOff).toMatchObject({level: 'ERROR', count: 2});
		expect(security.map(group => group.name)).toEqual([
			'function_search_path_mutable',
			'rls_disabled_in_public',
			'anon_security_definer_function_executable',
			'authenticated_security_definer_function_executable',
		]);
		const keys = [...security, ...performance].flatMap(group => group.findings.map(finding => finding.cache_key));
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('reads pgrst.db_schemas as the project sets it: alter database counts at once, in a session begun before', async () => {
		const schema = '"Api ""v2"""';
		const sql = `do $$ begin execute format('alter database %I set pgrst.db_schemas = %L', current_database(), 'public, ${schema}'); end $$;
			create schema ${schema}; grant usage on schema ${schema} to anon;
			create table ${schema}.notes (id int primary key); grant select on ${schema}.notes to anon;`;
		const findings = findingsOf(await advisorsAfter(harness(), sql, 'security'), 'rls_disabled_in_public');
		expect(findings.map(finding => finding.cache_key)).toEqual(['rls_disabled_in_public_Api "v2"_notes']);
	});

	it('lints no system schema even when it is listed in pgrst.db_schemas', async () => {
		const sql = `set local pgrst.db_schemas = 'public, auth, storage, extensions';
			create schema storage; create schema extensions;
			create table storage.files (id int); create table extensions.things (id int);
			grant usage on schema storage, extensions to anon; grant select on storage.files, extensions.things to anon;
			create function auth.helper() returns int language sql security definer as 'select 1';
			create view storage.v as select id from storage.files; grant select on storage.v to anon;`;
		for (const type of ['security', 'performance'] as const) {
			expect(await advisorsAfter(harness(), sql, type)).toEqual([]);
		}
	});
}
