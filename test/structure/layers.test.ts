/**
 * The structure of source/: every import, type-only ones included, points down the layers below, and no files
 * import each other in a circle. A new arrow up (the core reaching for the UI, replay for the session wiring) or a
 * new circle fails here, with the import that made it.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {REPO_ROOT} from '../helpers/paths.js';

/**
 * Lowest first. A folder may import from its own folder and from any lower layer; folders on one layer do not import
 * each other. The session folder owns a session (its log and actions); ui and cli sit on it; cli.tsx is the root.
 */
const LAYERS: readonly (readonly string[])[] = [
	['core', 'process', 'sql'],
	['agents', 'model', 'policy', 'supabase-local', 'build'],
	['transcripts', 'tools', 'checklist'],
	['preview', 'store', 'replay'],
	['session'],
	['ui'],
	['cli'],
	['cli.tsx'],
];

/** Every import of a module: static, dynamic and re-exports, `import type` too (a type import is an arrow as well). */
const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(source: string): string[] {
	return [...source.matchAll(IMPORT)].map(match => match[1] ?? match[2]!).filter(specifier => specifier.startsWith('.'));
}

function sourceFiles(): string[] {
	const files = fs
		.readdirSync(path.join(REPO_ROOT, 'source'), {withFileTypes: true, recursive: true})
		.filter(entry => entry.isFile() && /\.(ts|tsx|mts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.mts'))
		.map(entry => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)));
	return ['cli.tsx', ...files];
}

function resolve(from: string, specifier: string): string | undefined {
	const base = path.join(path.dirname(from), specifier);
	for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base.replace(/\.mjs$/, '.mts'), base]) {
		if (fs.existsSync(path.join(REPO_ROOT, candidate)) && fs.statSync(path.join(REPO_ROOT, candidate)).isFile()) return path.normalize(candidate);
	}
	return undefined;
}

function graph(): Map<string, string[]> {
	const edges = new Map<string, string[]>();
	for (const file of sourceFiles()) {
		const targets = importsOf(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'))
			.map(specifier => resolve(file, specifier))
			.filter((target): target is string => target !== undefined && !target.endsWith('.json'));
		edges.set(file, targets);
	}
	return edges;
}

/** The folder directly under source/ a file lives in (or the root entry itself). */
function folderOf(file: string): string {
	const parts = file.split(path.sep);
	return parts[0] === 'source' ? parts[1]! : file;
}

function layerOf(folder: string): number {
	return LAYERS.findIndex(layer => layer.includes(folder));
}

/** Tarjan's strongly connected components with more than one file: the import circles. */
function circles(edges: Map<string, string[]>): string[][] {
	let index = 0;
	const stack: string[] = [];
	const on = new Set<string>();
	const indexes = new Map<string, number>();
	const low = new Map<string, number>();
	const found: string[][] = [];
	const visit = (node: string) => {
		indexes.set(node, index);
		low.set(node, index);
		index++;
		stack.push(node);
		on.add(node);
		for (const next of edges.get(node) ?? []) {
			if (!indexes.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (on.has(next)) {
				low.set(node, Math.min(low.get(node)!, indexes.get(next)!));
			}
		}
		if (low.get(node) === indexes.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				on.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1) found.push(component.sort());
		}
	};
	for (const node of edges.keys()) if (!indexes.has(node)) visit(node);
	return found;
}

describe('the layers of source/', () => {
	const edges = graph();

	it('reads every kind of import, type-only ones included', () => {
		expect(
			importsOf(
				`import {a} from './a.js';\nimport type {B} from './b.js';\nexport {c} from '../c.js';\nconst d = await import('./d.js');\nimport x from 'node:fs';`,
			),
		).toEqual(['./a.js', './b.js', '../c.js', './d.js']);
		// The graph really was read: the chat command reaches the session, the session reaches the store.
		expect(edges.get(path.normalize('source/cli/start-chat.tsx'))).toContain(path.normalize('source/session/session.ts'));
	});

	it('places every folder of source/ on a layer', () => {
		const folders = new Set([...edges.keys()].map(folderOf));
		expect([...folders].filter(folder => layerOf(folder) === -1)).toEqual([]);
	});

	it('has no import pointing up a layer or sideways to another folder of the same layer', () => {
		const wrong: string[] = [];
		for (const [file, targets] of edges) {
			for (const target of targets) {
				const from = folderOf(file);
				const to = folderOf(target);
				if (from !== to && layerOf(to) >= layerOf(from)) wrong.push(`${file} → ${target}`);
			}
		}
		expect(wrong).toEqual([]);
	});

	it('has no import circles', () => {
		expect(circles(edges)).toEqual([]);
	});

	it('finds a circle and an arrow up when there is one (the check can fail)', () => {
		const planted = new Map(edges);
		planted.set('source/core/events.ts', [...(edges.get('source/core/events.ts') ?? []), 'source/core/session-state.ts']);
		expect(circles(planted).some(circle => circle.includes('source/core/events.ts'))).toBe(true);
		expect(layerOf(folderOf('source/ui/app.tsx'))).toBeGreaterThan(layerOf(folderOf('source/session/session.ts')));
	});
});
