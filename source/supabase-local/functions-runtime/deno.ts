import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** How to say that Deno is missing, in deploy results, invoke errors and the gateway's answers. */
export const DENO_MISSING =
	'Deno is not installed (the optional "deno" npm package is missing), so edge functions are not type-checked and ' +
	'cannot be served locally; install it with `npm install deno` next to pgpair.';

const executable = os.platform() === 'win32' ? 'deno.exe' : 'deno';

/** The `@deno/*` package that carries the binary for this machine, as the `deno` package's installer names it. */
function platformPackage(): string {
	const platform = os.platform();
	return platform === 'linux' ? `@deno/linux-${os.arch()}-glibc` : `@deno/${platform}-${os.arch()}`;
}

/**
 * The Deno binary: an explicit path, else the platform binary of the `deno` npm package (resolved directly, since
 * its postinstall, which would copy the binary into `deno/`, may not have run), else `deno` on the PATH.
 * `null` means "no Deno" on purpose (tests of the fallback, or a user who does not want functions run).
 */
export function resolveDeno(explicit?: string | null): string | undefined {
	if (explicit === null) return undefined;
	if (explicit) return explicit;
	const require = createRequire(import.meta.url);
	const candidates: string[] = [];
	try {
		const denoPackage = require.resolve('deno/package.json');
		candidates.push(path.join(path.dirname(denoPackage), executable));
		const nested = createRequire(denoPackage);
		candidates.unshift(path.join(path.dirname(nested.resolve(`${platformPackage()}/package.json`)), executable));
	} catch {
		// Optional dependency absent, or no binary for this platform: fall through to the PATH.
	}
	for (const directory of (process.env['PATH'] ?? '').split(path.delimiter)) {
		if (directory) candidates.push(path.join(directory, executable));
	}
	return candidates.find(candidate => existsSync(candidate));
}
