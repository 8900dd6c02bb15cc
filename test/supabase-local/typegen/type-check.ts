/**
 * Type-checks in-memory files with the TypeScript compiler API (`strict`), resolving packages from the repo's
 * node_modules. The files live at a virtual path inside the repo so Node-style resolution finds supabase-js.
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

const VIRTUAL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '__virtual__');

const OPTIONS: ts.CompilerOptions = {
	strict: true,
	noEmit: true,
	target: ts.ScriptTarget.ES2022,
	module: ts.ModuleKind.NodeNext,
	moduleResolution: ts.ModuleResolutionKind.NodeNext,
	lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
	types: [],
	// library declarations are not what is under test; our generated file is checked in full
	skipLibCheck: true,
};

export type Diagnostic = {file: string; line: number; message: string};

/** Returns every diagnostic of the program made of `files` (name → source); empty means it compiles. */
export function typeCheck(files: Record<string, string>): Diagnostic[] {
	const virtual = new Map(Object.entries(files).map(([name, source]) => [path.join(VIRTUAL_DIR, name), source]));
	const host = ts.createCompilerHost(OPTIONS, true);
	const {fileExists, readFile, getSourceFile, directoryExists} = host;
	host.fileExists = file => virtual.has(file) || fileExists.call(host, file);
	host.directoryExists = directory => directory === VIRTUAL_DIR || (directoryExists?.call(host, directory) ?? true);
	host.readFile = file => virtual.get(file) ?? readFile.call(host, file);
	host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
		const source = virtual.get(file);
		return source === undefined
			? getSourceFile.call(host, file, languageVersion, onError, shouldCreate)
			: ts.createSourceFile(file, source, languageVersion, true);
	};
	const program = ts.createProgram([...virtual.keys()], OPTIONS, host);
	return ts.getPreEmitDiagnostics(program).map(diagnostic => {
		const position = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
		return {
			file: diagnostic.file ? path.relative(VIRTUAL_DIR, diagnostic.file.fileName) : '',
			line: (position?.line ?? -1) + 1,
			message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
		};
	});
}
