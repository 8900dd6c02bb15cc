import {existsSync} from 'node:fs';
import {rm} from 'node:fs/promises';
import {createServer} from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {unfence} from '../../helpers/supabase-mcp-client.js';
import {type FunctionsTestServer, startFunctionsServer} from './functions-helpers.js';

describe('edge functions without Deno (the optional dependency missing)', () => {
	let t: FunctionsTestServer;
	let port: number;

	beforeAll(async () => {
		// A port that was free a moment ago, to show that a configured port is used instead of an ephemeral one.
		const probe = createServer();
		port = await new Promise<number>(resolve => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as {port: number}).port)));
		await new Promise(resolve => probe.close(resolve));
		t = await startFunctionsServer('', {functions: {deno: null, port}});
	});

	afterAll(async () => {
		await t?.client.close();
		if (t) await rm(t.workspace, {recursive: true, force: true});
	});

	it('still syntax-checks and stores a deploy, and says that serving needs Deno', async () => {
		// A type error Deno would catch goes through: only the syntax is checked.
		const content = 'const n: number = "not checked";\nDeno.serve(() => new Response(String(n)));\n';
		const deployed = await t.client.call('deploy_edge_function', {name: 'hello', files: [{name: 'index.ts', content}]});
		expect(deployed).toMatchObject({slug: 'hello', version: 1});
		expect(deployed.warning).toMatch(/Deno is not installed.*cannot be served/);
		expect(existsSync(path.join(t.workspace, 'supabase', 'functions', 'hello', 'index.ts'))).toBe(true);
		const logs = unfence((await t.client.call('get_logs', {service: 'edge-function'})).result).data;
		expect(logs[0].event_message).toBe('Deployed hello version 1 (not type-checked: Deno is not installed)');

		const broken = await t.client.callError('deploy_edge_function', {name: 'broken', files: [{name: 'index.ts', content: 'Deno.serve((;\n'}]});
		expect(broken.body.error.message).toMatch(/syntax errors/);
	});

	it('refuses to invoke or probe with a clear message, and the gateway answers 503', async () => {
		const invoke = await t.client.callError('invoke_edge_function', {slug: 'hello'});
		expect(invoke.body.error.message).toMatch(/Deno is not installed/);
		const probe = await t.client.callError('pgpair_probe_edge_function', {slug: 'hello'});
		expect(probe.body.error.message).toMatch(/Deno is not installed/);
		const {url} = await t.client.call('get_project_url');
		expect(url).toBe(`http://127.0.0.1:${port}`);
		const {keys} = await t.client.call('get_publishable_keys');
		const anon = keys.find((k: {name: string}) => k.name === 'anon').api_key;
		const answer = await fetch(`${url}/functions/v1/hello`, {headers: {authorization: `Bearer ${anon}`}});
		expect(answer.status).toBe(503);
		expect(await answer.json()).toMatchObject({code: 'DENO_NOT_INSTALLED'});
	});
});
