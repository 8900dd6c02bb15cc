/**
 * The approval pane shows a call as committed, secrets redacted. When the person edits that call,
 * the markers they leave untouched must stand for the secrets they replaced, or an edited
 * `CREATE ROLE … PASSWORD '[REDACTED:password]'` would set that text as the password. The call's
 * real input is lined up with what was shown to learn what each marker replaced; the edit gets the
 * secrets back, marker by marker, in order. A marker the person typed or copied beyond what was shown
 * stays as it is.
 */
import {mapStrings} from './redact.js';

const MARKER = /\[REDACTED:[^\]\s]+\]/g;

export function restoreRedacted(edited: unknown, shown: unknown, raw: unknown): unknown {
	const secrets = new Map<string, string[]>();
	pair(shown, raw, secrets);
	if (secrets.size === 0) return edited;
	const used = new Map<string, number>();
	return mapStrings(edited, text =>
		text.replace(MARKER, marker => {
			const list = secrets.get(marker);
			const index = used.get(marker) ?? 0;
			if (!list || index >= list.length) return marker;
			used.set(marker, index + 1);
			return list[index]!;
		}),
	);
}

/** Walks what was shown and the real input side by side, noting what each marker in a string replaced. */
function pair(shown: unknown, raw: unknown, secrets: Map<string, string[]>): void {
	if (typeof shown === 'string' && typeof raw === 'string') {
		if (shown !== raw) align(shown, raw, secrets);
		return;
	}

	if (Array.isArray(shown) && Array.isArray(raw)) {
		for (const [i, item] of shown.entries()) pair(item, raw[i], secrets);
		return;
	}

	if (typeof shown === 'object' && shown !== null && typeof raw === 'object' && raw !== null) {
		for (const key of Object.keys(shown)) pair((shown as Record<string, unknown>)[key], (raw as Record<string, unknown>)[key], secrets);
	}
}

function align(shown: string, raw: string, secrets: Map<string, string[]>): void {
	const markers = shown.match(MARKER) ?? [];
	const parts = shown.split(MARKER);
	if (!raw.startsWith(parts[0]!) || !raw.endsWith(parts.at(-1)!)) return;
	let at = parts[0]!.length;
	const found: Array<[string, string]> = [];
	for (const [i, marker] of markers.entries()) {
		const next = parts[i + 1]!;
		const last = i === markers.length - 1;
		const end = last ? raw.length - next.length : raw.indexOf(next, at);
		if (end < at) return;
		found.push([marker, raw.slice(at, end)]);
		at = end + next.length;
	}

	for (const [marker, secret] of found) {
		const list = secrets.get(marker) ?? [];
		list.push(secret);
		secrets.set(marker, list);
	}
}
