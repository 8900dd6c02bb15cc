/**
 * Secret redaction of free text and of JSON-like values. Two sources of truth, one regex:
 * - pattern rules for secrets with a recognisable shape (keys, tokens, URLs with passwords, SQL
 *   `PASSWORD '…'` in any case and quoting), for text pgpair knows nothing about;
 * - known secrets matched by value: every secret pgpair itself reads (environment, `.mcp.json`,
 *   settings) and every SQL password found in a parse tree, registered with `learn` as the session
 *   goes on (see known-secrets.ts and sql-secrets.ts).
 *
 * Everything is compiled into one regex scanned once per string. Every rule starts with a literal or
 * a word boundary and uses only character classes that cannot overlap with what follows them, so
 * matching stays linear in the input (no nested ambiguous quantifiers).
 *
 * Redaction of streamed text over the joined stream (never per piece) is stream-cut.ts: it knows
 * which of these rules can span whitespace, and is tested against them.
 */

export type Redactor = <T>(value: T) => T;

/** A value to redact wherever it appears; `kind` names where it came from (`env:NAME`, `mcp:server`, `sql`). */
export type KnownSecret = {value: string; kind: string};

export type RedactorOptions = {
	/** Values of secret-looking variables are redacted wherever they appear. Snapshotted at creation. */
	env?: Record<string, string | undefined>;
	/** Literal strings to redact whatever their length (e.g. a password pgpair was given on the command line). */
	extraSecrets?: readonly string[];
	/** Secrets found elsewhere (config files); kept only if they pass `isSecretValue`. */
	known?: Iterable<KnownSecret>;
};

export type SecretRedactor = {
	text(input: string): string;
	/** Deep redaction: strings anywhere inside (object keys are not); the input itself when nothing changed. */
	value: Redactor;
	/** Redacts these values from now on too; values that fail `isSecretValue` are ignored. */
	learn(secrets: Iterable<KnownSecret>): void;
	/** Known values with whitespace in them: streamed text must not be cut inside one (stream-cut.ts). */
	spacedSecrets(): readonly string[];
};

type Rule = {
	kind: string;
	/** Kept in the output (e.g. `postgres://user:`). */
	keep?: string;
	secret: string;
};

