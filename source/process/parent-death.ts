/**
 * Children that cannot outlive the process that started them. On Linux the kernel does it: `setpriv --pdeathsig`
 * (util-linux) sets PR_SET_PDEATHSIG and then execs the command, so the child gets the signal the moment its parent
 * dies, by SIGKILL too, and however busy the child is. Elsewhere (macOS, or no setpriv) the command runs as is and
 * the fallbacks carry the guarantee: our own children watch their parent (parent-watchdog.ts), the others exit
 * when their stdin closes.
 *
 * The signal is tied to the *thread* that spawned the child, not the process: spawn from the main thread (Node's
 * child_process does the fork on the calling JS thread) for a child that lives as long as the process; a child
 * spawned from a worker thread dies when that worker ends.
 */

import {spawnSync} from 'node:child_process';
import {accessSync, constants, statSync} from 'node:fs';
import path from 'node:path';

export type ParentDeathSignal = 'KILL' | 'TERM';

export type CommandLine = {command: string; args: string[]};

let setprivPath: string | null | undefined;

/** The setpriv that supports `--pdeathsig` (util-linux 2.33+), found once per process; null when there is none. */
export function findSetpriv(env: NodeJS.ProcessEnv = process.env): string | null {
	if (setprivPath !== undefined) return setprivPath;
	setprivPath = null;
	if (process.platform !== 'linux') return setprivPath;
	const candidate = resolveExecutable('setpriv', {PATH: `/usr/bin:/bin:${env['PATH'] ?? ''}`});
	if (!candidate) return setprivPath;
	// One short run proves the option exists and that prctl is allowed here (a seccomp profile could forbid it).
	const probe = spawnSync(candidate, ['--pdeathsig', 'KILL', '--', 'true'], {stdio: 'ignore', timeout: 5000});
	if (probe.status === 0) setprivPath = candidate;
	return setprivPath;
}

/** The absolute path `spawn` would run for `command` with this PATH and working directory; undefined if none. */
export function resolveExecutable(command: string, env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
	const candidates = command.includes('/')
		? [path.resolve(cwd, command)]
		: (env['PATH'] ?? '')
				.split(path.delimiter)
				.filter(Boolean)
				.map(directory => path.resolve(cwd, directory, command));
	return candidates.find(file => {
		try {
			accessSync(file, constants.X_OK);
			return statSync(file).isFile();
		} catch {
			return false;
		}
	});
}

/**
 * The command line that runs `command` so that it gets `signal` when its parent thread dies. Unchanged where the
 * kernel cannot do it, and when the command does not resolve to an executable: spawn then fails with its usual
 * ENOENT instead of setpriv's exit status, so "command not found" stays a clear error.
 * `env` and `cwd` are the child's (its PATH decides what runs).
 */
export function boundToParent(line: CommandLine, options: {signal?: ParentDeathSignal; env?: NodeJS.ProcessEnv; cwd?: string} = {}): CommandLine {
	const setpriv = findSetpriv();
	if (!setpriv) return line;
	const env = options.env ?? process.env;
	const executable = resolveExecutable(line.command, env['PATH'] === undefined ? {...env, PATH: process.env['PATH']} : env, options.cwd);
	if (!executable) return line;
	// The resolved path, so setpriv runs exactly what was checked here, whatever its own PATH lookup would find.
	return {command: setpriv, args: ['--pdeathsig', options.signal ?? 'KILL', '--', executable, ...line.args]};
}
