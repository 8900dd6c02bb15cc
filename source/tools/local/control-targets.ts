/**
 * Where a file tool's path physically leads, for the checks that must see what the tools touch: the
 * control file (policy/control-files.ts) a write would reach, so a symbolic link to `.mcp.json`
 * counts as `.mcp.json`, and the path permission rules are matched against. This is the I/O half;
 * the judgements themselves are pure.
 */
import {lstat} from 'node:fs/promises';
import path from 'node:path';
import {EDIT_TOOLS} from '../../policy/classify-call.js';
import {type ControlRoots, controlFileWarning} from '../../policy/control-files.js';
import {toolFilePath} from '../../policy/rules.js';
import {physicalPath} from './workspace.js';

/** The warning for a call that writes a control file, or undefined. Never throws: an unreadable path is judged by its name. */
export async function controlTargetWarning(call: {name: string; input: unknown}, roots: ControlRoots): Promise<string | undefined> {
	if (!EDIT_TOOLS.has(call.name)) return undefined;
	const filePath = toolFilePath(call);
	if (filePath === undefined) return undefined;
	return pathWarning(filePath, roots);
}

/**
 * For a shell command that is not read-only: the warning for the first of its literal words (an
 * argument, a redirection target, an option's `=value`) that names a control file. A command can
 * reach a control file without naming it (`git commit` writes .git/); the OS sandbox covers that.
 */
export async function shellControlWarning(words: readonly string[], roots: ControlRoots): Promise<string | undefined> {
	for (const word of words) {
		let candidate = word;
		if (word.startsWith('-')) {
			// An option names a file only as `--opt=FILE`; `-la` names none.
			const equals = word.indexOf('=');
			if (equals === -1) continue;
			candidate = word.slice(equals + 1);
		}

		if (candidate === '') continue;
		const warning = await pathWarning(candidate, roots);
		if (warning) return `the command names ${JSON.stringify(word)}: ${warning}`;
	}

	return undefined;
}

async function pathWarning(filePath: string, roots: ControlRoots): Promise<string | undefined> {
	const absolute = path.resolve(roots.workspaceRoot, filePath);
	const byName = controlFileWarning(absolute, [roots]);
	if (byName) return byName;
	const [real, realRoot, realSessions] = await Promise.all([physical(absolute), physical(roots.workspaceRoot), physical(roots.sessionsDir)]);
	const byPlace = controlFileWarning(real, [roots, {workspaceRoot: realRoot, sessionsDir: realSessions}]);
	if (byPlace) return byPlace;
	// A hard link has no "real" path to follow: the same file may also be a control file under another name, and
	// finding that name would mean searching the disk. A file with other names asks, whatever they are.
	const links = await lstat(real).then(
		stat => (stat.isFile() ? stat.nlink : 1),
		() => 1,
	);
	return links > 1
		? `it has ${links - 1} other name${links > 2 ? 's' : ''} (hard links), and writing it changes ${links > 2 ? 'them' : 'it'} too, wherever ${links > 2 ? 'they are' : 'it is'} (a control file, perhaps)`
		: undefined;
}

async function physical(p: string): Promise<string> {
	try {
		return await physicalPath(p);
	} catch {
		// A loop or a permission error: the tool will refuse the path anyway; judge it by name.
		return p;
	}
}

/**
 * The path a file tool's input leads to after symbolic links, in the workspace's own terms (under the
 * root as given, not its real location), or undefined when it is the path as named. The tools
 * (workspace.ts) follow links the same way, so rules matched against both see what is touched.
 */
export async function resolvedFilePath(call: {name: string; input: unknown}, workspaceRoot: string): Promise<string | undefined> {
	const filePath = toolFilePath(call);
	if (filePath === undefined) return undefined;
	const absolute = path.resolve(workspaceRoot, filePath);
	const [real, realRoot] = await Promise.all([physical(absolute), physical(workspaceRoot)]);
	const relative = path.relative(realRoot, real);
	const inside = relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
	const resolved = inside ? path.join(workspaceRoot, relative) : real;
	return resolved === absolute ? undefined : resolved;
}
