import {spawn} from 'node:child_process';
import {z} from 'zod';
import {boundToParent} from '../../process/parent-death.js';
import {trackProcessGroup} from '../../process/process-groups.js';
import {defineTool, fail, ok} from './local-tool.js';

export const BASH_DEFAULT_TIMEOUT_MS = 120_000;
export const BASH_MAX_TIMEOUT_MS = 600_000;
export const BASH_MAX_OUTPUT_CHARS = 30_000;
/** Between SIGTERM and SIGKILL: long enough for a clean exit, short enough that Esc feels immediate. */
const KILL_GRACE_MS = 2_000;
/** After the shell exits, how long its output pipes may stay open before we stop whatever holds them. */
const DRAIN_MS = 250;

export const bashTool = defineTool({
	name: 'Bash',
	description: [
		'Run a shell command with `bash -c` in the workspace root and return its combined stdout and stderr and its exit code.',
		`timeout is in milliseconds (default ${BASH_DEFAULT_TIMEOUT_MS}, at most ${BASH_MAX_TIMEOUT_MS}); on timeout or cancellation the command and every process it started are killed.`,
		`Output beyond ${BASH_MAX_OUTPUT_CHARS} characters is cut from the middle (the start and the end are kept). stdin is empty.`,
		'Background processes that still hold the output when the command ends are stopped. Prefer Read, Glob, Grep, Edit and Write for files.',
	].join('\n'),
	schema: z.strictObject({
		command: z.string().min(1).describe('The command to run.'),
		timeout: z
			.number()
			.int()
			.min(1)
			.max(BASH_MAX_TIMEOUT_MS)
			.optional()
			.describe(`Timeout in milliseconds (default ${BASH_DEFAULT_TIMEOUT_MS}, max ${BASH_MAX_TIMEOUT_MS}).`),
		description: z.string().optional().describe('What the command does, in a few words, for the person approving it.'),
	}),
	async run(input, {workspace, env, signal, sandbox: handle}) {
		if (signal.aborted) return fail('The command did not run: the turn was cancelled.');
		const timeoutMs = input.timeout ?? BASH_DEFAULT_TIMEOUT_MS;
		// An unavailable sandbox was announced at start, and the gate asks for every command instead.
		const sandboxStatus = await handle?.start();
		const sandbox = sandboxStatus?.state === 'ready' ? sandboxStatus.sandbox : undefined;
		let commandLine = input.command;
		if (sandbox) {
			try {
				commandLine = await sandbox.wrap(input.command, signal);
			} catch (error) {
				return fail(`The command did not run: the sandbox could not wrap it (${(error as Error).message}).`);
			}
		}

		// Its own process group, so a timeout or Esc can kill everything the command started, not just bash; the
		// group is killed when pgpair exits, and bash is killed by the kernel if pgpair dies.
		const line = boundToParent({command: 'bash', args: ['-c', commandLine]}, {env, cwd: workspace.root});
		const child = spawn(line.command, line.args, {cwd: workspace.root, env: withSafeGit(env), detached: true, stdio: ['ignore', 'pipe', 'pipe']});
		const untrack = child.pid === undefined ? () => undefined : trackProcessGroup(child.pid);
		const output = new HeadTailBuffer(BASH_MAX_OUTPUT_CHARS);
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.append(chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.append(chunk));

		let stopped: 'timeout' | 'cancelled' | 'leftover' | undefined;
		const timers: NodeJS.Timeout[] = [];
		const killGroup = (sig: NodeJS.Signals) => {
			try {
				if (child.pid !== undefined) process.kill(-child.pid, sig);
			} catch {
				// The group is already gone.
			}
		};

		const stop = (why: NonNullable<typeof stopped>) => {
			if (stopped) return;
			stopped = why;
			killGroup('SIGTERM');
			timers.push(
				setTimeout(() => {
					killGroup('SIGKILL');
					// A process that left the group (setsid) may still hold the pipes; stop waiting for it.
					timers.push(
						setTimeout(() => {
							child.stdout.destroy();
							child.stderr.destroy();
						}, KILL_GRACE_MS),
					);
				}, KILL_GRACE_MS),
			);
		};

		timers.push(setTimeout(() => stop('timeout'), timeoutMs));
		const onAbort = () => stop('cancelled');
		signal.addEventListener('abort', onAbort, {once: true});

		const ended = await new Promise<{code: number | null; signal: NodeJS.Signals | null} | {error: Error}>(resolve => {
			let exit: {code: number | null; signal: NodeJS.Signals | null} | undefined;
			child.once('error', error => resolve({error}));
			child.once('exit', (code, sig) => {
				exit = {code, signal: sig};
				timers.push(
					setTimeout(() => {
						// Something the command started in the background still holds stdout/stderr.
						if (!stopped) stop('leftover');
					}, DRAIN_MS),
				);
			});
			child.once('close', (code: number | null, sig: NodeJS.Signals | null) => resolve(exit ?? {code, signal: sig}));
		});

		signal.removeEventListener('abort', onAbort);
		for (const timer of timers) clearTimeout(timer);
		sandbox?.afterCommand();
		untrack();
		if ('error' in ended) return fail(`Could not start bash: ${ended.error.message}`);

		const text = output.text();
		const shown = text === '' ? '(no output)' : text.replace(/\n$/, '');
		if (stopped === 'timeout') return fail(`${shown}\n\nThe command timed out after ${timeoutMs} ms; it and every process it started were killed.`);
		if (stopped === 'cancelled') return fail(`${shown}\n\nThe command was cancelled; it and every process it started were killed.`);

		const status = ended.code === null ? `Killed by signal ${ended.signal ?? 'unknown'}` : `Exit code: ${ended.code}`;
		const leftover = stopped === 'leftover' ? '\n(Background processes the command left holding its output were stopped.)' : '';
		const result = `${shown}\n\n${status}${leftover}`;
		return ended.code === 0 ? ok(result) : fail(result);
	},
});

