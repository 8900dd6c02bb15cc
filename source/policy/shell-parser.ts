/**
 * The one doorway to the bash grammar (tree-sitter-bash through web-tree-sitter, both WASM). Like the
 * SQL parser it loads once, asynchronously and off the first frame; after `await loadShellParser()`
 * parsing is synchronous, so the classifier stays a plain function.
 *
 * tree-sitter recovers from syntax errors instead of failing; a tree with an ERROR or MISSING node is
 * reported here as a parse failure, so a command bash would read differently is never "understood".
 */
import {createRequire} from 'node:module';
import type {Node as SyntaxNode, Parser as TreeSitterParser} from 'web-tree-sitter';

export type {SyntaxNode};

export type ShellParseResult = {ok: true; root: SyntaxNode; dispose(): void} | {ok: false; error: string};

let parser: TreeSitterParser | undefined;
let loading: Promise<void> | undefined;

/** Loads the WASM runtime and the bash grammar. Idempotent; a failed load is retried on the next call. */
export async function loadShellParser(): Promise<void> {
	loading ??= (async () => {
		const {Parser, Language} = await import('web-tree-sitter');
		await Parser.init();
		// The grammar ships as a file beside its package; resolved from here so it works bundled and not.
		const grammar = createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm');
		const instance = new Parser();
		instance.setLanguage(await Language.load(grammar));
		parser = instance;
	})().catch((error: unknown) => {
		loading = undefined;
		throw error;
	});
	return loading;
}

export function isShellParserLoaded(): boolean {
	return parser !== undefined;
}

/** Parses a command line. Never throws on bad input; the caller must `dispose()` a successful tree. */
export function parseShell(text: string): ShellParseResult {
	if (!parser) throw new Error('The shell parser is not loaded yet: await loadShellParser() before classifying synchronously.');
	const tree = parser.parse(text);
	if (!tree) return {ok: false, error: 'The parser returned no tree.'};
	const root = tree.rootNode;
	if (root.hasError) {
		const where = firstError(root);
		tree.delete();
		return {ok: false, error: where === undefined ? 'The command does not parse.' : `The command does not parse (near column ${where + 1}).`};
	}

	return {ok: true, root, dispose: () => tree.delete()};
}

function firstError(node: SyntaxNode): number | undefined {
	if (node.isError || node.isMissing) return node.startIndex;
	for (const child of node.children) {
		if (child?.hasError || child?.isMissing) return firstError(child);
	}

	return undefined;
}
