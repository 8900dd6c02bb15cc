/**
 * Secrets in SQL, found in the parse tree rather than by pattern: the tree has already undone every
 * quoting (`Password E'…'`, `$$…$$`, `U&'…' UESCAPE '!'`, continued literals), and knows which
 * literal is a role's password, a user mapping's or server's `password` option, a connection string
 * handed to dblink or a subscription, a secret setting (`ALTER DATABASE … SET "app.jwt_secret"`),
 * a secret argument (`vault.create_secret('…')`, `crypt('…', …)`) or a value for a secret column.
 * The tree says where such a literal starts (or the option before it); its extent is read from the
 * text. Each is replaced in the SQL by `'[REDACTED:password]'` (the SQL stays valid), and its value is
 * returned so redaction knows it by value from then on.
 *
 * Needs the parser loaded (`loadSqlParser`); before that, and for SQL that does not parse, callers
 * fall back to the pattern rules in redact.ts, which read every quoting form conservatively.
 */
import {asArray, isObject, isSqlParserLoaded, type JsonObject, onlyEntry, parseSql, stringList} from '../policy/sql-parser.js';
import {urlSecrets} from './redact.js';

export type SqlSecrets = {
	/** The SQL with every secret literal replaced. */
	sql: string;
	/** The secrets' values, decoded and as written, for redaction by value. */
	secrets: string[];
};

/** Options (DefElem) whose value is a secret: role PASSWORD, user mapping / server `password`, `sslpassword`, wrappers' `api_key`. */
const SECRET_OPTION = /password|passwd|secret|token|api_?key|access_?key|private_?key|credential/i;
/** Settings that hold secrets: `app.settings.jwt_secret`, `app.service_role_key`, … */
const SECRET_SETTING = /password|passwd|secret|token|key|credential/i;
/** Columns whose values are secrets (`update users set password = '…'`). */
const SECRET_COLUMN = /password|passwd|secret|token|api_?key|access_?key|private_?key/i;
/** Functions with a secret argument, by argument position. */
const SECRET_ARGUMENTS: Readonly<Record<string, readonly number[]>> = {
	crypt: [0],
	create_secret: [0],
	update_secret: [1],
	pgp_sym_encrypt: [1],
	pgp_sym_decrypt: [1],
	pgp_sym_encrypt_bytea: [1],
	pgp_sym_decrypt_bytea: [1],
	hmac: [1],
	sign: [1],
};
/** Cheap test before parsing: SQL that holds none of these words has no secret the tree could find. */
const SQL_HINT = /pass|secret|token|key|credential|crypt|hmac|sign|pgp_|:\/\/|u&"/i;
/** SQL starts with a statement keyword, after any comments. */
const SQL_START =
	/^\s*(?:(?:--[^\n]*\n|\/\*(?:[^*]|\*(?!\/))*\*\/)\s*)*(?:create|alter|select|insert|update|upsert|with|do|set|begin|start|grant|comment|drop|delete|merge|copy|call|import|prepare|execute|explain|reset|values|table|truncate|savepoint|commit|rollback|security|reassign)\b/i;
/** Parsing is synchronous at commit (~0.1 s per 64 KB here): SQL longer than this gets the pattern rules only. */
const MAX_SQL_LENGTH = 128 * 1024;

/** Whether `text` is worth parsing: it reads like SQL and mentions something a secret could hide behind. */
export function mayHoldSqlSecret(text: string): boolean {
	return text.length <= MAX_SQL_LENGTH && SQL_START.test(text) && SQL_HINT.test(text);
}

type Target =
	| {kind: 'literal'; at: number; value: string}
	| {kind: 'after'; at: number; value: string}
	| {kind: 'conninfo'; at: number; passwords: string[]}
	/** A subscription's CONNECTION string: the tree gives its value but not where it is. */
	| {kind: 'connection'; passwords: string[]};

