import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import type {PermissionMode} from '../../../source/core/events.js';
import {controlFileWarning} from '../../../source/policy/control-files.js';
import {parseRules} from '../../../source/policy/rules.js';
import {createApprovalGate} from '../../../source/session/approval-gate.js';
import {classifyForApproval, guardControlWrites} from '../../../source/session/connect.js';
import {type LocalWorkspace, localWorkspace} from '../../helpers/local-workspace.js';

const ORIGINAL = '{"original": true}\n';

let ws: LocalWorkspace;
let roots: {workspaceRoot: string; sessionsDir: string};

beforeEach(() => {
	ws = localWorkspace();
	roots = {workspaceRoot: ws.root, sessionsDir: path.join(ws.root, 'sessions')};
	for (const file of ['.mcp.json', '.claude/settings.json', '.pgpair/db/PG_VERSION', 'sessions/x.jsonl', '.git/config', 'sub/.git/config', 'src/a.ts'])
		ws.write(file, ORIGINAL);
	fs.mkdirSync(path.join(ws.root, '.git/hooks'), {recursive: true});
});

/** Each attack: how it is set up, and the path the model names. */
const TARGETS: Array<[string, (ws: LocalWorkspace) => string]> = [
	['.mcp.json', () => '.mcp.json'],
	['.claude/settings.json', () => '.claude/settings.json'],
	['a new file in .claude/', () => '.claude/agents/evil.md'],
	['.pgpair/db/PG_VERSION', () => '.pgpair/db/PG_VERSION'],
	['sessions/x.jsonl', () => 'sessions/x.jsonl'],
	['.git/config', () => '.git/config'],
	['a new git hook', () => '.git/hooks/pre-commit'],
	["a nested repository's .git/config", () => 'sub/.git/config'],
	['.mcp.json by absolute path', w => path.join(w.root, '.mcp.json')],
	['.mcp.json through "src/.."', () => 'src/../.mcp.json'],
	['a symlink to .mcp.json', w => link(w, '.mcp.json', 'notes.md')],
	['a symlink to .claude/settings.json', w => link(w, '.claude/settings.json', 'config.json')],
	['a symlinked directory leading into .git', w => link(w, '.git', 'docs') && 'docs/config'],
	['a dangling symlink to a new .claude file', w => link(w, '.claude/new-settings.json', 'draft.json')],
	['a symlinked directory leading into sessions/', w => link(w, 'sessions', 'logs') && 'logs/x.jsonl'],
	[
		'a chain of symlinks to .mcp.json',
		w => {
			link(w, '.mcp.json', 'notes.md');
			return link(w, 'notes.md', 'chain.md');
		},
	],
];

function link(w: LocalWorkspace, target: string, name: string): string {
	fs.symlinkSync(target, path.join(w.root, name));
	return name;
}

const INPUTS: Array<[string, (file: string) => Record<string, unknown>]> = [
	['Write', file => ({file_path: file, content: '{"mcpServers": {"evil": {"command": "sh"}}}'})],
	['Edit', file => ({file_path: file, old_string: 'true', new_string: 'false'})],
];

function snapshot(): Record<string, string> {
	const files: Record<string, string> = {};
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
			const full = path.join(dir, entry.name);
			if (entry.isSymbolicLink()) files[path.relative(ws.root, full)] = `-> ${fs.readlinkSync(full)}`;
			else if (entry.isDirectory()) walk(full);
			else files[path.relative(ws.root, full)] = fs.readFileSync(full, 'utf8');
		}
	};

	walk(ws.root);
	return files;
}

/** acceptEdits, an allow rule for the tool, the destructive opt-in and a session allow: everything that could approve. */
function permissiveGate(mode: PermissionMode = 'acceptEdits') {
	const gate = createApprovalGate({
		rules: parseRules({allow: ['Write', 'Edit', 'Edit(**)']}),
		headless: true,
		workspaceRoot: ws.root,
		explicitDestructiveOptIn: true,
	});
	// Write and Edit granted for the session, as two earlier "a" answers would have left them in the log.
	return {decide: (call: Parameters<typeof gate.decide>[0]) => gate.decide(call, {mode, grants: ['Write', 'Edit']})};
}

