import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {trustServers} from '../../source/tools/mcp-trust.js';
import {BUILT_CLI, FIXTURE_MCP_SERVER, REPO_ROOT, TSX_LOADER, tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

const hello = path.join(REPO_ROOT, 'test/fixtures/scripts/hello.json');

function pgpair(args: string[], options: {cwd: string; env?: Record<string, string>}) {
	return spawnSync(process.execPath, [BUILT_CLI, ...args], {
		cwd: options.cwd,
		encoding: 'utf8',
		env: {PATH: process.env['PATH'] ?? '', HOME: options.cwd, ...options.env},
		timeout: 60_000,
	});
}

describe('headless runs of the built CLI', () => {
	it('prints the scripted answer and exits 0', () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const run = pgpair(['-p', 'hi', '--scripted', hello], {cwd: dir});
		const expected = JSON.parse(fs.readFileSync(hello, 'utf8')).turns[0].text as string;
		expect(run.status).toBe(0);
		expect(run.stdout).toBe(`${expected}\n`);
		// The built-in agent gets every tool it lists: nothing to warn about.
		expect(run.stderr).not.toContain('does not have');

		// An agent asking for a tool pgpair lacks is told so, with what it has.
		const other = tempWorkspace();
		writeFixtureMcpConfig(other);
		fs.mkdirSync(path.join(other, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(path.join(other, '.claude', 'agents', 'web.md'), '---\nname: web\ndescription: d\ntools: Read, WebFetch\n---\nYou help.\n');
		const web = pgpair(['-p', 'hi', '--scripted', hello, '--agent', 'web'], {cwd: other});
		expect(web.stderr).toMatch(/The agent lists tools pgpair does not have: WebFetch \(it has Read\)/);
		expect(fs.readdirSync(path.join(dir, 'sessions'))).toHaveLength(1);
	});

	it('says how to set an API key and exits non-zero without a key or a script', () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const run = pgpair(['-p', 'hi'], {cwd: dir});
		expect(run.status).toBe(2);
		expect(run.stderr).toContain('ANTHROPIC_API_KEY');
		expect(run.stderr).toContain('--scripted');
		expect(run.stdout).toBe('');
	});

	it('denies a call that would ask, prints why, and lets an --allow rule cover it', () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir, {NOTES_FILE: path.join(dir, 'notes.txt')});
		const script = path.join(dir, 'note.json');
		fs.writeFileSync(
			script,
			JSON.stringify({turns: [{text: 'Noting.', tool_calls: [{name: 'mcp__fixture__write_note', input: {line: 'from headless'}}]}, {text: 'Done.'}]}),
		);
		// An agent without a tools list sees every tool, the fixture server's included.
		fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), '---\nname: generalist\ndescription: Any task.\n---\nYou help.\n');
		const denied = pgpair(['-p', 'note it', '--scripted', script, '--agent', 'generalist'], {cwd: dir});
		expect(denied.status).toBe(0);
		expect(denied.stderr).toMatch(/denied mcp__fixture__write_note: .*headless/);
		expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(false);

		const allowed = pgpair(['-p', 'note it', '--scripted', script, '--agent', 'generalist', '--allow', 'mcp__fixture__write_note'], {cwd: dir});
		expect(allowed.status).toBe(0);
		expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('from headless\n');

		// Claude Code's flag does the same.
		const claudeStyle = pgpair(['-p', 'note it', '--scripted', script, '--agent', 'generalist', '--allowedTools', 'Read,mcp__fixture__write_note'], {cwd: dir});
		expect(claudeStyle.status).toBe(0);
		expect(claudeStyle.stderr).not.toMatch(/denied/);
		expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('from headless\nfrom headless\n');
	});

	it('streams one JSON event per line with --output-format stream-json, secrets redacted', () => {
		const dir = tempWorkspace();
		writeFixtureMcpConfig(dir);
		const script = path.join(dir, 'secret.json');
		fs.writeFileSync(script, JSON.stringify({turns: [{text: 'Your key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789 is set.'}]}));
		const run = pgpair(['-p', 'hi', '--scripted', script, '--output-format', 'stream-json'], {cwd: dir});
		expect(run.status).toBe(0);
		const lines = run.stdout
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {type: string; seq: number; subtype?: string; session_id?: string; tools?: string[]; result?: string});
		// As Claude Code's: an init line first (session, model, the tools offered), a result line last.
		const [init, ...rest] = lines;
		const result = rest.pop();
		expect(init).toMatchObject({type: 'system', subtype: 'init', session_id: expect.any(String), model: expect.any(String)});
		expect(init!.tools).toContain('Read');
		expect(result).toMatchObject({type: 'result', subtype: 'success', is_error: false, session_id: init!.session_id});
		expect(result!.result).toContain('is set.');
		const events = rest;
		// The session's own events (the servers it found, the checklist, notices) come around the turn, whose events are whole.
		const turn = events.filter(e => !['checklist_item_changed', 'notice_shown', 'internal_call_completed', 'servers_changed'].includes(e.type));
		expect(turn[0]?.type).toBe('user_prompt_submitted');
		expect(turn.at(-1)?.type).toBe('turn_completed');
		expect(events.some(e => e.type === 'servers_changed')).toBe(true);
		expect(events.map(e => e.seq)).toEqual(events.map((_, i) => i + 1));
		expect(run.stdout).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
	});

	it('fails a run whose database could not be reached, saying so on stderr, even when the model said it was done', () => {
		const dir = tempWorkspace();
		const script = path.join(dir, 'list.json');
		fs.writeFileSync(script, JSON.stringify({turns: [{text: '', tool_calls: [{name: 'mcp__supabase__list_tables', input: {}}]}, {text: 'Done.'}]}));
		const run = pgpair(['-p', 'list', '--scripted', script, '--allow', 'mcp__supabase__list_tables'], {
			cwd: dir,
			env: {DATABASE_URL: 'postgres://nobody:not-the-password@127.0.0.1:1/none'},
		});
		expect(run.status).toBe(1);
		expect(run.stderr).toMatch(/pgpair: supabase: the database could not be reached \(connect ECONNREFUSED 127\.0\.0\.1:1\); 1 database call did not run\./);
		expect(run.stderr).not.toContain('not-the-password');
	});

	it('answers a call to a server that is not running with why, rather than refusing it as a change', () => {
		// .mcp.json's supabase server is not trusted, so it never starts: the model's list_tables has no tool behind it.
		// It was denied as "This call changes something, so it needs your approval", naming a fix that fixes nothing.
		const dir = tempWorkspace();
		fs.writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify({mcpServers: {supabase: {command: '/nonexistent/server'}}}));
		const script = path.join(dir, 'list.json');
		fs.writeFileSync(script, JSON.stringify({turns: [{text: '', tool_calls: [{name: 'mcp__supabase__list_tables', input: {}}]}, {text: 'Done.'}]}));
		const run = pgpair(['-p', 'list', '--scripted', script, '--output-format', 'json'], {cwd: dir});
		expect(run.stderr).not.toMatch(/changes something/);
		expect(run.stderr).toContain('pgpair: denied mcp__supabase__list_tables: Not run: no tool server named supabase is running');
		const {transcript} = JSON.parse(run.stdout) as {transcript: string};
		const events = fs
			.readFileSync(transcript, 'utf8')
			.trim()
			.split('\n')
			.slice(1)
			.map(line => JSON.parse(line) as {type: string; by?: string; reason?: string});
		// Nothing was put to anyone: refused with why, which is what the model is told.
		expect(events.find(e => e.type === 'tool_call_decided')).toMatchObject({
			by: 'rule',
			reason: expect.stringMatching(/^Not run: no tool server named supabase is running/),
		});
		expect(events.some(e => e.type === 'tool_call_completed')).toBe(false);
	});

	it("names the right fix for each denial, says plan-mode denials too, and never repeats an earlier run's", () => {
		const dir = tempWorkspace();
		const sql = (name: string, query: string) => {
			const file = path.join(dir, `${name}.json`);
			fs.writeFileSync(file, JSON.stringify({turns: [{text: '', tool_calls: [{name: 'mcp__supabase__execute_sql', input: {query}}]}, {text: 'Done.'}]}));
			return file;
		};
		const env = {XDG_CACHE_HOME: TEST_XDG_CACHE_HOME};
		const allow = ['--allow', 'mcp__supabase__execute_sql'];
		expect(pgpair(['-p', 'make', '--scripted', sql('make', 'create table public.t(id int)'), ...allow], {cwd: dir, env}).status).toBe(0);
		// Plan mode runs no change, and says so.
		const planned = pgpair(['-p', 'insert', '--scripted', sql('insert', 'insert into public.t values (1)'), '--permission-mode', 'plan'], {cwd: dir, env});
		expect(planned.stderr).toMatch(/denied mcp__supabase__execute_sql: .*plan/i);
		// A destructive call: the rule alone does not cover it, and the message says what would.
		const drop = pgpair(['-p', 'drop', '--scripted', sql('drop', 'drop table public.t'), ...allow], {cwd: dir, env});
		expect(drop.stderr).toMatch(/denied mcp__supabase__execute_sql: .*--allow-destructive-rules/);
		// Continuing the session of the DROP: this run's turn only, not that denial again.
		const next = pgpair(['-c', '-p', 'read', '--scripted', sql('read', 'select 1 as one'), '--allow', 'mcp__supabase__execute_sql'], {cwd: dir, env});
		expect(next.status).toBe(0);
		expect(next.stderr).not.toContain('denied');
	});

	it('refuses a malformed command line with the usage text and exit code 2', () => {
		const run = pgpair(['--output-format', 'xml', 'hi'], {cwd: tempWorkspace()});
		expect(run.status).toBe(2);
		expect(run.stderr).toContain('--output-format must be text, json or stream-json');
		expect(run.stderr).toContain('Usage');
	});
});

