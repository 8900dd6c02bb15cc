import {beforeAll, describe, expect, it} from 'vitest';
import {loadSqlParser, parseSql} from '../../source/policy/sql-parser.js';
import {conninfoPasswords, mayHoldSqlSecret, redactSqlSecrets} from '../../source/transcripts/sql-secrets.js';

beforeAll(async () => {
	await loadSqlParser();
});

/** [what, SQL, the SQL as redacted, secrets that must be known by value]. */
const CASES: Array<[string, string, string, string[]]> = [
	[
		'role password as an escape string, mixed case',
		String.raw`CREATE ROLE app LOGIN Password E'h\x75nter\'22';`,
		"CREATE ROLE app LOGIN Password E'[REDACTED:password]';",
		["hunter'22", String.raw`h\x75nter\'22`],
	],
	[
		'role password dollar-quoted, other options kept',
		"alter user bob with encrypted password $q$ab'c d$q$ valid until 'infinity'",
		"alter user bob with encrypted password $q$[REDACTED:password]$q$ valid until 'infinity'",
		["ab'c d"],
	],
	[
		'role password as a Unicode string with its own escape',
		"create role x password U&'d!0061ta!0062' UESCAPE '!'",
		"create role x password U&'[REDACTED:password]' UESCAPE '!'",
		['datab'],
	],
	['role password continued over lines', "create role x password 'first'\n'second'", "create role x password '[REDACTED:password]'", ['firstsecond']],
	['role password behind a comment', "create role x password /* c */ 'cmt-pw-1'", "create role x password /* c */ '[REDACTED:password]'", ['cmt-pw-1']],
	[
		'role password after non-ASCII text',
		"create role \"é_role\" password 'pé-secret'; select 'ü'",
		"create role \"é_role\" password '[REDACTED:password]'; select 'ü'",
		['pé-secret'],
	],
	[
		'user mapping password, user kept',
		"CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password 'm@pSecret')",
		"CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password '[REDACTED:password]')",
		['m@pSecret'],
	],
	[
		'user mapping password changed',
		"ALTER USER MAPPING FOR app SERVER s OPTIONS (SET password 'new-pass-1')",
		"ALTER USER MAPPING FOR app SERVER s OPTIONS (SET password '[REDACTED:password]')",
		['new-pass-1'],
	],
	[
		'option name as a quoted identifier',
		`CREATE USER MAPPING FOR app SERVER s OPTIONS ("password" 'quoted-opt-1')`,
		`CREATE USER MAPPING FOR app SERVER s OPTIONS ("password" '[REDACTED:password]')`,
		['quoted-opt-1'],
	],
	[
		'option name as a Unicode identifier',
		String.raw`CREATE USER MAPPING FOR app SERVER s OPTIONS (U&"p\0061ssword" 'unicode-opt-1')`,
		String.raw`CREATE USER MAPPING FOR app SERVER s OPTIONS (U&"p\0061ssword" '[REDACTED:password]')`,
		['unicode-opt-1'],
	],
	[
		'escape string continued on the next line',
		`${String.raw`create role x password E'one\'s'`}\n  'two'`,
		"create role x password E'[REDACTED:password]'",
		["one'stwo"],
	],
	[
		'wrapper server api key',
		"CREATE SERVER stripe_server FOREIGN DATA WRAPPER stripe_wrapper OPTIONS (api_key 'wrapper-key-1', api_url 'https://api.stripe.com/v1')",
		"CREATE SERVER stripe_server FOREIGN DATA WRAPPER stripe_wrapper OPTIONS (api_key '[REDACTED:password]', api_url 'https://api.stripe.com/v1')",
		['wrapper-key-1'],
	],
	[
		'dblink connection string',
		"select dblink_connect('c', 'host=db user=app password=dbl1nkPw dbname=shop')",
		"select dblink_connect('c', 'host=db user=app password=[REDACTED:password] dbname=shop')",
		['dbl1nkPw'],
	],
	[
		'dblink quoted password in an escape string',
		String.raw`select dblink_connect(E'host=db password=\'a b\\\'c\' dbname=shop')`,
		"select dblink_connect(E'[REDACTED:password]')",
		["a b'c"],
	],
	[
		'dblink URI',
		"select * from dblink('postgresql://app:Ur1Pass-9@db/shop', 'select 1') as t(x int)",
		"select * from dblink('postgresql://app:[REDACTED:password]@db/shop', 'select 1') as t(x int)",
		['Ur1Pass-9'],
	],
	[
		'subscription connection behind a comment',
		"CREATE SUBSCRIPTION s CONNECTION /* primary */ 'host=x password=subPw98' PUBLICATION p",
		"CREATE SUBSCRIPTION s CONNECTION /* primary */ 'host=x password=[REDACTED:password]' PUBLICATION p",
		['subPw98'],
	],
	[
		'subscription connection',
		"CREATE SUBSCRIPTION s CONNECTION 'host=x password=subPw99 dbname=y' PUBLICATION p",
		"CREATE SUBSCRIPTION s CONNECTION 'host=x password=[REDACTED:password] dbname=y' PUBLICATION p",
		['subPw99'],
	],
	[
		'secret database setting',
		`ALTER DATABASE postgres SET "app.settings.jwt_secret" TO 'super-secret-jwt-token-with-32-chars'`,
		`ALTER DATABASE postgres SET "app.settings.jwt_secret" TO '[REDACTED:password]'`,
		['super-secret-jwt-token-with-32-chars'],
	],
	['secret system setting', "alter system set app.service_token = 'abcdef123'", "alter system set app.service_token = '[REDACTED:password]'", ['abcdef123']],
	[
		'set_config of a secret setting',
		"select set_config('app.jwt_secret', 'jwtvalue123', false)",
		"select set_config('app.jwt_secret', '[REDACTED:password]', false)",
		['jwtvalue123'],
	],
	[
		'a secret setting set to a connection string stays whole',
		"select set_config('app.replica_secret', 'host=r password=Repl1ca-pw', false)",
		"select set_config('app.replica_secret', '[REDACTED:password]', false)",
		['Repl1ca-pw', 'host=r password=Repl1ca-pw'],
	],
	[
		'vault secret',
		"select vault.create_secret('vault-value-1', 'stripe_key')",
		"select vault.create_secret('[REDACTED:password]', 'stripe_key')",
		['vault-value-1'],
	],
	[
		'crypt of a plain password',
		"insert into auth.users (email, encrypted_password) values ('a@b.c', crypt('plain-pw-1', gen_salt('bf')))",
		"insert into auth.users (email, encrypted_password) values ('a@b.c', crypt('[REDACTED:password]', gen_salt('bf')))",
		['plain-pw-1'],
	],
	[
		'update of a password column',
		"update users set password = 'upd-pw-1'::text where id = 1",
		"update users set password = '[REDACTED:password]'::text where id = 1",
		['upd-pw-1'],
	],
	[
		'insert into a key column',
		"insert into api_keys (name, api_key) values ('ci', 'key-value-1'), ('cd', 'key-value-2')",
		"insert into api_keys (name, api_key) values ('ci', '[REDACTED:password]'), ('cd', '[REDACTED:password]')",
		['key-value-1', 'key-value-2'],
	],
	['no password at all', 'alter role app password null', 'alter role app password null', []],
	[
		'ordinary DDL',
		"create table t (id int primary key, token_count int, label text default 'password')",
		"create table t (id int primary key, token_count int, label text default 'password')",
		[],
	],
];

