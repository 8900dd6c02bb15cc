import {spawn} from 'node:child_process';
import {pathToFileURL} from 'node:url';
import {boundToParent} from '../../process/parent-death.js';
import type {MaterialisedFunction} from './materialise.js';

/**
 * The environment every Deno process of pgpair starts from. Deliberately not `process.env`: functions see
 * `Deno.env`, and pgpair's own environment holds an Anthropic key and database URLs that are none of their business.
 */
export function baseDenoEnv(denoDir: string, extra: Record<string, string> = {}): Record<string, string> {
	const env: Record<string, string> = {
		DENO_DIR: denoDir,
		NO_COLOR: '1',
		RUST_BACKTRACE: '0',
		DENO_NO_UPDATE_CHECK: '1',
		DENO_NO_PROMPT: '1',
	};
	// Where the registry is and which CAs to trust (a corporate proxy's): Deno itself needs them to fetch npm packages.
	const passed = ['PATH', 'HOME', 'TMPDIR', 'NPM_CONFIG_REGISTRY', 'npm_config_registry', 'DENO_CERT', 'DENO_TLS_CA_STORE', 'NODE_EXTRA_CA_CERTS'];
	for (const key of passed) {
		const value = process.env[key];
		if (value) env[key] = value;
	}
	return {...env, ...extra};
}

/** Proxy settings reach `deno check` (which downloads npm packages) but never a function's environment. */
export function registryEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const key of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) {
		const value = process.env[key];
		if (value) env[key] = value;
	}
	return env;
}

const OFFLINE_HINT =
	' (pgpair checks and serves functions offline: use npm: specifiers or files of the function; jsr: and https: ' +
	'imports are not reachable, except the Supabase edge-runtime types and supabase-js, which map to local files and npm)';

type Diagnostic = {code?: string | undefined; message: string[]; body: string[]; location?: string};

/**
 * Turns `deno check` output into `file:line:column - error TSxxxx: message` lines, with paths relative to the
 * function's directory when the file is one of the function's own.
 */
export function parseDenoCheckOutput(output: string, filesDirectory: string): string[] {
	const filesUrl = `${pathToFileURL(filesDirectory).href}/`;
	const relative = (url: string) => (url.startsWith(filesUrl) ? decodeURIComponent(url.slice(filesUrl.length)) : url);
	const errors: string[] = [];
	let current: Diagnostic | undefined;
	const finish = () => {
		if (!current) return;
		const caret = current.body.findIndex(line => /^\s*[~^]+\s*$/.test(line));
		const continuation = (caret > 0 ? current.body.slice(0, caret - 1) : current.body).map(l => l.trim()).filter(Boolean);
		let message = [...current.message, ...continuation].join('\n  ');
		if (/--no-remote is specified/.test(message)) message += OFFLINE_HINT;
		const kind = current.code ? `error ${current.code}` : 'error';
		errors.push(current.location ? `${current.location} - ${kind}: ${message}` : `${kind}: ${message}`);
		current = undefined;
	};
	for (const line of output.replace(/\r/g, '').split('\n')) {
		const ts = /^(TS\d+) \[ERROR\]: (.*)$/.exec(line);
		const plain = /^error: (.*)$/.exec(line);
		const at = /^\s+at (\S+?):(\d+):(\d+)\s*$/.exec(line);
		if (ts) {
			finish();
			current = {code: ts[1], message: [ts[2]!], body: []};
		} else if (plain) {
			finish();
			if (!/^Type checking failed\.?$/.test(plain[1]!)) current = {message: [plain[1]!], body: []};
		} else if (at && current) {
			current.location = `${relative(at[1]!)}:${at[2]}:${at[3]}`;
			finish();
		} else if (current && !/^Found \d+ errors?\.$/.test(line)) {
			current.body.push(line);
		}
	}
	finish();
	return errors;
}

export type CheckOptions = {deno: string; denoDir: string; timeoutMs?: number};

/** `deno check` of the entrypoint's module graph; an empty list means it type-checks. */
export async function denoCheck(fn: MaterialisedFunction, options: CheckOptions): Promise<string[]> {
	const args = ['check', '--quiet', '--no-lock', '--no-remote', '--config', fn.config, fn.entrypoint];
	const env = baseDenoEnv(options.denoDir, registryEnv());
	const line = boundToParent({command: options.deno, args}, {env, cwd: fn.directory});
	const child = spawn(line.command, line.args, {cwd: fn.directory, env, stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	const timeoutMs = options.timeoutMs ?? 120_000;
	const code = await new Promise<number | null>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`The type check did not finish within ${timeoutMs / 1000} s (downloading npm packages?).`));
		}, timeoutMs);
		child.once('error', error => {
			clearTimeout(timer);
			reject(new Error(`Could not run Deno (${options.deno}): ${error.message}`));
		});
		child.once('close', exitCode => {
			clearTimeout(timer);
			resolve(exitCode);
		});
	});
	if (code === 0) return [];
	const errors = parseDenoCheckOutput(output, fn.filesDirectory);
	return errors.length > 0 ? errors : [output.trim().slice(-2000) || `deno check exited with code ${code}`];
}
