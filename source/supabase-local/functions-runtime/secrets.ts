import {existsSync, readFileSync, statSync} from 'node:fs';
import {appendFile, mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';

/**
 * `KEY=value` lines as the Supabase CLI reads `supabase/functions/.env`: `#` comments, an optional `export `,
 * single or double quotes (double quotes understand \n), and inline ` #` comments after unquoted values.
 */
export function parseDotenv(text: string): Record<string, string> {
	const result: Record<string, string> = {};
	for (const raw of text.replace(/\r/g, '').split('\n')) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
		if (!match) continue;
		let value = match[2]!.trim();
		const quote = value[0];
		if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
			value = value.slice(1, value.lastIndexOf(quote));
			if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
		} else {
			value = value.replace(/\s+#.*$/, '');
		}
		result[match[1]!] = value;
	}
	return result;
}

/** Values this short are not treated as secrets: redacting "1" or "on" would garble every log line. */
export const MIN_REDACTED_LENGTH = 4;

export const REDACTED = '[secret]';

/** Replaces every occurrence of each secret value, longest first (so one secret inside another goes whole). */
export function redactor(secrets: Iterable<string>): (text: string) => string {
	const values = [...new Set(secrets)].filter(v => v.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length);
	if (values.length === 0) return text => text;
	return text => {
		let result = text;
		for (const value of values) result = result.split(value).join(REDACTED);
		return result;
	};
}

/** The secrets file, re-read when it changes (its mtime or size), so edits reach the next started function. */
export class SecretsFile {
	#cached: {key: string; values: Record<string, string>} | undefined;

	constructor(readonly file: string | undefined) {}

	/** Changes whenever the file does (written, removed): a process started under another stamp has stale secrets. */
	stamp(): string {
		if (!this.file) return '';
		try {
			const stat = statSync(this.file);
			return `${stat.mtimeMs}:${stat.size}`;
		} catch {
			return '';
		}
	}

	read(): Record<string, string> {
		if (!this.file) return {};
		const key = this.stamp();
		if (!key) return {};
		if (this.#cached?.key !== key) {
			let values: Record<string, string>;
			try {
				values = parseDotenv(readFileSync(this.file, 'utf8'));
			} catch {
				values = {};
			}
			this.#cached = {key, values};
		}
		return this.#cached.values;
	}
}

/** Secret names as the Supabase CLI accepts them; `SUPABASE_` is the platform's own. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type SecretStatus = {name: string; stored: true; updated_seconds_ago: number} | {name: string; stored: false; status: 'awaiting_value'; file: string};

/**
 * create_edge_function_secret, locally. The value never passes through the model (as on Supabase, where the person
 * types it in the dashboard): the person writes it into the secrets file, which pgpair only prepares. When the name
 * already has a value it is stored; otherwise an empty `NAME=` line is added for the person to fill in, the file is
 * created readable by its owner only, and git is told to ignore it.
 */
export async function requestSecret(secrets: SecretsFile, name: string, now = Date.now()): Promise<SecretStatus> {
	if (!SECRET_NAME.test(name)) throw new Error(`"${name}" is not a valid secret name: letters, digits and underscores, not starting with a digit.`);
	if (name.startsWith('SUPABASE_')) throw new Error('Secret names starting with SUPABASE_ are reserved: the runtime sets them itself.');
	const file = secrets.file;
	if (!file) throw new Error('Function secrets need a workspace directory (supabase/functions/.env).');
	const value = secrets.read()[name];
	if (value) return {name, stored: true, updated_seconds_ago: Math.max(0, Math.round((now - statSync(file).mtimeMs) / 1000))};
	const current = existsSync(file) ? await readFile(file, 'utf8') : undefined;
	if (current === undefined) {
		await mkdir(path.dirname(file), {recursive: true});
		await writeFile(file, `# Edge Function secrets: NAME=value, one a line. Functions read them with Deno.env.get("NAME").\n${name}=\n`, {mode: 0o600});
	} else if (!new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`, 'm').test(current)) {
		await appendFile(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${name}=\n`);
	}
	await ignoreInGit(path.dirname(file), path.basename(file));
	return {name, stored: false, status: 'awaiting_value', file};
}

/** A `.gitignore` beside the secrets file that names it, unless one already does. */
async function ignoreInGit(directory: string, name: string): Promise<void> {
	const gitignore = path.join(directory, '.gitignore');
	const text = existsSync(gitignore) ? await readFile(gitignore, 'utf8') : '';
	if (text.split(/\r?\n/).some(line => line.trim() === name || line.trim() === `/${name}`)) return;
	await appendFile(gitignore, `${text === '' || text.endsWith('\n') ? '' : '\n'}# Written by pgpair: function secrets stay out of git.\n${name}\n`);
}
