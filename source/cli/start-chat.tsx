/**
 * Starts a chat session: headless (`-p`) or the TUI. In the TUI the first frame is drawn before the
 * model client, the tool servers and the embedded database are even loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import {render} from 'ink';
import {loadAgent} from '../agents/discover-agent.js';
import type {Runner} from '../store/runner.js';
import {type SandboxStatus, sandboxHandle} from '../tools/local/sandbox.js';
import {App} from '../ui/app.js';
import {createApprovalGate} from './approval-gate.js';
import type {ChatArgs} from './args.js';
import {deferredRunner} from './deferred-runner.js';
import {loadPermissions} from './permissions.js';
import {lazyServerStatus} from './server-status.js';
import type {ConnectedSession} from './session-connect.js';
import {connectSession, openSessionRecord} from './session-setup.js';
import {handleTerminationSignals} from './shutdown.js';

const QUIT_GRACE_MS = 300;

export type ChatContext = {cwd: string; env: NodeJS.ProcessEnv; cliEntry: string};

export async function startChat(args: ChatArgs, context: ChatContext): Promise<number> {
	let agent;
	try {
		agent = await loadAgent({cwd: context.cwd, ...(args.agent ? {agent: args.agent} : {})});
	} catch (error) {
		process.stderr.write(`pgpair: ${(error as Error).message}\n`);
		return 2;
	}

	let permissions;
	try {
		permissions = loadPermissions({cwd: context.cwd, allow: args.allow, deny: args.deny});
	} catch (error) {
		process.stderr.write(`pgpair: ${(error as Error).message}\n`);
		return 2;
	}

	// Asked for on the command line or in any settings file; started off the first frame.
	const bashSandbox =
		args.sandbox === true || permissions.sandbox.enabled
			? sandboxHandle({
					workspaceRoot: context.cwd,
					sessionsDir: path.resolve(context.cwd, args.sessionsDir ?? 'sessions'),
					allowedDomains: permissions.sandbox.allowedDomains,
				})
			: undefined;
	const gate = createApprovalGate({
		rules: permissions.rules,
		mode: args.permissionMode ?? permissions.defaultMode ?? 'default',
		headless: args.print,
		workspaceRoot: context.cwd,
		explicitDestructiveOptIn: args.allowDestructiveRules,
		...(bashSandbox ? {bashSandbox} : {}),
	});
	const sessionContext = {args, agent, cwd: context.cwd, env: context.env, cliEntry: context.cliEntry, policy: gate, ...(bashSandbox ? {bashSandbox} : {})};

	if (args.print) {
		const {runHeadless} = await import('./headless.js');
		if (bashSandbox) for (const line of sandboxNotices(await bashSandbox.start())) process.stderr.write(`pgpair: ${line}\n`);
		const record = await openSessionRecord(sessionContext);
		let connected: ConnectedSession | undefined;
		const closeAll = async () => {
			await (connected ? connected.close() : record.closeTranscript());
			await bashSandbox?.close();
		};
		const signals = handleTerminationSignals({
			store: record.store,
			runner: () => connected?.runner,
			mcp: () => connected?.mcp,
			close: closeAll,
		});
		let code: number;
		try {
			connected = await connectSession(record);
			code = await runHeadless(Object.assign(record, connected), args.prompt!, args.outputFormat, {
				stdout: text => process.stdout.write(text),
				stderr: text => process.stderr.write(text),
			});
		} catch (error) {
			signals.remove();
			await closeAll();
			throw error;
		}

		signals.remove();
		// The turn ended because of a termination signal: its handler closes the session and ends the process.
		if (signals.signal) return new Promise<number>(() => undefined);
		await closeAll();
		return code;
	}

	const record = await openSessionRecord(sessionContext);
	// The transcript records the mode the session starts in, so replay shows it.
	if (gate.mode() !== record.store.getState().mode) record.store.append({type: 'permission_mode_changed', mode: gate.mode()});
	const connecting = connectSession(record);
	const servers = lazyServerStatus(connecting);
	// Prompts typed before the model client has loaded wait for it instead of being lost.
	const runner = record.setupMessage ? undefined : deferredRunner(connecting.then(c => c.runner!));

	const startDemo = async (): Promise<Runner> => {
		const {DEMO_PROMPT, DEMO_SCRIPT} = await import('./demo-script.js');
		demo = await (await connecting).startDemo(DEMO_SCRIPT);
		void demo.submitPrompt(DEMO_PROMPT);
		return demo;
	};

	let closing: Promise<void> | undefined;
	const close = async () =>
		(closing ??= connecting
			.then(
				async c => c.close(),
				() => record.closeTranscript(),
			)
			.finally(async () => bashSandbox?.close()));
	let connected: ConnectedSession | undefined;
	void connecting.then(
		c => (connected = c),
		() => undefined,
	);
	let demo: Runner | undefined;

	const instance = render(
		<App
			store={record.store}
			runner={runner}
			meta={{agent: agent.name, model: record.modelId, sessionId: record.sessionId}}
			servers={servers}
			{...(record.setupMessage ? {setupMessage: record.setupMessage} : {})}
			startDemo={startDemo}
			{...(args.prompt ? {initialPrompt: args.prompt} : {})}
			onExit={() => void close()}
			checklist={{
				items: agent.checklist,
				tick: itemId => {
					void connecting.then(c => c.checklist.tickByUser(itemId));
				},
			}}
			onCycleMode={() => record.store.append({type: 'permission_mode_changed', mode: gate.cycleMode()})}
		/>,
		// Our event store already paces streamed text to one frame per 33 ms; Ink's own throttle at 60 fps
		// only delays the frame that ends an answer (or echoes a key) by up to 17 ms instead of 33.
		{exitOnCtrlC: false, maxFps: 60},
	);

	if (bashSandbox) {
		void bashSandbox.start().then(status => {
			for (const text of sandboxNotices(status)) record.store.append({type: 'notice_shown', level: status.state === 'ready' ? 'warning' : 'error', text});
		});
	}
	const signals = handleTerminationSignals({
		store: record.store,
		runner: () => (demo?.isBusy() ? demo : connected?.runner),
		mcp: () => connected?.mcp,
		close,
		releaseTerminal() {
			instance.unmount();
		},
	});

	// After the first frame: start the tool servers, then say what is missing, if anything.
	void connecting.then(
		async connected => {
			await connected.toolHost.ready();
			servers.refresh();
			for (const status of connected.mcp.statuses()) {
				if (status.state === 'failed') record.store.append({type: 'notice_shown', level: 'error', text: status.error ?? `${status.name} failed to start`});
			}

			const {toolWarnings} = await import('./session-connect.js');
			for (const warning of toolWarnings(agent, connected.toolHost)) record.store.append({type: 'notice_shown', level: 'warning', text: warning});
		},
		(error: unknown) => {
			record.store.append({type: 'notice_shown', level: 'error', text: `pgpair could not start its model client or tools: ${(error as Error).message}`});
		},
	);

	await instance.waitUntilExit();
	// A termination signal unmounted the app: its handler finishes the shutdown and ends the process.
	if (signals.signal) return new Promise<number>(() => undefined);
	signals.remove();
	// The transcript is closed synchronously first; tool servers get a moment to shut down and then
	// finish on their own (their stdin is closed), so quitting never waits on a database flush.
	record.closeTranscript();
	await Promise.race([close(), new Promise(resolve => setTimeout(resolve, QUIT_GRACE_MS).unref())]);
	if (fs.existsSync(record.transcriptPath)) process.stdout.write(`Session saved: ${path.relative(context.cwd, record.transcriptPath)}\n`);
	process.exit(0);
}

/** What the person must know about the sandbox they asked for: that it is missing, or what it does not cover. */
export function sandboxNotices(status: SandboxStatus): string[] {
	if (status.state === 'unavailable')
		return [
			`The sandbox for shell commands was requested but is unavailable: ${status.reason}. Shell commands will run without it, so every one of them asks first (in headless mode: is refused).`,
		];
	if (status.state === 'ready') return status.sandbox.warnings.map(warning => `sandbox: ${warning}`);
	return [];
}
