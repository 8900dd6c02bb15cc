import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {trustServers} from '../../source/tools/mcp-trust.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE_MCP_SERVER = path.join(REPO_ROOT, 'test/helpers/fixture-mcp-server.ts');
export const BUILT_CLI = path.join(REPO_ROOT, 'dist/cli.js');
/** tsx's loader by absolute path, so a server started from any working directory can run TypeScript. */
export const TSX_LOADER = pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** A fresh temporary workspace; tests write .mcp.json, sessions/ and .pgpair/ into it. */
export function tempWorkspace(prefix = 'pgpair-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** `.mcp.json` that starts the fixture server through tsx (no build needed). */
export function writeFixtureMcpConfig(dir: string, env: Record<string, string> = {}): string {
	const file = path.join(dir, '.mcp.json');
	fs.writeFileSync(file, JSON.stringify({mcpServers: {fixture: {command: process.execPath, args: ['--import', TSX_LOADER, FIXTURE_MCP_SERVER], env}}}));
	// As the person would with `pgpair trust`: a new .mcp.json server does not start untrusted. Tests run pgpair
	// with the test run's XDG_CONFIG_HOME or with HOME set to the workspace; both learn the trust.
	trustServers(dir, ['fixture']);
	trustServers(dir, ['fixture'], {HOME: dir});
	return file;
}
