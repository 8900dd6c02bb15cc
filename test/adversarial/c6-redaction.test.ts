/**
 * Class 6 of issue 15: redaction by pattern, per event.
 *
 * One headless session carries every secret in the ways a real one arrives: in SQL the agent writes, streamed by the
 * model with pauses (so it is split across text events), in files the agent reads (.mcp.json, .env, a config file),
 * in the prompt. G7: none of them reaches the transcript, the stream-json output, an export (md, json, html),
 * `replay --print`, or the debug log. Secrets are made up at run time (none is committed), each unique, so a
 * failure names the secret's case and every place it was found. The engine plays no part: PGlite only.
 */
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {baseEnv, callId, decisionOf, describeRun, type PgpairRun, pgpairCommand, runPgpair} from '../helpers/adversary/run.js';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {executeSql, read} from './calls.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const alnum = (length: number) =>
	randomBytes(length * 2)
		.toString('base64')
		.replace(/[^A-Za-z0-9]/g, '')
		.slice(0, length);

type SecretCase = {
	id: string;
	origin: 'issue' | 'invented' | 'control';
	attack: string;
	why: string;
	secret: string;
};

/** Secrets and where each one enters; ids double as call ids. */
const S = {
	mixedCase: `Tr0ub4dor-${alnum(10)}`,
	escapeString: `Esc4ped-${alnum(10)}`,
	dollarQuoted: `D0llar-${alnum(10)}`,
	commented: `C0mment-${alnum(10)}`,
	spaced: `correct horse battery ${alnum(8)}`,
	anthropicStreamed: `sk-ant-api03-${alnum(40)}`,
	sbpMcpJson: `sbp_${hex(20)}`,
	sbpText: `sbp_${hex(20)}`,
	sbSecretStreamed: `sb_secret_${alnum(32)}`,
	jwtStreamed: `eyJ${alnum(20)}.eyJ${alnum(40)}.${alnum(43)}`,
	mcpEnvValue: `plain-${alnum(24)}`,
	dsnSpaced: `Dsn-${alnum(14)}`,
	envSpaced: `EnvFile-${alnum(14)}`,
	prompt: `sbp_${hex(20)}`,
	control: `sk-ant-api03-${alnum(40)}`,
};

const CASES: SecretCase[] = [
	{
		id: 'c6_control_key',
		origin: 'control',
		attack: 'an Anthropic key in one piece of model text',
		why: 'nothing: the pattern catches it today',
		secret: S.control,
	},
	{
		id: 'c6_mixed_case',
		origin: 'issue',
		attack: "CREATE ROLE … Password '…' (mixed-case keyword)",
		why: 'the SQL password rule lists PASSWORD and password only',
		secret: S.mixedCase,
	},
	{
		id: 'c6_escape_string',
		origin: 'issue',
		attack: "CREATE ROLE … PASSWORD E'…' (escape string)",
		why: "the rule wants a quote right after the keyword; E' is not one",
		secret: S.escapeString,
	},
	{
		id: 'c6_streamed_key',
		origin: 'issue',
		attack: 'an Anthropic key streamed in small pieces with pauses',
		why: 'redaction is per event, and each pause ends an event',
		secret: S.anthropicStreamed,
	},
	{
		id: 'c6_sbp_mcp_json',
		origin: 'issue',
		attack: 'a Supabase access token (sbp_…) in .mcp.json, read by the agent',
		why: 'no rule knows sbp_, and pgpair does not treat the values it reads from .mcp.json as secrets',
		secret: S.sbpMcpJson,
	},
	{
		id: 'c6_dollar_quoted',
		origin: 'invented',
		attack: 'CREATE ROLE … PASSWORD $$…$$ (dollar quoting)',
		why: 'only single quotes follow the keyword in the rule',
		secret: S.dollarQuoted,
	},
	{
		id: 'c6_commented',
		origin: 'invented',
		attack: "CREATE ROLE … PASSWORD /* note */ '…' (a comment between)",
		why: 'the rule allows only whitespace between keyword and quote',
		secret: S.commented,
	},
	{
		id: 'c6_spaced_password',
		origin: 'invented',
		attack: "CREATE ROLE … PASSWORD 'a phrase with spaces'",
		why: 'the rule stops at whitespace, so a pass phrase never matches',
		secret: S.spaced,
	},
	{id: 'c6_sbp_text', origin: 'invented', attack: 'an sbp_ token in model text', why: 'no rule for Supabase access tokens at all', secret: S.sbpText},
	{
		id: 'c6_sb_secret_streamed',
		origin: 'invented',
		attack: 'an sb_secret_ key streamed in pieces with pauses',
		why: 'the rule exists, but each piece is its own event',
		secret: S.sbSecretStreamed,
	},
	{
		id: 'c6_jwt_streamed',
		origin: 'invented',
		attack: 'a service-role JWT streamed in pieces with pauses',
		why: 'the JWT rule sees one piece at a time',
		secret: S.jwtStreamed,
	},
	{
		id: 'c6_mcp_env_value',
		origin: 'invented',
		attack: 'a secret env value from .mcp.json (no known pattern), read back and echoed by the model',
		why: 'only process.env values are redacted by value, not the ones pgpair reads from .mcp.json',
		secret: S.mcpEnvValue,
	},
	{
		id: 'c6_dsn_spaced',
		origin: 'invented',
		attack: 'a config file with "password = …" (spaces around =), read by the agent',
		why: 'the DSN rule wants password= with no space',
		secret: S.dsnSpaced,
	},
	{
		id: 'c6_env_spaced',
		origin: 'invented',
		attack: 'a .env line DATABASE_PASSWORD = "…" (spaces around =), read by the agent',
		why: 'the assignment rule wants NAME= with no space',
		secret: S.envSpaced,
	},
	{
		id: 'c6_prompt',
		origin: 'invented',
		attack: "an sbp_ token in the person's own prompt",
		why: 'the prompt is an event like any other, with the same missing rule',
		secret: S.prompt,
	},
];

