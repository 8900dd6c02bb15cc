/**
 * Drives a real terminal: the built CLI runs in a detached tmux session; tests type with send-keys
 * and read the screen with capture-pane, as a person would.
 */
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {waitFor} from './wait-for.js';

export type TmuxSession = {
	name: string;
	screen(): string;
	/** The pane's scrollback and screen together, oldest line first. */
	history(): string;
	type(text: string): void;
	press(...keys: string[]): void;
	resize(columns: number, rows: number): void;
	waitForText(text: string | RegExp, timeoutMs?: number): Promise<string>;
	/** True once the program in the pane has exited (the pane stays open so its screen can be read). */
	exited(): boolean;
	exitStatus(): number | undefined;
	/** The pid of the pane's shell: the program and everything it starts descend from it. */
	panePid(): number;
	kill(): void;
};

const EXIT_MARK = 'PGPAIR_EXIT_STATUS=';

/**
 * tmux decides at server start whether the terminal speaks UTF-8, from the client's locale; CI machines may have
 * neither LANG nor TERM set, and then every box-drawing character and ellipsis comes out mangled.
 */
const TMUX_ENV = {
	...process.env,
	LANG: process.env['LANG'] || 'C.UTF-8',
	LC_CTYPE: process.env['LC_CTYPE'] || 'C.UTF-8',
	TERM: process.env['TERM'] || 'xterm-256color',
};

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-u', ...args], {encoding: 'utf8', env: TMUX_ENV});
}

/**
 * Tests share one tmux server, which exits when its last session is killed: a session started in that moment by a
 * test running beside it meets a dying server ("server exited unexpectedly"). Started again, it gets a new server.
 */
function newSession(args: string[]): void {
	for (let attempt = 1; ; attempt++) {
		try {
			tmux('new-session', ...args);
			return;
		} catch (error) {
			const text = String((error as {stderr?: unknown}).stderr ?? (error as Error).message);
			if (attempt >= 3 || !/server exited unexpectedly|lost server|no server running/.test(text)) throw error;
		}
	}
}

export function startTmux(command: string, options: {cwd: string; columns?: number; rows?: number; env?: Record<string, string>}): TmuxSession {
	const name = `pgpair-test-${randomBytes(4).toString('hex')}`;
	// A pane inherits the tmux server's environment, and the server outlives the test run that started it: the
	// run's own folders (global-tmpdir.ts) are named for each session, or a later run's panes would get removed ones.
	const runFolders = Object.fromEntries(
		(['TMPDIR', 'XDG_CONFIG_HOME'] as const).flatMap(key => (process.env[key] === undefined ? [] : [[key, process.env[key]!] as const])),
	);
	const env = Object.entries({...runFolders, ...options.env}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
	// The shell prints the exit status on screen (tmux's own pane status is not reliable across versions)
	// and then waits, so the last screen can still be read.
	// Ink draws only the last frame when CI is set (is-in-ci); a person's terminal has no CI variable, and the
	// pane inherits the tmux server's environment, which CI's own run may have started.
	const wrapped = `env -u CI -u CONTINUOUS_INTEGRATION ${command}; echo "${EXIT_MARK}$?"; sleep 600`;
	newSession(['-d', '-s', name, '-x', String(options.columns ?? 100), '-y', String(options.rows ?? 30), '-c', options.cwd, ...env, wrapped]);
	const session: TmuxSession = {
		name,
		screen: () => tmux('capture-pane', '-p', '-t', name),
		history: () => tmux('capture-pane', '-p', '-S', '-', '-t', name),
		type(text) {
			tmux('send-keys', '-t', name, '-l', text);
		},
		press(...keys) {
			tmux('send-keys', '-t', name, ...keys);
		},
		resize(columns, rows) {
			tmux('resize-window', '-t', name, '-x', String(columns), '-y', String(rows));
		},
		async waitForText(text, timeoutMs = 20_000) {
			return waitFor(
				() => {
					const screen = session.screen();
					return (typeof text === 'string' ? screen.includes(text) : text.test(screen)) ? screen : undefined;
				},
				`"${String(text)}" on screen`,
				timeoutMs,
				50,
			).catch(error => {
				throw new Error(`${(error as Error).message}\n--- screen ---\n${session.screen()}`);
			});
		},
		exited: () => session.exitStatus() !== undefined,
		exitStatus() {
			const match = new RegExp(`${EXIT_MARK}(\\d+)`).exec(session.screen());
			return match ? Number(match[1]) : undefined;
		},
		panePid: () => Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim()),
		kill() {
			try {
				tmux('kill-session', '-t', name);
			} catch {
				// Already gone.
			}
		},
	};
	return session;
}

/** Quits pgpair as a person does (Ctrl+C twice) and waits for it to exit; resolves with the last screen. */
export async function quitPgpair(terminal: TmuxSession, timeoutMs = 15_000): Promise<string> {
	terminal.press('C-c');
	terminal.press('C-c');
	await waitFor(() => terminal.exited(), 'pgpair to exit', timeoutMs).catch(error => {
		throw new Error(`${(error as Error).message}\n${terminal.screen()}`);
	});
	return terminal.screen();
}
