import {existsSync} from 'node:fs';
import {rm} from 'node:fs/promises';
import path from 'node:path';
import {createClient, FunctionsHttpError} from '@supabase/supabase-js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import WebSocket from 'ws';
import {signJwt} from '../../../source/supabase-local/jwt.js';
import {isRunning} from '../../helpers/local-workspace.js';
import {unfence} from '../../helpers/supabase-mcp-client.js';
import {waitFor} from '../../helpers/wait-for.js';
import {type FunctionsTestServer, jsonResponse, startFunctionsServer} from './functions-helpers.js';

const STRIPE_KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';

const HELLO = `import "jsr:@supabase/functions-js/edge-runtime.d.ts";

Deno.serve(async (req: Request) => {
	try {
		const {name} = await req.json();
		console.log("greeting", name);
		return ${jsonResponse('{message: `Hello ${name}!`, path: new URL(req.url).pathname}')};
	} catch (error) {
		return ${jsonResponse('{error: (error as Error).message}', 400)};
	}
});
`;

/** Trusts its input: a malformed body makes `req.json()` throw into Deno's default 500 text answer. */
const THROWS_ON_BAD_INPUT = `Deno.serve(async (req: Request) => {
	const {name} = await req.json();
	return ${jsonResponse('{message: `Hello ${name}!`}')};
});
`;

/** Answers, then dies of an unhandled rejection: the answer is fine, the process is not. */
const CRASHES_AFTER_ANSWERING = `Deno.serve(async (req: Request) => {
	try {
		await req.json();
	} catch {
		Promise.reject(new Error("nobody catches this"));
		return ${jsonResponse('{error: "bad body"}', 400)};
	}
	return ${jsonResponse('{ok: true}')};
});
`;

const createSupabase = (url: string, key: string) => createClient(url, key, {realtime: {transport: WebSocket as never}});

