import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {REPO_ROOT} from './paths.js';

/**
 * The read-only shared folder sits beside the repository (`../shared/`), locally and in CI.
 * Reading fails loudly when it is absent: a test built on it must fail, never skip.
 */
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared');

export const USER_AGENT_FILE = path.join(SHARED_DIR, 'agents/backend-engineer.md');

export async function readSharedFile(relativePath: string): Promise<string> {
	return readFile(path.join(SHARED_DIR, relativePath), 'utf8');
}