/** `password` in any case, as SQL keywords and most config formats allow. */
export function anyCase(word: string): string {
	return word.replace(/[a-z]/gi, c => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/** A quoted assignment value, quotes included; `"${x}"` is code, not a secret. */
const QUOTED_VALUE = String.raw`"(?![$]\{)[^"\n]+"|'[^'\n]+'`;
const PASSWORD_WORD = `(?:${anyCase('password')}|${anyCase('passwd')})`;
/**
 * Names whose value is a secret in JSON and JS objects: `"db_password": "…"`, `apiKey: '…'`. Matched
 * from the secret word on (`db_password` from `password`): a rule that may start on any word character
 * defeats the regex engine's first-character check and made redacting every event three times slower.
 */
const SECRET_KEY_NAME = `(?:${anyCase('password')}|${anyCase('passwd')}|${anyCase('secret')}|${anyCase('token')}|${anyCase('api')}[-_]?${anyCase('key')}|${anyCase('access')}[-_]?${anyCase('key')}|${anyCase('private')}[-_]?${anyCase('key')})`;

// Order matters only between rules that can match at the same position: the first one wins.
const RULES: readonly Rule[] = [
	// The body runs over base64, PEM headers (`Proc-Type: 4,ENCRYPTED`) and escaped newlines up to
	// the END line; a truncated block (`head -5 key.pem`) is redacted to where the base64 stops.
	{
		kind: 'private-key',
		secret: String.raw`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[A-Za-z0-9+/=\s\\:,.]|-(?!----END ))*(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)?`,
	},
	{kind: 'anthropic-key', secret: String.raw`\bsk-ant-[A-Za-z0-9_-]{16,}`},
	// The digit lookahead keeps long kebab-case words (`sk-some-long-identifier-name`) out.
	{kind: 'openai-key', secret: String.raw`\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z_-]{0,64}[0-9])[A-Za-z0-9_-]{20,}`},
	{kind: 'jwt', secret: String.raw`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`},
	{kind: 'supabase-key', secret: String.raw`\bsb_(?:secret|publishable)_[A-Za-z0-9_-]{16,}`},
	// Personal access tokens: `sbp_` and 40 hex digits (`sbp_oauth_…` for OAuth-issued ones).
	{kind: 'supabase-access-token', secret: String.raw`\bsbp_[A-Za-z0-9_]{32,}`},
	{kind: 'github-token', secret: String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})`},
	{kind: 'stripe-key', secret: String.raw`\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})`},
	{kind: 'slack-token', secret: String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}`},
	{kind: 'aws-access-key', secret: String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`},
	{kind: 'google-api-key', secret: String.raw`\bAIza[A-Za-z0-9_-]{35}`},
	{kind: 'npm-token', secret: String.raw`\bnpm_[A-Za-z0-9]{36}\b`},
	{kind: 'sendgrid-key', secret: String.raw`\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`},
	{kind: 'huggingface-token', secret: String.raw`\bhf_[A-Za-z0-9]{30,}`},
	{
		kind: 'aws-secret-key',
		keep: String.raw`(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY|aws_secret_key|AWS_SECRET_KEY|secretAccessKey|SecretAccessKey)["']?\s*[:=]\s*["']?`,
		secret: '[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])',
	},
	// scheme://user:PASSWORD@host for any scheme. The password runs to the last `@` before a `/`,
	// quote or whitespace, so unencoded `@` in passwords is covered.
	{kind: 'url-password', keep: String.raw`://[^\s:/?#@"'\x60]*:`, secret: String.raw`[^\s/@"'\x60]+(?:@[^\s/@"'\x60]*)*(?=@)`},
	{
		kind: 'bearer-token',
		keep: String.raw`${anyCase('authorization')}["']?\s*[:=]\s*["']?(?:${anyCase('bearer')}|${anyCase('basic')}|${anyCase('token')})\s+`,
		secret: '[A-Za-z0-9._~+/-]{8,}=*',
	},
	{kind: 'bearer-token', keep: String.raw`\b${anyCase('bearer')}\s+`, secret: '[A-Za-z0-9._~+/-]{20,}=*'},
	// .env files and shell exports read by tools: FOO_KEY=value (names as in SECRET_ENV_NAME).
	{
		kind: 'secret-assignment',
		// `NAME=value` and, in .env files and INI-like configs, `NAME = value`.
		keep: String.raw`\b[A-Z][A-Z0-9_]*(?:_KEY|_TOKEN|_SECRET|_PASSWORD|_PASSWD|_PASS|_PAT|_PWD)[ \t]*=[ \t]*`,
		secret: String.raw`${QUOTED_VALUE}|(?![$]\{)[^\s"'\x60]{8,}`,
	},
	// SQL in free text: CREATE ROLE … PASSWORD 'x', Password E'x', U&'x', `where password = 'x'`,
	// OPTIONS (password 'x'). Backslashes are read as escapes whatever the prefix, so an E'' string
	// with \' in it is redacted to its real end (a plain string ending in \ is over-redacted, which is
	// the safe side). An unclosed literal is redacted to the end of its line.
	{
		kind: 'password',
		keep: String.raw`${PASSWORD_WORD}(?:\s+|\s*=\s*)(?:[Ee]|[Uu]&|[Nn])?'`,
		secret: String.raw`(?!\[REDACTED:)(?:[^'\n\\]|''|\\[^\n])+(?='|\n|$)`,
	},
	{
		kind: 'password',
		keep: String.raw`\b${PASSWORD_WORD}\s+\$(?<tag>[A-Za-z_][A-Za-z0-9_]*)?\$`,
		secret: String.raw`(?!\[REDACTED:)[^\n]+?(?=\$\k<tag>\$|\n|$)`,
	},
	// JSON and JS object keys: "password": "…", apiKey: '…'.
	{kind: 'secret-field', keep: String.raw`${SECRET_KEY_NAME}"?\s*:\s*"`, secret: String.raw`(?![$]\{|\[REDACTED:)(?:[^"\\\n]|\\[^\n])+(?=")`},
	{kind: 'secret-field', keep: String.raw`${SECRET_KEY_NAME}'?\s*:\s*'`, secret: String.raw`(?![$]\{|\[REDACTED:)(?:[^'\\\n]|\\[^\n])+(?=')`},
	// libpq keyword DSNs, query strings, PGPASSWORD=…; `password=${x}` and `password==` are code.
	{kind: 'password', keep: `${PASSWORD_WORD}=`, secret: String.raw`${QUOTED_VALUE}|(?![=$]|\[REDACTED:)[^\s&;"'\x60]{3,}`},
	// INI and TOML-like configs: `password = value` at the start of a line, the value running to the end of the line
	// or a comment (code such as `password = getPassword()` keeps its call: a value with parentheses is not taken).
	// (A line read by the Read tool starts with its number and a tab.)
	{
		kind: 'password',
		keep: String.raw`(?:^|\n)[ \t]*(?:\d+\t)?[ \t]*(?:[A-Za-z_]*[_-])?${PASSWORD_WORD}[ \t]*=[ \t]+`,
		secret: String.raw`${QUOTED_VALUE}|(?![=$]|\[REDACTED:)[^\s&;"'\x60(){}]{3,}(?=[ \t]*(?:[#;\r\n]|$))`,
	},
];