describe('edge functions served by the local gateway', () => {
	let t: FunctionsTestServer;
	let url: string;
	let anonKey: string;

	beforeAll(async () => {
		t = await startFunctionsServer(`# test secrets\nSTRIPE_KEY="${STRIPE_KEY}"\nexport GREETING=ahoy-there\n`);
		({url} = await t.client.call('get_project_url'));
		const {keys} = await t.client.call('get_publishable_keys');
		anonKey = keys.find((k: {name: string}) => k.name === 'anon').api_key;
	});

	afterAll(async () => {
		// The last test closes the server itself.
		await t?.client.close().catch(() => undefined);
		if (t) await rm(t.workspace, {recursive: true, force: true});
	});

	it('type-checks with Deno before storing: errors name file, line and message, and nothing is stored', async () => {
		const {body} = await t.client.callError('deploy_edge_function', {
			name: 'typo',
			files: [
				{name: 'index.ts', content: 'import {double} from "./lib/math.ts";\nDeno.serve(() => new Response(double("2")));\n'},
				{name: 'lib/math.ts', content: 'export function double(n: number): string {\n\treturn n * 2;\n}\n'},
			],
		});
		expect(body.error.message).toMatch(/`deno check` found errors/);
		expect(body.error.message).toMatch(/^lib\/math\.ts:2:2 - error TS2322: Type 'number' is not assignable to type 'string'/m);
		expect(body.error.message).toMatch(/^index\.ts:2:38 - error TS2345: .*'string'.*'number'/m);
		expect((await t.client.call('list_edge_functions')).functions).toEqual([]);
		expect(existsSync(path.join(t.workspace, 'supabase', 'functions', 'typo'))).toBe(false);
	});

	it('serves a deployed function to supabase-js with the anon key, and refuses calls without a valid key', async () => {
		const deployed = await t.client.call('deploy_edge_function', {name: 'hello', files: [{name: 'index.ts', content: HELLO}]});
		expect(deployed).toMatchObject({slug: 'hello', version: 1, verify_jwt: true});
		expect(deployed.warning).toBeUndefined();
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

		const {data, error} = await createSupabase(url, anonKey).functions.invoke('hello', {body: {name: 'Ada'}});
		expect(error).toBeNull();
		expect(data).toEqual({message: 'Hello Ada!', path: '/hello'});

		// supabase-js sends a publishable key only as `apikey`, never as a bearer token: no JWT, no entry.
		const {keys} = await t.client.call('get_publishable_keys');
		const publishable = keys.find((k: {type: string}) => k.type === 'publishable').api_key;
		const withoutJwt = await createSupabase(url, publishable).functions.invoke('hello', {body: {name: 'Ada'}});
		expect(withoutJwt.error).toBeInstanceOf(FunctionsHttpError);
		expect(withoutJwt.error.context.status).toBe(401);
		expect(await withoutJwt.error.context.json()).toEqual({code: 401, message: 'Missing authorization header'});

		// The CLI's published demo key is signed with a secret everyone knows; this project does not accept it.
		const demoKey = signJwt({iss: 'supabase-demo', role: 'anon', exp: 1983812996}, 'super-secret-jwt-token-with-at-least-32-characters-long');
		const forged = await createSupabase(url, demoKey).functions.invoke('hello', {body: {name: 'Ada'}});
		expect(forged.error.context.status).toBe(401);
		expect(await forged.error.context.json()).toEqual({code: 401, message: 'Invalid JWT'});

		const {secret, serviceRoleKey} = await t.server.local.functionsRuntime.keys(t.ref);
		const expired = signJwt({role: 'anon', exp: Math.floor(Date.now() / 1000) - 60}, secret);
		expect((await createSupabase(url, expired).functions.invoke('hello', {body: {}})).error.context.status).toBe(401);
		const bare = await fetch(`${url}/functions/v1/hello`, {method: 'POST', body: '{"name":"x"}'});
		expect(bare.status).toBe(401);
		expect((await createSupabase(url, serviceRoleKey).functions.invoke('hello', {body: {name: 'root'}})).data).toEqual({
			message: 'Hello root!',
			path: '/hello',
		});
	});

	it('keeps the service-role key and the signing secret out of tool results', async () => {
		const {secret, serviceRoleKey, anonKey: issued} = await t.server.local.functionsRuntime.keys(t.ref);
		expect(issued).toBe(anonKey);
		const payload = JSON.parse(Buffer.from(anonKey.split('.')[1]!, 'base64url').toString());
		expect(payload).toMatchObject({role: 'anon', ref: t.ref});
		const texts = [await t.client.raw('get_publishable_keys'), await t.client.raw('get_project_url')].map(r => JSON.stringify(r));
		for (const text of texts) {
			expect(text).not.toContain(serviceRoleKey);
			expect(text).not.toContain(secret);
		}
	});

	it('serves a function without verify_jwt to anyone, with its path and query', async () => {
		await t.client.call('deploy_edge_function', {
			name: 'public-echo',
			verify_jwt: false,
			files: [
				{
					name: 'index.ts',
					content: `Deno.serve((req: Request) => { const u = new URL(req.url); return ${jsonResponse('{path: u.pathname, q: u.searchParams.get("q"), method: req.method}')}; });\n`,
				},
			],
		});
		const answer = await fetch(`${url}/functions/v1/public-echo/items/7?q=rust`, {method: 'DELETE'});
		expect(answer.status).toBe(200);
		expect(await answer.json()).toEqual({path: '/public-echo/items/7', q: 'rust', method: 'DELETE'});
		expect((await fetch(`${url}/functions/v1/nope`)).status).toBe(404);
		expect((await fetch(`${url}/rest/v1/notes`)).status).toBe(404);
	});

	it('invokes through the MCP tool and fences the answer as untrusted data', async () => {
		const {result} = await t.client.call('invoke_edge_function', {slug: 'hello', body: {name: 'Grace'}, path: '/sub?x=1'});
		const {data} = unfence(result);
		expect(data).toMatchObject({status: 200, body: JSON.stringify({message: 'Hello Grace!', path: '/hello/sub'})});
		expect(data.headers['content-type']).toBe('application/json');
		expect(data.duration_ms).toBeGreaterThanOrEqual(0);

		const unauthenticated = unfence((await t.client.call('invoke_edge_function', {slug: 'hello', body: '{}', headers: {Authorization: ''}})).result).data;
		expect(unauthenticated.status).toBe(401);
		const outsidePath = await t.client.callError('invoke_edge_function', {slug: 'hello', path: '/../public-echo'});
		expect(outsidePath.body.error.message).toMatch(/\.\./);
		const missing = await t.client.callError('invoke_edge_function', {slug: 'ghost'});
		expect(missing.body.error.message).toMatch(/not found/);
	});

	it('gives functions the secrets of supabase/functions/.env and redacts them from answers and logs', async () => {
		await t.client.call('deploy_edge_function', {
			name: 'leaky',
			files: [
				{
					name: 'index.ts',
					content: `console.log("booting with", Deno.env.get("STRIPE_KEY"));
Deno.serve(() => ${jsonResponse('{stripe: Deno.env.get("STRIPE_KEY"), greeting: Deno.env.get("GREETING"), url: Deno.env.get("SUPABASE_URL"), anthropic: Deno.env.get("ANTHROPIC_API_KEY") ?? null, service: Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")}')});
`,
				},
			],
		});
		const raw = await t.client.raw('invoke_edge_function', {slug: 'leaky'});
		const text = JSON.stringify(raw);
		expect(text).not.toContain(STRIPE_KEY);
		const {result} = JSON.parse((raw.content[0] as {text: string}).text);
		const body = JSON.parse(unfence(result).data.body);
		// The function did get the values: they come back redacted, not missing.
		expect(body).toEqual({stripe: '[secret]', greeting: '[secret]', url, anthropic: null, service: '[secret]'});

		const runtimeLogs = await t.client.raw('get_logs', {service: 'edge-function-runtime'});
		const logText = JSON.stringify(runtimeLogs);
		expect(logText).toContain('booting with [secret]');
		expect(logText).not.toContain(STRIPE_KEY);
	});

	it("logs each request and the function's console output and uncaught errors", async () => {
		await t.client.call('deploy_edge_function', {name: 'fragile', verify_jwt: false, files: [{name: 'index.ts', content: THROWS_ON_BAD_INPUT}]});
		expect((await fetch(`${url}/functions/v1/fragile`, {method: 'POST', body: 'not json'})).status).toBe(500);

		// The gateway logs a request when its answer is finished, which may be just after the client has it.
		const requests = await waitFor(async () => {
			const entries = unfence((await t.client.call('get_logs', {service: 'edge-function'})).result).data;
			return entries[0]?.status_code === 500 ? entries : undefined;
		}, 'the request log entry');
		expect(requests[0]).toMatchObject({
			method: 'POST',
			status_code: 500,
			version: 1,
			event_message: expect.stringMatching(/^POST \| 500 \| http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/fragile$/),
		});
		expect(requests[0].execution_time_ms).toBeGreaterThanOrEqual(0);
		expect(requests).toEqual(expect.arrayContaining([expect.objectContaining({method: 'POST', status_code: 401})]));

		const runtime = unfence((await t.client.call('get_logs', {service: 'edge-function-runtime'})).result).data;
		const crash = runtime.find((e: {event_type: string}) => e.event_type === 'UncaughtException');
		expect(crash).toMatchObject({level: 'error', version: 1});
		expect(crash.event_message).toMatch(/SyntaxError/);
		expect(crash.event_message).toMatch(/at .*fragile\/index\.ts:2:\d+/);
		expect(runtime.some((e: {event_message: string}) => e.event_message === 'greeting Ada')).toBe(true);
	});

	it('fails the error-handling probe for a function that throws on bad input, and passes the fixed version', async () => {
		await t.client.call('deploy_edge_function', {name: 'greet', files: [{name: 'index.ts', content: THROWS_ON_BAD_INPUT}]});
		const failing = await t.client.call('pgpair_probe_edge_function', {slug: 'greet'});
		expect(failing).toEqual({
			slug: 'greet',
			ok: false,
			probes: [
				{name: 'malformed body', status: 500, json: false, body: 'Internal Server Error', survived: true},
				{name: 'no authorization', status: 401, json: true, body: '{"code":401,"message":"Missing authorization header"}', survived: true},
			],
		});
		const warm = t.server.local.functionsRuntime.process(t.ref, 'greet')!;
		expect(warm.alive).toBe(true);

		await t.client.call('deploy_edge_function', {name: 'greet', files: [{name: 'index.ts', content: HELLO}]});
		// Redeploying replaced the warm process with one running version 2.
		await waitFor(() => !isRunning(warm.pid!), 'the old process to end');
		const fixed = await t.client.call('pgpair_probe_edge_function', {slug: 'greet'});
		expect(fixed.ok).toBe(true);
		expect(fixed.probes.map((p: {name: string; status: number}) => [p.name, p.status])).toEqual([
			['malformed body', 400],
			['no authorization', 401],
		]);
		expect(t.server.local.functionsRuntime.process(t.ref, 'greet')!.pid).not.toBe(warm.pid);
	});

	it('fails the probe when the process dies after answering, and restarts a crashed function on the next call', async () => {
		await t.client.call('deploy_edge_function', {name: 'crashy', verify_jwt: false, files: [{name: 'index.ts', content: CRASHES_AFTER_ANSWERING}]});
		const report = await t.client.call('pgpair_probe_edge_function', {slug: 'crashy'});
		expect(report.ok).toBe(false);
		expect(report.probes[0]).toMatchObject({name: 'malformed body', status: 400, json: true, survived: false});

		// Dying mid-request: the gateway answers 502 with a message, and the next call gets a new process.
		await t.client.call('deploy_edge_function', {
			name: 'crashy',
			verify_jwt: false,
			files: [
				{
					name: 'index.ts',
					content: `Deno.serve((req: Request) => { if (new URL(req.url).searchParams.has("die")) Deno.exit(3); return ${jsonResponse('{pid: Deno.pid}')}; });\n`,
				},
			],
		});
		const first = (await (await fetch(`${url}/functions/v1/crashy`)).json()) as {pid: number};
		const died = await fetch(`${url}/functions/v1/crashy?die`);
		expect(died.status).toBe(502);
		expect(await died.json()).toMatchObject({code: 'WORKER_ERROR', message: expect.stringMatching(/exit code 3.*restarts on the next request/)});
		const second = (await (await fetch(`${url}/functions/v1/crashy`)).json()) as {pid: number};
		expect(second.pid).not.toBe(first.pid);
		expect(isRunning(first.pid)).toBe(false);
	});

	it('answers 503 with the reason when a function fails to start', async () => {
		await t.client.call('deploy_edge_function', {
			name: 'no-boot',
			verify_jwt: false,
			files: [{name: 'index.ts', content: 'throw new Error("missing config value");\nDeno.serve(() => new Response("never"));\n'}],
		});
		const answer = await fetch(`${url}/functions/v1/no-boot`);
		expect(answer.status).toBe(503);
		expect(await answer.json()).toMatchObject({code: 'BOOT_ERROR', message: expect.stringMatching(/missing config value/)});
		await t.client.call('deploy_edge_function', {
			name: 'no-serve',
			verify_jwt: false,
			files: [{name: 'index.ts', content: 'console.log("I forgot Deno.serve");\n'}],
		});
		const silent = await fetch(`${url}/functions/v1/no-serve`);
		expect(silent.status).toBe(503);
		expect(((await silent.json()) as {message: string}).message).toMatch(/never called Deno\.serve/);
	});

	it('resolves npm: imports through the npm registry', async () => {
		const deployed = await t.client.call('deploy_edge_function', {
			name: 'validated',
			verify_jwt: false,
			files: [
				{
					name: 'index.ts',
					content: `import {z} from "npm:zod@3.25.76";\nconst Body = z.object({n: z.number()});\nDeno.serve(async (req: Request) => ${jsonResponse('Body.safeParse(await req.json()).success')});\n`,
				},
			],
		});
		expect(deployed.version).toBe(1);
		const answer = await fetch(`${url}/functions/v1/validated`, {method: 'POST', body: '{"n": 1}'});
		expect(await answer.json()).toBe(true);
		const wrong = await t.client.callError('deploy_edge_function', {
			name: 'validated',
			files: [
				{
					name: 'index.ts',
					content: 'import {z} from "npm:zod@3.25.76";\nconst n: number = z.string().parse("x");\nDeno.serve(() => new Response(String(n)));\n',
				},
			],
		});
		expect(wrong.body.error.message).toMatch(/^index\.ts:2:7 - error TS2322/m);
	});

	it('stops every function process when the server closes', async () => {
		const runtime = t.server.local.functionsRuntime;
		const pids = ['hello', 'greet', 'crashy', 'leaky'].map(slug => runtime.process(t.ref, slug)?.pid).filter((pid): pid is number => pid !== undefined);
		expect(pids.length).toBeGreaterThanOrEqual(3);
		expect(pids.every(isRunning)).toBe(true);
		await t.client.close();
		expect(pids.filter(isRunning)).toEqual([]);
		await expect(fetch(`${url}/functions/v1/hello`)).rejects.toThrow();
	});
});
