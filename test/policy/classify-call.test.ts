import {beforeAll, describe, expect, it} from 'vitest';
import type {PolicyCall} from '../../source/policy/classify-call.js';
import {classifyCall, classifyCallSync, parseToolName, sqlOf} from '../../source/policy/classify-call.js';
import type {ToolCallClass} from '../../source/policy/hazards.js';
import {loadShellParser} from '../../source/policy/shell-parser.js';
import {loadSqlParser} from '../../source/policy/sql-parser.js';
import {SUPABASE_TOOL_ANNOTATIONS} from './supabase-tool-annotations.js';

beforeAll(async () => {
	await Promise.all([loadSqlParser(), loadShellParser()]);
});

const supabase = (tool: string, input: unknown = {}): PolicyCall => ({
	name: `mcp__supabase__${tool}`,
	input,
	...(SUPABASE_TOOL_ANNOTATIONS[tool] ? {annotations: SUPABASE_TOOL_ANNOTATIONS[tool]} : {}),
});

describe('parseToolName', () => {
	it.each([
		['mcp__supabase__list_tables', {kind: 'mcp', server: 'supabase', tool: 'list_tables'}],
		['mcp__my_db__execute_sql', {kind: 'mcp', server: 'my_db', tool: 'execute_sql'}],
		['Read', {kind: 'local', tool: 'Read'}],
		['mcp__broken', {kind: 'local', tool: 'mcp__broken'}],
	])('reads %s', (name, expected) => {
		expect(parseToolName(name)).toEqual(expected);
	});
});

describe('MCP annotations', () => {
	it.each<[string, PolicyCall['annotations'], ToolCallClass]>([
		['readOnlyHint true', {readOnlyHint: true}, 'read-only'],
		['readOnlyHint true, destructiveHint false', {readOnlyHint: true, destructiveHint: false}, 'read-only'],
		['destructiveHint true', {readOnlyHint: false, destructiveHint: true}, 'destructive'],
		['destructiveHint true alone', {destructiveHint: true}, 'destructive'],
		['both false', {readOnlyHint: false, destructiveHint: false}, 'write'],
		['only idempotentHint', {idempotentHint: true}, 'write'],
		['no annotations', undefined, 'write'],
		['contradictory hints fail safe', {readOnlyHint: true, destructiveHint: true}, 'destructive'],
	])('%s', (_label, annotations, expected) => {
		const call: PolicyCall = {name: 'mcp__other__do_thing', input: {}, ...(annotations ? {annotations} : {})};
		expect(classifyCallSync(call).class).toBe(expected);
	});

	const nonSql = Object.entries(SUPABASE_TOOL_ANNOTATIONS).filter(([tool]) => tool !== 'execute_sql' && tool !== 'apply_migration');
	it.each(nonSql)('follows the official annotations for supabase %s', (tool, annotations) => {
		const expected: ToolCallClass = annotations.destructiveHint ? 'destructive' : annotations.readOnlyHint ? 'read-only' : 'write';
		expect(classifyCallSync(supabase(tool)).class).toBe(expected);
	});

	it.each<[string, ToolCallClass]>([
		['list_tables', 'read-only'],
		['get_advisors', 'read-only'],
		['create_branch', 'write'],
		['delete_branch', 'destructive'],
		['reset_branch', 'destructive'],
		['merge_branch', 'destructive'],
		['deploy_edge_function', 'destructive'],
	])('classifies supabase %s as %s', (tool, expected) => {
		expect(classifyCallSync(supabase(tool, {branch_id: 'b1'})).class).toBe(expected);
	});
});