/** `*_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD*`, `*_PAT`, … but not PWD (the working directory). */
export const SECRET_ENV_NAME = /(?:^|_)(?:KEY|TOKEN|SECRET|PAT|PASS|PWD|AUTH|CREDENTIALS?)$|PASSWORD|PASSWD|SECRET|API_?KEY|ACCESS_?TOKEN/i;
const NOT_SECRET_ENV_NAME = /^(?:OLD)?PWD$/i;
export const MIN_SECRET_LENGTH = 8;
/** A value of only lower-case letters this short reads like a word ("postgres", "database"), not a secret. */
const MIN_WORDLIKE_SECRET_LENGTH = 12;
/**
 * Values too common to redact as literals: the default local Supabase/Postgres credentials
 * (`postgres:postgres`) would otherwise blank out every mention of Postgres in the session.
 */
const COMMON_VALUES = new Set([
	'postgres',
	'postgresql',
	'password',
	'password1',
	'password123',
	'supabase',
	'localhost',
	'changeme',
	'development',
	'production',
	'redacted',
	'anonymous',
	'authenticated',
	'service_role',
	'undefined',
	'true',
	'false',
	'null',
]);

/**
 * Whether a value pgpair read (or found in SQL) is redacted by value everywhere: at least 8
 * characters, not a well-known default, and not a short lower-case word. Shorter or common values
 * would turn the transcript into mush (a password "postgres" would blank out every "postgres"); they
 * are still redacted where a rule sees them in place (`PASSWORD '…'`, `user:…@host`, `password=…`).
 */
export function isSecretValue(value: string): boolean {
	if (value.length < MIN_SECRET_LENGTH || COMMON_VALUES.has(value.toLowerCase())) return false;
	if (value.length < MIN_WORDLIKE_SECRET_LENGTH && /^[a-z]+$/.test(value)) return false;
	return !value.startsWith('[REDACTED:') && value.trim() === value;
}

const escapeRegex = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\\-/]/g, '\\$&');

/**
 * The forms a value takes in text: as is, inside JSON (a tool result that is itself JSON), URL-encoded
 * (a query string), and base64 (a basic-auth header, a config blob). Base64 is cut to its whole
 * quads, which do not depend on what follows the value.
 */
export function secretForms(value: string): string[] {
	const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
	try {
		forms.add(encodeURIComponent(value));
	} catch {
		// A lone surrogate: no URL form.
	}

	const bytes = Buffer.from(value, 'utf8');
	if (bytes.length >= 12) {
		const base64 = bytes.subarray(0, bytes.length - (bytes.length % 3)).toString('base64');
		forms.add(base64);
		forms.add(base64.replaceAll('+', '-').replaceAll('/', '_'));
	}

	return [...forms].filter(form => form.length >= Math.min(MIN_SECRET_LENGTH, value.length));
}

function envSecrets(env: Record<string, string | undefined>): KnownSecret[] {
	const found: KnownSecret[] = [];
	for (const [name, value] of Object.entries(env)) {
		if (!value) continue;
		if (SECRET_ENV_NAME.test(name) && !NOT_SECRET_ENV_NAME.test(name)) found.push({value, kind: `env:${name}`});
		// DATABASE_URL, REDIS_URL, …: the password alone may show up too (PGPASSWORD=…, a config dump).
		for (const secret of urlSecrets(value)) found.push({value: secret, kind: `env:${name}`});
	}

	return found;
}

/** Query parameters whose value is a credential: `?apikey=…`, `&access_token=…`, `?sig=…`. */
const SECRET_PARAM = /(?:key|token|secret|password|passwd|pwd|sig|signature|auth|credential)s?$/i;

/** The password of a URL (raw and decoded) and the values of its secret-named query parameters. */
export function urlSecrets(value: string): string[] {
	if (!value.includes('://')) return [];
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return [];
	}

	const found: string[] = [];
	if (url.password) {
		found.push(url.password);
		try {
			found.push(decodeURIComponent(url.password));
		} catch {
			// Not valid percent-encoding: the raw form above is all there is.
		}
	}

	for (const [name, param] of url.searchParams) {
		if (param && SECRET_PARAM.test(name)) found.push(param);
	}

	return found;
}

type Compiled = {text: (text: string) => string};

