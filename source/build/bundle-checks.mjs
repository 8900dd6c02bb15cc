/**
 * What the build proves about the bundle before it is written, from esbuild's metafile:
 * - no inlined dependency locates its own files (they are not beside the bundle once inlined): a package that reads
 *   `__filename`/`__dirname`, resolves paths, loads WASM or a native addon by path, or spawns itself stays external,
 *   unless it is on the reviewed list below with the reason it is safe;
 * - the runtime `dependencies` are exactly the packages the bundle imports from node_modules at run time;
 * - every inlined package and every runtime dependency (with what it pulls in) accepts each Node version our
 *   `engines` range accepts.
 * Pure functions over the metafile plus a file reader, so tests can run them on any build.
 */
import {isBuiltin} from 'node:module';
import path from 'node:path';
import semver from 'semver';

/** Source text that means "this module finds files relative to itself". */
export const SELF_LOCATING_SIGNS = [
	{sign: '__filename', pattern: /\b__filename\b/},
	{sign: '__dirname', pattern: /\b__dirname\b/},
	{sign: 'import.meta.url', pattern: /\bimport\.meta\.url\b/},
	{sign: 'import.meta.dirname', pattern: /\bimport\.meta\.(?:dirname|filename)\b/},
	{sign: 'import.meta.resolve', pattern: /\bimport\.meta\.resolve\b/},
	{sign: 'require.resolve', pattern: /\brequire\.resolve\b/},
	{sign: '.wasm file', pattern: /['"`][^'"`\n]*\.wasm['"`]/},
	{sign: '.node addon', pattern: /['"`][^'"`\n]*\.node['"`]/},
];

/**
 * Inlined packages that show a sign and were read and found safe. An entry covers exactly the signs it lists: a new
 * sign in a later version fails the build until someone reads it again. `copy` names files of the package the
 * build puts beside the chunks, where the inlined code looks for them.
 */
export const REVIEWED_INLINED = {
	'yoga-layout': {
		signs: ['import.meta.url'],
		reason:
			'Emscripten glue takes its script directory from import.meta.url, but this build of yoga carries its WASM inline as base64, so nothing is read from disk.',
	},
	ink: {
		signs: ['import.meta.url'],
		reason: "Reads ../package.json only when DEV=true (React DevTools mode, which the bundle stubs out); beside dist/ that is pgpair's own package.json.",
	},
	'@electric-sql/pglite-pgvector': {
		signs: ['import.meta.url'],
		copy: ['dist/vector.tar.gz'],
		reason:
			'Its whole code is `new URL("./vector.tar.gz", import.meta.url)`; the build copies vector.tar.gz beside the chunks. Inlined because its exact peer pin on PGlite would make npm install a second PGlite for every user.',
	},
};

/** Packages the bundle may require without declaring them: optional, loaded in a try, absent on purpose. */
export const OPTIONAL_ABSENT = {
	'pg-native': "pg's native binding, loaded only when NODE_PG_FORCE_NATIVE is set; pgpair uses the JavaScript client.",
	bufferutil: "ws's optional speed-up, required inside try/catch.",
	'utf-8-validate': "ws's optional speed-up, required inside try/catch.",
};

/** Runtime dependencies found by path at run time rather than imported, with where. */
export const RESOLVED_AT_RUN_TIME = {
	deno: 'source/supabase-local/functions-runtime/deno.ts resolves its platform binary with createRequire.',
	'tree-sitter-bash': 'source/policy/shell-parser.ts resolves tree-sitter-bash.wasm with createRequire and loads it by path.',
};

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageOf(specifier) {
	const parts = specifier.split('/');
	return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The package an esbuild input path belongs to (its innermost node_modules folder), or undefined for our own code. */
export function inputPackage(input) {
	const marker = 'node_modules/';
	const at = input.lastIndexOf(marker);
	if (at === -1) return undefined;
	const rest = input.slice(at + marker.length);
	const name = packageOf(rest);
	return {name, root: input.slice(0, at + marker.length) + name};
}

/**
 * Inlined dependency files that locate their own files, grouped by package, minus what the review covers.
 * `readFile(input)` returns an input's source text (relative to esbuild's working directory).
 */
export function findSelfLocatingInputs(metafile, readFile, reviewed = REVIEWED_INLINED) {
	const found = new Map();
	for (const input of Object.keys(metafile.inputs)) {
		const owner = inputPackage(input);
		if (!owner) continue;
		let text;
		try {
			text = readFile(input);
		} catch {
			continue; // Virtual modules (our stubs) have no file.
		}
		const signs = SELF_LOCATING_SIGNS.filter(({pattern}) => pattern.test(text)).map(({sign}) => sign);
		if (signs.length === 0) continue;
		const entry = found.get(owner.name) ?? {package: owner.name, files: []};
		entry.files.push({file: input, signs});
		found.set(owner.name, entry);
	}
	const problems = [];
	for (const entry of found.values()) {
		const allowed = reviewed[entry.package]?.signs ?? [];
		const unreviewed = entry.files.map(f => ({...f, signs: f.signs.filter(s => !allowed.includes(s))})).filter(f => f.signs.length > 0);
		if (unreviewed.length > 0) problems.push({package: entry.package, files: unreviewed});
	}
	return problems;
}

/** Bare package names the written chunks import at run time (Node built-ins left out). */
export function externalPackages(metafile) {
	const names = new Set();
	for (const output of Object.values(metafile.outputs)) {
		for (const imported of output.imports ?? []) {
			if (!imported.external) continue;
			if (imported.path.startsWith('.') || imported.path.startsWith('/') || isBuiltin(imported.path)) continue;
			names.add(packageOf(imported.path));
		}
	}
	return [...names].sort();
}

/**
 * Differences between what the bundle imports at run time and what package.json promises to install. Both
 * directions are errors: a missing one breaks the installed app, an extra one costs every user a download.
 */
export function runtimeDependencyProblems(metafile, packageJson) {
	const declared = {...packageJson.dependencies, ...packageJson.optionalDependencies};
	const imported = externalPackages(metafile);
	const problems = [];
	for (const name of imported) {
		if (!(name in declared) && !(name in OPTIONAL_ABSENT)) problems.push(`${name} is imported by the bundle at run time but is not in dependencies`);
	}
	for (const name of Object.keys(declared)) {
		if (!imported.includes(name) && !(name in RESOLVED_AT_RUN_TIME))
			problems.push(`${name} is in dependencies but the bundle never imports it (inlined or unused: move it to devDependencies)`);
	}
	return problems;
}

/**
 * Packages whose `engines.node` does not accept every version `range` accepts. `packages` are
 * `{name, version, engines}` records (package.json contents).
 */
export function enginesProblems(range, packages) {
	const problems = [];
	for (const pkg of packages) {
		const theirs = pkg.engines?.node;
		if (!theirs) continue;
		if (!semver.subset(range, theirs, {includePrerelease: false})) {
			problems.push(`${pkg.name}@${pkg.version} needs node ${theirs}, which does not cover ours (${range})`);
		}
	}
	return problems;
}

/** Whether the Node `version` is one the engines `range` admits. */
export function admits(range, version) {
	return semver.satisfies(version, range);
}

/** package.json of every package inlined into the bundle. */
export function inlinedPackageJsons(metafile, readFile) {
	const seen = new Map();
	for (const input of Object.keys(metafile.inputs)) {
		const owner = inputPackage(input);
		if (!owner || seen.has(owner.root)) continue;
		try {
			seen.set(owner.root, JSON.parse(readFile(path.posix.join(owner.root, 'package.json'))));
		} catch {
			// A package without a readable package.json states no engines.
		}
	}
	return [...seen.values()];
}

/**
 * package.json of `names` and of everything they depend on, as Node would resolve it from `fromDir`
 * (`readJson(file)` returns undefined when the file does not exist). Optional dependencies that are not installed
 * are skipped, as npm skips them.
 */
export function dependencyClosure(fromDir, names, readJson) {
	const found = new Map();
	const visit = (name, dir, optional) => {
		let at = dir;
		for (;;) {
			const file = path.join(at, 'node_modules', name, 'package.json');
			const pkg = readJson(file);
			if (pkg) {
				if (found.has(file)) return;
				found.set(file, pkg);
				const pkgDir = path.dirname(file);
				for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, pkgDir, false);
				for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, pkgDir, true);
				return;
			}
			const parent = path.dirname(at);
			if (parent === at) {
				if (optional) return;
				throw new Error(`${name} (needed from ${dir}) is not installed`);
			}
			at = parent;
		}
	};
	for (const name of names) visit(name, fromDir, false);
	return [...found.values()];
}

/** Every problem the build refuses to ship, as lines of text; empty when the bundle is fine. */
export function bundleProblems({metafile, readFile, packageJson, readJson, root}) {
	const lines = [];
	for (const problem of findSelfLocatingInputs(metafile, readFile)) {
		const where = problem.files.map(f => `${f.file} (${f.signs.join(', ')})`).join('; ');
		lines.push(
			`${problem.package} is inlined but locates its own files: ${where}. Add it to EXTERNAL (and dependencies), or review it in REVIEWED_INLINED with a reason.`,
		);
	}
	lines.push(...runtimeDependencyProblems(metafile, packageJson));
	const range = packageJson.engines?.node;
	if (!range) lines.push('package.json has no engines.node');
	else {
		lines.push(...enginesProblems(range, inlinedPackageJsons(metafile, readFile)).map(p => `inlined ${p}`));
		const runtime = Object.keys(packageJson.dependencies ?? {});
		const optional = Object.keys(packageJson.optionalDependencies ?? {}).filter(name => readJson(path.join(root, 'node_modules', name, 'package.json')));
		lines.push(...enginesProblems(range, dependencyClosure(root, [...runtime, ...optional], readJson)).map(p => `runtime dependency ${p}`));
	}
	return lines;
}
