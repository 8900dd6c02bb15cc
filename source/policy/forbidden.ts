/**
 * The agent file's "Forbidden Actions" as a guard. Each violation makes the gate require a typed
 * confirmation (see `decide`). Pure: what the guard cannot know (is this database production? does
 * this table hold user data? what did the advisors say?) comes in through `ForbiddenContext`.
 *
 * Needs `await loadSqlParser()` to have run, like `classifySqlSync`.
 */
import type {PolicyCall} from './classify-call.js';
import {parseToolName, sqlOf} from './classify-call.js';
import {classifySqlSync} from './classify-sql.js';
import {rlsDisabledViolation} from './hazards.js';
import type {JsonObject} from './sql-parser.js';
import {asArray, isObject, onlyEntry, optionString, parsePlPgSql, parseSql} from './sql-parser.js';

export type ViolationCode =
	| 'rls_disabled_user_data'
	| 'select_star'
	| 'secret_in_code'
	| 'migration_on_production'
	| 'merge_with_security_errors'
	| 'advisors_not_run';

export type Violation = {code: ViolationCode; message: string};

export type AdvisorLint = {name: string; level: 'ERROR' | 'WARN' | 'INFO' | (string & {}); title?: string};

export type ForbiddenContext = {
	/** The database the SQL tools act on. */
	target?: {production: boolean};
	/** Whether a table (as written in the SQL, e.g. `public.profiles`) holds user data. Default: every table does. */
	holdsUserData?: (table: string) => boolean;
	/** `get_advisors(type: security)` for the branch about to be merged; undefined when they were not run. */
	securityAdvisors?: {lints: readonly AdvisorLint[]};
};

export function findForbidden(call: PolicyCall, context: ForbiddenContext = {}): Violation[] {
	const name = parseToolName(call.name);
	const violations: Violation[] = [];
	const sql = sqlOf(call);

	if (sql !== undefined) {
		violations.push(...rlsViolations(sql, context));
		if (name.kind === 'mcp' && name.tool === 'apply_migration') {
			const stars = selectStarsInSql(sql);
			if (stars.length > 0) violations.push({code: 'select_star', message: `The migration uses SELECT * (${stars.join('; ')}); list the columns.`});
			if (context.target?.production) {
				violations.push({
					code: 'migration_on_production',
					message: 'This applies a migration directly to production; apply it to a development branch, test it, then merge.',
				});
			}
		}
	}

	if (name.kind === 'mcp' && name.tool === 'merge_branch') violations.push(...mergeViolations(context));

	const written = writtenFiles(call);
	for (const file of written) {
		const stars = selectStarsInCode(file.path, file.content);
		if (stars) violations.push({code: 'select_star', message: `${file.path} uses SELECT * (${stars}); list the columns.`});
	}

	const texts = written.map(file => ({where: file.path, text: file.content}));
	if (sql !== undefined) texts.push({where: 'the SQL', text: sql});
	if (name.kind === 'local' && name.tool === 'Bash' && isObject(call.input) && typeof call.input.command === 'string')
		texts.push({where: 'the command', text: call.input.command});
	for (const {where, text} of texts) {
		for (const secret of findSecrets(text)) {
			violations.push({
				code: 'secret_in_code',
				message: `${where} contains a ${secret.kind} (${secret.preview}); read it from the environment or a secret store instead.`,
			});
		}
	}

	return violations;
}

function rlsViolations(sql: string, context: ForbiddenContext): Violation[] {
	const holdsUserData = context.holdsUserData ?? (() => true);
	return classifySqlSync(sql)
		.hazards.filter(hazard => hazard.code === 'rls_disabled' && holdsUserData(hazard.object ?? ''))
		.map(hazard => ({
			code: 'rls_disabled_user_data' as const,
			message: rlsDisabledViolation(hazard.object ?? 'a table'),
		}));
}

function mergeViolations(context: ForbiddenContext): Violation[] {
	if (!context.securityAdvisors) {
		return [{code: 'advisors_not_run', message: 'The security advisors have not been run on this branch; run get_advisors(type: security) before merging.'}];
	}

	const errors = context.securityAdvisors.lints.filter(lint => lint.level === 'ERROR');
	if (errors.length === 0) return [];
	return [
		{
			code: 'merge_with_security_errors',
			message: `The branch's security advisors report ${errors.length} ERROR lint${errors.length === 1 ? '' : 's'} (${errors.map(l => l.name).join(', ')}); fix them before merging into production.`,
		},
	];
}

// ---------------------------------------------------------------------------------------------
// Written code.

type WrittenFile = {path: string; content: string};

