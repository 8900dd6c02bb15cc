/**
 * Edge Functions from the installed package, driven by a separate MCP client through `pgpair mcp` and called by the
 * supabase-js installed next to pgpair: deploy, a type error refused, invoke with and without a JWT, a malformed
 * body, logs, list/get. Deno is the one the optional `deno` npm dependency installed.
 */
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import WebSocket from 'ws';
import {connectInstalledMcp, type InstalledPackage, installedPackage, workspace} from '../helpers/installed-package.js';
import {unfence} from '../helpers/supabase-mcp-client.js';
import {waitFor} from '../helpers/wait-for.js';

const HELLO = `import "jsr:@supabase/functions-js/edge-runtime.d.ts";

Deno.serve(async (req: Request) => {
	try {
		const {name} = await req.json();
		console.log("greeting", name);
		return new Response(JSON.stringify({message: \`Hello \${name}!\`}), {headers: {"content-type": "application/json"}});
	} catch (error) {
		return new Response(JSON.stringify({error: "expected a JSON body", detail: (error as Error).name}), {status: 400, headers: {"content-type": "application/json"}});
	}
});
`;

type SupabaseJs = typeof import('@supabase/supabase-js');

/** The user's supabase-js: the copy installed in the app folder, not the repository's. */
async function usersSupabaseJs(pkg: InstalledPackage): Promise<SupabaseJs> {
	const entry = createRequire(path.join(pkg.app, 'index.js')).resolve('@supabase/supabase-js');
	expect(entry.startsWith(pkg.app + path.sep)).toBe(true);
	return (await import(pathToFileURL(entry).href)) as SupabaseJs;
}

/** Processes whose executable lies inside the app folder, with their parent process. */
function processesFrom(folder: string): Array<{pid: number; ppid: number; exe: string}> {
	const found: Array<{pid: number; ppid: number; exe: string}> = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const exe = fs.realpathSync(`/proc/${entry}/exe`);
			if (!exe.startsWith(folder + path.sep)) continue;
			const ppid = Number(/^PPid:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))![1]);
			found.push({pid: Number(entry), ppid, exe});
		} catch {
			// Gone meanwhile, or not ours to read.
		}
	}
	return found;
}

