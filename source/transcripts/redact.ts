/**
 * Secret redaction for everything written to a transcript. Runs on every event, streamed deltas
 * included, so all rules are compiled into one regex scanned once per string. Every rule starts with
 * a literal or a word boundary and uses only character classes that cannot overlap with what follows
 * them, so matching stays linear in the input (no nested ambiguous quantifiers).
 *
 * Known limitation: redaction is per event. A secret the model streams across two
 * `assistant_text_delta` events (`sk-ant-api03-ab` + `cd…`) is not recognised in either half. The
 * following `assistant_message_completed` carries the whole text and is redacted, so resume and the
 * chat entry are clean, but the two delta lines keep the halves. Cheap fixes live upstream: the
 * runner can coalesce deltas at whitespace (secrets contain none) before appending, or the writer
 * can skip persisting deltas once replay no longer needs them.
 */

export type Redactor = <T>(value: T) => T;

export type RedactorOptions = {
	/** Values of secret-looking variables are redacted wherever they appear. Snapshotted at creation. */
	env?: Record<string, string | undefined>;
	/** Literal strings to redact (e.g. a password pgpair was given on the command line). */
	extraSecrets?: readonly string[];
};

type Rule = {
	kind: string;
	/** Kept in the output (e.g. `postgres://user:`). Neither part may contain capturing groups. */
	keep?: string;
	secret: string;
};

/** A quoted assignment value, quotes included; `"${x}"` is code, not a secret. */
const QUOTED_VALUE = String.raw`"(?![$]\{)[^"\n]+"|'[^'\n]+'`;

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
		secret: String.raw`[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])`,
	},
	// scheme://user:PASSWORD@host for any scheme. The password runs to the last `@` before a `/`,
	// quote or whitespace, so unencoded `@` in passwords is covered.
	{kind: 'url-password', keep: String.raw`://[^\s:/?#@"'\x60]*:`, secret: String.raw`[^\s/@"'\x60]+(?:@[^\s/@"'\x60]*)*(?=@)`},
	{
		kind: 'bearer-token',
		keep: String.raw`(?:[Aa]uthorization|AUTHORIZATION)["']?\s*[:=]\s*["']?(?:Bearer|bearer|BEARER|Basic|basic|Token|token)\s+`,
		secret: String.raw`[A-Za-z0-9._~+/-]{8,}=*`,
	},
	{kind: 'bearer-token', keep: String.raw`\b(?:Bearer|bearer)\s+`, secret: String.raw`[A-Za-z0-9._~+/-]{20,}=*`},
	// .env files and shell exports read by tools: FOO_KEY=value (names as in SECRET_ENV_NAME).
	{
		kind: 'secret-assignment',
		keep: String.raw`\b[A-Z][A-Z0-9_]*(?:_KEY|_TOKEN|_SECRET|_PASSWORD|_PASSWD|_PASS|_PAT|_PWD)=`,
		secret: String.raw`${QUOTED_VALUE}|(?![$]\{)[^\s"'\x60]{8,}`,
	},
	// libpq keyword DSNs, query strings, PGPASSWORD=…; `password=${x}` and `password==` are code.
	{kind: 'password', keep: String.raw`(?:password|passwd|PASSWORD|PASSWD|Password)=`, secret: String.raw`${QUOTED_VALUE}|(?![=$])[^\s&;"'\x60]{3,}`},
	// SQL: CREATE ROLE … PASSWORD 'x', ALTER USER … WITH PASSWORD 'x'.
	{kind: 'password', keep: String.raw`\b(?:PASSWORD|password)\s+'`, secret: String.raw`[^'\s]{3,}(?=')`},
];

/** `*_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD*`, `*_PAT`, … but not PWD (the working directory). */
const SECRET_ENV_NAME = /(?:^|_)(?:KEY|TOKEN|SECRET|PAT|PASS|PWD|AUTH|CREDENTIALS?)$|PASSWORD|PASSWD|SECRET|API_?KEY/i;
const NOT_SECRET_ENV_NAME = /^(?:OLD)?PWD$/i;
const MIN_ENV_SECRET_LENGTH = 8;
/**
 * Values too common to redact as literals: the default local Supabase/Postgres credentials
 * (`postgres:postgres`) would otherwise blank out every mention of Postgres in the session.
 */
const COMMON_VALUES = new Set(['postgres', 'postgresql', 'password', 'supabase', 'localhost', 'changeme', 'development', 'production']);

const escapeRegex = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\\-/]/g, '\\$&');