function writtenFiles(call: PolicyCall): WrittenFile[] {
	const input = isObject(call.input) ? call.input : {};
	const filePath = typeof input.file_path === 'string' ? input.file_path : typeof input.notebook_path === 'string' ? input.notebook_path : 'the file';
	const name = parseToolName(call.name);
	if (name.kind === 'mcp') {
		if (name.tool !== 'deploy_edge_function') return [];
		return asArray(input.files).flatMap(file =>
			isObject(file) && typeof file.content === 'string'
				? [{path: `${String(input.name ?? 'function')}/${String(file.name ?? 'file')}`, content: file.content}]
				: [],
		);
	}

	switch (name.tool) {
		case 'Write':
			return typeof input.content === 'string' ? [{path: filePath, content: input.content}] : [];
		case 'Edit':
			return typeof input.new_string === 'string' ? [{path: filePath, content: input.new_string}] : [];
		case 'MultiEdit':
			return asArray(input.edits).flatMap(edit => (isObject(edit) && typeof edit.new_string === 'string' ? [{path: filePath, content: edit.new_string}] : []));
		case 'NotebookEdit':
			return typeof input.new_source === 'string' ? [{path: filePath, content: input.new_source}] : [];
		default:
			return [];
	}
}

const CODE_FILE = /\.(?:[cm]?[jt]sx?)$/i;