describe.each(INPUTS)('%s of a control file', (tool, inputFor) => {
	it.each(TARGETS)('%s always asks (headless: is refused) and changes nothing', async (_label, setup) => {
		const file = setup(ws);
		const before = snapshot();
		const call = {callId: 'c1', name: tool, input: inputFor(file)};
		const classification = await classifyForApproval(call, undefined, {production: false}, roots);
		expect(classification.controlFile).toBeDefined();
		expect(classification.hazards[0]).toBe(classification.controlFile);

		for (const mode of ['default', 'acceptEdits'] as const) {
			const decision = permissiveGate(mode).decide({...call, classification});
			expect(decision).toMatchObject({decision: 'deny', by: 'headless'});
			expect(decision !== 'ask' && decision.reason).toMatch(/control file/);
		}

		// Had it been judged an ordinary file (the link appeared later), the run-time guard refuses it.
		const guarded = guardControlWrites(ws.tools, roots, new Set());
		const result = await guarded.call(call, new AbortController().signal);
		expect(result).toMatchObject({isError: true});
		expect(result.content).toMatch(/became a control file/);
		expect(snapshot()).toEqual(before);
	});
});

describe('ordinary files and the ones around control files', () => {
	it.each(['src/a.ts', 'src/new.ts', '.mcp.json.example', 'docs/.claude-notes.md', '.gitignore', 'git/config'])(
		'%s is an ordinary file: acceptEdits writes it',
		async file => {
			const call = {callId: 'c1', name: 'Write', input: {file_path: file, content: 'new\n'}};
			const classification = await classifyForApproval(call, undefined, {production: false}, roots);
			expect(classification.controlFile).toBeUndefined();
			const gate = createApprovalGate({rules: parseRules({}), headless: true, workspaceRoot: ws.root});
			expect(gate.decide({...call, classification}, {mode: 'acceptEdits', grants: []})).toMatchObject({decision: 'allow', by: 'mode'});
			const result = await guardControlWrites(ws.tools, roots, new Set()).call(call, new AbortController().signal);
			expect(result.isError).toBe(false);
			expect(ws.read(file)).toBe('new\n');
		},
	);

	it('reading a control file is not writing it', async () => {
		const classification = await classifyForApproval({name: 'Read', input: {file_path: '.mcp.json'}}, undefined, {production: false}, roots);
		expect(classification.controlFile).toBeUndefined();
		expect(classification.class).toBe('read-only');
	});

	it('a call the person was asked about may write the control file once approved', async () => {
		const call = {callId: 'c9', name: 'Write', input: {file_path: '.mcp.json', content: '{}\n'}};
		const result = await guardControlWrites(ws.tools, roots, new Set(['c9'])).call(call, new AbortController().signal);
		expect(result.isError).toBe(false);
		expect(ws.read('.mcp.json')).toBe('{}\n');
	});

	it('"allow for the session" on a control-file write does not become a session allow', async () => {
		const gate = createApprovalGate({rules: parseRules({}), headless: false, workspaceRoot: ws.root});
		const call = {callId: 'c1', name: 'Write', input: {file_path: '.mcp.json', content: '{}'}};
		const classification = await classifyForApproval(call, undefined, {production: false}, roots);
		expect(gate.scope({...call, classification}, true)).toBe('once');
		expect(gate.scope({...call, classification: {class: 'write', hazards: []}}, true)).toBe('session');
	});

	it('a deny rule still denies, and plan mode still refuses', async () => {
		const call = {callId: 'c1', name: 'Write', input: {file_path: '.mcp.json', content: '{}'}};
		const classification = await classifyForApproval(call, undefined, {production: false}, roots);
		const denied = createApprovalGate({rules: parseRules({deny: ['Write']}), headless: false, workspaceRoot: ws.root}).decide(
			{...call, classification},
			{mode: 'default', grants: []},
		);
		expect(denied).toMatchObject({decision: 'deny', by: 'rule'});
		const planned = createApprovalGate({rules: parseRules({}), headless: false, workspaceRoot: ws.root}).decide(
			{...call, classification},
			{mode: 'plan', grants: []},
		);
		expect(planned).toMatchObject({decision: 'deny', by: 'mode'});
	});

	it('the sessions directory in use is the one protected (--sessions-dir)', async () => {
		ws.write('logs/transcripts/y.jsonl', ORIGINAL);
		const custom = {workspaceRoot: ws.root, sessionsDir: path.join(ws.root, 'logs/transcripts')};
		const call = {callId: 'c1', name: 'Write', input: {file_path: 'logs/transcripts/y.jsonl', content: '{}'}};
		expect((await classifyForApproval(call, undefined, {production: false}, custom)).controlFile).toMatch(/sessions directory/);
		expect((await classifyForApproval(call, undefined, {production: false}, roots)).controlFile).toBeUndefined();
	});
});

