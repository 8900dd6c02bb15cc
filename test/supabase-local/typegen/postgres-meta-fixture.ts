/**
 * postgres-meta's own test database (test/fixtures/postgres-meta/, Apache-2.0, origin in each file's header): the
 * schema its type-generation snapshot is written against, loaded into both engines. Each change an engine needs is
 * listed here with its reason, and must still match the fixture text it changes, so the list cannot go stale.
 */
import {readFileSync} from 'node:fs';
import type {Engine} from '../../helpers/server-on-engine.js';

export const FIXTURE_FILES = ['00-init.sql', '01-memes.sql', '02-todo-user-view.sql'] as const;

type Adaptation = {
	file: (typeof FIXTURE_FILES)[number];
	/** Fixture text (exact, or a pattern); it must occur exactly once in the file. */
	find: string | RegExp;
	replace: string;
	engines: readonly Engine[];
	reason: string;
};

const JSON_SCHEMA_CHECKS = [
	['json_metadata_schema_check', 'json_matches_schema'],
	['metadata_schema_check', 'jsonb_matches_schema'],
] as const;

export const ADAPTATIONS: readonly Adaptation[] = [
	{
		file: '00-init.sql',
		find: `create extension postgres_fdw;
create server foreign_server foreign data wrapper postgres_fdw options (host 'localhost', port '5432', dbname 'postgres');
create user mapping for postgres server foreign_server options (user 'postgres', password 'postgres');
create foreign table foreign_table (
  id int8 not null,
  name text,
  status user_status
) server foreign_server options (schema_name 'public', table_name 'users');
`,
		replace: '',
		engines: ['pglite'],
		reason:
			'PGlite ships no postgres_fdw (it has no network to reach a foreign server from), so the extension, its server, ' +
			'the user mapping and the foreign table are left out on the embedded database.',
	},
	...JSON_SCHEMA_CHECKS.map(
		([constraint, fn]): Adaptation => ({
			file: '01-memes.sql',
			// the whole statement: from its first line to the closing parenthesis of the CHECK
			find: new RegExp(`ALTER TABLE public\\.memes ADD CONSTRAINT ${constraint} \\nCHECK \\(\\n  \\(${fn}\\([\\s\\S]*?\\n\\);\\n`),
			replace: '',
			engines: ['pglite', 'postgres'],
			reason:
				`The CHECK ${constraint} calls ${fn}() from pg_jsonschema, which postgres-meta installs in its test image and ` +
				'neither engine has, so it is left out. Check constraints do not appear in the generated types.',
		}),
	),
];

const FIXTURE_DIR = new URL('../../fixtures/postgres-meta/', import.meta.url);

/** The fixture as one script for `engine`, every adaptation for it applied. */
export function fixtureSql(engine: Engine): string {
	return FIXTURE_FILES.map(file => {
		let sql = readFileSync(new URL(file, FIXTURE_DIR), 'utf8');
		for (const adaptation of ADAPTATIONS.filter(a => a.file === file && a.engines.includes(engine))) {
			const {find} = adaptation;
			const occurrences = typeof find === 'string' ? sql.split(find).length - 1 : (sql.match(new RegExp(find.source, 'g')) ?? []).length;
			if (occurrences !== 1) throw new Error(`Adaptation no longer matches ${file} once (${occurrences} times): ${adaptation.reason}`);
			sql = sql.replace(adaptation.find, () => adaptation.replace);
		}
		return sql;
	}).join('\n;\n');
}
