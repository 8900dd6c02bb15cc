import {createHash, randomUUID} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdir, rename, rm, writeFile} from 'node:fs/promises';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {homedir} from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type {EdgeFunction, EdgeFunctionFile, EdgeFunctionStore} from '../edge-functions.js';
import {type ProjectKeys, projectKeys, verifyJwt} from '../jwt.js';
import type {LogStore} from '../logs.js';
import type {SqlRunner} from '../platform.js';
import {EDGE_RUNTIME_DTS, PATCH_TS, READY_TS} from './bootstrap-sources.js';
import {DENO_MISSING, resolveDeno} from './deno.js';
import {FunctionProcess} from './function-process.js';
import {type Gateway, proxy, sendJson, startGateway} from './gateway.js';
import {type BootstrapFiles, type FunctionSource, materialiseFunction} from './materialise.js';
import {redactor, SecretsFile} from './secrets.js';
import {baseDenoEnv, denoCheck} from './type-check.js';

export type FunctionsRuntimeOptions = {
	/** Path of the Deno binary; `null` runs without Deno (deploys are syntax-checked only, nothing is served). */
	deno?: string | null;
	/** Port of the main project's gateway on 127.0.0.1; default: an ephemeral port. Branches always get one. */
	port?: number;
	/** Holds DENO_DIR (npm downloads) and the bootstrap sources; default `$XDG_CACHE_HOME/pgpair/functions`. */
	cacheDir?: string;
};

/** What the runtime needs from the local project (kept narrow so it does not depend on LocalSupabase). */
export type RuntimeHost = {
	readonly logs: LogStore;
	readonly workspace: string | undefined;
	ready(): Promise<{main: SqlRunner; mainRef: string; functions: EdgeFunctionStore}>;
};

export type InvokeRequest = {
	slug: string;
	method?: string;
	/** Appended to `/functions/v1/<slug>`, query string included. */
	path?: string;
	headers?: Record<string, string>;
	body?: string;
	timeoutMs?: number;
};

export type InvokeResponse = {status: number; headers: Record<string, string>; body: string; duration_ms: number};

const MAX_BODY_CHARS = 20_000;

/** `secrets`: the secrets file as it was when the process started (see SecretsFile.stamp). */
type ProcessEntry = {version: number; secrets: string; starting: Promise<FunctionProcess>; process?: FunctionProcess};

function defaultCacheDir(): string {
	return path.join(process.env['XDG_CACHE_HOME'] || path.join(homedir(), '.cache'), 'pgpair', 'functions');
}

/**
 * Serves deployed edge functions the way Supabase's functions gateway does, on loopback: one HTTP gateway per
 * project (main or branch) at `/functions/v1/<slug>`, JWT verification per function, and one warm Deno process
 * per function, started on its first request and replaced when a newer version is deployed.
 */
export class FunctionsRuntime {
	readonly deno: string | undefined;
	readonly #host: RuntimeHost;
	readonly #options: FunctionsRuntimeOptions;
	readonly #cacheDir: string;
	readonly #versionsDir: string;
	readonly #secrets: SecretsFile;
	readonly #gateways = new Map<string, Promise<Gateway>>();
	readonly #keys = new Map<string, Promise<ProjectKeys>>();
	readonly #processes = new Map<string, ProcessEntry>();
	#bootstrap: Promise<BootstrapFiles> | undefined;
	#closed = false;

	constructor(host: RuntimeHost, options: FunctionsRuntimeOptions = {}) {
		this.#host = host;
		this.#options = options;
		this.deno = resolveDeno(options.deno);
		this.#cacheDir = path.resolve(options.cacheDir ?? defaultCacheDir());
		this.#versionsDir = host.workspace ? path.join(host.workspace, '.pgpair', 'functions') : path.join(this.#cacheDir, 'projects');
		this.#secrets = new SecretsFile(host.workspace ? path.join(host.workspace, 'supabase', 'functions', '.env') : undefined);
	}

	get #denoDir(): string {
		return path.join(this.#cacheDir, 'deno');
	}

	/** `supabase/functions/.env`, where the project's function secrets live (as the Supabase CLI keeps them). */
	get secretsFile(): SecretsFile {
		return this.#secrets;
	}

