import {type ChildProcess, spawn} from 'node:child_process';
import http from 'node:http';
import {boundToParent} from '../../process/parent-death.js';
import {CONTROL_PREFIX} from './bootstrap-sources.js';
import type {MaterialisedFunction} from './materialise.js';

export type RuntimeOutput = {
	level: 'log' | 'info' | 'warn' | 'error' | 'debug';
	event_type: 'Log' | 'UncaughtException' | 'Boot' | 'Shutdown';
	message: string;
};

export type FunctionProcessOptions = {
	deno: string;
	fn: MaterialisedFunction;
	env: Record<string, string>;
	/** Console output, uncaught errors, boot and shutdown, one record per console call or error. */
	onOutput(output: RuntimeOutput): void;
	bootTimeoutMs?: number;
};

const LEVELS = new Set(['log', 'info', 'warn', 'error', 'debug']);
const MAX_LINE_BUFFER = 1024 * 1024;

/**
 * One warm Deno process serving one function version. It listens on a loopback port it picks itself and reports
 * through the bootstrap, so no port is ever guessed or raced for.
 */
export class FunctionProcess {
	readonly #child: ChildProcess;
	readonly #options: FunctionProcessOptions;
	readonly agent = new http.Agent({keepAlive: true});
	readonly ready: Promise<number>;
	readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
	#alive = true;
	#bootErrors: string[] = [];
	#stopping = false;

	constructor(options: FunctionProcessOptions) {
		this.#options = options;
		const {fn} = options;
		// Killed by the kernel when this server dies (see parent-death.ts); where that is not available, stdin stays
		// an open pipe and the bootstrap exits when it closes.
		const line = boundToParent(
			{
				command: options.deno,
				args: [
					'run',
					'--no-lock',
					'--no-remote',
					'--no-prompt',
					`--config=${fn.config}`,
					'--allow-net=127.0.0.1',
					'--allow-env',
					`--allow-read=${fn.filesDirectory}`,
					'--v8-flags=--max-old-space-size=256',
					fn.main,
				],
			},
			{env: options.env, cwd: fn.filesDirectory},
		);
		this.#child = spawn(line.command, line.args, {cwd: fn.filesDirectory, env: options.env, stdio: ['pipe', 'pipe', 'pipe']});
		this.#child.stdin!.on('error', () => {});
		this.exited = new Promise(resolve => {
			this.#child.once('close', (code, signal) => {
				this.#alive = false;
				this.agent.destroy();
				resolve({code, signal});
			});
			this.#child.once('error', error => {
				this.#bootErrors.push(`Could not run Deno (${options.deno}): ${error.message}`);
				if (this.#alive) {
					this.#alive = false;
					resolve({code: null, signal: null});
				}
			});
		});
		this.ready = new Promise<number>((resolve, reject) => {
			const timeoutMs = options.bootTimeoutMs ?? 20_000;
			const timer = setTimeout(() => {
				reject(new Error(`The function did not start listening within ${timeoutMs / 1000} s.`));
				void this.stop();
			}, timeoutMs);
			this.#readLines(this.#child.stdout!, line => {
				if (!line.startsWith(CONTROL_PREFIX)) {
					this.#emit({level: 'log', event_type: 'Log', message: line});
					return;
				}
				let record: {type?: string; port?: number; level?: string; event_type?: string; message?: string};
				try {
					record = JSON.parse(line.slice(CONTROL_PREFIX.length));
				} catch {
					this.#emit({level: 'log', event_type: 'Log', message: line.slice(CONTROL_PREFIX.length)});
					return;
				}
				if (record.type === 'listening' && typeof record.port === 'number') {
					clearTimeout(timer);
					resolve(record.port);
				} else if (record.type === 'no-serve') {
					clearTimeout(timer);
					reject(new Error('The function never called Deno.serve, so it cannot answer requests.'));
					void this.stop();
				} else if (record.type === 'log') {
					const level = LEVELS.has(record.level ?? '') ? (record.level as RuntimeOutput['level']) : 'log';
					const eventType = record.event_type === 'UncaughtException' ? 'UncaughtException' : 'Log';
					this.#emit({level, event_type: eventType, message: String(record.message ?? '')});
				}
			});
			this.#readStderr();
			void this.exited.then(({code, signal}) => {
				clearTimeout(timer);
				const reason = this.#bootErrors.join('\n').trim();
				reject(new Error(`The function failed to start (${signal ?? `exit code ${code}`})${reason ? `: ${reason}` : '.'}`));
			});
		});
		this.ready.catch(() => {});
	}

	get pid(): number | undefined {
		return this.#child.pid;
	}

	get alive(): boolean {
		return this.#alive;
	}

	/** Whether the end came from `stop` (a redeploy, pgpair closing) rather than from the function itself. */
	get stopped(): boolean {
		return this.#stopping;
	}

	#emit(output: RuntimeOutput): void {
		if (output.level === 'error' && this.#bootErrors.length < 20) this.#bootErrors.push(output.message);
		this.#options.onOutput(output);
	}

	#readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
		let buffer = '';
		stream.setEncoding('utf8');
		stream.on('data', (chunk: string) => {
			buffer += chunk;
			for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
				onLine(buffer.slice(0, newline).replace(/\r$/, ''));
				buffer = buffer.slice(newline + 1);
			}
			if (buffer.length > MAX_LINE_BUFFER) {
				onLine(buffer);
				buffer = '';
			}
		});
		stream.on('end', () => {
			if (buffer) onLine(buffer);
		});
	}

	/** Deno's own messages (an uncaught error at start-up, a permission denial): indented lines continue an entry. */
	#readStderr(): void {
		let pending: string[] = [];
		let timer: NodeJS.Timeout | undefined;
		const flush = () => {
			clearTimeout(timer);
			if (pending.length === 0) return;
			const message = pending.join('\n').trimEnd();
			pending = [];
			if (!message) return;
			const uncaught = /^error: Uncaught/.test(message);
			this.#emit({level: 'error', event_type: uncaught ? 'UncaughtException' : 'Log', message});
		};
		this.#readLines(this.#child.stderr!, line => {
			if (pending.length > 0 && !/^\s/.test(line) && line !== '') flush();
			if (line !== '' || pending.length > 0) pending.push(line);
			clearTimeout(timer);
			// A stack arrives in one burst; a short quiet period ends the entry.
			timer = setTimeout(flush, 20);
		});
		this.#child.stderr!.on('end', flush);
	}

	/** SIGTERM, then SIGKILL if the process has not ended within two seconds. */
	async stop(): Promise<void> {
		this.#stopping = true;
		if (!this.#alive) return;
		this.#child.stdin?.end();
		this.#child.kill('SIGTERM');
		const timer = setTimeout(() => this.#child.kill('SIGKILL'), 2000);
		await this.exited;
		clearTimeout(timer);
	}
}
