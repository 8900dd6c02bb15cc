import fs from 'node:fs/promises';
import path from 'node:path';
import {z} from 'zod';
import {globToRegExp, maxDepth, splitStaticPrefix} from './glob-pattern.js';
import {defineTool, ok} from './local-tool.js';
import {walkFiles} from './walk.js';
import {type ResolvedPath, resolveInWorkspace, ToolInputError, type Workspace} from './workspace.js';

export const GLOB_MAX_RESULTS = 100;

export const globTool = defineTool({
	name: 'Glob',
	description: [
		'Find files in the workspace by name pattern, e.g. `**/*.sql` or `supabase/migrations/*.sql`.',
		'Supports `*`, `?`, `**` (any depth), `[abc]` and `{a,b}`. Returns absolute paths, most recently modified first,',
		`at most ${GLOB_MAX_RESULTS}. node_modules and .git are skipped; symbolic links to directories are not followed.`,
		'Use Grep to search file contents.',
	].join('\n'),
	schema: z.strictObject({
		pattern: z.string().min(1).describe('The glob pattern to match, relative to path.'),
		path: z.string().optional().describe('The directory to search in (default: the workspace root).'),
	}),
	async run(input, {workspace, signal}) {
		const searchDir = await resolveDirectory(workspace, input.path);
		const {base, rest} = splitStaticPrefix(input.pattern);
		const start = await resolveInWorkspace(
			workspace,
			path.resolve(searchDir.path, base),
			'pattern',
			`pattern ${JSON.stringify(input.pattern)} (it searches ${base})`,
		);
		const isDirectory = await fs.stat(start.path).then(
			stat => stat.isDirectory(),
			() => false,
		);
		if (!isDirectory) return ok('No files found');

		const matcher = globToRegExp(rest);
		const walk = walkFiles(workspace, start.path, {maxDepth: maxDepth(rest), signal});
		const matches: Array<{path: string; mtimeMs: number}> = [];
		for await (const file of walk.files) {
			if (!matcher.test(file.relative)) continue;
			const stat = await fs.stat(file.path).catch(() => undefined);
			if (stat) matches.push({path: file.path, mtimeMs: stat.mtimeMs});
		}

		if (matches.length === 0)
			return ok(walk.truncated() ? 'No files found (the search stopped early: too many files under the search path).' : 'No files found');
		matches.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
		const shown = matches.slice(0, GLOB_MAX_RESULTS).map(match => match.path);
		const notes: string[] = [];
		if (matches.length > GLOB_MAX_RESULTS)
			notes.push(`(Results are truncated: showing ${GLOB_MAX_RESULTS} of ${matches.length} files, newest first. Use a more specific pattern or path.)`);
		if (walk.truncated()) notes.push('(The search stopped early: too many files under the search path.)');
		return ok([...shown, ...notes].join('\n'));
	},
});

/** The directory a search starts from: `path` if given (it must be a directory), else the root. */
export async function resolveDirectory(workspace: Workspace, input: string | undefined): Promise<ResolvedPath> {
	const dir = await resolveInWorkspace(workspace, input ?? '.', 'path');
	const stat = await fs.stat(dir.path).catch(() => undefined);
	if (!stat) throw new ToolInputError(`Directory does not exist: ${dir.display}`);
	if (!stat.isDirectory()) throw new ToolInputError(`${dir.display} is a file, not a directory.`);
	return dir;
}