describe('SQL secrets from the parse tree', () => {
	it.each(CASES)('%s', (_name, sql, expected, secrets) => {
		const found = redactSqlSecrets(sql);
		expect(found?.sql).toBe(expected);
		for (const secret of secrets) expect(found?.secrets).toContain(secret);
		// The redacted SQL is still SQL: checklist evaluators and replay parse it.
		expect(parseSql(expected).ok).toBe(true);
	});

	it('gives up on SQL that does not parse, so the pattern rules take over', () => {
		expect(redactSqlSecrets("create role x passwrd 'a'")).toBeUndefined();
		expect(redactSqlSecrets('Hello, set a password please')).toBeUndefined();
	});

	it('always ends, and never leaves a secret behind in SQL that parses, however the SQL is cut or padded', () => {
		const start = performance.now();
		for (const [, sql, , secrets] of CASES) {
			for (let cut = 0; cut <= sql.length; cut++) {
				for (const variant of [sql.slice(0, cut), `${sql.slice(0, cut)}\n'${sql.slice(cut)}`, `select 1;\n${sql}\n;select 2`]) {
					const found = redactSqlSecrets(variant);
					if (found && variant.endsWith('select 2')) for (const secret of secrets) expect(found.sql).not.toContain(secret);
				}
			}
		}

		expect(performance.now() - start).toBeLessThan(20_000);
	});

	it('is idempotent', () => {
		const once = redactSqlSecrets("create role x password 'abcdefgh1'")!.sql;
		expect(redactSqlSecrets(once)).toEqual({sql: once, secrets: []});
	});

	it('parses only text that reads like SQL and mentions a secret word', () => {
		expect(mayHoldSqlSecret("create role x password 'y'")).toBe(true);
		expect(mayHoldSqlSecret("-- migration\n/* roles */\nALTER ROLE x PASSWORD 'y'")).toBe(true);
		expect(mayHoldSqlSecret('select 1')).toBe(false);
		expect(mayHoldSqlSecret('The password is in the vault.')).toBe(false);
	});

	it('reads passwords out of connection strings', () => {
		expect(conninfoPasswords("host=a password='x y\\'z' user=b")).toEqual(["x y'z"]);
		expect(conninfoPasswords('postgres://u:p%40ss@h/db?sslpassword=k')).toEqual(expect.arrayContaining(['p%40ss', 'p@ss', 'k']));
		expect(conninfoPasswords('host=a user=b')).toEqual([]);
	});
});
