/** Supabase's content API: the docs, searchable with GraphQL (`searchDocs(query, limit)`); public, no key. */
export const CONTENT_API_URL = 'https://supabase.com/docs/api/graphql';

/** Long enough for a slow link (a search answers in about a second), short enough that a dead one is said soon. */
export const DOCS_TIMEOUT_MS = 15_000;

export class DocsUnavailable extends Error {
	override name = 'DocsUnavailable';
}

/**
 * Sends one GraphQL query to the content API and returns its `data`. Every way of not getting an answer — no network,
 * a name that does not resolve, the deadline — is a DocsUnavailable that says the search needs the network; GraphQL
 * errors (a query the API refuses) are said as the API words them.
 */
export async function searchDocs(query: string, options: {url?: string; timeoutMs?: number} = {}): Promise<unknown> {
	const url = options.url ?? CONTENT_API_URL;
	const timeoutMs = options.timeoutMs ?? DOCS_TIMEOUT_MS;
	let response: Response;
	let body: unknown;
	try {
		response = await fetch(url, {
			method: 'POST',
			headers: {'content-type': 'application/json', accept: 'application/json'},
			body: JSON.stringify({query}),
			signal: AbortSignal.timeout(timeoutMs),
		});
		body = await response.json().catch(() => undefined);
	} catch (error) {
		const cause = error as Error & {cause?: {code?: string; message?: string}};
		const why =
			cause.name === 'TimeoutError' || cause.name === 'AbortError'
				? `no answer within ${timeoutMs / 1000} s`
				: (cause.cause?.code ?? cause.cause?.message ?? cause.message);
		throw new DocsUnavailable(
			`search_docs needs the network: it asks Supabase's docs at ${url}, which could not be reached (${why}). ` +
				'Every other tool works offline; answer from what you know and say that the docs could not be checked.',
		);
	}
	const errors = (body as {errors?: {message?: string}[]} | undefined)?.errors;
	if (Array.isArray(errors) && errors.length > 0) {
		throw new Error(`The docs API refused the query: ${errors.map(e => e.message ?? JSON.stringify(e)).join('; ')}`);
	}
	if (!response.ok || typeof body !== 'object' || body === null || !('data' in body)) {
		throw new DocsUnavailable(`search_docs could not read an answer from ${url} (HTTP ${response.status}).`);
	}
	return (body as {data: unknown}).data;
}
