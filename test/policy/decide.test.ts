import {beforeAll, describe, expect, it} from 'vitest';
import type {PolicyCall} from '../../source/policy/classify-call.js';
import {classifyCallSync} from '../../source/policy/classify-call.js';
import type {DecideInput, PermissionMode} from '../../source/policy/decide.js';
import {decide, nextMode, PERMISSION_MODES} from '../../source/policy/decide.js';
import type {PermissionSettings} from '../../source/policy/rules.js';
import {parseRules} from '../../source/policy/rules.js';
import {loadShellParser} from '../../source/policy/shell-parser.js';
import {loadSqlParser} from '../../source/policy/sql-parser.js';
import {SUPABASE_TOOL_ANNOTATIONS} from './supabase-tool-annotations.js';

beforeAll(async () => {
	await Promise.all([loadSqlParser(), loadShellParser()]);
});

const workspace = {workspaceRoot: '/home/dev/app', homeDir: '/home/dev'};

const sql = (query: string, tool = 'execute_sql'): PolicyCall => ({
	name: `mcp__supabase__${tool}`,
	input: {query},
	annotations: SUPABASE_TOOL_ANNOTATIONS[tool],
});
const supabase = (tool: string): PolicyCall => ({name: `mcp__supabase__${tool}`, input: {branch_id: 'b'}, annotations: SUPABASE_TOOL_ANNOTATIONS[tool]});
const write = (filePath: string): PolicyCall => ({name: 'Write', input: {file_path: filePath, content: 'x'}});
const edit = (filePath: string): PolicyCall => ({name: 'Edit', input: {file_path: filePath, old_string: 'a', new_string: 'b'}});
const read = (filePath: string): PolicyCall => ({name: 'Read', input: {file_path: filePath}});
const bash = (command: string): PolicyCall => ({name: 'Bash', input: {command}});

const SELECT = sql('select * from courses limit 5');
const INSERT = sql("insert into courses (title) values ('x')");
const DROP = sql('drop table courses');

function run(call: PolicyCall, options: Partial<Omit<DecideInput, 'rules'>> & {rules?: PermissionSettings} = {}) {
	return decide({
		call,
		classification: options.classification ?? classifyCallSync(call),
		rules: parseRules(options.rules ?? {}),
		mode: options.mode ?? 'default',
		workspace,
		...(options.sessionAllows ? {sessionAllows: options.sessionAllows} : {}),
		...(options.explicitDestructiveOptIn === undefined ? {} : {explicitDestructiveOptIn: options.explicitDestructiveOptIn}),
		...(options.violations ? {violations: options.violations} : {}),
	});
}

describe('modes without rules', () => {
	it.each<[PermissionMode, PolicyCall, string]>([
		['default', SELECT, 'allow'],
		['default', INSERT, 'ask'],
		['default', DROP, 'ask'],
		['default', write('src/a.ts'), 'ask'],
		['default', read('src/a.ts'), 'allow'],
		['default', bash('ls'), 'allow'],
		['default', bash('npm test'), 'ask'],
		['plan', SELECT, 'allow'],
		['plan', read('src/a.ts'), 'allow'],
		['plan', INSERT, 'deny'],
		['plan', DROP, 'deny'],
		['plan', write('src/a.ts'), 'deny'],
		['plan', bash('ls'), 'allow'],
		['plan', bash('npm test'), 'deny'],
		['plan', supabase('create_branch'), 'deny'],
		['acceptEdits', write('src/a.ts'), 'allow'],
		['acceptEdits', edit('/home/dev/app/src/a.ts'), 'allow'],
		['acceptEdits', write('../elsewhere/a.ts'), 'ask'],
		['acceptEdits', write('/etc/hosts'), 'ask'],
		['acceptEdits', bash('ls'), 'allow'],
		['acceptEdits', bash('npm test'), 'ask'],
		['acceptEdits', INSERT, 'ask'],
		['acceptEdits', DROP, 'ask'],
		['acceptEdits', SELECT, 'allow'],
	])('%s mode: %j → %s', (mode, call, action) => {
		expect(run(call, {mode}).action).toBe(action);
	});

	it('says why plan mode denies, so the model can adjust', () => {
		const decision = run(INSERT, {mode: 'plan'});
		expect(decision.reason).toContain('Plan mode');
		expect(decision.by).toBe('mode');
	});

	it('asks before reading outside the workspace', () => {
		expect(run(read('/home/dev/.ssh/id_ed25519')).action).toBe('ask');
		expect(run(read('../other/file')).action).toBe('ask');
	});
});