/**
 * Git finds a bare repository in any directory holding HEAD, objects/ and refs/, and runs what that
 * repository's config names (diff drivers, fsmonitor) even for `git diff`. A file tool can create
 * such a directory in the workspace, so commands see `safe.bareRepository=explicit`: command-line
 * configuration, which a repository's own config cannot override.
 */
export function withSafeGit(env: Record<string, string>): Record<string, string> {
	const count = Number.parseInt(env['GIT_CONFIG_COUNT'] ?? '0', 10);
	const index = Number.isInteger(count) && count >= 0 ? count : 0;
	return {...env, GIT_CONFIG_COUNT: String(index + 1), [`GIT_CONFIG_KEY_${index}`]: 'safe.bareRepository', [`GIT_CONFIG_VALUE_${index}`]: 'explicit'};
}

/** Keeps the first and last halves of a long output, in bounded memory, and counts what was cut. */
export class HeadTailBuffer {
	private head = '';
	private tail = '';
	private total = 0;

	constructor(private readonly maxChars: number) {}

	append(chunk: string): void {
		this.total += chunk.length;
		const half = Math.floor(this.maxChars / 2);
		const room = half - this.head.length;
		if (room > 0) {
			this.head += chunk.slice(0, room);
			chunk = chunk.slice(room);
		}

		this.tail += chunk;
		// Trimmed lazily: only the last `maxChars - half` characters can ever be shown.
		if (this.tail.length > 2 * this.maxChars) this.tail = this.tail.slice(-(this.maxChars - half));
	}

	text(): string {
		if (this.total <= this.maxChars) return this.head + this.tail;
		const tail = this.tail.slice(-(this.maxChars - Math.floor(this.maxChars / 2)));
		const cut = this.total - this.head.length - tail.length;
		return `${this.head}\n\n[… ${cut} characters cut from the middle of the output …]\n\n${tail}`;
	}
}
