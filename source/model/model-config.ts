/**
 * Model ids and API credentials from flags and the environment. Kept apart from the SDK client so
 * the TUI can decide what to show on its first frame without loading the SDK.
 */

/** Newest id of each family that the pinned SDK's `Model` union knows. */
export const MODEL_ALIASES = {
	sonnet: 'claude-sonnet-5-5',
	opus: 'claude-opus-5-5',
	haiku: 'claude-haiku-5-5',
} as const;

export const DEFAULT_MODEL_ALIAS = 'sonnet';

/** `sonnet` / `opus` / `haiku` to a model id; `inherit` or nothing to the default; anything else is taken as an id. */
export function resolveModelId(alias: string | undefined): string {
	const key = alias?.trim().toLowerCase();
	if (!key || key === 'inherit') return MODEL_ALIASES[DEFAULT_MODEL_ALIAS];
	if (key in MODEL_ALIASES) return MODEL_ALIASES[key as keyof typeof MODEL_ALIASES];
	return alias!.trim();
}

/** What a model name given to `/model` resolves to, or why it is refused. */
export type ModelChoice = {ok: true; id: string} | {ok: false; reason: string};

/**
 * `/model <name>`: resolved as `--model` resolves it (an alias, `inherit`, or an id taken as it is). A bare word that is
 * no alias cannot be a model id (every id has a `-`, `.`, `:`, `/` or `@` in it): a typo such as `sonet` is refused
 * here rather than by the API at the next request.
 */
export function resolveModelChoice(name: string): ModelChoice {
	const text = name.trim();
	const key = text.toLowerCase();
	if (key === 'inherit' || key in MODEL_ALIASES) return {ok: true, id: resolveModelId(key)};
	if (/^[A-Za-z0-9][\w.:@/-]*$/.test(text) && /[-.:@/]/.test(text)) return {ok: true, id: text};
	return {ok: false, reason: `"${text}" is not a model: use ${Object.keys(MODEL_ALIASES).join(', ')}, or a model id such as ${MODEL_ALIASES.sonnet}.`};
}

export const missingKeyMessage = [
	'No Anthropic API key found: pgpair needs ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) to talk to Claude.',
	'Set it to your key (it starts with sk-ant-) and start again; keys are at https://console.anthropic.com/settings/keys',
	'Without a key: `pgpair --scripted <file>` answers from a script file, offline.',
].join('\n');

export type ApiConfig = {apiKey?: string; baseURL?: string};

/** Flags win over the environment; empty values count as unset. */
export function resolveApiConfig(env: Record<string, string | undefined>, flags: {apiKey?: string; baseURL?: string} = {}): ApiConfig {
	const pick = (...values: Array<string | undefined>) => values.map(value => value?.trim()).find(value => value);
	const apiKey = pick(flags.apiKey, env.ANTHROPIC_API_KEY, env.ANTHROPIC_AUTH_TOKEN);
	const baseURL = pick(flags.baseURL, env.ANTHROPIC_BASE_URL);
	return {...(apiKey ? {apiKey} : {}), ...(baseURL ? {baseURL} : {})};
}
