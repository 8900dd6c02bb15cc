/**
 * Replay must never be able to execute anything: no module it loads, directly or through others,
 * may reach the model, the tool host, MCP or the database.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {REPO_ROOT} from '../helpers/paths.js';

/** The replay, sessions and export commands, the replay model and its views. */
const ROOTS = ['source/replay', 'source/ui/replay', 'source/cli/replay-commands.ts'];
/** The session wiring (source/session) and the chat command's are what start a model, tools and servers. */
const FORBIDDEN_FOLDERS = ['source/model/', 'source/tools/', 'source/supabase-local/', 'source/session/', 'source/cli/start-chat', 'source/store/runner'];
const FORBIDDEN_PACKAGES = ['@modelcontextprotocol', '@anthropic-ai', '@electric-sql', 'pg', 'libpg-query'];

/** Runtime imports only: `import type` and `export type` are erased by the compiler. */
const IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function runtimeImports(source: string): string[] {
	return [...source.matchAll(IMPORT)].map(match => match[1] ?? match[2]!);
}

function resolveRelative(from: string, specifier: string): string {
	const base = path.resolve(path.dirname(from), specifier);
	const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base];
	const found = candidates.find(candidate => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
	if (!found) throw new Error(`${path.relative(REPO_ROOT, from)} imports ${specifier}, which does not exist`);
	return found;
}

function filesUnder(dir: string): string[] {
	return fs
		.readdirSync(dir, {withFileTypes: true, recursive: true})
		.filter(entry => entry.isFile() && /\.tsx?$/.test(entry.name))
		.map(entry => path.join(entry.parentPath, entry.name));
}

/** Every module reachable from the roots, and every package any of them imports. */
function closure(roots: readonly string[]): {files: Set<string>; packages: Set<string>; edges: Map<string, string>} {
	const files = new Set<string>();
	const packages = new Set<string>();
	const edges = new Map<string, string>();
	const queue = roots.flatMap(root =>
		fs.statSync(path.join(REPO_ROOT, root)).isFile() ? [path.join(REPO_ROOT, root)] : filesUnder(path.join(REPO_ROOT, root)),
	);
	while (queue.length > 0) {
		const file = queue.pop()!;
		if (files.has(file)) continue;
		files.add(file);
		for (const specifier of runtimeImports(fs.readFileSync(file, 'utf8'))) {
			if (specifier.startsWith('.')) {
				const target = resolveRelative(file, specifier);
				if (!edges.has(target)) edges.set(target, file);
				queue.push(target);
			} else if (!specifier.startsWith('node:')) {
				packages.add(specifier);
				edges.set(specifier, file);
			}
		}
	}

	return {files, packages, edges};
}

function chain(edges: Map<string, string>, target: string): string {
	const steps = [target];
	for (let at = edges.get(target); at && steps.length < 20; at = edges.get(at)) steps.push(at);
	return steps
		.map(step => (path.isAbsolute(step) ? path.relative(REPO_ROOT, step) : step))
		.reverse()
		.join(' → ');
}

describe('the replay import graph', () => {
	it('reads runtime imports and skips type-only ones', () => {
		expect(
			runtimeImports(
				`import {a} from './a.js';\nimport type {B} from './b.js';\nexport {c} from './c.js';\nexport type {D} from './d.js';\nimport './side.js';\nconst m = await import('../m.js');`,
			),
		).toEqual(['./a.js', './c.js', './side.js', '../m.js']);
	});

	it('never reaches the model, tools, MCP, the CLI wiring or the database', () => {
		const {files, packages, edges} = closure(ROOTS);
		// The graph really was walked: it reaches core through the live components.
		expect([...files].map(file => path.relative(REPO_ROOT, file))).toEqual(
			expect.arrayContaining(['source/core/session-state.ts', 'source/ui/chat-entry.tsx', 'source/ui/approval-pane.tsx', 'source/transcripts/reader.ts']),
		);
		const badFiles = [...files].filter(file => FORBIDDEN_FOLDERS.some(folder => path.relative(REPO_ROOT, file).startsWith(folder)));
		expect(badFiles.map(file => chain(edges, file))).toEqual([]);
		const badPackages = [...packages].filter(name => FORBIDDEN_PACKAGES.some(prefix => name === prefix || name.startsWith(`${prefix}/`)));
		expect(badPackages.map(name => chain(edges, name))).toEqual([]);
	});
});