describe('rules', () => {
	it('lets a deny rule win over everything', () => {
		const decision = run(SELECT, {
			rules: {allow: ['mcp__supabase__execute_sql'], deny: ['mcp__supabase__execute_sql']},
			sessionAllows: ['mcp__supabase__execute_sql'],
		});
		expect(decision).toMatchObject({action: 'deny', rule: 'mcp__supabase__execute_sql', by: 'rule'});
	});

	it('lets a deny rule win even for read-only calls and in acceptEdits', () => {
		expect(run(read('.env'), {rules: {deny: ['Read(./.env)']}}).action).toBe('deny');
		expect(run(write('src/a.ts'), {mode: 'acceptEdits', rules: {deny: ['Edit(src/**)']}}).action).toBe('deny');
	});

	it('lets an ask rule win over an allow rule and over read-only', () => {
		expect(run(SELECT, {rules: {allow: ['mcp__supabase'], ask: ['mcp__supabase__execute_sql']}})).toMatchObject({
			action: 'ask',
			rule: 'mcp__supabase__execute_sql',
		});
	});

	it('allows a write through an allow rule, wildcard or not', () => {
		expect(run(INSERT, {rules: {allow: ['mcp__supabase__*']}})).toMatchObject({action: 'allow', rule: 'mcp__supabase__*', by: 'rule'});
		expect(run(bash('cat /etc/hosts'), {rules: {allow: ['Bash(cat:*)']}})).toMatchObject({action: 'allow', by: 'rule'});
		// Anything but a read-only command is destructive: a prefix rule needs the named opt-in too.
		expect(run(bash('npm test'), {rules: {allow: ['Bash(npm test:*)']}}).action).toBe('ask');
		expect(run(bash('npm test'), {rules: {allow: ['Bash(npm test:*)']}, explicitDestructiveOptIn: true})).toMatchObject({action: 'allow', by: 'rule'});
		expect(run(bash('npm test && rm -rf ~'), {rules: {allow: ['Bash(npm test:*)']}, explicitDestructiveOptIn: true}).action).not.toBe('allow');
	});

	it('does not let plan mode be overridden by an allow rule', () => {
		expect(run(INSERT, {mode: 'plan', rules: {allow: ['mcp__supabase__execute_sql']}}).action).toBe('deny');
	});
});