/** Returns a short description of the SELECT * found, or undefined. Only code and SQL files count: docs may quote it. */
function selectStarsInCode(filePath: string, content: string): string | undefined {
	if (/\.sql$/i.test(filePath)) {
		const parsed = parseSql(content);
		// An Edit's new_string is often a fragment that does not parse alone; fall back to the text.
		if (parsed.ok) return selectStarsInSql(content).join('; ') || undefined;
	} else if (!CODE_FILE.test(filePath)) {
		return undefined;
	}

	if (/\bselect\s+\*\s*(?:,|\bfrom\b)/i.test(content)) return 'an SQL string';
	if (/\.select\(\s*(['"`])\*\1\s*[,)]/.test(content)) return ".select('*')";
	if (/\.select\(\s*\)/.test(content)) return '.select() without columns';
	return undefined;
}

/**
 * Where SQL selects `*` in a target list: plain queries, views, CREATE TABLE AS, and the bodies of
 * SQL and PL/pgSQL functions and DO blocks. `EXISTS (SELECT * …)` is idiomatic and not counted.
 */
export function selectStarsInSql(sql: string): string[] {
	const parsed = parseSql(sql);
	if (!parsed.ok) return [];
	const found: string[] = [];
	for (const statement of parsed.statements) collectStars(statement.type, statement.body, statement.text, found, 0);
	return found;
}

function collectStars(type: string, body: JsonObject, text: string, found: string[], depth: number): void {
	if (depth > 6) return;
	if (type === 'SelectStmt' && asArray(body.targetList).some(isStarTarget)) found.push(describeStatement(text));
	if (type === 'SubLink' && body.subLinkType === 'EXISTS_SUBLINK') return;
	if (type === 'CreateFunctionStmt' || type === 'DoStmt') {
		const options = type === 'DoStmt' ? body.args : body.options;
		const language = (optionString(options, 'language') ?? (type === 'DoStmt' ? 'plpgsql' : 'sql')).toLowerCase();
		if (language === 'plpgsql') {
			const code = optionString(options, 'as') ?? '';
			const source = type === 'DoStmt' ? `DO $pgpair_do$${code}$pgpair_do$` : text;
			const tree = parsePlPgSql(source);
			if (tree.ok) for (const query of plQueries(tree.action)) starsInEmbedded(query, found, depth);
		} else if (language === 'sql' && body.sql_body === undefined) {
			starsInEmbedded(optionString(options, 'as') ?? '', found, depth);
		}
	}

	walk(body, (childType, childBody) => collectStars(childType, childBody, text, found, depth));
}

function starsInEmbedded(sql: string, found: string[], depth: number): void {
	const parsed = parseSql(sql);
	if (!parsed.ok) return;
	for (const statement of parsed.statements) collectStars(statement.type, statement.body, statement.text, found, depth + 1);
}

function walk(value: unknown, visit: (type: string, body: JsonObject) => void): void {
	if (Array.isArray(value)) {
		for (const item of value) walk(item, visit);
		return;
	}

	if (!isObject(value)) return;
	for (const [key, child] of Object.entries(value)) {
		if (/^[A-Z]/.test(key) && isObject(child)) visit(key, child);
		else walk(child, visit);
	}
}

function isStarTarget(target: unknown): boolean {
	const [type, body] = onlyEntry(target);
	if (type !== 'ResTarget') return false;
	const [valueType, value] = onlyEntry(body.val);
	return valueType === 'ColumnRef' && asArray(value.fields).some(field => isObject(field) && 'A_Star' in field);
}

function plQueries(tree: unknown): string[] {
	const queries: string[] = [];
	const visit = (value: unknown): void => {
		if (Array.isArray(value)) value.forEach(visit);
		else if (isObject(value)) {
			for (const [key, child] of Object.entries(value)) {
				if (key === 'PLpgSQL_expr' && isObject(child) && typeof child.query === 'string') {
					queries.push(child.parseMode === 0 || child.parseMode === undefined ? child.query : `SELECT ${child.query}`);
				} else visit(child);
			}
		}
	};

	visit(tree);
	return queries;
}

function describeStatement(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 50 ? `${flat.slice(0, 47)}…` : flat;
}

// ---------------------------------------------------------------------------------------------
// Secrets.

export type SecretFinding = {kind: string; preview: string};

type SecretPattern = {kind: string; regex: RegExp; accept?: (match: RegExpExecArray) => string | false};

const PLACEHOLDER = /^(?:\$|\{\{|<|\[|%|your[-_]|xxx|changeme|change_me|example|placeholder|dummy|redacted|\*+$)|\$\{|process\.env|Deno\.env|import\.meta/i;

const SECRET_PATTERNS: readonly SecretPattern[] = [
	{kind: 'Anthropic API key', regex: /\bsk-ant-[A-Za-z0-9_-]{20,}/g},
	{kind: 'OpenAI API key', regex: /\bsk-(?:proj-)?[A-Za-z0-9]{32,}/g},
	{kind: 'Stripe live secret key', regex: /\b[sr]k_live_[0-9A-Za-z]{16,}/g},
	{kind: 'GitHub token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g},
	{kind: 'AWS access key id', regex: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g},
	{kind: 'AWS secret access key', regex: /aws_secret_access_key\s*[=:]\s*['"]?[A-Za-z0-9/+=]{40}/gi},
	{kind: 'Slack token', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g},
	{kind: 'Google API key', regex: /\bAIza[0-9A-Za-z_-]{35}/g},
	{kind: 'private key', regex: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/g},
	{kind: 'JWT', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, accept: match => jwtKind(match[0])},
	{
		kind: 'database URL with a password',
		regex: /\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis):\/\/[^\s:@/'"]+:([^\s@/'"]+)@([^\s/:'"?]+)/g,
		// The local Supabase stack's well-known `postgres:postgres@localhost` is not a secret.
		accept: match =>
			!PLACEHOLDER.test(match[1] ?? '') &&
			!/^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|::1|host\.docker\.internal)$/.test(match[2] ?? '') &&
			'database URL with a password',
	},
	{
		kind: 'secret assignment',
		regex:
			/^[ \t]*(?:export[ \t]+)?[A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*[ \t]*=[ \t]*(['"]?)([^\s'"#]{8,})\1/gm,
		accept: match => looksLikeSecretValue(match[2] ?? '') && 'secret assignment',
	},
	{
		kind: 'hard-coded credential',
		regex: /\b[A-Za-z_]*(?:password|passwd|secret|api_?key|apiKey|token|private_?key)["']?\s*[:=]\s*(['"`])([^'"`\s]{8,})\1/gi,
		accept: match => looksLikeSecretValue(match[2] ?? '') && 'hard-coded credential',
	},
	{kind: 'password in SQL', regex: /\bpassword\s+'([^']{6,})'/gi, accept: match => !PLACEHOLDER.test(match[1] ?? '') && 'password in SQL'},
];

function looksLikeSecretValue(value: string): boolean {
	if (PLACEHOLDER.test(value) || /^(.)\1+$/.test(value)) return false;
	// Identifier-like words (`authorization_code`, `Bearer`) are names, not secrets.
	return /\d/.test(value) || value.length >= 24;
}

/** A JWT is a secret unless its role is `anon`: Supabase's anon key is public by design. */
function jwtKind(token: string): string | false {
	const payload = token.split('.')[1] ?? '';
	let role: unknown;
	try {
		role = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {role?: unknown}).role;
	} catch {
		return 'JWT';
	}

	if (role === 'anon') return false;
	return role === 'service_role' ? 'service_role JWT (it bypasses row level security)' : 'JWT';
}

/** Secrets in a text. Previews keep only a few characters, since violations are logged. */
export function findSecrets(text: string): SecretFinding[] {
	const findings: SecretFinding[] = [];
	const seen = new Set<string>();
	for (const pattern of SECRET_PATTERNS) {
		for (const match of text.matchAll(pattern.regex)) {
			const kind = pattern.accept ? pattern.accept(match) : pattern.kind;
			if (!kind || seen.has(match[0])) continue;
			// A token found by a specific pattern should not be reported again as a generic assignment.
			if ([...seen].some(found => match[0].includes(found) || found.includes(match[0]))) continue;
			seen.add(match[0]);
			findings.push({kind, preview: preview(match[0].trim())});
		}
	}

	return findings;
}

function preview(secret: string): string {
	return secret.length <= 10 ? '…' : `${secret.slice(0, 8)}…`;
}
