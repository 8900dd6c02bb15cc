// Tool results as the local Supabase server writes them: one JSON text block, rows fenced as untrusted data.

const FENCE = /<(untrusted-data-[0-9a-f-]{36})>\n([\s\S]*)\n<\/\1>/;

/** The JSON of a tool result, or undefined when it is not JSON. */
export function parseToolJson(content: string): unknown {
	try {
		return JSON.parse(content) as unknown;
	} catch {
		return undefined;
	}
}

/** The rows inside an untrusted-data fence; an empty list when there is no (well-formed) fence. */
export function unfenceRows(text: string): Array<Record<string, unknown>> {
	const match = FENCE.exec(text);
	if (!match?.[2]) return [];
	try {
		const data = JSON.parse(match[2]) as unknown;
		return Array.isArray(data) ? (data as Array<Record<string, unknown>>) : [];
	} catch {
		return [];
	}
}

/** Rows of a completed `execute_sql` call: `{"result": "<fenced rows>"}`. */
export function executeSqlRows(content: string): Array<Record<string, unknown>> {
	const body = parseToolJson(content) as {result?: unknown} | undefined;
	return typeof body?.result === 'string' ? unfenceRows(body.result) : [];
}
