import {beforeAll, describe, expect, it} from 'vitest';
import {classifySql, classifySqlSync} from '../../source/policy/classify-sql.js';
import {loadSqlParser} from '../../source/policy/sql-parser.js';
import {SQL_CORPUS} from '../fixtures/sql-corpus.js';

beforeAll(async () => {
	await loadSqlParser();
});

describe('the SQL corpus', () => {
	it('holds at least 150 cases of every class', () => {
		expect(SQL_CORPUS.length).toBeGreaterThanOrEqual(150);
		for (const cls of ['read-only', 'write', 'destructive'] as const) {
			expect(SQL_CORPUS.filter(c => c.class === cls).length).toBeGreaterThanOrEqual(30);
		}
	});

	it.each(SQL_CORPUS.map(c => [c.sql, c] as const))('classifies %j', (_sql, expected) => {
		const result = classifySqlSync(expected.sql);
		expect(result.class).toBe(expected.class);
		const codes = result.hazards.map(h => h.code);
		for (const code of expected.hazards ?? []) expect(codes).toContain(code);
		if (expected.kinds) expect(result.statements.map(s => s.kind)).toEqual(expected.kinds);
	});

	it('never classifies a destructive case as read-only', () => {
		const leaks = SQL_CORPUS.filter(c => c.class === 'destructive' && classifySqlSync(c.sql).class === 'read-only');
		expect(leaks.map(c => c.sql)).toEqual([]);
	});

	it('never classifies a write case as read-only', () => {
		const leaks = SQL_CORPUS.filter(c => c.class === 'write' && classifySqlSync(c.sql).class === 'read-only');
		expect(leaks.map(c => c.sql)).toEqual([]);
	});
});

describe('classifySqlSync details', () => {
	it('splits statements and keeps their own text, even after multi-byte characters', () => {
		const result = classifySqlSync("select 'café';\n  delete from t where id = 1;  truncate t");
		expect(result.statements).toEqual([
			{kind: 'SELECT', class: 'read-only', text: "select 'café'"},
			{kind: 'DELETE', class: 'write', text: 'delete from t where id = 1'},
			{kind: 'TRUNCATE', class: 'destructive', text: 'truncate t'},
		]);
		expect(result.class).toBe('destructive');
	});

	it('ties each hazard to its statement and object', () => {
		const result = classifySqlSync('select 1; alter table public.profiles disable row level security');
		expect(result.hazards).toEqual([expect.objectContaining({code: 'rls_disabled', statementIndex: 1, object: 'public.profiles'})]);
	});

	it('reports the parse error with a character position', () => {
		const result = classifySqlSync("select 'é';\nselec 1");
		expect(result.class).toBe('destructive');
		expect(result.statements).toEqual([]);
		expect(result.parseError).toEqual({message: 'syntax error at or near "selec"', position: 12});
		expect("select 'é';\nselec 1".slice(12)).toBe('selec 1');
	});

	it('labels hazards found inside a DO block as such', () => {
		const [hazard] = classifySqlSync('do $$ begin delete from t; end $$').hazards;
		expect(hazard?.message).toMatch(/^in the DO block: DELETE without WHERE/);
	});

	it('labels a function body without raising the class of its creation', () => {
		const result = classifySqlSync("create function wipe() returns void language plpgsql as $$ begin execute 'truncate t'; end $$");
		expect(result.class).toBe('write');
		expect(result.hazards).toContainEqual(expect.objectContaining({code: 'dynamic_sql', message: expect.stringMatching(/^when wipe\(\) runs:/)}));
	});

	it('describes a GRANT in words the pane can show', () => {
		expect(classifySqlSync('grant select, insert on t to anon, authenticated').hazards[0]?.message).toBe('GRANT select, insert to anon, authenticated');
	});

	it('has an async variant that loads the parser', async () => {
		expect((await classifySql('select 1')).class).toBe('read-only');
	});
});
