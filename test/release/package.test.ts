/**
 * The tarball and what installing it gives a person: only what the app needs, no dev dependencies, a valid tree
 * whose engines cover ours, nothing reachable from the repository, and a working `npm install -g`.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {dependencyClosure, enginesProblems} from '../../source/build/bundle-checks.mjs';
import {copyScript, globallyInstalled, installedPackage, runPgpair, userEnv, workspace} from '../helpers/installed-package.js';
import {REPO_ROOT} from '../helpers/paths.js';

const REPO_PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
	version: string;
	engines: {node: string};
	dependencies: Record<string, string>;
	optionalDependencies: Record<string, string>;
	devDependencies: Record<string, string>;
};

const readJson = (file: string) => {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
};

type NpmTree = {name?: string; version?: string; dependencies?: Record<string, NpmTree>};

function namesIn(tree: NpmTree, into = new Set<string>()): Set<string> {
	for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
		into.add(name);
		namesIn(child, into);
	}
	return into;
}

/** `name@version` of every package in the tree. */
function versionsIn(tree: NpmTree, into = new Set<string>()): Set<string> {
	for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
		into.add(`${name}@${child.version}`);
		versionsIn(child, into);
	}
	return into;
}

describe('the packed tarball', () => {
	it('holds the bundle, its source maps, the two data files it reads, package.json and the README, and nothing else', async () => {
		const {pack, installMs} = await installedPackage();
		console.log(
			`release: tarball ${(pack.size / 1e6).toFixed(2)} MB packed, ${(pack.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${pack.files.length} files; pack ${pack.ms} ms, install ${installMs} ms`,
		);
		const unexpected = pack.files.filter(
			file =>
				!['package.json', 'README.md', 'LICENSE'].includes(file) &&
				!/^dist\/[\w-]+\.js(?:\.map)?$/.test(file) &&
				!['dist/vector.tar.gz', 'dist/supabase-tools.json'].includes(file),
		);
		expect(unexpected).toEqual([]);
		expect(pack.files).toContain('dist/cli.js');
		expect(pack.files).toContain('dist/vector.tar.gz');
		// The built-in server's tool list, so the server starts on the first call that needs it (test/release/mcp.test.ts).
		expect(pack.files).toContain('dist/supabase-tools.json');
		// Inlining the TypeScript compiler again would add 4 MB of code and 9 MB of map to every install.
		expect(pack.size).toBeLessThan(3_000_000);
		const manifest = readJson(path.join((await installedPackage()).packageDir, 'package.json'));
		expect(manifest.bin).toEqual({pgpair: 'dist/cli.js'});
		expect(manifest.engines).toEqual(REPO_PACKAGE.engines);
	});
});

describe('the installed package', () => {
	it('installs a valid tree with the runtime dependencies and none of the dev dependencies', async () => {
		const pkg = await installedPackage();
		// `npm ls` exits non-zero on a missing, invalid or conflicting (peer) dependency.
		const tree = JSON.parse(execFileSync('npm', ['ls', '--all', '--json'], {cwd: pkg.app, env: userEnv(pkg.home), encoding: 'utf8'})) as NpmTree;
		const pgpair = tree.dependencies?.['pgpair'];
		expect(pgpair?.version).toBe(REPO_PACKAGE.version);
		const underPgpair = namesIn(pgpair!);
		for (const name of Object.keys(REPO_PACKAGE.dependencies)) expect(underPgpair).toContain(name);
		// None of our dev dependencies is installed for us: not as a direct dependency, and not at the version we pin
		// (a runtime dependency may bring another major version of the same package, e.g. sandbox-runtime's zod 3).
		const direct = Object.keys(pgpair!.dependencies ?? {});
		const pinned = versionsIn(pgpair!);
		const devOnly = Object.entries(REPO_PACKAGE.devDependencies as Record<string, string>).filter(
			([name, version]) => direct.includes(name) || pinned.has(`${name}@${version}`),
		);
		expect(devOnly).toEqual([]);
		// Only one PGlite: a second copy would mean a peer pin pulled in another version.
		expect(fs.existsSync(path.join(pkg.packageDir, 'node_modules', '@electric-sql', 'pglite'))).toBe(false);
	});

	it('runs on every Node version its engines range admits, as far as each installed dependency declares', async () => {
		const pkg = await installedPackage();
		const runtime = [...Object.keys(REPO_PACKAGE.dependencies), ...Object.keys(REPO_PACKAGE.optionalDependencies)];
		const closure = dependencyClosure(pkg.packageDir, runtime, readJson);
		expect(closure.map(p => p.name)).toEqual(
			expect.arrayContaining(['typescript', 'libpg-query', '@electric-sql/pglite', '@supabase/postgrest-typegen', 'oxfmt', 'deno']),
		);
		expect(enginesProblems(REPO_PACKAGE.engines.node, closure)).toEqual([]);
	});

	it('cannot reach the repository: dev-only packages do not resolve from the project, Deno resolves inside it', async () => {
		const pkg = await installedPackage();
		const fromApp = createRequire(path.join(pkg.app, 'index.js'));
		for (const name of ['ink', 'esbuild', 'vitest', '@anthropic-ai/sdk', '@modelcontextprotocol/sdk']) {
			expect(() => fromApp.resolve(name), name).toThrow(/Cannot find module/);
		}
		const fromBundle = createRequire(path.join(pkg.packageDir, 'dist', 'cli.js'));
		const deno = fromBundle.resolve('deno/package.json');
		expect(deno.startsWith(pkg.app + path.sep)).toBe(true);
		const binary = path.join(path.dirname(createRequire(deno).resolve('@deno/linux-x64-glibc/package.json')), 'deno');
		expect(binary.startsWith(pkg.app + path.sep)).toBe(true);
		expect(execFileSync(binary, ['--version'], {encoding: 'utf8'})).toMatch(
			new RegExp(`^deno ${REPO_PACKAGE.optionalDependencies['deno']!.replace(/\./g, '\\.')} `),
		);
	});

	it('`npm install -g` of the tarball gives a working pgpair command', async () => {
		const pkg = await installedPackage();
		const global = await globallyInstalled();
		console.log(`release: npm install -g ${global.ms} ms`);
		const env = userEnv(pkg.home);
		expect(execFileSync(global.bin, ['--version'], {env, encoding: 'utf8'})).toBe(`${REPO_PACKAGE.version}\n`);
		const dir = workspace(pkg, 'global');
		const script = copyScript(dir, 'hello.json');
		const expected = (readJson(script) as {turns: Array<{text: string}>}).turns[0]!.text;
		const run = execFileSync(global.bin, ['-p', 'hi', '--scripted', script], {cwd: dir, env, encoding: 'utf8', timeout: 120_000});
		expect(run).toBe(`${expected}\n`);
		expect(fs.readdirSync(path.join(dir, 'sessions'))).toHaveLength(1);
		// The global command is a link into the prefix's own copy, not into the repository.
		expect(fs.realpathSync(global.bin).startsWith(global.prefix)).toBe(true);
		expect((await runPgpair(pkg, ['--version'], {cwd: dir})).stdout).toBe(`${REPO_PACKAGE.version}\n`);
	});
});