function literalSecrets(options: RedactorOptions): Map<string, string> {
	const secrets = new Map<string, string>();
	const add = (value: string, kind: string, minLength: number): void => {
		if (value.length < minLength || COMMON_VALUES.has(value.toLowerCase()) || secrets.has(value)) return;
		secrets.set(value, kind);
		// The same value as it appears inside JSON text (a tool result that is itself JSON).
		const escaped = JSON.stringify(value).slice(1, -1);
		if (escaped !== value && !secrets.has(escaped)) secrets.set(escaped, kind);
	};

	for (const [name, value] of Object.entries(options.env ?? {})) {
		if (!value) continue;
		if (SECRET_ENV_NAME.test(name) && !NOT_SECRET_ENV_NAME.test(name)) add(value, `env:${name}`, MIN_ENV_SECRET_LENGTH);
		// DATABASE_URL, REDIS_URL, …: the password alone may show up too (PGPASSWORD=…, a config dump).
		const password = urlPassword(value);
		if (password !== undefined) {
			add(password, `env:${name}`, MIN_ENV_SECRET_LENGTH);
			try {
				add(decodeURIComponent(password), `env:${name}`, MIN_ENV_SECRET_LENGTH);
			} catch {
				// Not valid percent-encoding: the raw form above is all there is.
			}
		}
	}

	for (const secret of options.extraSecrets ?? []) add(secret, 'secret', 1);
	return secrets;
}

function urlPassword(value: string): string | undefined {
	if (!value.includes('://')) return undefined;
	try {
		const url = new URL(value);
		return url.password || undefined;
	} catch {
		return undefined;
	}
}

type Compiled = {text: (text: string) => string; value: Redactor};

function compile(options: RedactorOptions): Compiled {
	const literals = literalSecrets(options);
	const rules: Rule[] = [...RULES];
	if (literals.size > 0) {
		// Longest first so a value that contains another is replaced whole.
		const alternatives = [...literals.keys()].sort((a, b) => b.length - a.length).map(escapeRegex);
		rules.unshift({kind: 'literal', secret: alternatives.join('|')});
	}

	// Numbered groups, one or two per rule (keep, secret): cheaper per match than named groups.
	// `secretGroup[i]` is the argument index of rule i's secret in the replace callback.
	const secretGroup: number[] = [];
	let group = 0;
	const source = rules.map(rule => {
		group += rule.keep === undefined ? 1 : 2;
		secretGroup.push(group);
		return rule.keep === undefined ? `(${rule.secret})` : `(${rule.keep})(${rule.secret})`;
	}).join('|');
	const pattern = new RegExp(source, 'g');

	const replace = (match: string, ...groups: Array<string | undefined>): string => {
		for (let i = 0; i < rules.length; i++) {
			const secret = groups[secretGroup[i]! - 1];
			if (secret === undefined) continue;
			const rule = rules[i]!;
			const kind = rule.kind === 'literal' ? (literals.get(secret) ?? 'secret') : rule.kind;
			return `${rule.keep === undefined ? '' : groups[secretGroup[i]! - 2]!}[REDACTED:${kind}]`;
		}

		return match;
	};

	const text = (input: string): string => input.replace(pattern, replace);

	// Copy-on-write: containers are copied only when something inside them changed, so the common
	// case (a delta with nothing secret) allocates nothing. The input is never mutated.
	const walk = (value: unknown): unknown => {
		if (typeof value === 'string') return text(value);
		if (typeof value !== 'object' || value === null) return value;
		if (Array.isArray(value)) {
			let copy: unknown[] | undefined;
			for (let i = 0; i < value.length; i++) {
				const item: unknown = value[i];
				const next = walk(item);
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
			const next = walk(item);
			if (next !== item) {
				copy ??= {...value};
				copy[key] = next;
			}
		}

		return copy ?? value;
	};

	return {text, value: walk as Redactor};
}

/**
 * Deep redaction of a JSON-like value: strings anywhere inside are scanned (object keys are not).
 * Returns the input itself when nothing needed redacting, otherwise a copy; never mutates.
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
	return compile({env: options.env ?? process.env, extraSecrets: options.extraSecrets ?? []}).value;
}

export function createTextRedactor(options: RedactorOptions = {}): (text: string) => string {
	return compile({env: options.env ?? process.env, extraSecrets: options.extraSecrets ?? []}).text;
}

let defaultText: ((text: string) => string) | undefined;

/** Redacts one string with the built-in rules and the secrets in process.env (read on first use). */
export function redactText(text: string): string {
	defaultText ??= createTextRedactor();
	return defaultText(text);
}
