import {beforeAll, describe, expect, it} from 'vitest';
import type {PolicyCall} from '../../source/policy/classify-call.js';
import type {ForbiddenContext, ViolationCode} from '../../source/policy/forbidden.js';
import {findForbidden, findSecrets, selectStarsInSql} from '../../source/policy/forbidden.js';
import {loadSqlParser} from '../../source/policy/sql-parser.js';

beforeAll(async () => {
	await loadSqlParser();
});

// Fake credentials are assembled at run time so that no secret-shaped literal sits in the repository.
const join = (...parts: string[]) => parts.join('');
const ANTHROPIC_KEY = join('sk-', 'ant-', 'api03-', 'x7Hq2LmN9pR4sT6vW8yZ1bC3dF5gJ0kK');
const STRIPE_KEY = join('sk_', 'live_', '51HqLmN9pR4sT6vW8yZ1bC3d');
const GITHUB_TOKEN = join('gh', 'p_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8');
const AWS_KEY_ID = join('AKIA', 'IOSFODNN7EXAMPLE');
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: object) => [base64url({alg: 'HS256', typ: 'JWT'}), base64url(payload), 'c2lnbmF0dXJlLXNpZ25hdHVyZQ'].join('.');
const SERVICE_ROLE_JWT = jwt({iss: 'supabase', role: 'service_role', exp: 1999999999});
const ANON_JWT = jwt({iss: 'supabase', role: 'anon', exp: 1999999999});
const USER_JWT = jwt({sub: '7d1f', role: 'authenticated'});

const migration = (query: string): PolicyCall => ({name: 'mcp__supabase__apply_migration', input: {name: 'm', query}});
const executeSql = (query: string): PolicyCall => ({name: 'mcp__supabase__execute_sql', input: {query}});
const writeFile = (filePath: string, content: string): PolicyCall => ({name: 'Write', input: {file_path: filePath, content}});
const editFile = (filePath: string, newString: string): PolicyCall => ({name: 'Edit', input: {file_path: filePath, old_string: 'x', new_string: newString}});
const deploy = (content: string): PolicyCall => ({
	name: 'mcp__supabase__deploy_edge_function',
	input: {name: 'notify', entrypoint_path: 'index.ts', files: [{name: 'index.ts', content}]},
});
const merge: PolicyCall = {name: 'mcp__supabase__merge_branch', input: {branch_id: 'b1'}};

const codes = (call: PolicyCall, context?: ForbiddenContext): ViolationCode[] => findForbidden(call, context).map(v => v.code);

describe('disabling row level security', () => {
	it.each<[string, PolicyCall, ForbiddenContext | undefined, boolean]>([
		['execute_sql disabling RLS', executeSql('alter table profiles disable row level security'), undefined, true],
		['a migration disabling RLS', migration('alter table public.profiles disable row level security'), undefined, true],
		['a DO block disabling RLS', executeSql('do $$ begin alter table profiles disable row level security; end $$'), undefined, true],
		['enabling RLS', migration('alter table profiles enable row level security'), undefined, false],
		['forcing RLS', migration('alter table profiles force row level security'), undefined, false],
		['a comment mentioning it', executeSql('-- alter table profiles disable row level security\nselect 1'), undefined, false],
		[
			'a table without user data',
			executeSql('alter table lookup_colours disable row level security'),
			{holdsUserData: table => table !== 'lookup_colours'},
			false,
		],
		[
			'a table with user data per the predicate',
			executeSql('alter table profiles disable row level security'),
			{holdsUserData: table => table !== 'lookup_colours'},
			true,
		],
	])('%s → violation: %s', (_label, call, context, expected) => {
		expect(codes(call, context).includes('rls_disabled_user_data')).toBe(expected);
	});

	it('names the table', () => {
		expect(findForbidden(executeSql('alter table public.profiles disable row level security'))[0]?.message).toContain('public.profiles');
	});
});

