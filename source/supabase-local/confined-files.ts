/**
 * The server writes into the workspace (supabase/migrations, supabase/functions/<name>) on its own, sometimes before
 * any call (restoring migration files at start). A folder on that path replaced by a symbolic link — to .git/hooks,
 * to .claude — would carry those writes anywhere, so every folder on the way must be a real folder, and the file is
 * written under a fresh name and renamed into place (a link at the final name is replaced, never followed).
 */
import {randomUUID} from 'node:crypto';
import {lstat, mkdir, rename, writeFile} from 'node:fs/promises';
import path from 'node:path';

export class ConfinedWriteError extends Error {
	override readonly name = 'ConfinedWriteError';
}

/** Makes (or checks) `relativeDirectory` under `root`, one real folder at a time; returns its path. */
export async function confinedDirectory(root: string, relativeDirectory: string): Promise<string> {
	let directory = root;
	for (const part of relativeDirectory.split('/').filter(Boolean)) {
		directory = path.join(directory, part);
		let stat = await lstat(directory).catch(() => undefined);
		if (!stat) {
			await mkdir(directory).catch((error: NodeJS.ErrnoException) => {
				if (error.code !== 'EEXIST') throw error;
			});
			stat = await lstat(directory);
		}
		if (stat.isSymbolicLink() || !stat.isDirectory()) {
			const what = stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder';
			throw new ConfinedWriteError(
				`Refused to write into ${path.relative(root, directory) || '.'}: it is ${what}; pgpair writes its files only into real folders of the workspace.`,
			);
		}
	}
	return directory;
}

/** Writes `content` to `root/relativePath` through real folders only. */
export async function writeConfinedFile(root: string, relativePath: string, content: string): Promise<string> {
	const directory = await confinedDirectory(root, path.posix.dirname(relativePath));
	const file = path.join(directory, path.posix.basename(relativePath));
	const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
	// `wx`: a name someone planted (a link included) is never written through.
	await writeFile(temporary, content, {flag: 'wx'});
	await rename(temporary, file);
	return file;
}