describe('edge functions from the installed package', () => {
	let pkg: InstalledPackage;
	let dir: string;
	let mcp: Awaited<ReturnType<typeof connectInstalledMcp>>;
	let url: string;
	let anonKey: string;
	let publishableKey: string;
	let supabase: SupabaseJs;

	beforeAll(async () => {
		pkg = await installedPackage();
		supabase = await usersSupabaseJs(pkg);
		dir = workspace(pkg, 'functions');
		mcp = await connectInstalledMcp(pkg, dir, {args: ['--workspace', dir]});
		({url} = await mcp.call('get_project_url'));
		const {keys} = await mcp.call('get_publishable_keys');
		anonKey = keys.find((k: {name: string}) => k.name === 'anon').api_key;
		publishableKey = keys.find((k: {type: string}) => k.type === 'publishable').api_key;
	}, 180_000);

	afterAll(async () => {
		await mcp?.close();
	});

	const client = (key: string) => supabase.createClient(url, key, {realtime: {transport: WebSocket as never}});

	it('1. deploys a function: syntax-checked with the installed typescript, type-checked and served by the installed Deno', async () => {
		const deployed = await mcp.call('deploy_edge_function', {name: 'hello', files: [{name: 'index.ts', content: HELLO}]});
		expect(deployed).toMatchObject({slug: 'hello', version: 1, verify_jwt: true, status: 'ACTIVE'});
		expect(deployed.warning).toBeUndefined();
		expect(fs.readFileSync(path.join(dir, 'supabase', 'functions', 'hello', 'index.ts'), 'utf8')).toBe(HELLO);
	}, 120_000);

	it('2. refuses a syntax error and a type error, and stores nothing', async () => {
		const syntax = await mcp.callError('deploy_edge_function', {name: 'broken', files: [{name: 'index.ts', content: 'Deno.serve(() => new Response("x")\n'}]});
		expect(syntax.body.error.message).toMatch(/^index\.ts:2:1 - error TS1005: '\)' expected\./m);
		const types = await mcp.callError('deploy_edge_function', {
			name: 'typo',
			files: [{name: 'index.ts', content: 'const n: number = "two";\nDeno.serve(() => new Response(String(n)));\n'}],
		});
		expect(types.body.error.message).toMatch(/`deno check` found errors/);
		expect(types.body.error.message).toMatch(/^index\.ts:1:7 - error TS2322: Type 'string' is not assignable to type 'number'/m);
		for (const name of ['broken', 'typo']) expect(fs.existsSync(path.join(dir, 'supabase', 'functions', name))).toBe(false);
		expect((await mcp.call('list_edge_functions')).functions.map((f: {slug: string}) => f.slug)).toEqual(['hello']);
	}, 120_000);

	it('3. answers supabase-js with the anon key, from a Deno process of the installed package', async () => {
		const {data, error} = await client(anonKey).functions.invoke('hello', {body: {name: 'Ada'}});
		expect(error).toBeNull();
		expect(data).toEqual({message: 'Hello Ada!'});
		const deno = processesFrom(pkg.app).filter(p => path.basename(p.exe) === 'deno');
		expect(deno.map(p => p.ppid)).toContain(mcp.pid);
		expect(deno[0]!.exe).toContain(`${path.sep}node_modules${path.sep}@deno${path.sep}`);
	}, 120_000);

	it('4. refuses a call without a JWT with 401', async () => {
		const withoutJwt = await client(publishableKey).functions.invoke('hello', {body: {name: 'Ada'}});
		expect(withoutJwt.error).toBeInstanceOf(supabase.FunctionsHttpError);
		const response = (withoutJwt.error as {context: Response}).context;
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({code: 401, message: 'Missing authorization header'});
		expect((await fetch(`${url}/functions/v1/hello`, {method: 'POST', body: '{"name":"x"}'})).status).toBe(401);
	});

	it('5. passes a malformed body to the function, and its own error answer back', async () => {
		const malformed = await client(anonKey).functions.invoke('hello', {body: 'this is not json', headers: {'Content-Type': 'application/json'}});
		const response = (malformed.error as {context: Response}).context;
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({error: 'expected a JSON body', detail: 'SyntaxError'});
	});

	it("6. logs the requests and the function's console output", async () => {
		const requests = await waitFor(async () => {
			const entries = unfence((await mcp.call('get_logs', {service: 'edge-function'})).result).data as Array<{
				method: string;
				status_code: number;
				event_message: string;
			}>;
			return [200, 401, 400].every(status => entries.some(e => e.status_code === status)) ? entries : undefined;
		}, 'the request log entries');
		expect(requests).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					method: 'POST',
					status_code: 200,
					event_message: expect.stringMatching(/^POST \| 200 \| http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/hello$/),
				}),
				expect.objectContaining({method: 'POST', status_code: 401}),
				expect.objectContaining({method: 'POST', status_code: 400}),
			]),
		);
		const runtime = unfence((await mcp.call('get_logs', {service: 'edge-function-runtime'})).result).data as Array<{event_message: string}>;
		expect(runtime.map(e => e.event_message)).toContain('greeting Ada');
	});

	it('7. lists the function and returns its files', async () => {
		const {functions} = await mcp.call('list_edge_functions');
		expect(functions).toEqual([expect.objectContaining({slug: 'hello', version: 1, verify_jwt: true, entrypoint_path: 'index.ts'})]);
		const hello = await mcp.call('get_edge_function', {function_slug: 'hello'});
		expect(hello).toMatchObject({slug: 'hello', files: [{name: 'index.ts', content: HELLO}]});
	});
});
