/**
 * Control files: the files that decide what pgpair, the agent or git will do next, rather than being
 * the project's own work. Writing one always reaches the person with its own warning, in every mode;
 * no allow rule, session allow, accept-edits or destructive opt-in approves it (decide.ts). Claude
 * Code treats its own settings the same way.
 *
 *   .mcp.json    a server command in it starts the next time pgpair (or Claude Code) starts
 *   .claude/     agent files and settings, permissions included
 *   .pgpair/     the embedded database and pgpair's own state
 *   sessions/    transcripts (the directory in use); `--continue` feeds them back to the model
 *   .git/        at any depth: a repository's config and hooks run programs
 *
 * Pure: callers pass absolute paths, both as named and after symbolic links (see
 * tools/local/control-targets.ts), so a link to `.mcp.json` is caught too.
 */
import path from 'node:path';

export type ControlRoots = {
	/** The workspace root (absolute). */
	workspaceRoot: string;
	/** The transcript directory in use (absolute). */
	sessionsDir: string;
};

const AT_ROOT: ReadonlyArray<[string, string]> = [
	['.mcp.json', 'a server command in it starts the next time pgpair starts'],
	['.claude', 'it holds agent files and settings, permissions included'],
	['.pgpair', "it holds the embedded database and pgpair's own state"],
];

/**
 * The warning for writing `absolute`, or undefined when it is an ordinary file. Names are compared
 * without regard to case: on a case-insensitive disk `.MCP.json` is `.mcp.json`.
 */
export function controlFileWarning(absolute: string, roots: readonly ControlRoots[]): string | undefined {
	for (const root of roots) {
		const inSessions = relativeInside(root.sessionsDir, absolute);
		if (inSessions !== undefined) {
			return `${display(root.workspaceRoot, absolute)} is in the sessions directory: transcripts there are read back by --continue and replay, so a forged one puts words in the model's mouth`;
		}

		const relative = relativeInside(root.workspaceRoot, absolute);
		if (relative === undefined) continue;
		const segments = relative.split('/').map(segment => segment.toLowerCase());
		const first = segments[0];
		for (const [name, why] of AT_ROOT) {
			if (first === name) return `${display(root.workspaceRoot, absolute)} is a control file: ${why}`;
		}

		if (segments.includes('.git')) return `${display(root.workspaceRoot, absolute)} is inside a .git directory: a repository's config and hooks run programs`;
	}

	return undefined;
}

/** `child` relative to `parent` with `/` separators, or undefined when it is not inside. */
function relativeInside(parent: string, child: string): string | undefined {
	const relative = path.relative(parent, child);
	if (relative === '') return '.';
	if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
	return relative.split(path.sep).join('/');
}

function display(root: string, absolute: string): string {
	const relative = relativeInside(root, absolute);
	return relative === undefined ? absolute : relative;
}
