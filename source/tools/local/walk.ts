import type {Dirent} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {isInside, type Workspace} from './workspace.js';

/** Never searched: dependencies and git internals are noise to the model and slow to walk. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git']);

/** A walk stops after this many files so one call cannot scan a whole disk-sized tree. */
export const MAX_WALKED_FILES = 100_000;

export type WalkedFile = {
	/** Absolute path under the start directory (not the symlink target). */
	path: string;
	/** Relative to the start directory, with `/` separators. */
	relative: string;
};

export type WalkOptions = {
	/** Directory levels below the start to enter; undefined for no limit. */
	maxDepth?: number;
	signal: AbortSignal;
};

/**
 * Regular files under `start`, in name order. Symbolic links to files count when their target is in
 * the workspace; symbolic links to directories are not entered (like ripgrep): one that leads inside
 * the workspace is walked under its real name anyway, and one that leads outside must not be.
 * FIFOs, sockets and devices are skipped: reading one could block forever.
 */
export function walkFiles(workspace: Workspace, start: string, options: WalkOptions): {files: AsyncIterable<WalkedFile>; truncated(): boolean} {
	let truncated = false;
	return {
		files: walk(workspace, start, options, () => {
			truncated = true;
		}),
		truncated: () => truncated,
	};
}

async function* walk(workspace: Workspace, start: string, options: WalkOptions, onTruncated: () => void): AsyncGenerator<WalkedFile> {
	let yielded = 0;
	const pending: Array<{dir: string; relative: string; depth: number}> = [{dir: start, relative: '', depth: 0}];
	while (pending.length > 0) {
		if (options.signal.aborted) return;
		const {dir, relative, depth} = pending.pop()!;
		let entries: Dirent[];
		try {
			entries = await fs.readdir(dir, {withFileTypes: true});
		} catch {
			// Unreadable directories (permissions, removed mid-walk) are skipped, as find and rg do.
			continue;
		}

		entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		const subdirectories: typeof pending = [];
		for (const entry of entries) {
			const full = path.join(dir, entry.name);
			const rel = relative ? `${relative}/${entry.name}` : entry.name;
			if (entry.isDirectory()) {
				if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
				if (options.maxDepth === undefined || depth + 1 < options.maxDepth) subdirectories.push({dir: full, relative: rel, depth: depth + 1});
				continue;
			}

			if (entry.isSymbolicLink() && !(await isFileLinkInside(workspace, full))) continue;
			if (!entry.isFile() && !entry.isSymbolicLink()) continue;
			if (yielded >= MAX_WALKED_FILES) {
				onTruncated();
				return;
			}

			yielded++;
			yield {path: full, relative: rel};
		}

		// Reversed onto the stack so directories come out in name order, depth first.
		pending.push(...subdirectories.reverse());
	}
}

async function isFileLinkInside(workspace: Workspace, link: string): Promise<boolean> {
	try {
		const real = await fs.realpath(link);
		if (!isInside(workspace.realRoot, real)) return false;
		return (await fs.stat(real)).isFile();
	} catch {
		return false;
	}
}