/** undefined: the parser is not loaded or the text is not SQL (use the pattern rules). */
export function redactSqlSecrets(sql: string): SqlSecrets | undefined {
	if (!isSqlParserLoaded()) return undefined;
	const parsed = parseSql(sql);
	if (!parsed.ok) return undefined;
	const targets: Target[] = [];
	for (const statement of parsed.statements) collect({[statement.type]: statement.body}, targets);
	if (targets.length === 0) return {sql, secrets: []};
	const toIndex = byteToIndex(sql);
	// The tree says where a literal starts (or the option before it); its extent is read from the text.
	const literalAt = (index: number): Literal | undefined => readLiteral(sql, index);
	const literalAfter = (index: number): Literal | undefined => {
		const start = skipToLiteral(sql, index);
		return start === undefined ? undefined : readLiteral(sql, start);
	};

	const edits = new Map<number, {end: number; text: string}>();
	const secrets: string[] = [];
	const replaceWhole = (token: Literal) => edits.set(token.start, {end: token.end, text: redactedLiteral(token.text)});
	// Only the password is cut out of a connection string, unless it is escaped in the literal: then the whole literal goes.
	const cutPasswords = (token: Literal | undefined, passwords: readonly string[]) => {
		if (!token) return;
		let text = token.text;
		for (const password of passwords) text = text.split(password).join('[REDACTED:password]');
		const cut = passwords.every(password => !text.includes(password)) && passwords.some(password => token.text.includes(password));
		// A literal that is a secret as a whole (set_config of a secret setting to a DSN) stays whole.
		if (!cut) replaceWhole(token);
		else if (!edits.has(token.start)) edits.set(token.start, {end: token.end, text});
	};

	for (const target of targets) {
		switch (target.kind) {
			case 'literal':
			case 'after': {
				const at = target.at < 0 ? -1 : toIndex(target.at);
				const token = at < 0 ? undefined : target.kind === 'literal' ? literalAt(at) : literalAfter(at);
				secrets.push(target.value);
				if (token) {
					replaceWhole(token);
					const body = literalBody(token.text);
					if (!body.includes('\n')) secrets.push(body);
				}

				break;
			}

			case 'conninfo':
				secrets.push(...target.passwords);
				if (target.at >= 0) cutPasswords(literalAt(toIndex(target.at)), target.passwords);
				break;
			case 'connection':
				secrets.push(...target.passwords);
				for (const keyword of sql.matchAll(/\bconnection\b/gi)) cutPasswords(literalAfter(keyword.index + keyword[0].length), target.passwords);
				break;
		}
	}

	const pieces: string[] = [];
	let at = 0;
	for (const [start, edit] of [...edits].sort((a, b) => a[0] - b[0])) {
		pieces.push(sql.slice(at, start), edit.text);
		at = edit.end;
	}

	pieces.push(sql.slice(at));
	return {sql: pieces.join(''), secrets: [...new Set(secrets)].filter(secret => secret !== '' && !secret.includes('[REDACTED:'))};
}

/** Walks a statement's tree and notes every literal that holds a secret. */
function collect(node: unknown, targets: Target[]): void {
	if (Array.isArray(node)) {
		for (const item of node) collect(item, targets);
		return;
	}

	if (!isObject(node)) return;
	for (const [key, value] of Object.entries(node)) {
		if (!isObject(value)) {
			if (Array.isArray(value)) collect(value, targets);
			continue;
		}

		switch (key) {
			case 'DefElem':
				defElem(value, targets);
				break;
			case 'VariableSetStmt':
			// ALTER SYSTEM / DATABASE / ROLE … SET hold theirs unwrapped.
			case 'setstmt':
				if (typeof value.name === 'string' && SECRET_SETTING.test(value.name)) literals(asArray(value.args), targets);
				break;
			case 'FuncCall':
				funcCall(value, targets);
				break;
			case 'UpdateStmt':
				for (const target of asArray(value.targetList)) {
					const res = isObject(target) && isObject(target.ResTarget) ? target.ResTarget : undefined;
					if (res && typeof res.name === 'string' && SECRET_COLUMN.test(res.name)) literals([res.val], targets);
				}

				break;
			case 'InsertStmt':
				insertValues(value, targets);
				break;
			case 'A_Const':
				conninfo(value, targets);
				break;
			case 'CreateSubscriptionStmt':
			case 'AlterSubscriptionStmt': {
				const passwords = typeof value.conninfo === 'string' ? conninfoPasswords(value.conninfo) : [];
				if (passwords.length > 0) targets.push({kind: 'connection', passwords});
				break;
			}

			default:
				break;
		}

		collect(value, targets);
	}
}

