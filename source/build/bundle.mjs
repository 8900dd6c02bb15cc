// Bundles the CLI with esbuild so that start-up reads a few files instead of hundreds of modules
// (Ink's dependency tree alone costs ~0.5 s to load unbundled on these machines). Type checking
// stays with tsc (`npm run typecheck`). Packages that find their own files at run time (WASM, data
// files, native addons, a compiler that reads its lib files) stay external; bundle-checks.mjs makes
// the build fail when one would be inlined, and keeps package.json's dependencies and engines honest.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {bundleProblems, REVIEWED_INLINED} from './bundle-checks.mjs';
import {writeToolsSnapshot} from './tools-snapshot.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Installed beside pgpair (package.json `dependencies`), imported at run time. */
export const EXTERNAL = [
	'@electric-sql/pglite',
	'libpg-query',
	'pg-native',
	'@supabase/postgrest-typegen',
	'typescript',
	'deno',
	// The bash grammar is WASM read by path; the sandbox runtime ships helper scripts it finds beside itself.
	'web-tree-sitter',
	'tree-sitter-bash',
	'@anthropic-ai/sandbox-runtime',
	// SQLite as WASM for query_logs, read by path beside its loader.
	'sql.js',
];

export class BundleRefused extends Error {
	name = 'BundleRefused';
	constructor(problems) {
		super(`The bundle was not written:\n- ${problems.join('\n- ')}`);
		this.problems = problems;
	}
}

/**
 * Builds the CLI into `outdir`; throws `BundleRefused` (and writes nothing) when a check fails.
 * `external` and `packageJson` exist for tests that prove the checks catch a broken configuration.
 */
export async function bundle({outdir = path.join(ROOT, 'dist'), external = EXTERNAL, packageJson, write = true, logLevel = 'warning'} = {}) {
	const manifest = packageJson ?? JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const result = await build({
		absWorkingDir: ROOT,
		// The database engine runs in worker threads (source/supabase-local/engine/), and so does each query_logs
		// query; each worker is its own entry, found beside the chunks at run time (dist/engine-worker.js, …).
		entryPoints: {
			cli: 'cli.tsx',
			'engine-worker': 'source/supabase-local/engine/engine-worker.ts',
			'logs-query-worker': 'source/supabase-local/logs-query-worker.ts',
		},
		outdir,
		bundle: true,
		splitting: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		sourcemap: 'linked',
		// Stack traces map back to file and line without shipping every dependency's source a second time.
		sourcesContent: false,
		// Smaller files parse faster; the source map keeps stack traces readable.
		minify: true,
		keepNames: true,
		external,
		metafile: true,
		write: false,
		logLevel,
		// CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
		banner: {js: "import {createRequire as __pgpairCreateRequire} from 'node:module'; const require = __pgpairCreateRequire(import.meta.url);"},
		define: {'process.env.NODE_ENV': '"production"'},
		plugins: [
			{
				// Ink only loads React DevTools when DEV=true; an empty stand-in keeps the bundle self-contained.
				name: 'no-devtools',
				setup(b) {
					b.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'stub'}));
					b.onLoad({filter: /.*/, namespace: 'stub'}, () => ({contents: 'export default {initialize() {}, connectToDevTools() {}};', loader: 'js'}));
				},
			},
		],
	});

	const readJson = file => {
		try {
			return JSON.parse(fs.readFileSync(file, 'utf8'));
		} catch {
			return undefined;
		}
	};
	const problems = bundleProblems({
		metafile: result.metafile,
		readFile: input => fs.readFileSync(path.resolve(ROOT, input), 'utf8'),
		packageJson: manifest,
		readJson,
		root: ROOT,
	});
	if (problems.length > 0) throw new BundleRefused(problems);
	if (!write) return result;

	// A stale chunk from an earlier build must never be picked up.
	fs.rmSync(outdir, {recursive: true, force: true});
	for (const file of result.outputFiles) {
		fs.mkdirSync(path.dirname(file.path), {recursive: true});
		fs.writeFileSync(file.path, file.contents);
	}
	fs.chmodSync(path.join(outdir, 'cli.js'), 0o755);
	for (const [name, review] of Object.entries(REVIEWED_INLINED)) {
		for (const file of review.copy ?? []) {
			fs.copyFileSync(path.join(ROOT, 'node_modules', name, file), path.join(outdir, path.basename(file)));
		}
	}
	await writeToolsSnapshot(outdir);
	return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	try {
		await bundle();
	} catch (error) {
		process.stderr.write(`${error instanceof BundleRefused ? error.message : error.stack}\n`);
		process.exit(1);
	}
}
