import type {BuildResult, Metafile} from 'esbuild';

export declare const EXTERNAL: string[];

export declare class BundleRefused extends Error {
	problems: string[];
	constructor(problems: string[]);
}

export declare function bundle(options?: {
	outdir?: string;
	external?: string[];
	packageJson?: Record<string, unknown>;
	write?: boolean;
	logLevel?: 'silent' | 'error' | 'warning';
}): Promise<BuildResult & {metafile: Metafile}>;