function defElem(node: JsonObject, targets: Target[]): void {
	if (typeof node.defname !== 'string' || !SECRET_OPTION.test(node.defname)) return;
	const [type, arg] = onlyEntry(node.arg);
	if (type === 'String' && typeof arg.sval === 'string' && typeof node.location === 'number') targets.push({kind: 'after', at: node.location, value: arg.sval});
}

function funcCall(node: JsonObject, targets: Target[]): void {
	const name = stringList(node.funcname).at(-1)?.toLowerCase() ?? '';
	const args = asArray(node.args);
	if (name === 'set_config') {
		const setting = constString(args[0]);
		if (setting !== undefined && SECRET_SETTING.test(setting.value)) literals([args[1]], targets);
		return;
	}

	for (const index of SECRET_ARGUMENTS[name] ?? []) literals([args[index]], targets);
	// Named arguments: vault.create_secret(new_secret => '…').
	for (const arg of args) {
		const named = isObject(arg) && isObject(arg.NamedArgExpr) ? arg.NamedArgExpr : undefined;
		if (named && typeof named.name === 'string' && SECRET_SETTING.test(named.name)) literals([named.arg], targets);
	}
}

function insertValues(node: JsonObject, targets: Target[]): void {
	const columns = asArray(node.cols).map(col => (isObject(col) && isObject(col.ResTarget) && typeof col.ResTarget.name === 'string' ? col.ResTarget.name : ''));
	const secretColumns = columns.flatMap((name, index) => (SECRET_COLUMN.test(name) ? [index] : []));
	if (secretColumns.length === 0) return;
	const select = isObject(node.selectStmt) && isObject(node.selectStmt.SelectStmt) ? node.selectStmt.SelectStmt : undefined;
	for (const list of asArray(select?.valuesLists)) {
		const items = isObject(list) && isObject(list.List) ? asArray(list.List.items) : [];
		literals(
			secretColumns.map(index => items[index]),
			targets,
		);
	}
}

function conninfo(node: JsonObject, targets: Target[]): void {
	const value = isObject(node.sval) && typeof node.sval.sval === 'string' ? node.sval.sval : undefined;
	if (value === undefined || typeof node.location !== 'number') return;
	const passwords = conninfoPasswords(value);
	if (passwords.length > 0) targets.push({kind: 'conninfo', at: node.location, passwords});
}

/** String constants among `nodes` (a cast around one counts: `'…'::text`). */
function literals(nodes: readonly unknown[], targets: Target[]): void {
	for (const node of nodes) {
		const found = constString(node);
		if (found) targets.push({kind: 'literal', at: found.location, value: found.value});
	}
}

function constString(node: unknown): {value: string; location: number} | undefined {
	if (!isObject(node)) return undefined;
	if (isObject(node.TypeCast)) return constString(node.TypeCast.arg);
	const constant = isObject(node.A_Const) ? node.A_Const : undefined;
	const value = constant && isObject(constant.sval) ? constant.sval.sval : undefined;
	return typeof value === 'string' && typeof constant?.location === 'number' ? {value, location: constant.location} : undefined;
}