describe('SQL tools', () => {
	it.each<[string, string, ToolCallClass]>([
		['execute_sql', 'select * from courses limit 5', 'read-only'],
		['execute_sql', "insert into courses (title) values ('x')", 'write'],
		['execute_sql', 'drop table courses', 'destructive'],
		['execute_sql', 'selec 1', 'destructive'],
		['apply_migration', 'create table t (id int)', 'write'],
		['apply_migration', 'select 1', 'write'],
		['apply_migration', 'alter table t drop column a', 'destructive'],
	])('%s with %j is %s despite its destructive annotation', (tool, query, expected) => {
		const result = classifyCallSync(supabase(tool, {name: 'm', query}));
		expect(result.class).toBe(expected);
		expect(result.sql).toBeDefined();
	});

	it('treats execute_sql of any server by its SQL', () => {
		const call: PolicyCall = {name: 'mcp__local_pg__execute_sql', input: {query: 'select 1'}, annotations: {destructiveHint: true}};
		expect(classifyCallSync(call).class).toBe('read-only');
	});

	it('fails closed when the query is missing or not a string', () => {
		expect(classifyCallSync(supabase('execute_sql', {})).class).toBe('destructive');
		expect(classifyCallSync(supabase('execute_sql', {query: 42})).class).toBe('destructive');
		expect(classifyCallSync(supabase('execute_sql', null)).class).toBe('destructive');
	});

	it('passes the SQL hazards through for the pane', () => {
		const result = classifyCallSync(supabase('execute_sql', {query: 'select 1; truncate t'}));
		expect(result.hazards).toContainEqual(expect.objectContaining({code: 'data_loss', statementIndex: 1}));
	});

	it('reads the SQL of SQL tools only', () => {
		expect(sqlOf(supabase('execute_sql', {query: 'select 1'}))).toBe('select 1');
		expect(sqlOf(supabase('query_logs', {sql: 'select 1'}))).toBeUndefined();
		expect(sqlOf({name: 'Bash', input: {query: 'drop table t'}})).toBeUndefined();
	});

	it('has an async variant that loads the parser itself', async () => {
		expect((await classifyCall(supabase('execute_sql', {query: 'delete from t'}))).class).toBe('destructive');
	});
});

describe('local tools', () => {
	it.each<[string, unknown, ToolCallClass]>([
		['Read', {file_path: 'src/a.ts'}, 'read-only'],
		['Glob', {pattern: '**/*.ts'}, 'read-only'],
		['Grep', {pattern: 'TODO'}, 'read-only'],
		['Write', {file_path: 'a.ts', content: ''}, 'write'],
		['Edit', {file_path: 'a.ts', old_string: 'a', new_string: 'b'}, 'write'],
		['MultiEdit', {file_path: 'a.ts', edits: []}, 'write'],
		['WebFetch', {url: 'https://example.com'}, 'write'],
		['Bash', {command: 'ls -la'}, 'read-only'],
		['Bash', {command: 'cat package.json'}, 'read-only'],
		['Bash', {command: 'cat /etc/hosts'}, 'write'],
		['Bash', {command: 'git status'}, 'read-only'],
		['Bash', {command: 'git push origin main'}, 'destructive'],
		['Bash', {command: 'psql -c "select 1"'}, 'destructive'],
		['Bash', {command: 'echo farm > notes.txt'}, 'destructive'],
		['Bash', {}, 'destructive'],
		['Bash', {command: 'rm -rf build'}, 'destructive'],
		['Bash', {command: 'rm notes.txt'}, 'destructive'],
		['Bash', {command: 'npm run build && rm -rf dist'}, 'destructive'],
		['Bash', {command: 'sudo rm -r /var/tmp/x'}, 'destructive'],
		['Bash', {command: 'find . -name "*.log" -delete'}, 'destructive'],
		['Bash', {command: 'dropdb app'}, 'destructive'],
		['Bash', {command: 'git push --force origin main'}, 'destructive'],
		['Bash', {command: 'git push -f'}, 'destructive'],
		['Bash', {command: 'git reset --hard HEAD~3'}, 'destructive'],
		['Bash', {command: 'git clean -fd'}, 'destructive'],
		['Bash', {command: 'git branch -D feature'}, 'destructive'],
		['Bash', {command: 'supabase db reset'}, 'destructive'],
		['Bash', {command: 'psql "$DATABASE_URL" -c "DROP TABLE users"'}, 'destructive'],
		['Bash', {command: "psql -c 'truncate events'"}, 'destructive'],
		['Bash', {command: "psql -c 'delete from events'"}, 'destructive'],
	])('%s %j is %s', (name, input, expected) => {
		expect(classifyCallSync({name, input}).class).toBe(expected);
	});
});
