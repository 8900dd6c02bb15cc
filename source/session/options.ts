/**
 * What a session takes from the command line. cli/args.ts parses argv into a superset of this; the session folder
 * depends on this shape only, never on the parser.
 */
export type SessionArgs = {
	/** A Messages-API script to answer instead of the real API (tests, the demo). */
	scripted?: string;
	model?: string;
	maxTurns: number;
	sessionsDir?: string;
	/** A session id (or prefix, or transcript path); true: `--resume` without one, chosen from a list before a session opens. */
	resume?: string | true;
	continue: boolean;
	mcpConfig?: string;
	debugLog?: string;
	/** pgpair's own database server is production (stricter confirmations). */
	production: boolean;
	/** The hosted project (official Supabase server) is a development project, not production. */
	development: boolean;
};

export type OutputFormat = 'text' | 'json' | 'stream-json';
