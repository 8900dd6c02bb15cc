/**
 * Workspace confinement for the local file tools. Every path the model names is resolved against the
 * workspace root and then checked twice: lexically (no `..` or absolute escape) and physically (the
 * real location after symbolic links, so a link inside the workspace cannot lead outside). The checked
 * path is the one the tool then opens, so what was checked is what is touched.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** A refusal or a user mistake: the message goes back to the model as a tool error. */
export class ToolInputError extends Error {
	override name = 'ToolInputError';
}

export type Workspace = {
	/** The root as given (absolute, normalized). */
	root: string;
	/** The root after symbolic links; confinement is decided against this one. */
	realRoot: string;
};

export type ResolvedPath = {
	/** Absolute path to operate on (lexically inside the root). */
	path: string;
	/** Where it physically leads; inside `realRoot`. */
	real: string;
	/** Path relative to the root with `/` separators, for messages and results. */
	display: string;
};

export async function openWorkspace(root: string): Promise<Workspace> {
	const absolute = path.resolve(root);
	return {root: absolute, realRoot: await fs.realpath(absolute)};
}

export function isInside(parent: string, child: string): boolean {
	const relative = path.relative(parent, child);
	return relative === '' || (!isParentStep(relative) && !path.isAbsolute(relative));
}

// `..foo` is a file name, `..` or `../x` is a step out.
function isParentStep(relative: string): boolean {
	return relative === '..' || relative.startsWith(`..${path.sep}`);
}

/**
 * Resolves a path the model gave (relative to the root, or absolute) and refuses it unless it stays in
 * the workspace both by name and after following symbolic links. Paths that do not exist yet (a file
 * Write will create) are judged by the deepest part that does exist.
 */
export async function resolveInWorkspace(
	workspace: Workspace,
	input: string,
	parameter = 'file_path',
	shownAs = `path ${JSON.stringify(input)}`,
): Promise<ResolvedPath> {
	if (input.trim() === '') throw new ToolInputError(`${parameter} is empty.`);
	if (input.includes('\0')) throw new ToolInputError(`Refused ${shownAs}: it contains a NUL byte.`);
	const absolute = path.resolve(workspace.root, input);
	// An absolute path may name the root through its real location (e.g. /private/tmp on macOS).
	const lexicalRoot = isInside(workspace.root, absolute) ? workspace.root : isInside(workspace.realRoot, absolute) ? workspace.realRoot : undefined;
	if (!lexicalRoot) {
		throw new ToolInputError(`Refused ${shownAs}: it resolves to ${absolute}, which is outside the workspace ${workspace.root}.`);
	}

	let real: string;
	try {
		real = await physicalPath(absolute, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new ToolInputError(`Refused ${shownAs}: its symbolic links form a loop.`);
		throw error;
	}

	if (!isInside(workspace.realRoot, real)) {
		throw new ToolInputError(`Refused ${shownAs}: it leads through a symbolic link to ${real}, which is outside the workspace ${workspace.root}.`);
	}

	return {path: absolute, real, display: displayPath(absolute, lexicalRoot)};
}

function displayPath(absolute: string, lexicalRoot: string): string {
	const relative = path.relative(lexicalRoot, absolute).split(path.sep).join('/');
	return relative === '' ? '.' : relative;
}

const MAX_LINK_HOPS = 40;

/**
 * The real location of `p`, which need not exist. `fs.realpath` only works on existing paths, so a
 * missing tail is appended to the real path of its deepest existing ancestor. A dangling symbolic
 * link is followed by hand: writing through it would create its target, wherever that is.
 */
export async function physicalPath(p: string, hops = 0): Promise<string> {
	try {
		return await fs.realpath(p);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
	}

	const parent = path.dirname(p);
	if (parent === p) return p;
	const realParent = await physicalPath(parent, hops);
	const link = await fs.lstat(p).then(
		stat => stat.isSymbolicLink(),
		() => false,
	);
	if (!link) return path.join(realParent, path.basename(p));
	if (hops >= MAX_LINK_HOPS) throw Object.assign(new Error('too many symbolic links'), {code: 'ELOOP'});
	// A relative target is relative to the link's physical directory, not to the name it was reached by.
	return physicalPath(path.resolve(realParent, await fs.readlink(p)), hops + 1);
}
