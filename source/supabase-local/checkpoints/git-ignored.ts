import {existsSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import path from 'node:path';

/**
 * `.pgpair/` holds the embedded database and copies of it and of the workspace's files (checkpoints): the project's
 * data, never something to commit. A `.gitignore` of its own inside it says so to git, whatever the project's says.
 */
export async function keepOutOfGit(pgpairDir: string): Promise<void> {
	const file = path.join(pgpairDir, '.gitignore');
	if (existsSync(file) || !existsSync(pgpairDir)) return;
	await writeFile(file, '# Written by pgpair: the embedded database and checkpoints are data, not source.\n*\n').catch(() => undefined);
}
