import {beforeAll, describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import {loadSqlParser} from '../../source/policy/sql-parser.js';
import {createEventStore} from '../../source/store/event-store.js';
import {createEventRedaction} from '../../source/transcripts/event-redaction.js';
import {createSecretRedactor} from '../../source/transcripts/redact.js';
import {mayHoldSqlSecret, redactSqlSecrets} from '../../source/transcripts/sql-secrets.js';
import {releasableLength} from '../../source/transcripts/stream-cut.js';

beforeAll(async () => {
	await loadSqlParser();
});

describe('where streamed text can be cut', () => {
	it.each([
		['a word still arriving waits', 'Thinking abo', 'Thinking '],
		['text that ends between words goes whole', 'The todos table has RLS. ', 'The todos table has RLS. '],
		['a key cut short waits whole', 'Your key is sk-ant-api03-Xy7', 'Your key is '],
		['a bearer lead waits for its token', 'Send it with Authorization: Bearer ', 'Send it with '],
		['a bearer lead waits even without its header', 'use Bearer ', 'use '],
		['a SQL password keyword waits for its literal', 'create role app login PASSWORD ', 'create role app login '],
		['an open SQL literal waits for its quote', "create role app login Password E'correct horse ", 'create role app login '],
		['a closed SQL literal goes', "create role app login password 'correct horse'; ", "create role app login password 'correct horse'; "],
		['an open dollar-quoted password waits', 'alter role app password $p$one two ', 'alter role app '],
		['a JSON secret field waits for its value', '{"name": "x", "db_password": "a b ', '{"name": "x", '],
		['an open .env value waits', 'DB_PASSWORD="correct horse ', ''],
		['an AWS secret key name waits for its value', 'aws_secret_access_key = ', ''],
		[
			'a private key waits for its END line',
			'here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRI',
			'here:\n',
		],
		['a public certificate does not wait', 'cert:\n-----BEGIN CERTIFICATE-----\nMIIB ', 'cert:\n-----BEGIN CERTIFICATE-----\nMIIB '],
		[
			'a whole private key goes',
			'k\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nok ',
			'k\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nok ',
		],
	])('%s', (_name, text, released) => {
		expect(text.slice(0, releasableLength(text))).toBe(released);
	});

	it('never cuts inside a known secret with spaces in it', () => {
		const secret = 'correct horse battery staple';
		expect(releasableLength('the phrase correct horse batt', [secret])).toBe('the phrase '.length);
		expect(releasableLength('the phrase correct horse battery staple', [secret])).toBe('the phrase '.length);
		expect(releasableLength('the phrase correct horse battery staple ', [secret])).toBe('the phrase correct horse battery staple '.length);
	});

	it('releases a runaway word in the end, keeping its tail back', () => {
		const text = `x ${'a'.repeat(70_000)}`;
		const cut = releasableLength(text);
		expect(cut).toBeGreaterThan(60_000);
		expect(cut).toBeLessThan(text.length);
	});

	it('stays fast on long and adversarial text', () => {
		const inputs = [
			'a-'.repeat(50_000),
			'a.'.repeat(50_000),
			'password '.repeat(20_000),
			`key '${'a '.repeat(50_000)}`,
			'-----BEGIN '.repeat(10_000),
			'a'.repeat(200_000),
			`x ${'token: '.repeat(30_000)}`,
		];
		const start = performance.now();
		for (const input of inputs) releasableLength(input, ['a b c d']);
		expect(performance.now() - start).toBeLessThan(500);
	});
});

/** [secret, the text it is streamed in]; none of the secrets shares six characters with a redaction marker. */
const STREAMED: Array<[string, string]> = [
	['sk-ant-api03-Xy7_kL9mN2pQ4rS6tU8vW0xY1zA3bC5dE7fG9hJ1kL3-AAAA', 'Your key is sk-ant-api03-Xy7_kL9mN2pQ4rS6tU8vW0xY1zA3bC5dE7fG9hJ1kL3-AAAA, keep it safe.'],
	[
		'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.M2d2z4SFn5C7HlJlaSLfrzuYim9nbY_XI40uWFN3hEE',
		'service role: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.M2d2z4SFn5C7HlJlaSLfrzuYim9nbY_XI40uWFN3hEE.',
	],
	['sbp_0123456789abcdef0123456789abcdef01234567', 'Run `supabase login --token sbp_0123456789abcdef0123456789abcdef01234567` first.'],
	['sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz', 'SUPABASE_SECRET_KEY is sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz here'],
	["S3cr3t horse \\'battery", "Then run:\n\n```sql\nCREATE ROLE app LOGIN Password E'S3cr3t horse \\'battery';\n```\n"],
	["Tr0ub4dor & 3''s", "alter user bob with encrypted PASSWORD 'Tr0ub4dor & 3''s' valid until 'infinity';"],
	['dollar quoted Pw9', 'ALTER ROLE app PASSWORD $pw$dollar quoted Pw9$pw$;'],
	['bare answer Pw7', "CREATE ROLE app LOGIN PASSWORD 'bare answer Pw7';"],
	['q8ZkT3vN0pW5xR7yB2mC4dF6', 'curl -H "Authorization: Bearer q8ZkT3vN0pW5xR7yB2mC4dF6" https://api.example.com'],
	['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n'],
	['corr3ct h0rse', 'DB_PASSWORD="corr3ct h0rse" npm start'],
	['s3cr3t json v4lue', 'config: {"user": "app", "db_password": "s3cr3t json v4lue"}'],
	['Pg-Pass-9f8e7d', 'psql postgres://app:Pg-Pass-9f8e7d@db.example.com:5432/shop'],
	['Zq7vL2xP9kW4mT6r', 'the project token from .mcp.json is Zq7vL2xP9kW4mT6r, do not share'],
	['open sesame 4ever', 'the vault phrase is open sesame 4ever as set'],
	[
		'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
		'cat id_rsa\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\n',
	],
];

/** Known by value, as if read from .mcp.json and the environment. */
const KNOWN = [
	{value: 'Zq7vL2xP9kW4mT6r', kind: 'mcp:supabase'},
	{value: 'open sesame 4ever', kind: 'env:VAULT_PHRASE'},
];

function pieces(secret: string, length = 6): string[] {
	const found: string[] = [];
	for (let i = 0; i + length <= secret.length; i++) found.push(secret.slice(i, i + length));
	return found;
}

/** A deterministic random source, so a failure can be reproduced from its seed. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state / 2_147_483_648;
	};
}

/**
 * Streams `text` into a real store with redaction, in 1–3 character deltas; after each delta a frame
 * may end or the model may pause (a read of the state is exactly that: the store takes in what it can).
 */
function stream(text: string, seed: number): {written: SessionEvent[]; deltas: string[]} {
	const next = random(seed);
	const written: SessionEvent[] = [];
	const redaction = createEventRedaction({redactor: createSecretRedactor({env: {}, known: KNOWN}), sql: {mayHold: mayHoldSqlSecret, redact: redactSqlSecrets}});
	const store = createEventStore({clock: {now: () => 0}, redaction, sink: {append: event => written.push(event)}, frameMs: 1_000_000});
	for (let i = 0; i < text.length; ) {
		const size = 1 + Math.floor(next() * 3);
		store.append({type: 'assistant_text_delta', text: text.slice(i, i + size)});
		i += size;
		if (next() < 0.6) store.getState();
	}

	store.append({type: 'assistant_message_completed', content: [{type: 'text', text}], stopReason: 'end_turn', usage: {inputTokens: 1, outputTokens: 1}});
	store.flush();
	const deltas = written.filter(e => e.type === 'assistant_text_delta').map(e => (e as {text: string}).text);
	return {written, deltas};
}

describe('redaction over the joined stream', () => {
	it.each(STREAMED)('no event holds a piece of %s, however the deltas are paced', (secret, text) => {
		for (let seed = 1; seed <= 60; seed++) {
			const {written, deltas} = stream(text, seed);
			const lines = written.map(event => JSON.stringify(event));
			for (const piece of pieces(secret)) {
				for (const line of lines) expect(line, `seed ${seed}`).not.toContain(JSON.stringify(piece).slice(1, -1));
				expect(deltas.join(''), `seed ${seed}`).not.toContain(piece);
			}
		}
	});

	it('shows the streamed text and the finished message redacted alike', () => {
		for (const [, text] of STREAMED) {
			const {written, deltas} = stream(text, 7);
			const completed = written.find(e => e.type === 'assistant_message_completed');
			const finished = completed?.type === 'assistant_message_completed' && completed.content[0]?.type === 'text' ? completed.content[0].text : '';
			expect(deltas.join('')).toBe(finished);
		}
	});

	it('keeps ordinary text byte for byte, whatever the pacing', () => {
		const text =
			'The `orders` table needs an index on customer_id:\n\n```sql\ncreate index concurrently orders_customer_id_idx on public.orders (customer_id);\n```\n\nSee https://supabase.com/docs/guides/database/postgres/indexes and the token bucket section; the key point is RLS. Password reset flows are unchanged.';
		for (let seed = 1; seed <= 20; seed++) expect(stream(text, seed).deltas.join('')).toBe(text);
	});
});
