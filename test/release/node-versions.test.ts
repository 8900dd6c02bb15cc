/**
 * The installed package on the oldest Node of each line its `engines` range admits (20.19, 22.12) and on the
 * current 24: the parts that depend on the runtime (WASM Postgres and parser, the native formatter of type
 * generation, the TypeScript compiler, spawning Deno and our own MCP server with the same Node).
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {admits} from '../../source/build/bundle-checks.mjs';
import {startScriptedServer} from '../../source/model/scripted-server.js';
import {connectInstalledMcp, installedPackage, nodeRelease, runPgpair, workspace} from '../helpers/installed-package.js';
import {REPO_ROOT} from '../helpers/paths.js';

const ENGINES = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {engines: {node: string}}).engines.node;
const VERSIONS = ['20.19.0', '22.12.0', '24.22.3'];

it('tests the lowest 20 and 22 the engines range admits (a tight bound) and a current 24', () => {
	for (const version of VERSIONS) expect(admits(ENGINES, version), version).toBe(true);
	for (const version of ['20.18.3', '21.7.3', '22.11.0']) expect(admits(ENGINES, version), version).toBe(false);
});

describe.each(VERSIONS)('the installed package on Node %s', version => {
	it('answers a headless turn on the embedded database, serves pgpair mcp, generates types and checks a function', async () => {
		const [pkg, node] = await Promise.all([installedPackage(), nodeRelease(version)]);
		const dir = workspace(pkg, `node-${version}`);
		expect((await runPgpair(pkg, ['--version'], {cwd: dir, node})).status).toBe(0);

		const model = await startScriptedServer({
			turns: [{text: 'Checking.', tool_calls: [{id: 'toolu_v1', name: 'mcp__supabase__list_tables', input: {}}]}, {text: `Fine on ${version}.`}],
		} as never);
		try {
			const run = await runPgpair(pkg, ['-p', 'list my tables'], {
				cwd: dir,
				node,
				env: {ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000', ANTHROPIC_BASE_URL: model.url},
			});
			expect(run.stderr).toBe('');
			expect(run).toMatchObject({status: 0, stdout: `Fine on ${version}.\n`});
			const results = (model.requests.at(-1)!.body as {messages: Array<{content: Array<{type: string; content?: unknown}>}>}).messages
				.flatMap(m => (Array.isArray(m.content) ? m.content : []))
				.filter(b => b.type === 'tool_result');
			expect(JSON.stringify(results)).toContain('{\\"tables\\":[]}');
		} finally {
			await model.close();
		}

		const mcp = await connectInstalledMcp(pkg, dir, {node, args: ['--workspace', dir]});
		try {
			// The server runs on the Node it was started with.
			expect(fs.realpathSync(`/proc/${mcp.pid}/exe`)).toBe(fs.realpathSync(node));
			await mcp.call('apply_migration', {name: 'create_items', query: 'create table public.items (id bigint primary key, label text not null);'});
			expect((await mcp.call('generate_typescript_types')).types).toMatch(/items: \{\s+Row: \{\s+id: number\s+label: string/);
			const syntax = await mcp.callError('deploy_edge_function', {
				name: 'broken',
				files: [{name: 'index.ts', content: 'Deno.serve(() => new Response("x")\n'}],
			});
			expect(syntax.body.error.message).toMatch(/error TS1005/);
			const deployed = await mcp.call('deploy_edge_function', {name: 'ok', files: [{name: 'index.ts', content: 'Deno.serve(() => new Response("ok"));\n'}]});
			expect(deployed).toMatchObject({slug: 'ok', version: 1});
		} finally {
			await mcp.close();
		}
	}, 300_000);
});
