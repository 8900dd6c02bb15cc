/**
 * The session host behind `/resume` and `pgpair --resume`: real sessions (openSession as the CLI opens them) against
 * the scripted Messages-API server and the fixture MCP server. A switch closes the session open now (its servers
 * stop), opens the chosen one as `--resume <id>` does (the model is sent its history), and a refusal changes nothing.
 */
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {builtinAgent} from '../../source/agents/builtin-agent.js';
import {type ChatArgs, parseCommand} from '../../source/cli/args.js';
import {type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {EMPTY_RULES} from '../../source/policy/rules.js';
import {createApprovalGate} from '../../source/session/approval-gate.js';
import {openSession, type Session} from '../../source/session/session.js';
import {createSessionHost} from '../../source/session/session-host.js';
import {REPO_ROOT, tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';
import {sentMessages} from '../helpers/sent-messages.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function workspace(turns: Array<{text: string; tool_calls?: Array<{name: string; input: Record<string, unknown>}>}>) {
	const dir = tempWorkspace('pgpair-session-host-');
	writeFixtureMcpConfig(dir, {NOTES_FILE: path.join(dir, 'notes.txt')});
	const server: ScriptedServer = await startScriptedServer({turns});
	cleanups.push(async () => server.close());
	const opened: Session[] = [];
	cleanups.push(async () => {
		await Promise.all(opened.map(async session => session.close()));
	});
	/** A session as `pgpair` (or `pgpair --resume <path>`) opens it. */
	const open = async (resume: string | undefined) => {
		const session = await openSession({
			args: parseCommand(resume ? ['--resume', resume] : []) as ChatArgs,
			agent: {...builtinAgent(), tools: undefined},
			cwd: dir,
			env: {ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000', ANTHROPIC_BASE_URL: server.url, PATH: process.env['PATH'] ?? ''},
			cliEntry: path.join(REPO_ROOT, 'dist/cli.js'),
			policy: createApprovalGate({rules: EMPTY_RULES, headless: false, workspaceRoot: dir}),
		});
		opened.push(session);
		await (await session.connected).toolHost.ready();
		return session;
	};
	return {dir, server, open, sessionsDir: path.join(dir, 'sessions')};
}

const texts = (body: unknown) => sentMessages(body).map(m => (typeof m.content === 'string' ? m.content : m.content.map(b => b['text'] ?? b.type).join('')));

describe('the session host', () => {
	it('closes the session open now and goes on with the chosen one, whose history the model is sent', {timeout: 90_000}, async () => {
		const {open, server, dir, sessionsDir} = await workspace([{text: 'Beta.'}, {text: 'Alpha.'}, {text: 'Beta again.'}]);
		// A saved session to go back to.
		const beta = await open(undefined);
		await beta.send('beta');
		await beta.close();

		const host = createSessionHost({cwd: dir, sessionsDir, open, first: await open(undefined)});
		const alpha = host.current()!;
		await alpha.send('alpha');
		const told: Array<string | undefined> = [];
		host.subscribe(() => told.push(host.current()?.id));

		await host.resume(beta.id.slice(0, 6));
		const resumed = host.current()!;
		expect(resumed.id).toBe(beta.id);
		expect(told).toEqual([undefined, beta.id]);
		// The session before is closed: its tool server has stopped.
		await waitFor(
			() =>
				alpha
					.mcp()
					?.statuses()
					.every(status => status.state === 'stopped'),
			'the first session’s servers to stop',
		);
		await resumed.send('more');
		expect(texts(server.requests[2]?.body)).toEqual(['beta', 'Beta.', 'more']);

		// Choosing the session open now changes nothing.
		await host.resume(beta.id);
		expect(host.current()).toBe(resumed);

		const listings = await host.list();
		// Newest first: the session opened last was started after the one it switched to.
		expect(listings.map(l => (l.kind === 'readable' ? l.summary.id : l.id))).toEqual([alpha.id, beta.id]);
	});

	it('refuses, changing nothing, a session nobody saved and a switch during a turn', {timeout: 90_000}, async () => {
		const {open, dir, sessionsDir} = await workspace([{text: 'Saved.'}, {text: '', tool_calls: [{name: 'mcp__fixture__write_note', input: {line: 'x'}}]}]);
		const saved = await open(undefined);
		await saved.send('keep me');
		await saved.close();
		const host = createSessionHost({cwd: dir, sessionsDir, open, first: await open(undefined)});
		const first = host.current()!;

		await expect(host.resume('zzzz')).rejects.toThrow('no session matching "zzzz"');
		expect(host.current()).toBe(first);

		const turn = first.send('note x');
		await waitFor(() => first.store.getState().openCalls.some(call => call.status === 'awaiting_approval'), 'a call waiting');
		await expect(host.resume(saved.id)).rejects.toThrow('A turn is running');
		expect(host.current()).toBe(first);
		first.cancel();
		await turn;
	});

	it('opens the session before again when the chosen one cannot open, and says why in it', {timeout: 90_000}, async () => {
		const {open, dir, sessionsDir} = await workspace([{text: 'Saved.'}, {text: 'First.'}]);
		const saved = await open(undefined);
		await saved.send('keep me');
		await saved.close();
		const host = createSessionHost({
			cwd: dir,
			sessionsDir,
			// As when the chosen session's database is locked by another pgpair: opening it fails.
			open: async resume => (resume === saved.transcriptPath ? Promise.reject(new Error('the database is locked by process 4242')) : open(resume)),
			first: await open(undefined),
		});
		const first = host.current()!;
		await first.send('first');
		await host.resume(saved.id);
		const again = host.current()!;
		expect(again).not.toBe(first);
		expect(again.id).toBe(first.id);
		expect(
			again.store
				.getState()
				.entries.filter(entry => entry.kind === 'user')
				.map(entry => entry.kind === 'user' && entry.text),
		).toEqual(['first']);
		expect(again.store.getState().entries.at(-1)).toMatchObject({
			kind: 'notice',
			level: 'error',
			text: `Session ${saved.id} could not be resumed: the database is locked by process 4242`,
		});
	});
});
