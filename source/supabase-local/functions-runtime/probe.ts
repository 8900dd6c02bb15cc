import type {FunctionsRuntime} from './runtime.js';

export type ProbeName = 'malformed body' | 'no authorization';

export type ProbeResult = {
	name: ProbeName;
	/** 0 when no answer came within the time limit. */
	status: number;
	/** The answer parsed as JSON (an object or array) and said so in its content type. */
	json: boolean;
	body: string;
	/** The function's process was still running shortly after the answer. */
	survived: boolean;
};

export type ProbeReport = {slug: string; probes: ProbeResult[]; ok: boolean};

const MAX_PROBE_BODY = 500;
const PROBE_TIMEOUT_MS = 15_000;
// A crash that follows the answer (an unhandled rejection after `return`) takes a moment to end the process.
const SURVIVAL_GRACE_MS = 250;

const PROBES: {name: ProbeName; headers: Record<string, string>; body: string}[] = [
	// A valid key, so that the function itself (not the gateway) has to deal with the body.
	{name: 'malformed body', headers: {'content-type': 'application/json'}, body: '{"malformed": '},
	// An empty Authorization header makes the runtime send no credentials at all.
	{name: 'no authorization', headers: {'content-type': 'application/json', authorization: ''}, body: '{}'},
];

function isJson(contentType: string | undefined, body: string): boolean {
	if (!contentType || !/\bjson\b/i.test(contentType)) return false;
	try {
		const parsed: unknown = JSON.parse(body);
		return typeof parsed === 'object' && parsed !== null;
	} catch {
		return false;
	}
}

/**
 * The behavioural half of "Edge Functions have error handling": a POST with a malformed JSON body and one without
 * credentials must each get a JSON error (4xx/5xx) and leave the function's process running.
 */
export async function probeEdgeFunction(runtime: FunctionsRuntime, ref: string, slug: string): Promise<ProbeReport> {
	const probes: ProbeResult[] = [];
	for (const probe of PROBES) {
		let status = 0;
		let json = false;
		let body: string;
		try {
			const answer = await runtime.invoke(ref, {
				slug,
				method: 'POST',
				headers: probe.headers,
				body: probe.body,
				timeoutMs: PROBE_TIMEOUT_MS,
			});
			status = answer.status;
			json = isJson(answer.headers['content-type'], answer.body);
			body = answer.body;
		} catch (error) {
			body = (error as Error).message;
		}
		await new Promise(resolve => setTimeout(resolve, SURVIVAL_GRACE_MS));
		const process = runtime.process(ref, slug);
		probes.push({
			name: probe.name,
			status,
			json,
			body: body.length > MAX_PROBE_BODY ? `${body.slice(0, MAX_PROBE_BODY)}…` : body,
			survived: process === undefined || process.alive,
		});
	}
	return {slug, probes, ok: probes.every(p => p.status >= 400 && p.status <= 599 && p.json && p.survived)};
}
