/**
 * A rig for scenario tests of the core: a real session (openSession, as the CLI opens it) talking to a scripted
 * Messages-API server and the real fixture MCP server over stdio, in a fresh workspace. A scenario drives the session's
 * actions step by step and asserts on the folded state — and on the notes file the fixture server writes — after each.
 */
import fs from 'node:fs';
import path from 'node:path';
import {builtinAgent} from '../../source/agents/builtin-agent.js';
import {type ChatArgs, parseCommand} from '../../source/cli/args.js';
import type {SessionState, ToolCallView} from '../../source/core/session-state.js';
import {type Script, type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {EMPTY_RULES} from '../../source/policy/rules.js';
import {createApprovalGate} from '../../source/session/approval-gate.js';
import {type OpenOptions, openSession, type Session} from '../../source/session/session.js';
import {REPO_ROOT, tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';
import {waitFor} from '../helpers/wait-for.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';

export type Rig = {
	session: Session;
	server: ScriptedServer;
	dir: string;
	state(): SessionState;
	/** Sends a prompt; the turn runs on while the scenario answers its calls. */
	say(text: string): void;
	/** Resolves when the turn started by `say` has ended. */
	turnDone(): Promise<void>;
	/** The oldest call waiting for a decision, once its preview (if one is coming) is there. */
	waitingCall(): Promise<ToolCallView>;
	/** The fixture server's notes file: what the approved calls really wrote. */
	notes(): string;
	close(): Promise<void>;
};

export type RigOptions = {
	/** Reuse a workspace (a resumed session lives where the first one did). */
	dir?: string;
	/** Command-line arguments, e.g. ['--resume', id]. */
	args?: string[];
	open?: OpenOptions;
	/** No `.mcp.json`: pgpair's own server on the embedded database (the built CLI's `mcp`) serves the tools. */
	builtinServer?: boolean;
	/** More environment for the session (and so its servers): a DATABASE_URL, say. */
	env?: Record<string, string>;
};

export async function openRig(script: Script, options: RigOptions = {}): Promise<Rig> {
	const dir = options.dir ?? tempWorkspace('pgpair-scenario-');
	const notesFile = path.join(dir, 'notes.txt');
	if (!options.dir && !options.builtinServer) writeFixtureMcpConfig(dir, {NOTES_FILE: notesFile});
	const server = await startScriptedServer(script);
	const args = parseCommand(options.args ?? []) as ChatArgs;
	const session = await openSession(
		{
			args,
			agent: {...builtinAgent(), tools: undefined},
			cwd: dir,
			env: {
				ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000',
				ANTHROPIC_BASE_URL: server.url,
				PATH: process.env['PATH'] ?? '',
				...(options.builtinServer ? {XDG_CACHE_HOME: TEST_XDG_CACHE_HOME} : {}),
				...options.env,
			},
			cliEntry: path.join(REPO_ROOT, 'dist/cli.js'),
			policy: createApprovalGate({rules: EMPTY_RULES, headless: false, workspaceRoot: dir}),
		},
		options.open,
	);
	const connected = await session.connected;
	await connected.toolHost.ready();
	let turn: Promise<void> = Promise.resolve();
	return {
		session,
		server,
		dir,
		state: () => session.store.getState(),
		say(text) {
			turn = session.send(text);
		},
		turnDone: async () => {
			await turn;
			session.store.flush();
		},
		async waitingCall() {
			return waitFor(
				() => session.store.getState().openCalls.find(call => call.status === 'awaiting_approval' && !call.previewPending),
				'a call waiting for approval',
			);
		},
		notes: () => (fs.existsSync(notesFile) ? fs.readFileSync(notesFile, 'utf8') : ''),
		async close() {
			await session.close();
			await server.close();
		},
	};
}

/** A model turn that calls one fixture tool, then (next request) says `after`. */
export function callThenSay(tool: string, input: Record<string, unknown>, id: string, after = 'Done.'): Script['turns'] {
	return [{text: '', tool_calls: [{name: `mcp__fixture__${tool}`, input, id}]}, {text: after}];
}
