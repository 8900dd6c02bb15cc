/**
 * The optional OS sandbox for Bash: @anthropic-ai/sandbox-runtime (the one Claude Code uses) over
 * bubblewrap on Linux and sandbox-exec on macOS. Inside it a command can write only inside the
 * workspace, never to the control files (.mcp.json, .claude/, .pgpair/, the sessions directory,
 * .git/), and reaches no network unless domains are allowed; reads are not restricted.
 *
 * What it does not cover: reads (a command may still read ~/.ssh), Unix sockets when the runtime's
 * seccomp helper is missing (it says so in `warnings`), and a nested `.git` directory created after
 * the sandbox started. The approval gate still decides every call; the sandbox limits what an
 * approved (or wrongly classified) command can do.
 *
 * The runtime is one per process (its manager is a singleton), so there is one sandbox per pgpair.
 */
import fs from 'node:fs';
import path from 'node:path';

export type SandboxSettings = {
	/** Domains (`example.com`, `*.npmjs.org`, `host:port`) commands may reach; none when empty. */
	allowedDomains: readonly string[];
};

export type BashSandbox = {
	/** The command line that runs `command` inside the sandbox (to be run with `bash -c`). */
	wrap(command: string, signal: AbortSignal): Promise<string>;
	/** Removes mount points the last command left behind; call after every command. */
	afterCommand(): void;
	close(): Promise<void>;
	warnings: readonly string[];
};

export type SandboxStatus = {state: 'off'} | {state: 'starting'} | {state: 'ready'; sandbox: BashSandbox} | {state: 'unavailable'; reason: string};

/** A sandbox that was asked for: its state is readable synchronously (the gate needs it) and settles once. */
export type SandboxHandle = {
	status(): SandboxStatus;
	/** Starts it (once) and resolves when it is ready or known to be unavailable. */
	start(): Promise<SandboxStatus>;
	close(): Promise<void>;
};

export type SandboxOptions = SandboxSettings & {workspaceRoot: string; sessionsDir: string};

const CONTROL_ENTRIES = ['.mcp.json', '.claude', '.pgpair', '.git'];

export function sandboxHandle(options: SandboxOptions): SandboxHandle {
	let status: SandboxStatus = {state: 'starting'};
	let starting: Promise<SandboxStatus> | undefined;
	return {
		status: () => status,
		async start() {
			starting ??= startSandbox(options).then(result => (status = result));
			return starting;
		},
		async close() {
			const settled = await starting;
			if (settled?.state === 'ready') await settled.sandbox.close();
		},
	};
}

/** Never throws: every reason the sandbox cannot run comes back as `unavailable`, in plain words. */
export async function startSandbox(options: SandboxOptions): Promise<SandboxStatus> {
	let runtime: typeof import('@anthropic-ai/sandbox-runtime');
	try {
		runtime = await import('@anthropic-ai/sandbox-runtime');
	} catch (error) {
		return {state: 'unavailable', reason: `the sandbox runtime could not be loaded (${(error as Error).message})`};
	}

	const manager = runtime.SandboxManager;
	if (!manager.isSupportedPlatform()) return {state: 'unavailable', reason: `the sandbox does not support this platform (${process.platform})`};
	const dependencies = manager.checkDependencies();
	if (dependencies.errors.length > 0) {
		const hint = process.platform === 'linux' ? ' (on Debian/Ubuntu: apt-get install bubblewrap socat)' : '';
		return {state: 'unavailable', reason: `${dependencies.errors.join('; ')}${hint}`};
	}

	const root = fs.realpathSync(options.workspaceRoot);
	const sessions = realOrSelf(options.sessionsDir);
	try {
		await manager.initialize({
			network: {allowedDomains: [...options.allowedDomains], deniedDomains: []},
			filesystem: {
				denyRead: [],
				allowWrite: [root],
				// Paths that do not exist yet are blocked too: the runtime mounts a read-only stand-in there.
				denyWrite: [...CONTROL_ENTRIES.map(entry => path.join(root, entry)), sessions],
			},
		});
	} catch (error) {
		return {state: 'unavailable', reason: `the sandbox could not start (${(error as Error).message})`};
	}

	let commands = 0;
	return {
		state: 'ready',
		sandbox: {
			warnings: dependencies.warnings,
			async wrap(command, signal) {
				commands++;
				return manager.wrapWithSandbox(command, undefined, undefined, signal, {commandId: `pgpair-${process.pid}-${commands}`});
			},
			afterCommand: () => manager.cleanupAfterCommand(),
			close: async () => manager.reset(),
		},
	};
}

function realOrSelf(p: string): string {
	try {
		return fs.realpathSync(p);
	} catch {
		return path.resolve(p);
	}
}
