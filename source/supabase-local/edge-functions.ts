import {randomUUID} from 'node:crypto';
import {rm} from 'node:fs/promises';
import path from 'node:path';
import {writeConfinedFile} from './confined-files.js';
import type {SqlRunner} from './platform.js';

export type EdgeFunctionFile = {name: string; content: string};

export type EdgeFunction = {
	id: string;
	slug: string;
	name: string;
	status: 'ACTIVE';
	version: number;
	created_at: number;
	updated_at: number;
	verify_jwt: boolean;
	import_map: boolean;
	import_map_path?: string;
	entrypoint_path: string;
};

export type DeployInput = {
	name: string;
	entrypoint_path: string;
	import_map_path?: string;
	verify_jwt: boolean;
	files: EdgeFunctionFile[];
};

/**
 * A check that runs after the syntax check and before anything is stored (the Deno type check); it returns
 * `file:line:column - message` errors, an empty list when the function passes.
 */
export type DeployCheck = (source: {files: EdgeFunctionFile[]; entrypoint: string; importMapPath?: string}) => Promise<string[]>;

export const FUNCTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** A file name inside the function directory: relative, no `..`, no backslashes. */
function safeFileName(name: string): string {
	const normal = path.posix.normalize(name.replace(/^\.\//, ''));
	if (!normal || normal.startsWith('/') || normal.startsWith('..') || name.includes('\\') || normal === '.') {
		throw new Error(`File name "${name}" must be a relative path inside the function directory.`);
	}
	return normal;
}

type TypeScriptModule = typeof import('typescript');
let typescript: Promise<TypeScriptModule | Error> | undefined;

/**
 * Syntax errors per file, found with the TypeScript compiler's parser (no type checking: Deno resolves imports
 * we cannot see). JSON files (deno.json, import maps) must parse as JSON.
 */
export async function findSyntaxErrors(files: EdgeFunctionFile[]): Promise<string[]> {
	typescript ??= import('typescript').then(
		module => ((module as {default?: TypeScriptModule}).default ?? module) as TypeScriptModule,
		// Kept, not swallowed: "not installed" and "installed but failed to load" need different fixes.
		(error: unknown) => (error instanceof Error ? error : new Error(String(error))),
	);
	const ts = await typescript;
	const errors: string[] = [];
	for (const file of files) {
		if (/\.jsonc?$/.test(file.name)) {
			try {
				JSON.parse(file.content);
			} catch (error) {
				errors.push(`${file.name}: invalid JSON (${(error as Error).message})`);
			}
			continue;
		}
		if (!/\.(?:[cm]?[jt]sx?)$/.test(file.name)) continue;
		if (ts instanceof Error) {
			const missing = (ts as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
			throw new Error(
				`Cannot check the function for syntax errors: the "typescript" package ${missing ? 'is not installed' : `failed to load (${ts.message})`}.`,
			);
		}
		const output = ts.transpileModule(file.content, {
			fileName: file.name,
			reportDiagnostics: true,
			compilerOptions: {target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.ReactJSX},
		});
		for (const diagnostic of output.diagnostics ?? []) {
			const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
			if (diagnostic.file && diagnostic.start !== undefined) {
				const {line, character} = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
				errors.push(`${file.name}:${line + 1}:${character + 1} - error TS${diagnostic.code}: ${message}`);
			} else {
				errors.push(`${file.name} - error TS${diagnostic.code}: ${message}`);
			}
		}
	}
	return errors;
}

type VersionRow = {
	slug: string;
	version: number;
	function_id: string;
	name: string;
	entrypoint_path: string;
	import_map_path: string | null;
	verify_jwt: boolean;
	files: EdgeFunctionFile[];
	created_at: Date | string;
	first_created_at: Date | string;
};

const millis = (value: Date | string) => new Date(value).getTime();

function toFunction(row: VersionRow): EdgeFunction {
	return {
		id: row.function_id,
		slug: row.slug,
		name: row.name,
		status: 'ACTIVE',
		version: Number(row.version),
		created_at: millis(row.first_created_at),
		updated_at: millis(row.created_at),
		verify_jwt: row.verify_jwt,
		import_map: Boolean(row.import_map_path),
		...(row.import_map_path ? {import_map_path: row.import_map_path} : {}),
		entrypoint_path: row.entrypoint_path,
	};
}

const LATEST_SQL = `
	select distinct on (v.slug) v.*, first.created_at as first_created_at
	from pgpair.edge_function_versions v
	join pgpair.edge_function_versions first
		on first.project_ref = v.project_ref and first.slug = v.slug and first.version = 1
	where v.project_ref = $1`;

/**
 * Deployed edge functions with every version kept, per project (main or branch). History lives in the main
 * database so that resetting or dropping a branch database does not lose it; main's current version is also
 * written to `supabase/functions/<slug>/` in the workspace, the layout the Supabase CLI deploys from.
 */
export class EdgeFunctionStore {
	constructor(
		private readonly main: SqlRunner,
		/** Workspace of the main project; branches have no files of their own in the workspace. */
		private readonly workspace: string | undefined,
		private readonly mainRef: string,
	) {}

	async list(projectRef: string): Promise<EdgeFunction[]> {
		const {rows} = await this.main.query(`${LATEST_SQL} order by v.slug, v.version desc`, [projectRef]);
		return (rows as VersionRow[]).map(toFunction);
	}

	async get(projectRef: string, slug: string): Promise<EdgeFunction & {files: EdgeFunctionFile[]}> {
		const {rows} = await this.main.query(`${LATEST_SQL} and v.slug = $2 order by v.slug, v.version desc`, [projectRef, slug]);
		const row = rows[0] as VersionRow | undefined;
		if (!row) throw new Error(`Edge function "${slug}" not found.`);
		return {...toFunction(row), files: row.files};
	}

	async deploy(projectRef: string, input: DeployInput, check?: DeployCheck): Promise<EdgeFunction> {
		if (!FUNCTION_NAME_PATTERN.test(input.name)) {
			throw new Error(`Function name "${input.name}" is invalid: start with a letter, then letters, digits, "-" or "_".`);
		}
		if (input.files.length === 0) throw new Error('Deploy at least one file.');
		const files = input.files.map(file => ({name: safeFileName(file.name), content: file.content}));
		const names = new Set(files.map(f => f.name));
		if (names.size !== files.length) throw new Error('Two files have the same name.');
		const entrypoint = safeFileName(input.entrypoint_path);
		if (!names.has(entrypoint)) {
			throw new Error(`The entrypoint "${entrypoint}" is not among the files (${[...names].join(', ')}).`);
		}
		const importMap = input.import_map_path ? safeFileName(input.import_map_path) : undefined;
		if (importMap && !names.has(importMap)) throw new Error(`The import map "${importMap}" is not among the files.`);
		const errors = await findSyntaxErrors(files);
		if (errors.length > 0) {
			throw new Error(`Edge function "${input.name}" was not deployed; it has syntax errors:\n${errors.join('\n')}`);
		}
		if (check) {
			const typeErrors = await check({files, entrypoint, ...(importMap ? {importMapPath: importMap} : {})});
			if (typeErrors.length > 0) {
				throw new Error(`Edge function "${input.name}" was not deployed; \`deno check\` found errors:\n${typeErrors.join('\n')}`);
			}
		}

		const slug = input.name;
		let previous: (EdgeFunction & {files: EdgeFunctionFile[]}) | undefined;
		try {
			previous = await this.get(projectRef, slug);
		} catch {
			previous = undefined;
		}
		await this.main.query(
			`insert into pgpair.edge_function_versions
				(project_ref, slug, version, function_id, name, entrypoint_path, import_map_path, verify_jwt, files)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
			[
				projectRef,
				slug,
				(previous?.version ?? 0) + 1,
				previous?.id ?? randomUUID(),
				input.name,
				entrypoint,
				importMap ?? null,
				input.verify_jwt,
				JSON.stringify(files),
			],
		);
		if (projectRef === this.mainRef && this.workspace) {
			await this.writeFiles(slug, files, previous?.files ?? []);
		}
		const {files: _files, ...deployed} = await this.get(projectRef, slug);
		return deployed;
	}

	/** Copies the newest version of every function of `from` that differs in `to`, as a new version there. */
	async copyChanged(from: string, to: string): Promise<string[]> {
		const copied: string[] = [];
		for (const fn of await this.list(from)) {
			const source = await this.get(from, fn.slug);
			let target: (EdgeFunction & {files: EdgeFunctionFile[]}) | undefined;
			try {
				target = await this.get(to, fn.slug);
			} catch {
				target = undefined;
			}
			const same =
				target &&
				JSON.stringify(target.files) === JSON.stringify(source.files) &&
				target.entrypoint_path === source.entrypoint_path &&
				target.verify_jwt === source.verify_jwt &&
				target.import_map_path === source.import_map_path;
			if (same) continue;
			await this.deploy(to, {
				name: source.name,
				entrypoint_path: source.entrypoint_path,
				verify_jwt: source.verify_jwt,
				files: source.files,
				...(source.import_map_path ? {import_map_path: source.import_map_path} : {}),
			});
			copied.push(fn.slug);
		}
		return copied;
	}

	async deleteProject(projectRef: string): Promise<void> {
		await this.main.query('delete from pgpair.edge_function_versions where project_ref = $1', [projectRef]);
	}

	private async writeFiles(slug: string, files: EdgeFunctionFile[], previous: EdgeFunctionFile[]): Promise<void> {
		const directory = path.join(this.workspace!, 'supabase', 'functions', slug);
		for (const file of files) await writeConfinedFile(this.workspace!, `supabase/functions/${slug}/${file.name}`, file.content);
		// Only files this store wrote before are removed; anything else in the directory belongs to the user.
		const current = new Set(files.map(f => f.name));
		for (const old of previous) {
			if (!current.has(old.name)) await rm(path.join(directory, old.name), {force: true});
		}
	}
}
