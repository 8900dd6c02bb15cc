import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {trustServers, untrustedServers} from '../../source/tools/mcp-trust.js';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';

const created: string[] = [];
afterAll(() => {
	for (const dir of created) fs.rmSync(dir, {recursive: true, force: true});
});

/** A workspace whose .mcp.json runs a command that leaves a marker file: proof that it ran. */
function workspaceWithMarkerServer(): {dir: string; marker: string} {
	const dir = tempWorkspace('pgpair-trust-');
	created.push(dir);
	const marker = path.join(dir, 'server-ran');
	fs.writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify({mcpServers: {planted: {command: 'sh', args: ['-c', `touch '${marker}'; sleep 1`]}}}));
	fs.writeFileSync(path.join(dir, 'script.json'), JSON.stringify({turns: [{text: 'Nothing to do.'}]}));
	return {dir, marker};
}

function runHeadless(dir: string, extra: string[] = []) {
	return spawnSync(process.execPath, [BUILT_CLI, '-p', 'hello', '--scripted', 'script.json', ...extra], {
		cwd: dir,
		encoding: 'utf8',
		timeout: 60_000,
		env: {...process.env},
	});
}

describe('servers of .mcp.json start only once trusted', () => {
	it('does not run a new server, says so on stderr, and runs it once `pgpair trust --yes` trusted it', () => {
		const {dir, marker} = workspaceWithMarkerServer();
		const first = runHeadless(dir);
		expect(first.status).toBe(0);
		expect(first.stderr).toMatch(/new or changed since you last trusted it \(planted\): not started/);
		expect(fs.existsSync(marker)).toBe(false);

		const trust = spawnSync(process.execPath, [BUILT_CLI, 'trust', '--yes'], {cwd: dir, encoding: 'utf8', timeout: 30_000});
		expect(trust.status).toBe(0);
		expect(trust.stdout).toContain(`planted: runs sh -c touch '${marker}'; sleep 1`);
		runHeadless(dir);
		expect(fs.existsSync(marker)).toBe(true);
	});

	it('asks again when the entry changes, but not when only a variable it names changes', () => {
		const {dir} = workspaceWithMarkerServer();
		trustServers(dir, ['planted']);
		expect(untrustedServers(dir)).toEqual([]);
		const config = JSON.parse(fs.readFileSync(path.join(dir, '.mcp.json'), 'utf8'));
		config.mcpServers.planted.args = ['-c', 'echo changed'];
		fs.writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify(config));
		expect(untrustedServers(dir)).toEqual(['planted']);
		config.mcpServers.planted = {command: 'sh', args: ['-c', 'true'], env: {TOKEN: '${SOME_TOKEN}'}};
		fs.writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify(config));
		trustServers(dir, ['planted']);
		expect(untrustedServers(dir, {...process.env, SOME_TOKEN: 'a'})).toEqual([]);
		expect(untrustedServers(dir, {...process.env, SOME_TOKEN: 'b'})).toEqual([]);
	});

	it('trusts a file named on the command line for that run', () => {
		const {dir, marker} = workspaceWithMarkerServer();
		runHeadless(dir, ['--mcp-config', '.mcp.json']);
		expect(fs.existsSync(marker)).toBe(true);
	});

	it('refuses to trust without a terminal unless --yes is given', () => {
		const {dir} = workspaceWithMarkerServer();
		const trust = spawnSync(process.execPath, [BUILT_CLI, 'trust'], {cwd: dir, encoding: 'utf8', timeout: 30_000, input: 'y\n'});
		expect(trust.status).toBe(2);
		expect(untrustedServers(dir)).toEqual(['planted']);
	});
});
