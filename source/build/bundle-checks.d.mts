import type {Metafile} from 'esbuild';

type PackageJson = {
	name?: string;
	version?: string;
	engines?: {node?: string};
	dependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
};

export declare const SELF_LOCATING_SIGNS: Array<{sign: string; pattern: RegExp}>;
export declare const REVIEWED_INLINED: Record<string, {signs: string[]; reason: string; copy?: string[]}>;
export declare const OPTIONAL_ABSENT: Record<string, string>;
export declare const RESOLVED_AT_RUN_TIME: Record<string, string>;
export declare function packageOf(specifier: string): string;
export declare function inputPackage(input: string): {name: string; root: string} | undefined;
export declare function findSelfLocatingInputs(
	metafile: Metafile,
	readFile: (input: string) => string,
	reviewed?: Record<string, {signs: string[]}>,
): Array<{package: string; files: Array<{file: string; signs: string[]}>}>;
export declare function externalPackages(metafile: Metafile): string[];
export declare function runtimeDependencyProblems(metafile: Metafile, packageJson: PackageJson): string[];
export declare function enginesProblems(range: string, packages: PackageJson[]): string[];
export declare function admits(range: string, version: string): boolean;
export declare function inlinedPackageJsons(metafile: Metafile, readFile: (input: string) => string): PackageJson[];
export declare function dependencyClosure(fromDir: string, names: string[], readJson: (file: string) => PackageJson | undefined): PackageJson[];
export declare function bundleProblems(options: {
	metafile: Metafile;
	readFile: (input: string) => string;
	packageJson: PackageJson;
	readJson: (file: string) => PackageJson | undefined;
	root: string;
}): string[];
