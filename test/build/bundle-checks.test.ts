/**
 * The build refuses a bundle that would break once installed: an inlined package that finds its own files, a
 * runtime import package.json does not promise, or a dependency whose engines do not cover ours.
 */
import fs from 'node:fs';
import type {Metafile} from 'esbuild';
import {describe, expect, it} from 'vitest';
import {BundleRefused, bundle, EXTERNAL} from '../../source/build/bundle.mjs';
import {
	dependencyClosure,
	enginesProblems,
	externalPackages,
	findSelfLocatingInputs,
	REVIEWED_INLINED,
	runtimeDependencyProblems,
} from '../../source/build/bundle-checks.mjs';
import {REPO_ROOT} from '../helpers/paths.js';

const PACKAGE_JSON = JSON.parse(fs.readFileSync(`${REPO_ROOT}/package.json`, 'utf8'));

function metafileOf(inputs: Record<string, string>, externals: string[] = []): {metafile: Metafile; read: (input: string) => string} {
	return {
		metafile: {
			inputs: Object.fromEntries(Object.keys(inputs).map(file => [file, {bytes: inputs[file]!.length, imports: []}])),
			outputs: {
				'dist/cli.js': {
					bytes: 1,
					inputs: {},
					imports: externals.map(path => ({path, kind: 'import-statement' as const, external: true})),
					exports: [],
					entryPoint: 'cli.tsx',
				},
			},
		},
		read: input => inputs[input]!,
	};
}

async function refusal(options: Parameters<typeof bundle>[0]): Promise<string[]> {
	try {
		await bundle({write: false, logLevel: 'silent', ...options});
	} catch (error) {
		if (error instanceof BundleRefused) return error.problems;
		throw error;
	}
	throw new Error('the bundle was accepted');
}

describe('the build checks on the real bundle', () => {
	it('accepts the shipped configuration: the packages that find their own files stay external, the UI is inlined', async () => {
		const {metafile} = await bundle({write: false, logLevel: 'silent'});
		expect(externalPackages(metafile)).toEqual([
			'@anthropic-ai/sandbox-runtime',
			'@electric-sql/pglite',
			'@supabase/postgrest-typegen',
			'bufferutil',
			'libpg-query',
			'pg-native',
			'sql.js',
			'typescript',
			'utf-8-validate',
			'web-tree-sitter',
		]);
		const inlined = new Set(
			Object.keys(metafile.inputs)
				.filter(f => f.includes('node_modules/'))
				.map(f => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)![1]),
		);
		// Start-up speed: Ink, React and the SDKs load from the bundle, not from hundreds of files.
		for (const name of ['ink', 'react', '@anthropic-ai/sdk', '@modelcontextprotocol/sdk', 'zod']) expect(inlined).toContain(name);
		for (const name of ['typescript', 'libpg-query', '@electric-sql/pglite', 'sql.js']) expect(inlined).not.toContain(name);
	}, 120_000);

	it('refuses to inline typescript, which reads its lib files through __filename', async () => {
		const problems = await refusal({external: EXTERNAL.filter(name => name !== 'typescript')});
		expect(problems).toContainEqual(
			expect.stringMatching(/^typescript is inlined but locates its own files: node_modules\/typescript\/lib\/typescript\.js \(__filename, __dirname\)/),
		);
		expect(problems).toContainEqual('typescript is in dependencies but the bundle never imports it (inlined or unused: move it to devDependencies)');
	}, 120_000);

	it('refuses to inline the WASM packages: libpg-query, PGlite and sql.js', async () => {
		const parser = await refusal({external: EXTERNAL.filter(name => name !== 'libpg-query')});
		expect(parser[0]).toMatch(/^libpg-query is inlined but locates its own files: .*\.wasm file/);
		const pglite = await refusal({external: EXTERNAL.filter(name => name !== '@electric-sql/pglite')});
		expect(pglite[0]).toMatch(/^@electric-sql\/pglite is inlined but locates its own files: .*import\.meta\.url, \.wasm file/);
		const sqlite = await refusal({external: EXTERNAL.filter(name => name !== 'sql.js')});
		expect(sqlite[0]).toMatch(/^sql\.js is inlined but locates its own files/);
	}, 120_000);

	it('refuses a package.json whose dependencies do not match what the bundle imports', async () => {
		const missing = {...PACKAGE_JSON, dependencies: {...PACKAGE_JSON.dependencies}};
		delete missing.dependencies.typescript;
		expect(await refusal({packageJson: missing})).toEqual(['typescript is imported by the bundle at run time but is not in dependencies']);
		const extra = {...PACKAGE_JSON, dependencies: {...PACKAGE_JSON.dependencies, ink: '6.8.0'}};
		expect(await refusal({packageJson: extra})).toEqual([
			'ink is in dependencies but the bundle never imports it (inlined or unused: move it to devDependencies)',
		]);
	}, 120_000);

	it('refuses an engines range that a dependency does not support', async () => {
		const problems = await refusal({packageJson: {...PACKAGE_JSON, engines: {node: '>=20.11'}}});
		// Type generation's formatter needs require(esm), which Node 20 gained in 20.19.
		expect(problems).toContainEqual(
			expect.stringMatching(/^runtime dependency oxfmt@0\.66\.0 needs node \^20\.19\.0 \|\| >=22\.12\.0, which does not cover ours \(>=20\.11\)$/),
		);
	}, 120_000);
});