function compile(literals: ReadonlyMap<string, string>): Compiled {
	const rules: Rule[] = [...RULES];
	if (literals.size > 0) {
		// Longest first so a value that contains another is replaced whole.
		const alternatives = [...literals.keys()].sort((a, b) => b.length - a.length).map(escapeRegex);
		rules.unshift({kind: 'literal', secret: alternatives.join('|')});
	}

	// Numbered groups: `(keep)(secret)` per rule, and whatever groups a rule has inside (the dollar
	// tag). `secretGroup[i]` and `keepGroup[i]` are rule i's group numbers in the replace callback.
	const secretGroup: number[] = [];
	const keepGroup: number[] = [];
	let group = 0;
	const source = rules
		.map(rule => {
			if (rule.keep !== undefined) {
				keepGroup.push(group + 1);
				group += 1 + groupsIn(rule.keep);
			} else {
				keepGroup.push(0);
			}

			secretGroup.push(group + 1);
			group += 1 + groupsIn(rule.secret);
			return rule.keep === undefined ? `(${rule.secret})` : `(${rule.keep})(${rule.secret})`;
		})
		.join('|');
	const pattern = new RegExp(source, 'g');

	const replace = (match: string, ...groups: unknown[]): string => {
		for (let i = 0; i < rules.length; i++) {
			const secret = groups[secretGroup[i]! - 1];
			if (secret === undefined) continue;
			const rule = rules[i]!;
			const kind = rule.kind === 'literal' ? (literals.get(secret as string) ?? 'secret') : rule.kind;
			return `${rule.keep === undefined ? '' : (groups[keepGroup[i]! - 1] as string)}[REDACTED:${kind}]`;
		}

		return match;
	};

	return {text: input => input.replace(pattern, replace)};
}

function groupsIn(source: string): number {
	return new RegExp(`(?:${source})|`).exec('')!.length - 1;
}

/**
 * Copy-on-write: containers are copied only when something inside them changed, so the common case
 * (an event with nothing secret) allocates nothing. The input is never mutated.
 */
export function mapStrings(value: unknown, text: (input: string) => string): unknown {
	if (typeof value === 'string') return text(value);
	if (typeof value !== 'object' || value === null) return value;
	if (Array.isArray(value)) {
		let copy: unknown[] | undefined;
		for (let i = 0; i < value.length; i++) {
			const item: unknown = value[i];
			const next = mapStrings(item, text);
			if (next !== item) {
				copy ??= value.slice();
				copy[i] = next;
			}
		}

		return copy ?? value;
	}

	let copy: Record<string, unknown> | undefined;
	for (const key of Object.keys(value)) {
		const item = (value as Record<string, unknown>)[key];
		const next = mapStrings(item, text);
		if (next !== item) {
			copy ??= {...value};
			copy[key] = next;
		}
	}

	return copy ?? value;
}

/**
 * Secrets learned during a session (SQL passwords) redacted by value, at most: each adds up to five
 * forms to the one regex, and a thousand of them made redaction forty times slower. Beyond this, a
 * secret found in SQL is still redacted where it stands, and by the pattern rules.
 */
export const MAX_LEARNED_SECRETS = 100;

export function createSecretRedactor(options: RedactorOptions = {}): SecretRedactor {
	const literals = new Map<string, string>();
	const spaced: string[] = [];
	const learned = new Set<string>();
	let compiled: Compiled | undefined;

	const add = (value: string, kind: string, always: boolean): void => {
		if (!always && !isSecretValue(value)) return;
		for (const form of always ? [value, JSON.stringify(value).slice(1, -1)] : secretForms(value)) {
			if (form === '' || literals.has(form)) continue;
			literals.set(form, kind);
			if (/\s/.test(form)) spaced.push(form);
			compiled = undefined;
		}
	};

	for (const {value, kind} of envSecrets(options.env ?? process.env)) add(value, kind, false);
	for (const {value, kind} of options.known ?? []) add(value, kind, false);
	for (const secret of options.extraSecrets ?? []) add(secret, 'secret', true);

	const text = (input: string): string => {
		compiled ??= compile(literals);
		return compiled.text(input);
	};

	return {
		text,
		value: (value => mapStrings(value, text)) as Redactor,
		learn(secrets) {
			for (const {value, kind} of secrets) {
				if (learned.size >= MAX_LEARNED_SECRETS || learned.has(value) || literals.has(value) || !isSecretValue(value)) continue;
				learned.add(value);
				add(value, kind, false);
			}
		},
		spacedSecrets: () => spaced,
	};
}

/**
 * Deep redaction of a JSON-like value: strings anywhere inside are scanned (object keys are not).
 * Returns the input itself when nothing needed redacting, otherwise a copy; never mutates.
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
	return createSecretRedactor(options).value;
}

export function createTextRedactor(options: RedactorOptions = {}): (text: string) => string {
	return createSecretRedactor(options).text;
}

let defaultText: ((text: string) => string) | undefined;

/** Redacts one string with the built-in rules and the secrets in process.env (read on first use). */
export function redactText(text: string): string {
	defaultText ??= createTextRedactor();
	return defaultText(text);
}
