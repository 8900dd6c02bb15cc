/**
 * Starts a chat session: headless (`-p`) or the TUI. In the TUI the first frame is drawn before the
 * model client, the tool servers and the embedded database are even loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import {render} from 'ink';
import {loadAgent} from '../agents/discover-agent.js';
import type {AgentDefinition} from '../agents/parse-agent.js';
import {createApprovalGate} from '../session/approval-gate.js';
import {type LoadedPermissions, loadPermissions} from '../session/permissions.js';
import {openSession, type Session} from '../session/session.js';
import {createSessionHost} from '../session/session-host.js';
import {handleTerminationSignals} from '../session/shutdown.js';
import {type SandboxStatus, sandboxHandle} from '../tools/local/sandbox.js';
import {listWorkspaceSessions, recentPrompts, type SessionListing} from '../transcripts/reader.js';
import {ChatRoot} from '../ui/chat-root.js';
import type {ChatArgs} from './args.js';

const QUIT_GRACE_MS = 300;

export type ChatContext = {cwd: string; env: NodeJS.ProcessEnv; cliEntry: string};

export async function startChat(args: ChatArgs, context: ChatContext): Promise<number> {
	let agent: AgentDefinition;
	try {
		agent = await loadAgent({cwd: context.cwd, ...(args.agent ? {agent: args.agent} : {})});
	} catch (error) {
		process.stderr.write(`pgpair: ${(error as Error).message}\n`);
		return 2;
	}

	let permissions: LoadedPermissions;
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
		headless: args.print,
		workspaceRoot: context.cwd,
		explicitDestructiveOptIn: args.allowDestructiveRules,
		...(bashSandbox ? {bashSandbox} : {}),
	});
	const sessionContext = {args, agent, cwd: context.cwd, env: context.env, cliEntry: context.cliEntry, policy: gate, ...(bashSandbox ? {bashSandbox} : {})};
	// A mode named on the command line wins; a resumed session otherwise keeps the mode it was left in (its log
	// says which), and a new one starts in the settings' default mode.
	const modeFor = (resuming: boolean) => {
		const mode = args.permissionMode ?? (resuming ? undefined : permissions.defaultMode);
		return mode ? {mode} : {};
	};
	const openOptions = modeFor(args.resume !== undefined || args.continue);

	if (args.print) {
		const {runHeadless} = await import('../session/headless.js');
		if (bashSandbox) for (const line of sandboxNotices(await bashSandbox.start())) process.stderr.write(`pgpair: ${line}\n`);
		const session = await openSession(sessionContext, openOptions);
		const closeAll = async () => {
			await session.close();
			await bashSandbox?.close();
		};
		const signals = handleTerminationSignals({store: session.store, isBusy: session.isBusy, cancel: session.cancel, mcp: session.mcp, close: closeAll});
		let code: number;
		try {
			await session.connected;
			code = await runHeadless(session, args.prompt!, args.outputFormat, {
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

	// `--resume` without an id: a list of this workspace's sessions to choose from comes first, and no session opens
	// until one is chosen.
	const sessionsDir = path.resolve(context.cwd, args.sessionsDir ?? 'sessions');
	let pick: SessionListing[] | undefined;
	if (args.resume === true) {
		pick = await listWorkspaceSessions(sessionsDir, context.cwd);
		if (pick.length === 0) {
			process.stderr.write(`pgpair: there is no saved session for this workspace in ${path.relative(context.cwd, sessionsDir) || '.'} to resume.\n`);
			await bashSandbox?.close();
			return 1;
		}
	}

	// A session chosen later (`/resume`, the list) opens as `--resume <it>` would, with this command line's flags; a new
	// one (the fallback when a chosen one cannot open) as a plain `pgpair` would.
	const {resume: _resume, continue: _continue, ...fresh} = args;
	const open = async (resume: string | undefined): Promise<Session> =>
		openSession({...sessionContext, args: {...fresh, continue: false, ...(resume ? {resume} : {})}}, modeFor(resume !== undefined));
	const host = createSessionHost({cwd: context.cwd, sessionsDir, open, ...(pick ? {} : {first: await openSession(sessionContext, openOptions)})});
	let closing: Promise<void> | undefined;
	const close = async () => (closing ??= host.close().finally(async () => bashSandbox?.close()));

	const instance = render(
		<ChatRoot
			host={host}
			{...(pick ? {pick} : {})}
			agent={agent.name}
			{...(args.prompt ? {initialPrompt: args.prompt} : {})}
			checklistItems={agent.checklist}
			earlierPrompts={session => recentPrompts(path.dirname(session.transcriptPath), context.cwd, {exclude: session.transcriptPath})}
			onExit={() => void close()}
		/>,
		// Our event store already paces streamed text to one frame per 33 ms; Ink's own throttle at 60 fps
		// only delays the frame that ends an answer (or echoes a key) by up to 17 ms instead of 33.
		{exitOnCtrlC: false, maxFps: 60},
	);

	if (bashSandbox) {
		void bashSandbox.start().then(status => {
			// Said in the session open then (the first one, unless a list comes first: then the one chosen).
			const tell = (session: Session) => {
				for (const text of sandboxNotices(status)) session.store.append({type: 'notice_shown', level: status.state === 'ready' ? 'warning' : 'error', text});
			};
			const now = host.current();
			if (now) tell(now);
			else {
				const stop = host.subscribe(() => {
					const opened = host.current();
					if (!opened) return;
					stop();
					tell(opened);
				});
			}
		});
	}
	const signals = handleTerminationSignals({
		// Read only while a turn runs, that is while a session is open.
		get store() {
			return host.current()!.store;
		},
		isBusy: () => host.current()?.isBusy() ?? false,
		cancel: () => host.current()?.cancel(),
		mcp: () => host.current()?.mcp(),
		close,
		releaseTerminal() {
			instance.unmount();
		},
	});

	await instance.waitUntilExit();
	// A termination signal unmounted the app: its handler finishes the shutdown and ends the process.
	if (signals.signal) return new Promise<number>(() => undefined);
	signals.remove();
	// The transcript is closed synchronously first; tool servers get a moment to shut down and then
	// finish on their own (their stdin is closed), so quitting never waits on a database flush.
	const session = host.current();
	session?.closeTranscript();
	await Promise.race([close(), new Promise(resolve => setTimeout(resolve, QUIT_GRACE_MS).unref())]);
	if (session && fs.existsSync(session.transcriptPath))
		process.stdout.write(`Session saved: ${path.relative(context.cwd, session.transcriptPath)}\nGo on with: pgpair --resume ${session.id}\n`);
	else if (!session && pick) process.stdout.write('No session resumed.\n');
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