/** Text streamed 5 characters at a time, 45 ms apart: longer than a frame (33 ms), so pieces land in separate events. */
const streamed = (text: string) => ({text, chunk: 5, delay_ms: 45});

function script(dir: string): string {
	const turns = [
		{
			// The control: one key in one piece of text.
			text: `Using ${S.control} is wrong; let me look at the configuration.`,
			chunk: 400,
			tool_calls: [
				{id: callId('c6_sbp_mcp_json'), ...read('.mcp.json')},
				{id: callId('c6_dsn_spaced'), ...read('config/database.ini')},
				{id: callId('c6_env_spaced'), ...read('.env')},
			],
		},
		{
			text: 'Setting up the roles.',
			tool_calls: [
				{id: callId('c6_mixed_case'), ...executeSql(`create role adv_c6_a login Password '${S.mixedCase}'`)},
				{id: callId('c6_escape_string'), ...executeSql(`create role adv_c6_b login password E'${S.escapeString}'`)},
				{id: callId('c6_dollar_quoted'), ...executeSql(`create role adv_c6_c login password $$${S.dollarQuoted}$$`)},
				{id: callId('c6_commented'), ...executeSql(`create role adv_c6_d login password /* rotated monthly */ '${S.commented}'`)},
				{id: callId('c6_spaced_password'), ...executeSql(`create role adv_c6_e login password '${S.spaced}'`)},
			],
		},
		{...streamed(`Your Anthropic key is ${S.anthropicStreamed} and it works.`), tool_calls: [{id: callId('c6_streamed_key', 1), ...read('README.md')}]},
		{...streamed(`The service key is ${S.sbSecretStreamed} for now.`), tool_calls: [{id: callId('c6_sb_secret_streamed', 1), ...read('README.md')}]},
		{...streamed(`The service role JWT is ${S.jwtStreamed} today.`), tool_calls: [{id: callId('c6_jwt_streamed', 1), ...read('README.md')}]},
		{text: `Your access token ${S.sbpText} and the Stripe key ${S.mcpEnvValue} are set.`},
	];
	const file = path.join(dir, 'adversary-script-c6.json');
	fs.writeFileSync(file, JSON.stringify({turns}));
	return file;
}

function prepare(dir: string): void {
	fs.writeFileSync(
		path.join(dir, '.mcp.json'),
		JSON.stringify(
			{
				mcpServers: {
					supabase: {
						command: process.execPath,
						args: [BUILT_CLI, 'mcp', '--workspace', dir],
						env: {SUPABASE_ACCESS_TOKEN: S.sbpMcpJson, STRIPE_SECRET_KEY: S.mcpEnvValue},
					},
				},
			},
			null,
			2,
		),
	);
	fs.mkdirSync(path.join(dir, 'config'));
	fs.writeFileSync(path.join(dir, 'config/database.ini'), `[production]\nhost = db.example.com\nuser = app\npassword = ${S.dsnSpaced}\n`);
	fs.writeFileSync(path.join(dir, '.env'), `DATABASE_PASSWORD = "${S.envSpaced}"\n`);
	fs.writeFileSync(path.join(dir, 'README.md'), '# app\n');
}

type Surfaces = Record<string, string>;

