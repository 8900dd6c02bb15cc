// Bundles the CLI with esbuild so that start-up reads a few files instead of hundreds of modules
// (Ink's dependency tree alone costs ~0.5 s to load unbundled on these machines). Type checking
// stays with tsc (`npm run typecheck`). Packages that ship WASM or data files stay external.
import {build} from 'esbuild';

// typescript: its CommonJS build reads __filename, which an ESM chunk does not have (deploy_edge_function failed).
const EXTERNAL = ['@electric-sql/*', 'libpg-query', 'pg-native', '@supabase/postgrest-typegen', 'deno', 'typescript', 'web-tree-sitter', '@anthropic-ai/sandbox-runtime'];

import fs from 'node:fs';

// A stale chunk from an earlier build must never be picked up.
fs.rmSync('dist', {recursive: true, force: true});

await build({
	// The database engine runs in worker threads (source/supabase-local/engine/); the worker is its own entry, found
	// beside the chunks at run time as dist/engine-worker.js.
	entryPoints: {cli: 'cli.tsx', 'engine-worker': 'source/supabase-local/engine/engine-worker.ts'},
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	sourcemap: 'linked',
	// Smaller files parse faster; the source map keeps stack traces readable.
	minify: true,
	keepNames: true,
	external: EXTERNAL,
	logLevel: 'warning',
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