describe('SELECT * in migrations and function code', () => {
	it.each<[string, PolicyCall, boolean]>([
		['a migration selecting *', migration('insert into archive select * from courses'), true],
		['a view over *', migration('create view v as select * from courses'), true],
		['CREATE TABLE AS *', migration('create table c2 as select * from courses'), true],
		['table.* in a migration', migration('create view v as select c.* from courses c'), true],
		['an SQL function body', migration('create function f() returns setof courses language sql as $$ select * from courses $$'), true],
		['a BEGIN ATOMIC body', migration('create function f() returns int language sql begin atomic select * from courses; end'), true],
		['a PL/pgSQL body', migration('create function f() returns setof courses language plpgsql as $$ begin return query select * from courses; end $$'), true],
		['explicit columns', migration('create view v as select id, title from courses'), false],
		['count(*)', migration('create view v as select count(*) from courses'), false],
		['EXISTS (SELECT * …)', migration('create view v as select id from a where exists (select * from b where b.a_id = a.id)'), false],
		['RETURNING *', migration('insert into t (a) values (1) returning *'), false],
		['a string that says select *', migration("comment on table t is 'never select * from t'"), false],
		['execute_sql exploring with *', executeSql('select * from courses limit 5'), false],
		['supabase-js select(*) in an edge function', deploy("const {data} = await supabase.from('courses').select('*')"), true],
		['supabase-js select() in an edge function', deploy("const {data} = await supabase.from('courses').select()"), true],
		['supabase-js with columns', deploy("const {data} = await supabase.from('courses').select('id, title')"), false],
		['an SQL string in TypeScript', writeFile('supabase/functions/a/index.ts', 'const q = `SELECT * FROM courses WHERE id = $1`;'), true],
		['an SQL string with columns in TypeScript', writeFile('supabase/functions/a/index.ts', 'const q = `SELECT id FROM courses WHERE id = $1`;'), false],
		['an Edit adding select(*)', editFile('src/api.ts', ".select('*')"), true],
		['a .sql file', writeFile('supabase/migrations/001_init.sql', 'create view v as select * from courses;'), true],
		['a .sql fragment that does not parse', editFile('supabase/migrations/001_init.sql', 'select * from courses where'), true],
		['a .sql file with columns', writeFile('supabase/migrations/001_init.sql', 'create view v as select id from courses;'), false],
		['Markdown documentation', writeFile('docs/queries.md', 'Never write `select * from courses`.'), false],
	])('%s → violation: %s', (_label, call, expected) => {
		expect(codes(call).includes('select_star')).toBe(expected);
	});

	it('lists where the star is', () => {
		expect(selectStarsInSql('create view v as select * from t; select id from t')).toHaveLength(1);
		expect(selectStarsInSql('not sql')).toEqual([]);
	});
});