	/** The anon and service-role keys of a project (and the secret that signs them). */
	keys(ref: string): Promise<ProjectKeys> {
		let keys = this.#keys.get(ref);
		if (!keys) {
			keys = this.#host.ready().then(({main}) => projectKeys(main, ref));
			this.#keys.set(ref, keys);
			keys.catch(() => this.#keys.delete(ref));
		}
		return keys;
	}

	/** Replaces every secret value (the `.env` file's, the service-role key) with `[secret]`. */
	async redact(ref: string): Promise<(text: string) => string> {
		const keys = await this.keys(ref).catch(() => undefined);
		return this.#redactWith(keys);
	}

	#redactWith(keys: ProjectKeys | undefined): (text: string) => string {
		return redactor([...Object.values(this.#secrets.read()), ...(keys ? [keys.serviceRoleKey, keys.secret] : [])]);
	}

	/** The project's API URL: its functions gateway, started on first use. */
	url(ref: string): Promise<string> {
		if (this.#closed) return Promise.reject(new Error('The server is closing.'));
		let gateway = this.#gateways.get(ref);
		if (!gateway) {
			gateway = this.#host
				.ready()
				.then(({mainRef}) => startGateway(ref === mainRef ? (this.#options.port ?? 0) : 0, (request, response) => this.#handle(ref, request, response)));
			this.#gateways.set(ref, gateway);
			gateway.catch(() => this.#gateways.delete(ref));
		}
		return gateway.then(g => g.url);
	}

	async #bootstrapFiles(): Promise<BootstrapFiles> {
		this.#bootstrap ??= (async () => {
			const sources = {'edge-runtime.d.ts': EDGE_RUNTIME_DTS, 'patch.ts': PATCH_TS, 'ready.ts': READY_TS};
			const hash = createHash('sha256').update(JSON.stringify(sources)).digest('hex').slice(0, 12);
			const directory = path.join(this.#cacheDir, `bootstrap-${hash}`);
			await mkdir(directory, {recursive: true});
			for (const [name, content] of Object.entries(sources)) {
				const file = path.join(directory, name);
				if (existsSync(file)) continue;
				const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
				await writeFile(temporary, content);
				await rename(temporary, file);
			}
			const url = (name: string) => pathToFileURL(path.join(directory, name)).href;
			return {edgeRuntimeDts: url('edge-runtime.d.ts'), patch: url('patch.ts'), ready: url('ready.ts')};
		})();
		this.#bootstrap.catch(() => (this.#bootstrap = undefined));
		return this.#bootstrap;
	}

	/**
	 * Type-checks a function before it is stored: its files are written to a scratch directory and `deno check`
	 * runs on the entrypoint's module graph. `undefined` means Deno is not installed, so nothing was checked.
	 */
	async typeCheck(source: FunctionSource): Promise<string[] | undefined> {
		if (!this.deno) return undefined;
		const directory = path.join(this.#versionsDir, `.check-${randomUUID()}`);
		try {
			const fn = await materialiseFunction(directory, source, await this.#bootstrapFiles());
			return await denoCheck(fn, {deno: this.deno, denoDir: this.#denoDir});
		} finally {
			await rm(directory, {recursive: true, force: true});
		}
	}

	/** After a deploy: a warm process of the function is replaced by one running the new version. */
	async deployed(ref: string, slug: string): Promise<void> {
		const entry = this.#processes.get(`${ref}/${slug}`);
		if (!entry) return;
		const {functions} = await this.#host.ready();
		const fn = await functions.get(ref, slug);
		if (entry.version === fn.version) return;
		await this.#process(ref, fn).then(
			process => process.ready,
			() => undefined,
		);
	}

	/** The running process of a function, if any (for the probe and tests). */
	process(ref: string, slug: string): FunctionProcess | undefined {
		return this.#processes.get(`${ref}/${slug}`)?.process;
	}

	#process(ref: string, fn: EdgeFunction & {files: EdgeFunctionFile[]}): Promise<FunctionProcess> {
		const key = `${ref}/${fn.slug}`;
		const current = this.#processes.get(key);
		// A secret set since the process started reaches the function the way it does on Supabase: on a fresh start.
		const secrets = this.#secrets.stamp();
		if (current && current.version === fn.version && current.secrets === secrets && (!current.process || current.process.alive)) return current.starting;
		if (current?.process?.alive) void current.process.stop();
		const entry: ProcessEntry = {version: fn.version, secrets, starting: this.#spawn(ref, fn)};
		this.#processes.set(key, entry);
		entry.starting.then(
			process => (entry.process = process),
			() => {
				if (this.#processes.get(key) === entry) this.#processes.delete(key);
			},
		);
		return entry.starting;
	}

	async #spawn(ref: string, fn: EdgeFunction & {files: EdgeFunctionFile[]}): Promise<FunctionProcess> {
		if (!this.deno) throw new Error(DENO_MISSING);
		const directory = path.join(this.#versionsDir, ref, fn.slug, String(fn.version));
		const source: FunctionSource = {files: fn.files, entrypoint: fn.entrypoint_path, importMapPath: fn.import_map_path};
		const materialised = await materialiseFunction(directory, source, await this.#bootstrapFiles());
		const keys = await this.keys(ref);
		const url = await this.url(ref);
		const secrets = this.#secrets.read();
		const redact = this.#redactWith(keys);
		const fields = {function_id: fn.id, version: fn.version, deployment_id: `${ref}_${fn.id}_${fn.version}`};
		// Stacks name the function's files as `<slug>/index.ts:4:28`, not by where pgpair keeps them on disk.
		const filesUrl = `${pathToFileURL(materialised.filesDirectory).href}/`;
		const record = (level: string, eventType: string, message: string) =>
			this.#host.logs.record(ref, 'edge-function-runtime', redact(message.split(filesUrl).join(`${fn.slug}/`)), {
				level,
				event_type: eventType,
				...fields,
			});
		const env = baseDenoEnv(this.#denoDir, {
			...Object.fromEntries(Object.entries(secrets).filter(([name]) => !name.startsWith('SUPABASE_'))),
			SUPABASE_URL: url,
			SUPABASE_ANON_KEY: keys.anonKey,
			SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
			SB_REGION: 'local',
		});
		const started = performance.now();
		const process = new FunctionProcess({
			deno: this.deno,
			fn: materialised,
			env,
			onOutput: output => record(output.level, output.event_type, output.message),
		});
		process.ready.then(
			() => record('log', 'Boot', `booted (time: ${Math.round(performance.now() - started)}ms)`),
			() => undefined,
		);
		void process.exited.then(({code, signal}) => {
			const why = process.stopped ? 'stopped by pgpair' : `ended on its own (${signal ?? `exit code ${code}`})`;
			record(process.stopped ? 'log' : 'error', 'Shutdown', `shutdown: ${fn.slug} version ${fn.version} ${why}`);
		});
		if (this.#closed) await process.stop();
		return process;
	}

	async #handle(ref: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
		const started = performance.now();
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		// Every request to the project URL, as Supabase's API gateway logs them (edge_logs); the function's own
		// request log below is the edge-function service's.
		response.once('close', () => {
			void this.redact(ref).then(redact =>
				this.#host.logs.record(ref, 'api', redact(`${request.method ?? 'GET'} | ${response.statusCode} | ${url.pathname}`), {
					method: request.method ?? 'GET',
					path: redact(url.pathname),
					status_code: response.statusCode,
					execution_time_ms: Math.round(performance.now() - started),
				}),
			);
		});
		const match = /^\/functions\/v1\/([^/]+)(\/.*)?$/.exec(url.pathname);
		if (!match) return sendJson(response, 404, {message: 'no Route matched with those values'});
		const slug = decodeURIComponent(match[1]!);
		const {functions} = await this.#host.ready();
		let fn: EdgeFunction & {files: EdgeFunctionFile[]};
		try {
			fn = await functions.get(ref, slug);
		} catch {
			return sendJson(response, 404, {code: 'NOT_FOUND', message: 'Requested function was not found'});
		}
		const keys = await this.keys(ref);
		const method = request.method ?? 'GET';
		const gatewayUrl = await this.url(ref);
		response.once('close', () => {
			const status = response.statusCode;
			const redact = this.#redactWith(keys);
			this.#host.logs.record(ref, 'edge-function', redact(`${method} | ${status} | ${gatewayUrl}${request.url ?? ''}`), {
				function_id: fn.id,
				version: fn.version,
				deployment_id: `${ref}_${fn.id}_${fn.version}`,
				status_code: status,
				method,
				execution_time_ms: Math.round(performance.now() - started),
			});
		});
		// Browsers send CORS preflights without credentials; the function answers them itself.
		if (fn.verify_jwt && method !== 'OPTIONS') {
			const authorization = request.headers.authorization;
			const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
			if (!token) return sendJson(response, 401, {code: 401, message: 'Missing authorization header'});
			if (!verifyJwt(token, keys.secret).ok) return sendJson(response, 401, {code: 401, message: 'Invalid JWT'});
		}
		if (!this.deno) return sendJson(response, 503, {code: 'DENO_NOT_INSTALLED', message: DENO_MISSING});
		let process: FunctionProcess;
		let port: number;
		try {
			process = await this.#process(ref, fn);
			port = await process.ready;
		} catch (error) {
			const message = this.#redactWith(keys)((error as Error).message);
			return sendJson(response, 503, {
				code: 'BOOT_ERROR',
				message: `${message} See the edge-function-runtime logs; the function starts again on the next request.`,
			});
		}
		// Functions see `/<slug>/…` as on Supabase, where the gateway strips `/functions/v1`.
		const target = `/${match[1]}${match[2] ?? ''}${url.search}`;
		try {
			await proxy(request, response, {port, agent: process.agent, path: target});
		} catch {
			const ended = await Promise.race([process.exited, new Promise<undefined>(r => setTimeout(r, 500, undefined))]);
			const how = ended ? ` (${ended.signal ?? `exit code ${ended.code}`})` : '';
			sendJson(response, 502, {
				code: 'WORKER_ERROR',
				message: `The function's process ended while handling the request${how}. See the edge-function-runtime logs; it restarts on the next request.`,
			});
		}
	}

	/**
	 * Calls a function through its gateway like supabase-js does: with the anon key as `Authorization` and `apikey`
	 * unless the caller sets `Authorization` (an empty value sends none). Secrets in the answer are redacted.
	 */
	async invoke(ref: string, input: InvokeRequest): Promise<InvokeResponse> {
		if (!this.deno) throw new Error(DENO_MISSING);
		const {functions} = await this.#host.ready();
		await functions.get(ref, input.slug);
		const [base, keys] = await Promise.all([this.url(ref), this.keys(ref)]);
		const headers = new Headers();
		for (const [name, value] of Object.entries(input.headers ?? {})) headers.set(name, value);
		if (!headers.has('authorization')) {
			headers.set('authorization', `Bearer ${keys.anonKey}`);
			if (!headers.has('apikey')) headers.set('apikey', keys.anonKey);
		} else if (!headers.get('authorization')) {
			headers.delete('authorization');
		}
		const method = (input.method ?? (input.body === undefined ? 'GET' : 'POST')).toUpperCase();
		if (input.body !== undefined && !headers.has('content-type')) {
			let json = true;
			try {
				JSON.parse(input.body);
			} catch {
				json = false;
			}
			headers.set('content-type', json ? 'application/json' : 'text/plain;charset=UTF-8');
		}
		const suffix = input.path ? (input.path.startsWith('/') || input.path.startsWith('?') ? input.path : `/${input.path}`) : '';
		const timeoutMs = input.timeoutMs ?? 60_000;
		const started = performance.now();
		let answer: Response;
		let text: string;
		try {
			answer = await fetch(`${base}/functions/v1/${encodeURIComponent(input.slug)}${suffix}`, {
				method,
				headers,
				...(input.body !== undefined && method !== 'GET' && method !== 'HEAD' ? {body: input.body} : {}),
				signal: AbortSignal.timeout(timeoutMs),
			});
			text = await answer.text();
		} catch (error) {
			const name = (error as Error).name;
			if (name === 'TimeoutError' || name === 'AbortError') {
				throw new Error(`The function did not answer within ${timeoutMs / 1000} s.`);
			}
			throw error;
		}
		const duration = Math.round(performance.now() - started);
		const redact = this.#redactWith(keys);
		const responseHeaders: Record<string, string> = {};
		for (const [name, value] of answer.headers) responseHeaders[name] = redact(value);
		const body = redact(text);
		return {
			status: answer.status,
			headers: responseHeaders,
			body: body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}… [${body.length - MAX_BODY_CHARS} more characters]` : body,
			duration_ms: duration,
		};
	}

	/** Stops every function process and gateway. */
	async close(): Promise<void> {
		this.#closed = true;
		const entries = [...this.#processes.values()];
		this.#processes.clear();
		await Promise.all(
			entries.map(entry =>
				entry.starting.then(
					process => process.stop(),
					() => undefined,
				),
			),
		);
		const gateways = [...this.#gateways.values()];
		this.#gateways.clear();
		await Promise.all(
			gateways.map(gateway =>
				gateway.then(
					g => g.close(),
					() => undefined,
				),
			),
		);
	}
}
