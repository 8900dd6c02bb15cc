/**
 * The built-in agent on a hosted project: its tools follow the server it is connected to. Against a stand-in that
 * lists exactly the official server 0.13.0's tools (get_logs hidden, no invoke_edge_function), pgpair warns about
 * nothing, offers the model query_logs, search_docs, get_project_url and get_publishable_keys, and the model's call
 * of query_logs reaches the server. A real session, the real scripted model server, a real MCP server over stdio.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {builtinAgent} from '../../source/agents/builtin-agent.js';
import {parseAgent} from '../../source/agents/parse-agent.js';
import {type ChatArgs, parseCommand} from '../../source/cli/args.js';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {EMPTY_RULES} from '../../source/policy/rules.js';
import {createApprovalGate} from '../../source/session/approval-gate.js';
import {toolWarnings} from '../../source/session/connect.js';
import {openSession, type Session} from '../../source/session/session.js';
import {REPO_ROOT, TSX_LOADER, tempWorkspace} from '../helpers/paths.js';
import {readSharedFile} from '../helpers/shared-files.js';

const OFFICIAL_FIXTURE = path.join(REPO_ROOT, 'test/helpers/official-supabase-fixture.ts');
const S = 'mcp__supabase__';

const open: {session: Session; server: ScriptedServer; dir: string}[] = [];
afterEach(async () => {
	for (const {session, server, dir} of open.splice(0)) {
		await session.close();
		await server.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

async function hostedSession(agent: ReturnType<typeof builtinAgent>) {
	const dir = tempWorkspace('pgpair-hosted-tools-');
	const calls = path.join(dir, 'calls.jsonl');
	fs.writeFileSync(
		path.join(dir, 'hosted.json'),
		JSON.stringify({mcpServers: {supabase: {command: process.execPath, args: ['--import', TSX_LOADER, OFFICIAL_FIXTURE], env: {CALLS_FILE: calls}}}}),
	);
	const server = await startScriptedServer({
		turns: [
			{text: '', tool_calls: [{name: `${S}query_logs`, input: {sql: "select event_message from logs where source = 'function_logs'"}, id: 'toolu_logs'}]},
			{text: 'Read the logs.'},
		],
	});
	const session = await openSession({
		args: parseCommand(['--mcp-config', 'hosted.json']) as ChatArgs,
		agent,
		cwd: dir,
		env: {ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000', ANTHROPIC_BASE_URL: server.url, PATH: process.env['PATH'] ?? ''},
		cliEntry: path.join(REPO_ROOT, 'dist/cli.js'),
		policy: createApprovalGate({rules: EMPTY_RULES, headless: false, workspaceRoot: dir}),
	});
	open.push({session, server, dir});
	const connected = await session.connected;
	await connected.toolHost.ready();
	return {session, server, connected, calls};
}

describe('the built-in agent on the official server 0.13.0', () => {
	it("offers the server's replacements and warns about nothing", {timeout: 60_000}, async () => {
		const agent = builtinAgent();
		const {session, server, connected, calls} = await hostedSession(agent);
		expect(toolWarnings(agent, connected.toolHost)).toEqual([]);

		const offered = connected.toolHost.list().map(tool => tool.name);
		for (const name of ['query_logs', 'search_docs', 'get_project_url', 'get_publishable_keys', 'execute_sql', 'apply_migration']) {
			expect(offered).toContain(`${S}${name}`);
		}
		expect(offered).not.toContain(`${S}get_logs`);
		expect(offered).not.toContain(`${S}invoke_edge_function`);
		// Not named by the agent, so not offered, though the server has them.
		expect(offered).not.toContain(`${S}update_storage_config`);

		await session.send('what did the function print?');
		const body = server.requests[0]?.body as {tools?: {name: string}[]} | undefined;
		const sent = body?.tools?.map(tool => tool.name) ?? [];
		expect(sent).toEqual(expect.arrayContaining([`${S}query_logs`, `${S}search_docs`, `${S}get_project_url`, `${S}get_publishable_keys`]));
		expect(sent).not.toContain(`${S}get_logs`);
		// query_logs is read-only: it ran without asking, on the server.
		expect(fs.readFileSync(calls, 'utf8')).toContain('"name":"query_logs"');
		session.store.flush();
		const notices = session.store.getEvents().filter(event => event.type === 'notice_shown');
		expect(notices.map(notice => (notice.type === 'notice_shown' ? notice.text : '')).join('\n')).not.toMatch(/get_logs|invoke_edge_function/);
	});

	it("gives the person's own agent file, which names get_logs, the server's query_logs instead", {timeout: 60_000}, async () => {
		const agent = parseAgent(await readSharedFile('agents/backend-engineer.md'), {source: {kind: 'builtin'}});
		expect(agent.tools).toContain(`${S}get_logs`);
		expect(agent.tools).not.toContain(`${S}query_logs`);
		const {connected} = await hostedSession(agent);
		expect(toolWarnings(agent, connected.toolHost)).toEqual([]);
		const offered = connected.toolHost.list().map(tool => tool.name);
		expect(offered).toContain(`${S}query_logs`);
		expect(offered).not.toContain(`${S}search_docs`);
	});
});