/** The text of all assistant_text_delta events in a JSONL or JSON document, in order; '' if it has none. */
function joinedDeltas(document: string): string {
	const pieces: string[] = [];
	const visit = (value: unknown): void => {
		if (Array.isArray(value)) for (const item of value) visit(item);
		else if (value && typeof value === 'object') {
			const record = value as Record<string, unknown>;
			if (record['type'] === 'assistant_text_delta' && typeof record['text'] === 'string') pieces.push(record['text']);
			else for (const child of Object.values(record)) visit(child);
		}
	};
	try {
		visit(JSON.parse(document));
	} catch {
		for (const line of document.split('\n')) {
			try {
				visit(JSON.parse(line));
			} catch {
				// Not JSON: a text surface, searched as it is.
			}
		}
	}
	return pieces.join('');
}

/** How many text events carried the model round whose text starts with `lead`. */
function deltasOfRound(lead: string): number {
	let round: string[] = [];
	for (const event of run.events) {
		if (event.type === 'model_request_started') round = [];
		if (event.type === 'assistant_text_delta') round.push(String(event['text']));
		if (event.type === 'assistant_message_completed' && round.join('').startsWith(lead)) return round.length;
	}
	return 0;
}

let dir: string;
let run: PgpairRun;
const surfaces: Surfaces = {};

describe('issue 15 class 6: redaction by pattern, per event', () => {
	beforeAll(async () => {
		dir = tempWorkspace('pgpair-adv-redaction-');
		prepare(dir);
		const env = baseEnv(dir);
		run = await runPgpair(['-p', `Set up the project; my token is ${S.prompt}.`, '--scripted', script(dir), '--output-format', 'stream-json'], {
			cwd: dir,
			env,
			timeoutMs: 120_000,
		});
		surfaces['stream-json output'] = run.stdout;
		const sessions = fs.existsSync(path.join(dir, 'sessions')) ? fs.readdirSync(path.join(dir, 'sessions')).filter(f => f.endsWith('.jsonl')) : [];
		for (const file of sessions) surfaces[`transcript sessions/${file}`] = fs.readFileSync(path.join(dir, 'sessions', file), 'utf8');
		const id = sessions[0]?.replace(/^\d{4}-\d{2}-\d{2}-/, '').replace(/\.jsonl$/, '');
		if (id) {
			for (const format of ['md', 'json', 'html'])
				surfaces[`export --format ${format}`] = pgpairCommand(['export', id, '--format', format], {cwd: dir, env}).stdout;
			surfaces['replay --print'] = pgpairCommand(['replay', id, '--print'], {cwd: dir, env}).stdout;
		}
		const debugLog = path.join(dir, '.pgpair', 'debug.log');
		if (fs.existsSync(debugLog)) surfaces['.pgpair/debug.log'] = fs.readFileSync(debugLog, 'utf8');
		// A secret split over two text events is still in the file: whoever reads it joins the pieces.
		for (const [surface, text] of Object.entries(surfaces)) {
			const joined = joinedDeltas(text);
			if (joined) surfaces[`${surface} (its text events joined)`] = joined;
		}
	}, 180_000);

	afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

	it('the session ran every step, so every secret reached pgpair', () => {
		const problems: string[] = [];
		if (!run.events.some(e => e.type === 'turn_completed')) problems.push(`the session did not complete its turn: ${describeRun(run)}`);
		for (const id of [
			'c6_sbp_mcp_json',
			'c6_dsn_spaced',
			'c6_env_spaced',
			'c6_mixed_case',
			'c6_escape_string',
			'c6_dollar_quoted',
			'c6_commented',
			'c6_spaced_password',
		]) {
			if (!decisionOf(run.events, callId(id))) problems.push(`${id}: its call never reached the gate`);
		}
		for (const surface of ['transcript', 'export --format md', 'export --format json', 'export --format html', 'replay --print']) {
			if (!Object.keys(surfaces).some(key => key.startsWith(surface) && surfaces[key]!.length > 0)) problems.push(`no ${surface} to check`);
		}
		if (run.leftovers.length > 0) problems.push(`processes left behind: ${run.leftovers.map(p => p.command).join('; ')}`);
		// The streamed secrets only test anything if their text really came in several events.
		for (const lead of ['Your Anthropic key is', 'The service key is', 'The service role JWT is']) {
			const pieces = deltasOfRound(lead);
			if (pieces < 3) problems.push(`the text "${lead} …" arrived in ${pieces} event(s), not in pieces`);
		}
		expect(problems).toEqual([]);
	});

	for (const secretCase of CASES) {
		it(`${secretCase.id}: ${secretCase.attack}`, () => {
			const found = Object.entries(surfaces)
				.filter(([, text]) => text.includes(secretCase.secret))
				.map(([surface]) => `the secret is in the ${surface}`);
			const kind = secretCase.origin === 'issue' ? 'issue example' : secretCase.origin;
			expect(found, `${kind} attack on G7: ${secretCase.attack}. Why it may slip through: ${secretCase.why}`).toEqual([]);
		});
	}
});
