/**
 * create_edge_function_secret, locally: the tool prepares `supabase/functions/.env` (owner-only, ignored by git), the
 * person writes the value there, the tool then says it is stored without ever showing it, and the function sees the
 * new value on its next request, a warm process included (Deno for real).
 */
import {readFile, rm, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {unfence} from '../../helpers/supabase-mcp-client.js';
import {type FunctionsTestServer, jsonResponse, startFunctionsServer} from './functions-helpers.js';

const VALUE = 'person-typed-secret-7f3a9c';

/** Answers with the secret reversed: the gateway redacts the value itself from answers, never its reverse. */
const SHOWS_SECRET = `Deno.serve(() => {
	const value = Deno.env.get("PAYMENT_KEY");
	return ${jsonResponse('{reversed: value === undefined ? null : value.split("").reverse().join("")}')};
});
`;

describe('create_edge_function_secret', () => {
	let t: FunctionsTestServer;
	let envFile: string;
	const invoke = async () => JSON.parse(unfence((await t.client.call('invoke_edge_function', {slug: 'shows-secret', method: 'GET'})).result).data.body);

	beforeAll(async () => {
		t = await startFunctionsServer('');
		envFile = path.join(t.workspace, 'supabase', 'functions', '.env');
		await rm(envFile);
	});
	afterAll(async () => {
		await t?.client.close();
		if (t) await rm(t.workspace, {recursive: true, force: true});
	});

	it('refuses names the runtime owns or cannot pass, and changes nothing then', async () => {
		for (const name of ['SUPABASE_URL', '1STARTS_WITH_DIGIT', 'has-dash']) {
			const {body} = await t.client.callError('create_edge_function_secret', {name});
			expect(body.error.message).toMatch(/reserved|not a valid secret name/);
		}
		const long = await t.client.callError('create_edge_function_secret', {name: 'A'.repeat(257)});
		expect(long.text).toMatch(/256/);
		await expect(stat(envFile)).rejects.toThrow(/ENOENT/);
	});

	it('prepares the secrets file for the person, then says the secret is stored once it has a value', async () => {
		const asked = await t.client.call('create_edge_function_secret', {name: 'PAYMENT_KEY'});
		expect(asked).toMatchObject({name: 'PAYMENT_KEY', stored: false, status: 'awaiting_value', message: expect.stringMatching(/supabase\/functions\/\.env/)});
		expect(await readFile(envFile, 'utf8')).toMatch(/^PAYMENT_KEY=$/m);
		expect((await stat(envFile)).mode & 0o777).toBe(0o600);
		expect(await readFile(path.join(t.workspace, 'supabase', 'functions', '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
		// Asked again before the person wrote it: no second line.
		await t.client.call('create_edge_function_secret', {name: 'PAYMENT_KEY'});
		expect((await readFile(envFile, 'utf8')).match(/PAYMENT_KEY=/g)).toHaveLength(1);

		await t.client.call('deploy_edge_function', {name: 'shows-secret', verify_jwt: false, files: [{name: 'index.ts', content: SHOWS_SECRET}]});
		expect(await invoke()).toEqual({reversed: ''});

		// The person writes the value; the model never sees it.
		await writeFile(envFile, (await readFile(envFile, 'utf8')).replace('PAYMENT_KEY=', `PAYMENT_KEY=${VALUE}`));
		const stored = await t.client.raw('create_edge_function_secret', {name: 'PAYMENT_KEY'});
		expect(JSON.parse((stored.content[0] as {text: string}).text)).toEqual({name: 'PAYMENT_KEY', stored: true, updated_seconds_ago: expect.any(Number)});
		expect(JSON.stringify(stored)).not.toContain(VALUE);

		// The warm process started without the value; the next request meets one that has it.
		expect(await invoke()).toEqual({reversed: VALUE.split('').reverse().join('')});
	}, 180_000);
});
