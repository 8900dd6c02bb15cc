import {chmodSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {TestProject} from 'vitest/node';
import {onRunEnd} from './run-cleanup.js';

/**
 * vitest globalSetup, first of all: the run gets a temporary folder of its own and TMPDIR points there, for the
 * global setups after this one, the test workers (forked after the global setup, with its environment) and every
 * process they start. Whatever a test or a helper puts in os.tmpdir() goes with the folder, at teardown or when the
 * run is interrupted, without each test cleaning up. The path stays short: unix sockets (Postgres, the sandbox's
 * proxies) live under it, and a socket path has at most 107 bytes.
 */
export default function setup(project: TestProject) {
	// vitest's own folder (the transformed modules it hands its workers) was made before this setup, in the outer
	// TMPDIR; vitest removes it when the run closes, not when a signal ends the run. Registered first, so the
	// teardown below leaves it to vitest and only an interruption (or an exit before vitest's close) removes it here.
	onRunEnd('vitest temporary folder', () => rmSync(project.tmpDir, {recursive: true, force: true, maxRetries: 3}));
	const outer = process.env['TMPDIR'];
	const folder = mkdtempSync(path.join(tmpdir(), 'pgpair-run-'));
	// As /tmp: the throwaway cluster runs as `postgres` when the run is root's, and reaches its own folder through this one.
	chmodSync(folder, 0o755);
	const remove = onRunEnd('temporary folder', () => rmSync(folder, {recursive: true, force: true, maxRetries: 3}));
	const outerConfig = process.env['XDG_CONFIG_HOME'];
	process.env['TMPDIR'] = folder;
	// Trust decisions for .mcp.json servers (source/tools/mcp-trust.ts) go to the run's folder, not the user's ~/.config.
	process.env['XDG_CONFIG_HOME'] = path.join(folder, 'config');
	return () => {
		restore('TMPDIR', outer);
		restore('XDG_CONFIG_HOME', outerConfig);
		remove();
	};
}

function restore(name: string, value: string | undefined): void {
	if (value === undefined) delete process.env[name];
	else process.env[name] = value;
}
