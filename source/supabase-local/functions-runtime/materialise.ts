import {mkdir, rename, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type {EdgeFunctionFile} from '../edge-functions.js';

export type BootstrapFiles = {
	/** file: URLs of the sources in bootstrap-sources.ts, written once into the runtime's cache directory. */
	edgeRuntimeDts: string;
	patch: string;
	ready: string;
};

export type FunctionSource = {
	files: EdgeFunctionFile[];
	entrypoint: string;
	importMapPath?: string | undefined;
};

/** One function version on disk, laid out for `deno check` and `deno run`. */
export type MaterialisedFunction = {
	directory: string;
	/** The user's files; the only directory the function may read. */
	filesDirectory: string;
	entrypoint: string;
	config: string;
	main: string;
};

const SUPABASE_SPECIFIER = /["'`]((?:jsr:|npm:|https:\/\/esm\.sh\/)@supabase\/[^"'`\s]+)["'`]/g;

/**
 * What an import that needs jsr.io or esm.sh resolves to offline: the edge-runtime declarations to our own file,
 * supabase-js from jsr or esm.sh to the same package on npm (the only registry pgpair can reach). Anything else
 * stays as written and fails with Deno's own message if it needs the network.
 */
export function offlineEquivalent(specifier: string, bootstrap: BootstrapFiles): string | undefined {
	if (/^(?:jsr:|npm:|https:\/\/esm\.sh\/)@supabase\/functions-js(?:@[^/]+)?\/(?:src\/)?edge-runtime\.d\.ts$/.test(specifier)) {
		return bootstrap.edgeRuntimeDts;
	}
	const supabaseJs = /^(?:jsr:|https:\/\/esm\.sh\/)@supabase\/supabase-js(@[^/?]+)?(\/[^?]*)?(?:\?.*)?$/.exec(specifier);
	if (supabaseJs) return `npm:@supabase/supabase-js${supabaseJs[1] ?? ''}${supabaseJs[2] ?? ''}`;
	return undefined;
}

type ImportMap = {imports?: Record<string, string>; scopes?: Record<string, Record<string, string>>};

/** Relative targets are relative to the map's own file; the merged map lives elsewhere, so make them absolute. */
function absolutise(map: Record<string, string>, base: string, bootstrap: BootstrapFiles): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [key, target] of Object.entries(map)) {
		if (typeof target !== 'string') continue;
		const resolvedKey = /^\.{0,2}\//.test(key) ? new URL(key, base).href : key;
		const resolved = /^\.{0,2}\//.test(target) ? new URL(target, base).href : target;
		result[resolvedKey] = offlineEquivalent(resolved, bootstrap) ?? resolved;
	}
	return result;
}

/**
 * The Deno config for one function: the user's import map (`import_map_path`, else a `deno.json` beside the
 * entrypoint) merged with the offline mappings, plus the user's compilerOptions.
 */
export function denoConfig(source: FunctionSource, filesDirectory: string, bootstrap: BootstrapFiles): Record<string, unknown> {
	const filesUrl = pathToFileURL(filesDirectory + path.sep).href;
	const mapName = source.importMapPath ?? ['deno.json', 'deno.jsonc'].find(name => source.files.some(f => f.name === name));
	let user: ImportMap & {compilerOptions?: Record<string, unknown>} = {};
	if (mapName) {
		try {
			user = JSON.parse(source.files.find(f => f.name === mapName)?.content ?? '{}');
		} catch {
			user = {};
		}
	}
	const base = new URL(mapName ?? '.', filesUrl).href;
	const imports = absolutise(user.imports ?? {}, base, bootstrap);
	const scopes: Record<string, Record<string, string>> = {};
	for (const [scope, map] of Object.entries(user.scopes ?? {})) {
		scopes[/^\.{0,2}\//.test(scope) ? new URL(scope, base).href : scope] = absolutise(map, base, bootstrap);
	}
	for (const file of source.files) {
		for (const match of file.content.matchAll(SUPABASE_SPECIFIER)) {
			const specifier = match[1]!;
			const target = offlineEquivalent(specifier, bootstrap);
			if (target && !(specifier in imports)) imports[specifier] = target;
		}
	}
	return {
		imports,
		...(Object.keys(scopes).length > 0 ? {scopes} : {}),
		...(mapName === 'deno.json' || mapName === 'deno.jsonc' ? {compilerOptions: user.compilerOptions ?? {}} : {}),
		nodeModulesDir: 'none',
	};
}

/**
 * Writes a function's files under `directory/files/`, its Deno config and a `main.ts` that evaluates the bootstrap
 * patch, then the entrypoint, then the ready check, in that order (static imports evaluate in order).
 * `main.ts` is written last, so its presence means the directory is complete.
 */
export async function materialiseFunction(directory: string, source: FunctionSource, bootstrap: BootstrapFiles): Promise<MaterialisedFunction> {
	const filesDirectory = path.join(directory, 'files');
	for (const file of source.files) {
		const target = path.join(filesDirectory, file.name);
		await mkdir(path.dirname(target), {recursive: true});
		await writeFile(target, file.content);
	}
	await mkdir(directory, {recursive: true});
	const config = path.join(directory, 'deno.json');
	await writeFile(config, JSON.stringify(denoConfig(source, filesDirectory, bootstrap), null, '\t'));
	const entrypoint = path.join(filesDirectory, source.entrypoint);
	const main = path.join(directory, 'main.ts');
	const temporary = `${main}.${process.pid}.tmp`;
	await writeFile(temporary, `${[bootstrap.patch, pathToFileURL(entrypoint).href, bootstrap.ready].map(url => `import ${JSON.stringify(url)};`).join('\n')}\n`);
	await rename(temporary, main);
	return {directory, filesDirectory, entrypoint, config, main};
}
