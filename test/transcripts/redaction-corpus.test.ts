/**
 * End to end: secrets in every place an event can carry text go through the real store, which
 * redacts as it commits, and the real writer; the bytes on disk are searched for them. Ordinary
 * backend-engineering text must come back unchanged.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {EventBody} from '../../source/core/events.js';
import {createEventStore} from '../../source/store/event-store.js';
import {createEventRedaction} from '../../source/transcripts/event-redaction.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {createSecretRedactor} from '../../source/transcripts/redact.js';
import {openTranscript} from '../../source/transcripts/writer.js';
import {testHeader} from '../helpers/transcript-events.js';

/** [name, the secret itself, how it appears in text]. */
const SECRETS: Array<[string, string, (secret: string) => string]> = [
	['anthropic api key', 'sk-ant-api03-Qm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg-xYz_0AA', s => `export ANTHROPIC_KEY_FOR_CI=${s}`],
	['anthropic admin key', 'sk-ant-admin01-ZmFrZWFkbWlua2V5MTIzNDU2Nzg5MA', s => `admin ${s}`],
	['openai project key', 'sk-proj-Tm90QVJlYWxLZXkxMjM0NTY3ODkwYWJjZGVm', s => `OPENAI: ${s}`],
	['openai legacy key', 'sk-9aZ8bY7cX6dW5eV4fU3gT2hS1iR0jQpOnMlKjIh', s => `key "${s}"`],
	[
		'supabase anon jwt',
		'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24ifQ.625_WdcF3KHqz5amU0x2X5WWHP-OEs_4qj0ssLNHzTs',
		s => `const anon = '${s}'`,
	],
	[
		'supabase service role jwt',
		'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSJ9.M2d2z4SFn5C7HlJlaSLfrzuYim9nbY_XI40uWFN3hEE',
		s => `service_role: ${s}`,
	],
	['supabase secret key', 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz', s => `SUPABASE_SECRET=${s}`],
	['supabase publishable key', 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH', s => `createClient(url, '${s}')`],
	['postgres url password', 'Pg-Pass-9f8e7d', s => `psql postgres://app:${s}@db.example.com:5432/shop -c 'select 1'`],
	['postgresql url password with @', 'p@ss@W0rd77', s => `DATABASE_URL=postgresql://postgres.ref:${s}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres`],
	['mysql url password', 'My5qlPassw0rd', s => `mysql://root:${s}@127.0.0.1:3306/legacy`],
	['redis url password', 'r3d1sS3cretPw', s => `redis://:${s}@cache.internal:6379/0`],
	['https basic auth password', 'gitDeployPw42', s => `git clone https://deploy:${s}@git.example.com/shop.git`],
	['aws access key id', 'AKIAZ7EXAMPLEQ2W4X6Y', s => `aws_access_key_id = ${s}`],
	['aws secret access key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKY', s => `[default]\naws_secret_access_key = ${s}\nregion = eu-west-1`],
	['github classic token', 'ghp_R2l0SHViVG9rZW5Gb3JUZXN0aW5nMTIzNDU2', s => `git remote set-url origin https://x-access-token@github.com # token ${s}`],
	['github fine-grained token', 'github_pat_11AAAAAAA0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab', s => `GH=${s}`],
	['stripe live secret key', 'sk_live_51NzQnTJqfG8hXk2LmP4vR7sW9yA', s => `stripe.setApiKey("${s}")`],
	['stripe restricted key', 'rk_live_51NzQnTJqfG8hXk2LmP4vR7sW9yB', s => `restricted ${s}`],
	['slack bot token', 'xoxb-2234567890-1234567890123-QWERTYuiopASDFghjkl', s => `SLACK ${s}`],
	['slack app token', 'xoxa-2-1234567890-abcdefABCDEF123456', s => `token: ${s}`],
	[
		'rsa private key',
		'-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----',
		s => `cat id_rsa\n${s}\n`,
	],
	[
		'openssh private key',
		'-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDm1nB0bKg4n5h2cD7f8e9g0h1i2j3k4l5m6n7o8p9q0r\n-----END OPENSSH PRIVATE KEY-----',
		s => s,
	],
	['bearer header', 'dG9rZW4tZm9yLWJlYXJlci10ZXN0aW5n', s => `curl -H "Authorization: Bearer ${s}" https://api.example.com`],
	['google api key', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', s => `maps key ${s}`],
	['npm token', 'npm_Tm90QW5OcG1Ub2tlbkZvclRlc3RpbmcxMjM0', s => `//registry.npmjs.org/:_authToken=${s}`],
	['dotenv secret', 'plain-looking-value-for-env', s => `RESEND_API_KEY=${s}`],
	['libpq password', 'LibPqSecret88', s => `host=db port=5432 dbname=shop user=app password=${s} sslmode=require`],
	['sql role password', 'R0lePassw0rd!', s => `create role reporting login password '${s}';`],
	['env: secret-named variable', 'vault-unlock-phrase-2025', s => `the vault says ${s}.`],
	['env: DATABASE_URL password alone', 'DbUrlPassword123', s => `PGPASSWORD is ${s}`],
];

const ENV = {
	VAULT_TOKEN: 'vault-unlock-phrase-2025',
	DATABASE_URL: 'postgresql://app:DbUrlPassword123@db.internal:5432/app',
};

/** Plain backend text that must survive byte for byte. */
const ORDINARY = [
	"select id, email from auth.users where id = '123e4567-e89b-12d3-a456-426614174000';",
	'create index concurrently orders_customer_id_idx on public.orders (customer_id);',
	'commit 3f786850e387550fdab836ed7e6dc881de23001b fixes the RLS policy',
	'the api key, the token and the secret live in the vault',
	'postgresql://postgres@127.0.0.1:54322/postgres',
	'supabase/migrations/20250601090000_add_orders_index.sql',
	'row_count=42 duration_ms=7 status=ok',
];

/** Every secret in every place an event carries text: prompt, deltas, tool input, tool result. */
function corpusEvents(): EventBody[] {
	const bodies: EventBody[] = [];
	for (const [i, [, secret, inText]] of SECRETS.entries()) {
		const text = inText(secret);
		const callId = `toolu_${i}`;
		bodies.push(
			{type: 'user_prompt_submitted', text: `Please use this: ${text}`},
			{type: 'assistant_text_delta', text},
			{
				type: 'assistant_message_completed',
				content: [
					{type: 'text', text: `Noted ${text}`},
					{type: 'tool_use', id: callId, name: 'Bash', input: {command: text, env: [text]}},
				],
				stopReason: 'tool_use',
				usage: {inputTokens: 1, outputTokens: 1},
			},
			{type: 'tool_call_requested', callId, name: 'Bash', input: {command: text, nested: {deeper: [text]}}},
			{type: 'tool_call_decided', callId, decision: 'allow', by: 'user', editedInput: {command: text}},
			{type: 'tool_call_completed', callId, isError: false, content: `stdout:\n${text}\n`, durationMs: 5},
			{type: 'notice_shown', level: 'error', text: `failed near ${text}`},
		);
	}

	for (const text of ORDINARY) {
		bodies.push(
			{type: 'user_prompt_submitted', text},
			{type: 'assistant_text_delta', text},
			{type: 'tool_call_completed', callId: 'x', isError: false, content: text, durationMs: 1},
		);
	}

	return bodies;
}

const dir = mkdtempSync(join(tmpdir(), 'pgpair-redaction-'));
afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

describe('redaction corpus through the writer', () => {
	const path = join(dir, 'corpus.jsonl');
	const bodies = corpusEvents();
	const writer = openTranscript(path, testHeader());
	const store = createEventStore({clock: {now: () => 0}, redaction: createEventRedaction({redactor: createSecretRedactor({env: ENV})}), sink: writer});
	for (const body of bodies) store.append(body);
	store.flush();
	writer.close();
	const bytes = readFileSync(path, 'utf8');

	it('covers at least 25 secret formats', () => {
		expect(SECRETS.length).toBeGreaterThanOrEqual(25);
	});

	it.each(SECRETS)('leaves no trace of the %s in the file', (_name, secret) => {
		// Both as written in text and as JSON would escape it (newlines in PEM blocks).
		expect(bytes).not.toContain(secret);
		expect(bytes).not.toContain(JSON.stringify(secret).slice(1, -1));
		// No half of a secret survives either (catches a rule that stops too early).
		const half = secret.length >= 16 ? secret.slice(Math.floor(secret.length / 2)) : secret;
		expect(bytes).not.toContain(JSON.stringify(half).slice(1, -1));
	});

	it('keeps ordinary text byte for byte', async () => {
		const {events: read, warnings} = await readTranscript(path);
		expect(warnings).toEqual([]);
		expect(read).toHaveLength(bodies.length);
		const ordinary = read.slice(-ORDINARY.length * 3).map(({seq: _seq, at: _at, ...body}) => body);
		expect(ordinary).toEqual(bodies.slice(-ORDINARY.length * 3));
	});

	it('marks every redaction with its kind and keeps the surrounding text', async () => {
		const {events: read} = await readTranscript(path);
		const prompts = read.filter(e => e.type === 'user_prompt_submitted').slice(0, SECRETS.length);
		for (const prompt of prompts) {
			if (prompt.type !== 'user_prompt_submitted') continue;
			expect(prompt.text).toMatch(/^Please use this: /);
			expect(prompt.text).toMatch(/\[REDACTED:[a-z:_-]+\]/i);
		}

		expect(bytes).toContain('psql postgres://app:[REDACTED:url-password]@db.example.com:5432/shop');
	});
});