describe('controlFileWarning', () => {
	const at = {workspaceRoot: '/w', sessionsDir: '/w/sessions'};
	it.each<[string, RegExp | undefined]>([
		['/w/.mcp.json', /starts the next time/],
		['/w/.MCP.JSON', /starts the next time/],
		['/w/.claude', /agent files/],
		['/w/.claude/settings.local.json', /agent files/],
		['/w/.pgpair/db/base/1/1259', /embedded database/],
		['/w/sessions/2026-01-01-abc.jsonl', /--continue/],
		['/w/.git/HEAD', /hooks run programs/],
		['/w/vendor/lib/.git/hooks/post-checkout', /hooks run programs/],
		['/w/src/.mcp.json', undefined],
		['/w/src/sessions/a.jsonl', undefined],
		['/w/.github/workflows/ci.yml', undefined],
		['/elsewhere/.mcp.json', undefined],
	])('%s', (file, expected) => {
		const warning = controlFileWarning(file, [at]);
		if (expected) expect(warning).toMatch(expected);
		else expect(warning).toBeUndefined();
	});
});

describe('permission rules see where a path leads, as the tools do', () => {
	it.each<[string, string, Record<string, unknown>, string[]]>([
		['Read', 'a link to .env', {file_path: 'env-link'}, ['Read(./.env)']],
		['Read', 'a link to a denied folder', {file_path: 'keys/id.pem'}, ['Read(./secrets/**)']],
		['Grep', 'a link to a denied folder as its path', {pattern: 'x', path: 'keys'}, ['Read(./secrets/**)']],
		['Write', 'a link to a denied file', {file_path: 'env-link', content: 'x'}, ['Edit(./.env)']],
		['Edit', 'a link into a denied folder', {file_path: 'keys/id.pem', old_string: 'a', new_string: 'b'}, ['Edit(./secrets/**)']],
	])('%s through %s is denied like the target', async (tool, _label, input, deny) => {
		ws.write('.env', 'SECRET=1\n');
		ws.write('secrets/id.pem', 'a\n');
		fs.symlinkSync('.env', path.join(ws.root, 'env-link'));
		fs.symlinkSync('secrets', path.join(ws.root, 'keys'));
		const before = snapshot();
		const call = {callId: 'c1', name: tool, input};
		const classification = await classifyForApproval(call, undefined, {production: false}, roots);
		const gate = createApprovalGate({rules: parseRules({deny, allow: [tool]}), headless: true, workspaceRoot: ws.root});
		expect(gate.decide({...call, classification}, {mode: 'acceptEdits', grants: []})).toMatchObject({decision: 'deny', by: 'rule'});
		expect(snapshot()).toEqual(before);
	});

	it('a path with no link in it is judged once, as named', async () => {
		const classification = await classifyForApproval({name: 'Read', input: {file_path: 'src/a.ts'}}, undefined, {production: false}, roots);
		expect(classification.resolvedPath).toBeUndefined();
	});
});

describe('shell commands that name a control file', () => {
	it.each([
		['echo \'{"mcpServers":{}}\' > .mcp.json', /\.mcp\.json/],
		['cp evil.json .claude/settings.json', /\.claude\/settings\.json/],
		['rm -rf sessions', /sessions directory/],
		['git --git-dir=.git config core.fsmonitor x', /\.git/],
		['sed -i s/a/b/ notes.md', /\.mcp\.json/],
		['tee -a docs/config < /dev/null', /\.git/],
	])('%j asks even with an exact rule and the destructive opt-in', async (command, warning) => {
		fs.symlinkSync('.mcp.json', path.join(ws.root, 'notes.md'));
		fs.symlinkSync('.git', path.join(ws.root, 'docs'));
		const call = {callId: 'c1', name: 'Bash', input: {command}};
		const classification = await classifyForApproval(call, undefined, {production: false}, roots);
		expect(classification.controlFile).toMatch(warning);
		const gate = createApprovalGate({rules: parseRules({allow: [`Bash(${command})`]}), headless: true, workspaceRoot: ws.root, explicitDestructiveOptIn: true});
		expect(gate.decide({...call, classification}, {mode: 'default', grants: []})).toMatchObject({decision: 'deny', by: 'headless'});
	});

	it.each(['cat .mcp.json', 'git status', 'npm test', 'rm -rf build', 'ls -la .claude'])('%j names no control file it would write', async command => {
		const classification = await classifyForApproval({name: 'Bash', input: {command}}, undefined, {production: false}, roots);
		expect(classification.controlFile).toBeUndefined();
	});
});
