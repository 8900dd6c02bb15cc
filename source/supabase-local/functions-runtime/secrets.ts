import {readFileSync, statSync} from 'node:fs';

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

	read(): Record<string, string> {
		if (!this.file) return {};
		let key: string;
		try {
			const stat = statSync(this.file);
			key = `${stat.mtimeMs}:${stat.size}`;
		} catch {
			return {};
		}
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