describe('finding dependencies that locate their own files', () => {
	const cases: Array<[string, string, string[]]> = [
		['CommonJS path of the module', 'module.exports = require("path").join(__dirname, "data.json")', ['__dirname']],
		['self-spawn', 'require("child_process").fork(__filename, ["--child"])', ['__filename']],
		['ESM-relative read', 'readFileSync(new URL("./schema.sql", import.meta.url))', ['import.meta.url']],
		['resolved path', 'const bin = require.resolve("tool/bin.js")', ['require.resolve']],
		['WASM by name', 'const wasm = "parser.wasm"; load(wasm)', ['.wasm file']],
		['native addon', 'module.exports = require("./build/Release/addon.node")', ['.node addon']],
		['plain code', 'export const add = (a, b) => a + b; // mentions no file', []],
	];

	it.each(cases)('flags %s', (_name, source, signs) => {
		const {metafile, read} = metafileOf({'node_modules/some-lib/index.js': source});
		const problems = findSelfLocatingInputs(metafile, read);
		expect(problems.flatMap(p => p.files.flatMap(f => f.signs))).toEqual(signs);
	});

	it('ignores our own sources and a reviewed sign, but not a new sign in a reviewed package', () => {
		const {metafile, read} = metafileOf({
			'source/supabase-local/functions-runtime/deno.ts': 'createRequire(import.meta.url)',
			'node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js': 'var _scriptDir = import.meta.url;',
			'node_modules/ink/build/reconciler.js': 'readFileSync(new URL("../package.json", import.meta.url)); fork(__filename)',
		});
		expect(findSelfLocatingInputs(metafile, read)).toEqual([{package: 'ink', files: [{file: 'node_modules/ink/build/reconciler.js', signs: ['__filename']}]}]);
	});

	it('names the innermost package of a nested dependency', () => {
		const {metafile, read} = metafileOf({'node_modules/a/node_modules/@scope/b/lib/x.js': 'fs.readFileSync(__dirname + "/x.dat")'});
		expect(findSelfLocatingInputs(metafile, read)).toEqual([
			{package: '@scope/b', files: [{file: 'node_modules/a/node_modules/@scope/b/lib/x.js', signs: ['__dirname']}]},
		]);
	});

	it('gives every reviewed package a reason', () => {
		for (const [name, review] of Object.entries(REVIEWED_INLINED)) expect(review.reason.length, name).toBeGreaterThan(40);
	});
});

describe('runtime dependencies and engines', () => {
	it('accepts optional packages required in a try and packages found at run time, and counts subpaths as their package', () => {
		const {metafile} = metafileOf({}, ['node:fs', 'fs', 'typescript', '@electric-sql/pglite/contrib/pgcrypto', 'bufferutil', './chunk.js']);
		expect(
			runtimeDependencyProblems(metafile, {dependencies: {typescript: '5.9.3', '@electric-sql/pglite': '0.5.16'}, optionalDependencies: {deno: '2.9.6'}}),
		).toEqual([]);
	});

	it('compares ranges, not just lower bounds', () => {
		expect(
			enginesProblems('^20.19.0 || >=22.12.0', [
				{name: 'a', version: '1.0.0', engines: {node: '>=20'}},
				{name: 'b', version: '1.0.0', engines: {node: '^20.19.0 || >=22.12.0'}},
			]),
		).toEqual([]);
		expect(enginesProblems('^20.19.0 || >=22.12.0', [{name: 'typegen', version: '0.2.5', engines: {node: '>=22.12.0'}}])).toEqual([
			'typegen@0.2.5 needs node >=22.12.0, which does not cover ours (^20.19.0 || >=22.12.0)',
		]);
	});

	it('walks the installed dependency tree the way Node resolves it', () => {
		const files: Record<string, object> = {
			'/p/node_modules/a/package.json': {name: 'a', version: '1.0.0', dependencies: {b: '1'}, optionalDependencies: {gone: '1'}},
			'/p/node_modules/a/node_modules/b/package.json': {name: 'b', version: '2.0.0', dependencies: {c: '1'}},
			'/p/node_modules/c/package.json': {name: 'c', version: '3.0.0'},
		};
		const closure = dependencyClosure('/p', ['a'], file => files[file] as never);
		expect(closure.map(p => `${p.name}@${p.version}`)).toEqual(['a@1.0.0', 'b@2.0.0', 'c@3.0.0']);
		expect(() => dependencyClosure('/p', ['missing'], file => files[file] as never)).toThrow(/missing .* is not installed/);
	});
});
