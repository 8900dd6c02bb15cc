import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

declare module 'vitest' {
	export interface ProvidedContext {
		releaseRoot: string;
	}
}

/**
 * vitest globalSetup: a scratch folder for this run's release checks, outside the repository. Creating it costs
 * nothing; the first release test to need the package packs and installs it there (installed-package.ts), once
 * per run, and the folder goes in teardown.
 */
export default function setup({provide}: {provide: (key: 'releaseRoot', value: string) => void}) {
	const root = mkdtempSync(path.join(tmpdir(), 'pgpair-release-'));
	provide('releaseRoot', root);
	return () => rmSync(root, {recursive: true, force: true, maxRetries: 3});
}
