/**
 * The parts of an agent's system prompt that pgpair acts on: the "Quality Checklist" items (ticked from
 * evidence by the checklist evaluators) and the "Forbidden Actions" (shown and guarded by policy).
 * Pure Markdown reading: headings inside fenced code blocks are not headings.
 */

/** Checklist items that have an evaluator; the user's file and the built-in must map to the same keys. */
export type KnownChecklistKey =
	| 'migration_reversible'
	| 'rls_tested'
	| 'indexes'
	| 'types_regenerated'
	| 'advisors_run'
	| 'query_performance'
	| 'edge_function_errors';

export type ChecklistItem = {
	/** Slug of the text: stable across sessions so ticks in a transcript survive a resume. */
	id: string;
	text: string;
	known?: KnownChecklistKey;
};

// First match wins, so the narrow, unambiguous words come first: "Security advisors run after RLS changes"
// is about advisors, and "Query performance checked with EXPLAIN, indexes added" is about performance.
const KNOWN_KEY_PATTERNS: ReadonlyArray<readonly [KnownChecklistKey, RegExp]> = [
	['advisors_run', /advisor/i],
	['types_regenerated', /typescript types|types? (?:(?:are|were|is|was|have been|get) )?regenerated|generat\w*\b.*\btypes\b/i],
	['edge_function_errors', /edge[ -]functions?\b.*\berror/i],
	['migration_reversible', /revers|rollback|roll-back/i],
	['rls_tested', /\brls\b|row[ -]level/i],
	['query_performance', /query performance|\bexplain\b/i],
	['indexes', /\bindex|\bindices\b/i],
];

export function knownChecklistKey(text: string): KnownChecklistKey | undefined {
	return KNOWN_KEY_PATTERNS.find(([, pattern]) => pattern.test(text))?.[0];
}

const MAX_SLUG_LENGTH = 60;

export function slugify(text: string): string {
	const slug = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return slug.slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '') || 'item';
}

// CommonMark: up to three spaces of indentation, one to six '#', then a space (or nothing).
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// A list item with its indentation; a task-list box is dropped.
const LIST_ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$/;
// Decoration before an item's text: emoji (❌, 🚫, ⛔ …), their joiners and selectors, and ✗ ✘ ×.
const LEADING_MARKS = /^(?:(?:\p{Extended_Pictographic}|\u200d|\ufe0f|\u20e3|[\u2717\u2718\u00d7])[ \t]*)+/u;

/** The list items of every section whose heading contains `title` (case-insensitive), up to the next heading. */
export function sectionListItems(markdown: string, title: string): string[] {
	const wanted = title.toLowerCase();
	const items: string[] = [];
	let inSection = false;
	let fence: string | undefined;
	// Indentation of the section's first item: deeper items are details of the item above, not items.
	let itemIndent: number | undefined;
	// Index in `items` of the item a wrapped continuation line belongs to.
	let open: number | undefined;

	for (const line of markdown.split(/\r?\n/)) {
		const marker = FENCE.exec(line)?.[1];
		if (fence !== undefined) {
			if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
			continue;
		}
		if (marker !== undefined) {
			fence = marker;
			open = undefined;
			continue;
		}

		const heading = HEADING.exec(line);
		if (heading) {
			inSection = (heading[2] ?? '').toLowerCase().includes(wanted);
			itemIndent = undefined;
			open = undefined;
			continue;
		}
		if (!inSection) continue;

		const item = LIST_ITEM.exec(line);
		if (item) {
			const indent = indentWidth(item[1] ?? '');
			itemIndent ??= indent;
			if (indent > itemIndent) {
				open = undefined;
				continue;
			}
			const text = cleanItemText(item[2] ?? '');
			if (text === '') {
				open = undefined;
				continue;
			}
			items.push(text);
			open = items.length - 1;
		} else if (line.trim() === '') {
			open = undefined;
		} else if (open !== undefined && /^[ \t]+\S/.test(line)) {
			items[open] = `${items[open] ?? ''} ${line.trim()}`;
		}
	}
	return items;
}

function indentWidth(whitespace: string): number {
	return whitespace.replace(/\t/g, '    ').length;
}

function cleanItemText(raw: string): string {
	return raw.replace(LEADING_MARKS, '').trim();
}

export function extractChecklist(markdown: string): ChecklistItem[] {
	const seen = new Map<string, number>();
	return sectionListItems(markdown, 'Quality Checklist').map(text => {
		const base = slugify(text);
		const count = (seen.get(base) ?? 0) + 1;
		seen.set(base, count);
		const id = count === 1 ? base : `${base}-${count}`;
		const known = knownChecklistKey(text);
		return known ? {id, text, known} : {id, text};
	});
}

export function extractForbiddenActions(markdown: string): string[] {
	return sectionListItems(markdown, 'Forbidden Actions');
}
