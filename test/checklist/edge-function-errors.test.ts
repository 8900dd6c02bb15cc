import ts from 'typescript';
import {describe, expect, it} from 'vitest';
import {edgeFunctionErrors, handlerProblem} from '../../source/checklist/evaluators/edge-function-errors.js';
import {useLocalSession} from './session-harness.js';

const GUARDED = `import "jsr:@supabase/functions-js/edge-runtime.d.ts";

Deno.serve(async (req: Request) => {
	try {
		const {name} = await req.json();
		if (typeof name !== 'string') {
			return new Response(JSON.stringify({error: 'name must be a string'}), {status: 400, headers: {'Content-Type': 'application/json'}});
		}
		return new Response(JSON.stringify({message: \`Hello \${name}!\`}), {headers: {'Content-Type': 'application/json'}});
	} catch (error) {
		return new Response(JSON.stringify({error: (error as Error).message}), {status: 500, headers: {'Content-Type': 'application/json'}});
	}
});
`;

const UNGUARDED = `Deno.serve(async (req: Request) => {
	const {name} = await req.json(); // throws on a body that is not JSON: Deno answers a bare 500
	if (typeof name !== 'string') throw new Error('name must be a string');
	return Response.json({message: \`Hello \${name}!\`});
});
`;

/** Passes the syntax-tree check (try/catch returning status 400) but answers in plain text: only calling it shows that. */
const LOOKS_GUARDED = `Deno.serve(async (req: Request) => {
	try {
		const {name} = await req.json();
		return Response.json({message: \`Hello \${name}!\`});
	} catch (error) {
		return new Response('bad request: ' + String(error), {status: 400});
	}
});
`;

describe('handlerProblem, on the TypeScript syntax tree', () => {
	it.each([
		['a handler wrapped in try/catch returning status 500', GUARDED, undefined],
		['a handler without try/catch', UNGUARDED, 'the handler body is not wrapped in try/catch'],
		[
			'Response.json with an error status',
			`Deno.serve(async (req) => { try { return Response.json(await req.json()); } catch (e) { return Response.json({error: String(e)}, {status: 500}); } });`,
			undefined,
		],
		[
			'a status chosen between error codes',
			`Deno.serve(async (req) => { try { return new Response(await req.text()); } catch (e) { return new Response('bad', {status: e instanceof SyntaxError ? 400 : 500}); } });`,
			undefined,
		],
		[
			'a named handler function',
			`async function handle(req: Request): Promise<Response> { try { return new Response(await req.text()); } catch { return Response.error(); } }\nDeno.serve(handle);`,
			undefined,
		],
		[
			'a handler that delegates to a guarded function',
			`const work = async (req: Request) => { try { return new Response(await req.text()); } catch (e) { return fail(500, e); } };\nfunction fail(status: number, e: unknown) { return new Response(String(e), {status: 500}); }\nDeno.serve((req) => work(req));`,
			undefined,
		],
		[
			'Deno.serve with options first',
			`Deno.serve({port: 8000}, async (req) => { try { return new Response(await req.text()); } catch { return new Response('x', {status: 503}); } });`,
			undefined,
		],
		[
			'a catch answering 200',
			`Deno.serve(async (req) => { try { return new Response(await req.text()); } catch (e) { return new Response(String(e)); } });`,
			'the catch does not return a Response with an error status (400 or more)',
		],
		[
			'a catch that throws again',
			`Deno.serve(async (req) => { try { return new Response(await req.text()); } catch (e) { console.error(e); throw e; } });`,
			'the catch does not return a Response with an error status (400 or more)',
		],
		[
			'work before the try that can throw',
			`Deno.serve(async (req) => { const body = await req.json(); try { return Response.json(body); } catch { return new Response('x', {status: 500}); } });`,
			'code outside the try can throw: const body = await req.json();',
		],
		[
			'a comment that mentions try/catch fools no one',
			`// try { } catch { return new Response('x', {status: 500}) }\nDeno.serve(async (req) => new Response(await req.text()));`,
			'the handler body is not wrapped in try/catch',
		],
		['no Deno.serve at all', `export default { fetch: () => new Response('hi') };`, 'no Deno.serve handler found'],
	])('%s', (_label, source, expected) => {
		expect(handlerProblem(ts as unknown as Parameters<typeof handlerProblem>[0], 'index.ts', source)).toBe(expected);
	});
});

describe('edge functions have error handling, through the local server', () => {
	const local = useLocalSession();

	const deploy = (content: string) =>
		local.session.ok('deploy_edge_function', {name: 'greet', entrypoint_path: 'index.ts', files: [{name: 'index.ts', content}]});

	it('does not apply while no function is deployed', async () => {
		expect(await edgeFunctionErrors(local.session.events, local.server.evidence)).toEqual({
			state: 'done',
			evidence: 'not applicable: no edge functions deployed',
		});
	});

	it('is open for a function whose handler throws on bad input without try/catch', async () => {
		await deploy(UNGUARDED);
		const result = await edgeFunctionErrors(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toContain('greet v1: the handler body is not wrapped in try/catch');
		// Called for real: the malformed body makes it throw, and the answer is not a JSON error.
		expect(result.evidence).toMatch(/greet v1: called for real, it did not answer with a JSON error: malformed body → 500/);
	});

	it('ticks for the fixed version, judged by calling it and not only by reading it', async () => {
		await deploy(GUARDED);
		expect(await edgeFunctionErrors(local.session.events, local.server.evidence)).toEqual({
			state: 'done',
			evidence:
				"every deployed function's Deno.serve handler catches errors and returns an error Response (greet v2) and answered a malformed body and a missing authorization with JSON errors, staying up",
		});
	});

	it('stays open for code that looks guarded but answers a malformed body with a plain-text error', async () => {
		await deploy(LOOKS_GUARDED);
		const result = await edgeFunctionErrors(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/greet v3: called for real, it did not answer with a JSON error: malformed body → 4\d\d, not JSON/);
		await deploy(GUARDED);
	});

	it('unticks when a second function without error handling is deployed', async () => {
		await local.session.ok('deploy_edge_function', {
			name: 'echo',
			entrypoint_path: 'main.ts',
			files: [{name: 'main.ts', content: 'Deno.serve(async (req) => new Response(await req.text()));'}],
		});
		const result = await edgeFunctionErrors(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toMatch(/^echo v1: the handler body is not wrapped in try\/catch/);
	});
});
