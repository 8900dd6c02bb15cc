import {describe, expect, it} from 'vitest';
import {type BootstrapFiles, denoConfig, offlineEquivalent} from '../../../source/supabase-local/functions-runtime/materialise.js';
import {parseDotenv, redactor} from '../../../source/supabase-local/functions-runtime/secrets.js';
import {parseDenoCheckOutput} from '../../../source/supabase-local/functions-runtime/type-check.js';
import {signJwt, verifyJwt} from '../../../source/supabase-local/jwt.js';
import {parseMcpArguments} from '../../../source/supabase-local/stdio-main.js';

const SECRET = 'a-project-secret-of-some-length';
const now = 1_800_000_000;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JWTs of the local project', () => {
	const valid = signJwt({role: 'anon', exp: now + 60}, SECRET);
	const [header, payload, signature] = valid.split('.') as [string, string, string];
	it.each([
		['a token it signed', valid, true],
		['a token without exp', signJwt({role: 'service_role'}, SECRET), true],
		['an expired token', signJwt({role: 'anon', exp: now - 1}, SECRET), false],
		['a token signed with another secret', signJwt({role: 'anon', exp: now + 60}, 'another-secret'), false],
		['a changed payload', `${header}.${b64({role: 'service_role', exp: now + 60})}.${signature}`, false],
		['alg none', `${b64({alg: 'none', typ: 'JWT'})}.${payload}.`, false],
		['a non-numeric exp', signJwt({role: 'anon', exp: 'never'} as never, SECRET), false],
		['not a JWT', 'sb_publishable_abc', false],
		['garbage in the header', `!!.${payload}.${signature}`, false],
	])('%s', (_name, token, ok) => {
		expect(verifyJwt(token, SECRET, now).ok).toBe(ok);
	});
});

describe('secrets', () => {
	it('parses supabase/functions/.env like the CLI', () => {
		expect(
			parseDotenv('# comment\nexport STRIPE_KEY=sk_live_1 # inline\nQUOTED="two words"\nSINGLE=\'a#b\'\nMULTI="line1\\nline2"\n\nbroken line\nEMPTY=\n'),
		).toEqual({STRIPE_KEY: 'sk_live_1', QUOTED: 'two words', SINGLE: 'a#b', MULTI: 'line1\nline2', EMPTY: ''});
	});

	it('redacts every secret value, longest first, and leaves values too short to be secrets', () => {
		const redact = redactor(['abcd', 'abcdefgh', 'on', '']);
		expect(redact('key=abcdefgh other=abcd flag=on')).toBe('key=[secret] other=[secret] flag=on');
		expect(redactor([])('unchanged')).toBe('unchanged');
	});
});

describe('deno check output', () => {
	const files = '/cache/fn/files';
	it('turns diagnostics into file:line:column lines relative to the function', () => {
		const output = [
			"TS2322 [ERROR]: Type 'number' is not assignable to type 'string'.",
			'const b: string = 2;',
			'      ^',
			'    at file:///cache/fn/files/lib/a.ts:2:7',
			'',
			"TS2345 [ERROR]: Argument of type 'X' is not assignable to parameter of type 'Y'.",
			"  Property 'id' is missing in type 'X'.",
			'f(x);',
			'  ~',
			'    at file:///cache/fn/files/index.ts:9:3',
			'',
			"TS2307 [ERROR]: Cannot find module 'file:///cache/fn/files/nope.ts'.",
			'    at file:///cache/fn/files/index.ts:1:17',
			'',
			'Found 3 errors.',
			'',
			'error: Type checking failed.',
		].join('\n');
		expect(parseDenoCheckOutput(output, files)).toEqual([
			"lib/a.ts:2:7 - error TS2322: Type 'number' is not assignable to type 'string'.",
			"index.ts:9:3 - error TS2345: Argument of type 'X' is not assignable to parameter of type 'Y'.\n  Property 'id' is missing in type 'X'.",
			"index.ts:1:17 - error TS2307: Cannot find module 'file:///cache/fn/files/nope.ts'.",
		]);
	});

	it('explains remote imports, which pgpair cannot fetch', () => {
		const output =
			'error: A remote specifier was requested: "https://deno.land/std/http/server.ts", but --no-remote is specified.\n    at file:///cache/fn/files/index.ts:1:21\n';
		const [error] = parseDenoCheckOutput(output, files);
		expect(error).toMatch(/^index\.ts:1:21 - error: A remote specifier .* \(pgpair checks and serves functions offline: use npm: specifiers/);
	});
});

describe('offline imports', () => {
	const bootstrap: BootstrapFiles = {edgeRuntimeDts: 'file:///cache/edge-runtime.d.ts', patch: 'file:///p.ts', ready: 'file:///r.ts'};
	it.each([
		['jsr:@supabase/functions-js/edge-runtime.d.ts', 'file:///cache/edge-runtime.d.ts'],
		['jsr:@supabase/functions-js@2.4.4/edge-runtime.d.ts', 'file:///cache/edge-runtime.d.ts'],
		['https://esm.sh/@supabase/functions-js/src/edge-runtime.d.ts', 'file:///cache/edge-runtime.d.ts'],
		['jsr:@supabase/supabase-js@2', 'npm:@supabase/supabase-js@2'],
		['https://esm.sh/@supabase/supabase-js@2.45.0?target=deno', 'npm:@supabase/supabase-js@2.45.0'],
		['npm:@supabase/supabase-js@2', undefined],
		['jsr:@std/assert', undefined],
	])('%s', (specifier, expected) => {
		expect(offlineEquivalent(specifier, bootstrap)).toBe(expected);
	});

	it("merges the function's import map, with relative targets made absolute", () => {
		const config = denoConfig(
			{
				entrypoint: 'index.ts',
				importMapPath: 'maps/import_map.json',
				files: [
					{name: 'index.ts', content: 'import "jsr:@supabase/functions-js/edge-runtime.d.ts";\nimport {x} from "utils";\n'},
					{name: 'maps/import_map.json', content: JSON.stringify({imports: {utils: '../lib/utils.ts', sb: 'jsr:@supabase/supabase-js@2'}})},
				],
			},
			'/work/fn/files',
			bootstrap,
		);
		expect(config).toEqual({
			imports: {
				utils: 'file:///work/fn/files/lib/utils.ts',
				sb: 'npm:@supabase/supabase-js@2',
				'jsr:@supabase/functions-js/edge-runtime.d.ts': 'file:///cache/edge-runtime.d.ts',
				// Found in the map's text too; the same mapping, so harmless.
				'jsr:@supabase/supabase-js@2': 'npm:@supabase/supabase-js@2',
			},
			nodeModulesDir: 'none',
		});
	});
});

describe('pgpair mcp --functions-port', () => {
	it("fixes the main project's gateway port", () => {
		expect(parseMcpArguments(['--functions-port', '54321'], {})).toEqual({functions: {port: 54321}});
		expect(() => parseMcpArguments(['--functions-port', 'x'], {})).toThrow(/port number/);
	});
});
