/**
 * Redaction of an event as the store commits it, once: the screen, the transcript, exports, replay
 * and stream-json all read the committed event, so they all show the same redacted text.
 *
 * SQL in the event (a tool's `query`, a migration, a prompt that is SQL) is redacted from its parse
 * tree first, and the secrets found there become known by value for the rest of the session (a
 * password set in a migration and echoed later by a tool or the model is caught too). Then every
 * string goes through the pattern rules and the known secrets.
 */
import type {EventBody} from '../core/events.js';
import {mapStrings, type SecretRedactor} from './redact.js';
import type {SqlSecrets} from './sql-secrets.js';
import {releasableLength} from './stream-cut.js';

export type EventRedaction = {
	/** The event as committed: every secret in it replaced; the body itself when nothing was. */
	event<T extends EventBody>(body: T): T;
	/** The parser's loading, when `body` holds SQL worth parsing and the parser is not loaded yet; else undefined. */
	prepare(body: EventBody): Promise<void> | undefined;
	/** How much of streamed text can be committed now without cutting a secret in two (stream-cut.ts). */
	releasable(text: string): number;
	/** Free text outside events (the debug log), with everything known so far. */
	text(input: string): string;
};

export type EventRedactionOptions = {
	redactor: SecretRedactor;
	/** Parse-tree redaction of SQL (sql-secrets.ts); undefined when the text is not SQL or the parser is not loaded. */
	sql?: {
		mayHold(text: string): boolean;
		redact(sql: string): SqlSecrets | undefined;
		/** Whether the parser is loaded, and how to load it (on the first event that needs it: it is large). */
		loaded?(): boolean;
		load?(): Promise<void>;
	};
};

/** The same SQL comes in several events (the model's message, the request, the preview, the decision). */
const SQL_CACHE_SIZE = 32;

export function createEventRedaction(options: EventRedactionOptions): EventRedaction {
	const {redactor, sql} = options;
	const cache = new Map<string, string>();

	const redactSql = (text: string): string => {
		const cached = cache.get(text);
		if (cached !== undefined) return cached;
		const found = sql!.redact(text);
		// Not parsed (the parser still loading, or not SQL after all): the patterns do, and it is tried again next time.
		if (!found) return text;
		if (found.secrets.length > 0) redactor.learn(found.secrets.map(value => ({value, kind: 'sql'})));
		if (cache.size >= SQL_CACHE_SIZE) cache.delete(cache.keys().next().value!);
		cache.set(text, found.sql);
		return found.sql;
	};

	const text = (input: string): string => redactor.text(sql?.mayHold(input) ? redactSql(input) : input);

	/** The strings of an event that are parsed for secrets: an answer's tool calls, not its free text. */
	const parsedScope = (body: EventBody): unknown =>
		body.type === 'assistant_message_completed' ? body.content.filter(block => block.type === 'tool_use') : body;

	return {
		event<T extends EventBody>(body: T): T {
			// The hot path: streamed text is free text, never parsed.
			if (body.type === 'assistant_text_delta') {
				const redacted = redactor.text(body.text);
				return redacted === body.text ? body : {...body, text: redacted};
			}

			if (sql) {
				// Parse first, over the whole event, so secrets found in one field are known in every other.
				// An answer's text is free text, as its streamed deltas were: only its tool calls are parsed.
				const rewritten = new Map<string, string>();
				mapStrings(parsedScope(body), input => {
					if (!rewritten.has(input) && sql.mayHold(input)) rewritten.set(input, redactSql(input));
					return input;
				});
				if (rewritten.size > 0) return mapStrings(body, input => redactor.text(rewritten.get(input) ?? input)) as T;
			}

			return redactor.value(body);
		},
		prepare(body) {
			if (!sql?.load || sql.loaded?.() !== false || body.type === 'assistant_text_delta') return undefined;
			let needed = false;
			mapStrings(parsedScope(body), input => {
				needed ||= sql.mayHold(input);
				return input;
			});
			// A parser that fails to load leaves the pattern rules, as before it loaded: the event is still committed.
			return needed ? sql.load().catch(() => undefined) : undefined;
		},
		releasable: input => releasableLength(input, redactor.spacedSecrets()),
		text,
	};
}
