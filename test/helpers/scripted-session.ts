/**
 * A whole session wired as the CLI wires it (setupSession), talking to a real scripted Messages-API
 * server and the real fixture MCP server, in a fresh workspace. Tests register their cleanups.
 */
import fs from 'node:fs';
import path from 'node:path';
import {builtinAgent} from '../../source/agents/builtin-agent.js';
import {type ChatArgs, parseCommand} from '../../source/cli/args.js';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {EMPTY_RULES} from '../../source/policy/rules.js';
import {createApprovalGate} from '../../source/session/approval-gate.js';
import {type SessionSetup, setupSession} from './open-session.js';
import {REPO_ROOT, tempWorkspace, writeFixtureMcpConfig} from './paths.js';

export type Cleanups = Array<() => Promise<void> | void>;

export type ScriptedSession = {setup: SessionSetup; server: ScriptedServer; dir: string};

export async function startScriptedSession(
	script: object,
	cleanups: Cleanups,
	options: {args?: string[]; env?: Record<string, string>} = {},
): Promise<ScriptedSession> {
	const dir = tempWorkspace();
	writeFixtureMcpConfig(dir, {NOTES_FILE: path.join(dir, 'notes.txt')});
	const scriptFile = path.join(dir, 'script.json');
	fs.writeFileSync(scriptFile, JSON.stringify(script));
	const server = await startScriptedServer(scriptFile);
	cleanups.push(async () => server.close());
	const args = parseCommand(options.args ?? []) as ChatArgs;
	const setup = await setupSession({
		args,
		// No tools list: the fixture server's tools are offered too.
		agent: {...builtinAgent(), tools: undefined},
		cwd: dir,
		env: {ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000', ANTHROPIC_BASE_URL: server.url, PATH: process.env['PATH'] ?? '', ...options.env},
		cliEntry: path.join(REPO_ROOT, 'dist/cli.js'),
		policy: createApprovalGate({rules: EMPTY_RULES, headless: false, workspaceRoot: dir}),
	});
	cleanups.push(async () => setup.close());
	await setup.toolHost.ready();
	return {setup, server, dir};
}
