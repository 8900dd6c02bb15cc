/** A fenced code block of a Markdown text, with the heading it sits under. */
export type FencedBlock = {
	/** Text of the nearest heading above the block ('' before the first heading). */
	section: string;
	/** 1 for the first block under that heading, 2 for the next, … */
	ordinal: number;
	/** The info string after the opening fence (`sql`, `ts`, or ''). */
	info: string;
	code: string;
};

// CommonMark: up to three spaces of indentation, then three or more backticks or tildes.
const FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`]*?)[ \t]*$/;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;

/** Every fenced code block, in order; an unclosed block runs to the end of the text, as CommonMark reads it. */
export function fencedBlocks(markdown: string): FencedBlock[] {
	const blocks: FencedBlock[] = [];
	const perSection = new Map<string, number>();
	let section = '';
	let open: {indent: number; fence: string; info: string; lines: string[]} | undefined;
	const close = () => {
		if (!open) return;
		const ordinal = (perSection.get(section) ?? 0) + 1;
		perSection.set(section, ordinal);
		blocks.push({section, ordinal, info: open.info, code: open.lines.join('\n')});
		open = undefined;
	};
	for (const line of markdown.split(/\r?\n/)) {
		const fence = FENCE.exec(line);
		if (open) {
			const closes = fence && fence[2]![0] === open.fence[0] && fence[2]!.length >= open.fence.length && fence[3] === '';
			if (closes) close();
			// content lines lose at most the opening fence's indentation
			else open.lines.push(line.replace(new RegExp(`^ {0,${open.indent}}`), ''));
			continue;
		}
		if (fence) {
			open = {indent: fence[1]!.length, fence: fence[2]!, info: fence[3] ?? '', lines: []};
			continue;
		}
		const heading = HEADING.exec(line);
		if (heading) section = (heading[1] ?? '').trim();
	}
	close();
	return blocks;
}