describe('secrets in written code or SQL', () => {
	it.each<[string, PolicyCall, boolean]>([
		['an Anthropic key in a Write', writeFile('src/client.ts', `const key = "${ANTHROPIC_KEY}";`), true],
		['an environment read instead', writeFile('src/client.ts', 'const key = process.env.ANTHROPIC_API_KEY;'), false],
		['a service_role JWT in an edge function', deploy(`createClient(url, '${SERVICE_ROLE_JWT}')`), true],
		['the public anon key in an edge function', deploy(`createClient(url, '${ANON_JWT}')`), false],
		['a user JWT in a test file', writeFile('test/a.ts', `const token = '${USER_JWT}'`), true],
		['a Postgres URL with a password', writeFile('.env', 'DATABASE_URL=postgres://app:S3cr3t-pa55@db.example.com:5432/app'), true],
		['a Postgres URL without a password', writeFile('.env', 'DATABASE_URL=postgres://app@db.example.com:5432/app'), false],
		['a Postgres URL with a placeholder', writeFile('README.md', 'postgres://postgres:[YOUR-PASSWORD]@db.example.com:5432/postgres'), false],
		['the local Supabase URL', writeFile('.env', 'DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres'), false],
		['an AWS key id', writeFile('deploy.sh', `export AWS_ACCESS_KEY_ID=${AWS_KEY_ID}`), true],
		['a Stripe live key', editFile('src/pay.ts', `stripe('${STRIPE_KEY}')`), true],
		['a Stripe publishable key', editFile('src/pay.ts', `stripe('${STRIPE_KEY.replace('sk_', 'pk_')}')`), false],
		['a GitHub token', writeFile('.github/x.sh', `curl -H "Authorization: token ${GITHUB_TOKEN}"`), true],
		['a generic *_SECRET assignment', writeFile('.env', 'JWT_SECRET=9f8e7d6c5b4a3f2e1d0c'), true],
		['a generic *_SECRET reference', writeFile('.env', 'JWT_SECRET=${JWT_SECRET}'), false],
		["a password = '…' literal", writeFile('src/db.ts', "const password = 'hunter2hunter2';"), true],
		['a password read from the environment', writeFile('src/db.ts', "const password = Deno.env.get('DB_PASSWORD');"), false],
		['an identifier-like token value', writeFile('src/auth.ts', "const grantToken = 'authorization_code';"), false],
		['a role password in SQL', migration("create role reporter login password 'Sup3rS3cret!'"), true],
		['a role without a password in SQL', migration('create role reporter nologin'), false],
		['a key in execute_sql', executeSql(`insert into settings (k, v) values ('anthropic', '${ANTHROPIC_KEY}')`), true],
		['a key in a shell command', {name: 'Bash', input: {command: `echo "${ANTHROPIC_KEY}" > .env`}}, true],
		['a private key block', writeFile('certs/key.pem', '-----BEGIN RSA PRIVATE KEY-----\nMIIE...'), true],
		['a public key block', writeFile('certs/key.pub', '-----BEGIN PUBLIC KEY-----\nMIIB...'), false],
	])('%s → violation: %s', (_label, call, expected) => {
		expect(codes(call).includes('secret_in_code')).toBe(expected);
	});

	it('never repeats the secret in the message', () => {
		const [violation] = findForbidden(writeFile('src/a.ts', `const k = "${ANTHROPIC_KEY}"`));
		expect(violation?.message).toContain('Anthropic API key');
		expect(violation?.message).not.toContain(ANTHROPIC_KEY.slice(10));
	});

	it('reports one finding per secret, not one per pattern', () => {
		expect(findSecrets(`ANTHROPIC_API_KEY=${ANTHROPIC_KEY}`)).toHaveLength(1);
		expect(findSecrets(`const a = '${SERVICE_ROLE_JWT}'`)[0]?.kind).toContain('service_role');
	});
});

describe('migrations on production', () => {
	it.each<[string, PolicyCall, ForbiddenContext, boolean]>([
		['apply_migration on production', migration('create table t (id int)'), {target: {production: true}}, true],
		['apply_migration on a development branch', migration('create table t (id int)'), {target: {production: false}}, false],
		['apply_migration with no target known', migration('create table t (id int)'), {}, false],
		['execute_sql reading production', executeSql('select 1'), {target: {production: true}}, false],
	])('%s → violation: %s', (_label, call, context, expected) => {
		expect(codes(call, context).includes('migration_on_production')).toBe(expected);
	});
});

describe('merging with security advisor errors', () => {
	it.each<[string, ForbiddenContext, ViolationCode[]]>([
		[
			'ERROR lints',
			{
				securityAdvisors: {
					lints: [
						{name: 'rls_disabled_in_public', level: 'ERROR'},
						{name: 'function_search_path_mutable', level: 'WARN'},
					],
				},
			},
			['merge_with_security_errors'],
		],
		[
			'only WARN and INFO lints',
			{
				securityAdvisors: {
					lints: [
						{name: 'function_search_path_mutable', level: 'WARN'},
						{name: 'rls_enabled_no_policy', level: 'INFO'},
					],
				},
			},
			[],
		],
		['no lints', {securityAdvisors: {lints: []}}, []],
		['advisors never run', {}, ['advisors_not_run']],
	])('%s', (_label, context, expected) => {
		expect(codes(merge, context)).toEqual(expected);
	});

	it('names the failing lints', () => {
		const [violation] = findForbidden(merge, {securityAdvisors: {lints: [{name: 'security_definer_view', level: 'ERROR'}]}});
		expect(violation?.message).toContain('security_definer_view');
	});

	it('does not concern other branch tools', () => {
		expect(codes({name: 'mcp__supabase__reset_branch', input: {branch_id: 'b1'}}, {})).toEqual([]);
	});
});
