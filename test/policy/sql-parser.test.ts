import {describe, expect, it} from 'vitest';
import {classifySqlSync} from '../../source/policy/classify-sql.js';
import {isSqlParserLoaded, loadSqlParser} from '../../source/policy/sql-parser.js';

// This file must not load the parser in a beforeAll: it checks what happens before loading.
describe('loading the WASM parser', () => {
	it('refuses to classify synchronously before loading, then works', async () => {
		expect(isSqlParserLoaded()).toBe(false);
		expect(() => classifySqlSync('select 1')).toThrow('await loadSqlParser()');
		await Promise.all([loadSqlParser(), loadSqlParser()]);
		expect(isSqlParserLoaded()).toBe(true);
		expect(classifySqlSync('select 1').class).toBe('read-only');
	});
});