/** Passwords in a libpq connection string, keyword form (`password='a b'`) or URI (`postgres://u:p@h/?password=…`). */
export function conninfoPasswords(value: string): string[] {
	const found: string[] = [];
	for (const match of value.matchAll(/(?:^|\s)(?:password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']+)/gi)) {
		const raw = match[1]!;
		found.push(raw.startsWith("'") ? raw.slice(1, -1).replaceAll(/\\(.)/g, '$1') : raw);
	}

	for (const word of value.split(/\s+/)) found.push(...urlSecrets(word));
	return found.filter(password => password !== '');
}

type Literal = {start: number; end: number; text: string};

/**
 * The string literal starting at `start`: '…' (with '' inside), E'…' (backslash escapes), N'…',
 * U&'…', $tag$…$tag$, and a literal continued on the next line ('a'\n'b', which Postgres joins).
 */
function readLiteral(sql: string, start: number): Literal | undefined {
	const dollar = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;
	dollar.lastIndex = start;
	const tag = dollar.exec(sql)?.[0];
	if (tag) {
		const close = sql.indexOf(tag, start + tag.length);
		return close === -1 ? undefined : {start, end: close + tag.length, text: sql.slice(start, close + tag.length)};
	}

	const prefix = /[EeNn](?=')|[Uu]&(?=')/y;
	prefix.lastIndex = start;
	const kind = prefix.exec(sql)?.[0] ?? '';
	const escapes = kind === 'E' || kind === 'e';
	let i = start + kind.length;
	if (sql[i] !== "'") return undefined;
	for (;;) {
		i++;
		for (;;) {
			if (i >= sql.length) return undefined;
			const char = sql[i];
			if (escapes && char === '\\') i += 2;
			else if (char === "'" && sql[i + 1] === "'") i += 2;
			else if (char === "'") break;
			else i++;
		}

		i++;
		// Continued: only whitespace with a newline in it between two quoted parts.
		let next = i;
		let newline = false;
		for (; next < sql.length && /\s/.test(sql[next]!); next++) if (sql[next] === '\n') newline = true;
		if (!newline || sql[next] !== "'") return {start, end: i, text: sql.slice(start, i)};
		i = next;
	}
}

/** Where the first literal after `index` starts, past words, quoted names, `=` and comments; undefined at anything else. */
function skipToLiteral(sql: string, index: number): number | undefined {
	const skip = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|=|(?:[Uu]&)?"(?:[^"]|"")*"|[A-Za-z_\x80-\uffff][A-Za-z0-9_$\x80-\uffff]*/y;
	let i = index;
	while (i < sql.length) {
		if (/^(?:[EeNn]'|[Uu]&'|'|\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$)/.test(sql.slice(i, i + 66))) return i;
		skip.lastIndex = i;
		const match = skip.exec(sql);
		if (!match || match[0] === '') return undefined;
		i += match[0].length;
	}

	return undefined;
}

/** A literal's replacement, with its prefix kept so the SQL stays valid (`U&'…' UESCAPE '!'` needs the `U&`). */
function redactedLiteral(text: string): string {
	const dollar = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text);
	if (dollar) return `${dollar[0]}[REDACTED:password]${dollar[0]}`;
	const prefix = /^(?:[EeNn]|[Uu]&)?/.exec(text)![0];
	return `${prefix}'[REDACTED:password]'`;
}

/** The text between a literal's quotes, as written (escapes and all). */
function literalBody(text: string): string {
	const dollar = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text);
	if (dollar) return text.slice(dollar[0].length, -dollar[0].length);
	const open = text.indexOf("'");
	return text.slice(open + 1, text.lastIndexOf("'"));
}

/** Maps the scanner's and parser's byte offsets to string indexes. */
function byteToIndex(sql: string): (offset: number) => number {
	// eslint-disable-next-line no-control-regex
	if (/^[\x00-\x7f]*$/.test(sql)) return offset => offset;
	const indexes: number[] = [];
	let index = 0;
	for (const char of sql) {
		const bytes = Buffer.byteLength(char, 'utf8');
		for (let i = 0; i < bytes; i++) indexes.push(index);
		index += char.length;
	}

	indexes.push(index);
	return offset => indexes[offset] ?? sql.length;
}