describe('destructive calls', () => {
	it.each<[string, Parameters<typeof run>[1]]>([
		['no rule', {}],
		['a server wildcard with the opt-in', {rules: {allow: ['mcp__supabase__*']}, explicitDestructiveOptIn: true}],
		['a bare server rule with the opt-in', {rules: {allow: ['mcp__supabase']}, explicitDestructiveOptIn: true}],
		['an explicit rule without the opt-in', {rules: {allow: ['mcp__supabase__execute_sql']}}],
		['an explicit rule with the opt-in false', {rules: {allow: ['mcp__supabase__execute_sql']}, explicitDestructiveOptIn: false}],
		['a session allow', {sessionAllows: ['mcp__supabase__execute_sql']}],
		['a session allow and the opt-in', {sessionAllows: new Set(['mcp__supabase__execute_sql']), explicitDestructiveOptIn: true}],
		['acceptEdits mode', {mode: 'acceptEdits'}],
	])('still asks with %s', (_label, options) => {
		const decision = run(DROP, options);
		expect(decision.action).toBe('ask');
		expect(decision.reason).toContain('Destructive');
	});

	it('is allowed only by an explicit allow rule together with the opt-in', () => {
		expect(run(DROP, {rules: {allow: ['mcp__supabase__execute_sql']}, explicitDestructiveOptIn: true})).toMatchObject({
			action: 'allow',
			rule: 'mcp__supabase__execute_sql',
			by: 'rule',
		});
	});

	it('explains which part of the opt-in is missing', () => {
		expect(run(DROP, {rules: {allow: ['mcp__supabase__*']}}).reason).toContain('wildcard');
		expect(run(DROP, {rules: {allow: ['mcp__supabase__execute_sql']}}).reason).toContain('opt-in is off');
		expect(run(DROP, {sessionAllows: ['mcp__supabase__execute_sql']}).reason).toContain('session');
	});

	it('treats destructive non-SQL tools the same way', () => {
		expect(run(supabase('delete_branch'), {sessionAllows: ['mcp__supabase__delete_branch']}).action).toBe('ask');
		expect(run(bash('rm -rf build'), {rules: {allow: ['Bash']}}).action).toBe('ask');
		expect(run(bash('rm -rf build'), {rules: {allow: ['Bash(rm -rf build)']}, explicitDestructiveOptIn: true}).action).toBe('allow');
		expect(run(write('a.ts'), {rules: {allow: ['Edit']}, classification: {class: 'destructive'}, explicitDestructiveOptIn: true}).action).toBe('ask');
	});

	it('is denied by a deny rule even with the opt-in', () => {
		expect(run(DROP, {rules: {allow: ['mcp__supabase__execute_sql'], deny: ['mcp__supabase__execute_sql']}, explicitDestructiveOptIn: true}).action).toBe(
			'deny',
		);
	});
});

describe('session allows', () => {
	it('covers writes of the allowed tool only', () => {
		expect(run(INSERT, {sessionAllows: ['mcp__supabase__execute_sql']})).toMatchObject({action: 'allow', by: 'session'});
		expect(run(INSERT, {sessionAllows: ['mcp__supabase__apply_migration']}).action).toBe('ask');
	});

	it('does not cover writes in plan mode', () => {
		expect(run(INSERT, {mode: 'plan', sessionAllows: ['mcp__supabase__execute_sql']}).action).toBe('deny');
	});
});

describe('forbidden-action violations', () => {
	const violations = [{code: 'secret_in_code' as const, message: 'src/a.ts contains an Anthropic API key.'}];

	it('force a typed confirmation even where the call would be allowed', () => {
		const decision = run(write('src/a.ts'), {mode: 'acceptEdits', violations});
		expect(decision).toMatchObject({action: 'ask', typedConfirmation: true});
		expect(decision.reason).toContain('Anthropic API key');
		expect(run(write('src/a.ts'), {rules: {allow: ['Write']}, explicitDestructiveOptIn: true, violations}).action).toBe('ask');
	});

	it('do not turn a deny into an ask', () => {
		expect(run(write('src/a.ts'), {mode: 'plan', violations}).action).toBe('deny');
	});

	it('are absent from ordinary decisions', () => {
		expect(run(write('src/a.ts'), {mode: 'acceptEdits', violations: []}).typedConfirmation).toBeUndefined();
	});
});

describe('nextMode', () => {
	it('cycles default → acceptEdits → plan → default', () => {
		expect(nextMode('default')).toBe('acceptEdits');
		expect(nextMode('acceptEdits')).toBe('plan');
		expect(nextMode('plan')).toBe('default');
		let mode: PermissionMode = 'default';
		for (let i = 0; i < PERMISSION_MODES.length; i++) mode = nextMode(mode);
		expect(mode).toBe('default');
	});
});