describe('secrets through the built CLI', () => {
	// A Supabase access token written literally in .mcp.json, as Supabase's docs show, in args and env.
	const SBP_ARG = 'sbp_0123456789abcdef0123456789abcdef01234567';
	const SBP_ENV = 'sbp_fedcba9876543210fedcba9876543210fedcba98';
	// Known only by value: no pattern recognises it.
	const SHAPELESS = 'Zq7vL2xP9kW4mT6r';
	const API_KEY = 'sk-ant-api03-Xy7kL9mN2pQ4rS6t';
	const JWT = 'eyJhbGciOiJI.eyJyb2xlIjoi.M2d2z4SFn5C7';
	const ROLE_PASSWORD = "Pw9x'yz-7q";
	const SECRETS = [SBP_ARG, SBP_ENV, SHAPELESS, API_KEY, JWT, ROLE_PASSWORD];

	function expectAbsent(where: string, text: string): void {
		for (const secret of SECRETS) {
			for (let i = 0; i + 6 <= secret.length; i++) {
				const piece = secret.slice(i, i + 6);
				expect(text, `${where} holds "${piece}"`).not.toContain(piece);
				expect(text, `${where} holds "${piece}" JSON-escaped`).not.toContain(JSON.stringify(piece).slice(1, -1));
			}
		}
	}

	it('keeps them out of stream-json, the transcript, the debug log, exports and replay, however the model paces them', () => {
		const dir = tempWorkspace();
		fs.writeFileSync(
			path.join(dir, '.mcp.json'),
			JSON.stringify({
				mcpServers: {
					fixture: {
						command: process.execPath,
						args: ['--import', TSX_LOADER, FIXTURE_MCP_SERVER, '--access-token', SBP_ARG, `--api-key=${SHAPELESS}`],
						env: {SUPABASE_ACCESS_TOKEN: SBP_ENV, NOTES_FILE: path.join(dir, 'notes.txt'), FIXTURE_LOG_CREDENTIALS: '1'},
					},
				},
			}),
		);
		trustServers(dir, ['fixture'], {HOME: dir});
		fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
		fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), '---\nname: generalist\ndescription: Any task.\n---\nYou help.\n');
		const script = path.join(dir, 'secrets.json');
		// 1–3 characters per delta, 105 ms apart: every token is cut into pieces with pauses of three frames between them.
		const text = `k ${API_KEY} j ${JWT} t ${SBP_ARG} sql CREATE ROLE r Password E'Pw9x\\'yz-7q';`;
		fs.writeFileSync(
			script,
			JSON.stringify({
				turns: [
					{text, chunk: 3, delay_ms: 105, tool_calls: [{name: 'mcp__fixture__echo', input: {text: `token ${SHAPELESS} and ${SBP_ENV}`}}]},
					{text: `Echoed ${SHAPELESS}.`, chunk: 2, delay_ms: 105},
				],
			}),
		);
		const run = pgpair(['-p', 'hi', '--scripted', script, '--agent', 'generalist', '--output-format', 'stream-json'], {cwd: dir});
		expect(run.status, run.stderr).toBe(0);
		const events = run.stdout
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {type: string; text?: string; content?: string});
		// The tool really ran and echoed the token back; the record shows it redacted.
		expect(events.find(e => e.type === 'tool_call_completed')?.content).toBe('echo: token [REDACTED:mcp:fixture] and [REDACTED:mcp:fixture]');
		const deltas = events
			.filter(e => e.type === 'assistant_text_delta')
			.map(e => e.text)
			.join('');
		expect(deltas).toContain("k [REDACTED:anthropic-key] j [REDACTED:jwt] t [REDACTED:mcp:fixture] sql CREATE ROLE r Password E'[REDACTED:password]';");
		expectAbsent('stream-json', run.stdout);
		expectAbsent('stderr', run.stderr);

		const sessions = path.join(dir, 'sessions');
		const [file] = fs.readdirSync(sessions);
		expectAbsent('the transcript', fs.readFileSync(path.join(sessions, file!), 'utf8'));
		const log = fs.readFileSync(path.join(dir, '.pgpair', 'debug.log'), 'utf8');
		expect(log).toContain('fixture started with --access-token [REDACTED');
		expectAbsent('the debug log', log);

		const id = JSON.parse(fs.readFileSync(path.join(sessions, file!), 'utf8').split('\n')[0]!).sessionId as string;
		for (const format of ['md', 'json', 'html']) {
			const exported = pgpair(['export', id, '--format', format], {cwd: dir});
			expect(exported.status, exported.stderr).toBe(0);
			expectAbsent(`the ${format} export`, exported.stdout);
		}

		const replay = pgpair(['replay', id, '--print'], {cwd: dir});
		expect(replay.status, replay.stderr).toBe(0);
		expect(replay.stdout).toContain('[REDACTED:mcp:fixture]');
		expectAbsent('replay --print', replay.stdout);
	}, 60_000);
});
