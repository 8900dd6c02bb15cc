/**
 * Runs the splinter-style cases (splinter.cases.ts) through `pgpair mcp` as a separate process, reached by the MCP
 * SDK's stdio client, the way any client reaches it: SQL goes in through execute_sql, findings come out of
 * get_advisors. One server per engine; every case undoes what it set up, and the advisors must then find nothing.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {AdvisorType, LintGroup} from '../../../source/supabase-local/advisors/index.js';
import {createTestDatabase} from '../../helpers/database-url.js';
import {connectClient, type SupabaseMcpTestClient} from '../../helpers/supabase-mcp-client.js';
import {TEST_XDG_CACHE_HOME} from '../pglite-cache.js';
import {type LintSpec, SPLINTER_DATABASE_LINTS, SPLINTER_SUITE, type SplinterCase} from './splinter.cases.js';

const BIN = fileURLToPath(new URL('../../../source/supabase-local/stdio-bin.ts', import.meta.url));
const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url));

export type Engine = 'pglite' | 'postgres';

async function spawnServer(args: string[]): Promise<SupabaseMcpTestClient> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
	delete env['DATABASE_URL'];
	env['XDG_CACHE_HOME'] = TEST_XDG_CACHE_HOME;
	const transport = new StdioClientTransport({command: process.execPath, args: ['--import', 'tsx', BIN, ...args], cwd: REPOSITORY, env, stderr: 'pipe'});
	return connectClient(transport, async () => {});
}

/** What every group of findings looks like, whatever the lint (the get_advisors shape of Supabase's server). */
function expectGroupShape(group: LintGroup, spec: LintSpec): void {
	expect(group).toEqual({
		name: spec.name,
		title: expect.any(String),
		level: spec.level,
		facing: 'EXTERNAL',
		categories: [spec.type === 'security' ? 'SECURITY' : 'PERFORMANCE'],
		description: expect.any(String),
		remediation: `https://supabase.com/docs/guides/database/database-linter?lint=${spec.code}_${spec.name}`,
		count: group.findings.length,
		findings: expect.any(Array),
	});
	for (const finding of group.findings) {
		expect(Object.keys(finding).sort()).toEqual(['cache_key', 'detail', 'metadata']);
		expect(finding.detail).toEqual(expect.any(String));
		expect(finding.cache_key.startsWith(spec.name === 'auth_rls_initplan' ? 'auth_rls_init_plan_' : `${spec.name}_`)).toBe(true);
		expect(finding.metadata).toMatchObject({schema: expect.any(String), name: expect.any(String), type: expect.any(String)});
	}
}

export function describeSplinterSuite(engine: Engine): void {
	describe(`splinter-style advisor suite through pgpair mcp on ${engine === 'pglite' ? 'PGlite' : 'a real Postgres (--db)'}`, () => {
		let server: SupabaseMcpTestClient;
		let workspace: string;
		let dropDatabase: (() => Promise<void>) | undefined;

		beforeAll(async () => {
			workspace = await mkdtemp(path.join(tmpdir(), 'pgpair-splinter-'));
			if (engine === 'pglite') {
				server = await spawnServer(['--workspace', workspace]);
			} else {
				const database = await createTestDatabase('pgpair_splinter');
				dropDatabase = database.drop;
				server = await spawnServer(['--db', database.url, '--workspace', workspace]);
			}
		});

		afterAll(async () => {
			await server?.close();
			await dropDatabase?.();
			if (workspace) await rm(workspace, {recursive: true, force: true});
		});

		const run = (sql: string) => server.call('execute_sql', {query: sql});
		const advisors = async (type: AdvisorType): Promise<LintGroup[]> => (await server.call('get_advisors', {type})).result.lints;
		const cacheKeys = (groups: LintGroup[]) => groups.flatMap(group => group.findings.map(finding => finding.cache_key));

		it('starts from a project in which the advisors find nothing', async () => {
			expect(await advisors('security')).toEqual([]);
			expect(await advisors('performance')).toEqual([]);
		});

		for (const spec of SPLINTER_SUITE) {
			describe(`${spec.code} ${spec.name}`, () => {
				if (spec.unavailable) {
					const missing = spec.unavailable;
					it(`cannot run for real: ${missing} is not available here, so its catalog row stands in`, async () => {
						const {extensions} = await server.call('list_extensions');
						expect(extensions.map((e: {name: string}) => e.name)).not.toContain(missing);
						const refused = await server.callError('execute_sql', {query: `create extension ${missing}`});
						expect(refused.text).toMatch(/is not available|could not open extension control file/);
					});
				}

				for (const testCase of spec.cases) {
					it(`${testCase.kind}: ${testCase.says}`, async () => {
						let groups: LintGroup[];
						try {
							await run(testCase.setup);
							groups = await advisors(spec.type);
						} finally {
							await run(testCase.cleanup);
						}
						checkCase(spec, testCase, groups);
						// What the case set up is gone again: the next case starts from nothing.
						expect(await advisors(spec.type)).toEqual([]);
					});
				}
			});
		}

		it('gives every finding its own cache key when every lint has findings at once', async () => {
			const combined = SPLINTER_SUITE.flatMap(spec => spec.cases.filter(c => c.kind === 'positive' && c.combinable !== false).map(c => ({spec, c})));
			expect(combined.length).toBeGreaterThan(20);
			let keys: string[];
			try {
				for (const {c} of combined) await run(c.setup);
				keys = [...cacheKeys(await advisors('security')), ...cacheKeys(await advisors('performance'))];
			} finally {
				for (const {c} of [...combined].reverse()) await run(c.cleanup);
			}
			expect(new Set(keys).size).toBe(keys.length);
			for (const {c} of combined) expect(keys).toContain(c.cacheKey);
			expect(await advisors('security')).toEqual([]);
			expect(await advisors('performance')).toEqual([]);
		});

		it('covers every lint splinter runs on the database, each with a positive, a negative and an adversarial case', () => {
			expect(SPLINTER_SUITE.map(spec => spec.code)).toEqual(SPLINTER_DATABASE_LINTS);
			for (const spec of SPLINTER_SUITE) {
				expect(new Set(spec.cases.map(c => c.kind)), spec.code).toEqual(new Set(['positive', 'negative', 'adversarial']));
			}
		});
	});
}

function checkCase(spec: LintSpec, testCase: SplinterCase, groups: LintGroup[]): void {
	const group = groups.find(candidate => candidate.name === spec.name);
	if (testCase.kind === 'negative') {
		expect(group?.findings.map(finding => finding.cache_key) ?? []).toEqual([]);
		return;
	}
	expect(group, `no ${spec.name} findings; the lints found: ${JSON.stringify(groups.map(g => g.name))}`).toBeDefined();
	expectGroupShape(group!, spec);
	const keys = group!.findings.map(finding => finding.cache_key);
	expect(new Set(keys).size).toBe(keys.length);
	const finding = group!.findings.find(candidate => candidate.cache_key === testCase.cacheKey);
	expect(finding, `cache keys found: ${JSON.stringify(keys)}`).toBeDefined();
	if (testCase.metadata) expect(finding!.metadata).toMatchObject(testCase.metadata);
	for (const absent of testCase.absent ?? []) expect(keys).not.toContain(absent);
}
