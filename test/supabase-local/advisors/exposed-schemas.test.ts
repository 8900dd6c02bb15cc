import {describe, expect, it} from 'vitest';
import {parseSchemaList} from '../../../source/supabase-local/advisors/index.js';
import {quoteLiteral} from '../../../source/supabase-local/advisors/sql.js';

describe('pgrst.db_schemas, read as PostgREST reads db-schemas', () => {
	const cases: [string | null, string[]][] = [
		[null, ['public']],
		['', ['public']],
		[' , ', ['public']],
		['public', ['public']],
		['public, api', ['public', 'api']],
		['public,api,public', ['public', 'api']],
		['  api  ,  public ', ['api', 'public']],
		['public, "My Schema"', ['public', 'My Schema']],
		['"Ödd \'n ""x"" \\ ✓"', ['Ödd \'n "x" \\ ✓']],
	];
	for (const [setting, schemas] of cases) {
		it(`${JSON.stringify(setting)} → ${JSON.stringify(schemas)}`, () => {
			expect(parseSchemaList(setting)).toEqual(schemas);
		});
	}
});

describe('string literals in lint queries', () => {
	it('quotes apostrophes, and writes a backslash as an escape string so no server setting can change its meaning', () => {
		expect(quoteLiteral("it's")).toBe("'it''s'");
		expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
		expect(quoteLiteral("x\\'y")).toBe("E'x\\\\''y'");
	});
});
