/**
 * The file half of checkpoints: the contents a call may change, saved before it runs, and put back on a rewind.
 *
 * Contents are stored once by their SHA-256 under `.pgpair/checkpoints/blobs/` (a file saved before ten calls that
 * never changed it costs one copy), and each checkpoint lists `path → blob` (or `null`: the file did not exist) in
 * its `files.json`. A listing can also be *complete* for a directory (`scopes`): then a file found there later that
 * the listing lacks was created since, and a rewind removes it. `.pgpair/` is a control directory: no tool call can
 * write there, so what is saved is what was there.
 */
import {createHash, randomBytes} from 'node:crypto';
import type {Dirent} from 'node:fs';
import {chmod, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';

/** One saved file: its content's blob, or null when it did not exist; `mode` to give it back its permissions. */
export type SavedFile = {path: string; blob: string | null; mode?: number};

export type FileListing = {
	files: SavedFile[];
	/** Directories (workspace-relative) listed completely: files there that the listing lacks were created since. */
	scopes: string[];
	/** What was left out, and why (too large, too many files). */
	skipped: string[];
};

/** Bash may touch anything in the workspace; beyond these limits its files are not saved, and the checkpoint says so. */
export const WORKSPACE_LIMITS = {maxFiles: 5000, maxFileBytes: 5 * 1024 * 1024, maxTotalBytes: 100 * 1024 * 1024};

/** Never part of a workspace listing: version control, dependencies, pgpair's own state and the transcripts. */
const NOT_LISTED = new Set(['.git', 'node_modules', '.pgpair', 'sessions']);

type Stamp = {size: number; mtime: string; ino: string; blob: string};

export class FileVault {
	readonly #root: string;
	readonly #cwd: string;
	/** path → how it looked when last hashed: an unchanged file is not read again. */
	readonly #stamps = new Map<string, Stamp>();
	readonly #present = new Set<string>();

	constructor(checkpointsRoot: string, cwd: string) {
		this.#root = checkpointsRoot;
		this.#cwd = cwd;
	}

	get blobsDir(): string {
		return path.join(this.#root, 'blobs');
	}

	/** A workspace-relative path when inside the workspace, else the absolute one. */
	key(file: string): string {
		const absolute = path.resolve(this.#cwd, file);
		const relative = path.relative(this.#cwd, absolute);
		if (relative === '') return '.';
		return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : absolute;
	}

	absolute(key: string): string {
		return path.isAbsolute(key) ? key : path.join(this.#cwd, key);
	}

	/**
	 * Saves the named files and every file under `scopes`; returns the listing and the bytes newly stored. With
	 * `complete`, a scope's listing also counts as complete (a rewind removes files created there since); Bash's
	 * listing of the whole workspace is not, since the person's own new files live there too.
	 */
	async save(paths: readonly string[], scopes: readonly string[] = [], {complete = true} = {}): Promise<{listing: FileListing; bytes: number}> {
		const skipped: string[] = [];
		const keys = new Set(paths.map(p => this.key(p)));
		const completed: string[] = [];
		for (const scope of scopes) {
			const found = await this.#list(scope, skipped);
			if (found === undefined) continue;
			for (const key of found) keys.add(key);
			if (complete) completed.push(this.key(scope));
		}
		let bytes = 0;
		const files: SavedFile[] = [];
		for (const key of keys) {
			const saved = await this.#saveOne(key, skipped);
			if (!saved) continue;
			bytes += saved.bytes;
			files.push(saved.file);
		}
		return {listing: {files, scopes: completed, skipped}, bytes};
	}

	/** The blob a file's content has now (null: it does not exist), reading it only when its stamp changed. */
	async current(key: string): Promise<string | null> {
		const file = this.absolute(key);
		try {
			const info = await stat(file, {bigint: true});
			if (!info.isFile()) return null;
			const stamp = this.#stamps.get(key);
			if (stamp && stamp.size === Number(info.size) && stamp.mtime === String(info.mtimeNs) && stamp.ino === String(info.ino)) return stamp.blob;
			return sha(await readFile(file));
		} catch {
			return null;
		}
	}

	/** Files under `scope` now (workspace-relative keys), within the limits; undefined when the listing had to stop. */
	async filesUnder(scope: string): Promise<string[]> {
		return (await this.#list(scope, [])) ?? [];
	}

	/** Puts a saved file back (written beside and renamed over, so a crash never leaves half a file), or removes it. */
	async restore(file: SavedFile): Promise<void> {
		const target = this.absolute(file.path);
		// Never through a symbolic link: one made since (supabase/migrations → .git/hooks, say) would carry the write,
		// or the removal, somewhere nobody saved or asked about.
		const link = await this.#linkOnPath(target);
		if (link) throw new Error(`${file.path} was not restored: ${this.key(link)} is now a symbolic link`);
		if (file.blob === null) {
			await rm(target, {force: true});
			return;
		}
		const content = await readFile(path.join(this.blobsDir, file.blob));
		await mkdir(path.dirname(target), {recursive: true});
		const temporary = `${target}.pgpair-${randomBytes(4).toString('hex')}`;
		await writeFile(temporary, content, {mode: file.mode ?? 0o644});
		if (file.mode !== undefined) await chmod(temporary, file.mode);
		await rename(temporary, target);
		this.#stamps.delete(file.path);
	}

	/** Removes blobs no listing in `keep` names any more (after checkpoints were dropped). */
	async collect(keep: ReadonlySet<string>): Promise<number> {
		let freed = 0;
		let names: string[];
		try {
			names = await readdir(this.blobsDir);
		} catch {
			return 0;
		}
		for (const name of names) {
			if (keep.has(name)) continue;
			const file = path.join(this.blobsDir, name);
			freed += (await stat(file).catch(() => ({size: 0}))).size;
			await rm(file, {force: true});
			this.#present.delete(name);
		}
		return freed;
	}

	/** The first component of `target`'s path, from the workspace down (or from its own parent outside it), that is a link. */
	async #linkOnPath(target: string): Promise<string | undefined> {
		const inside = !path.isAbsolute(this.key(target));
		const start = inside ? this.#cwd : path.dirname(target);
		const parts = path.relative(start, target).split(path.sep);
		let current = start;
		for (const part of parts) {
			current = path.join(current, part);
			try {
				if ((await lstat(current)).isSymbolicLink()) return current;
			} catch {
				return undefined;
			}
		}
		return undefined;
	}

	async #saveOne(key: string, skipped: string[]): Promise<{file: SavedFile; bytes: number} | undefined> {
		const file = this.absolute(key);
		let info: import('node:fs').BigIntStats;
		try {
			info = await lstat(file, {bigint: true});
		} catch {
			return {file: {path: key, blob: null}, bytes: 0};
		}
		if (info.isSymbolicLink() || !info.isFile()) {
			skipped.push(`${key}: not a regular file`);
			return undefined;
		}
		if (Number(info.size) > WORKSPACE_LIMITS.maxFileBytes) {
			skipped.push(`${key}: larger than ${WORKSPACE_LIMITS.maxFileBytes / 1024 / 1024} MB`);
			return undefined;
		}
		const mode = Number(info.mode) & 0o7777;
		const cached = this.#stamps.get(key);
		if (
			cached &&
			cached.size === Number(info.size) &&
			cached.mtime === String(info.mtimeNs) &&
			cached.ino === String(info.ino) &&
			this.#present.has(cached.blob)
		) {
			return {file: {path: key, blob: cached.blob, mode}, bytes: 0};
		}
		const content = await readFile(file);
		const blob = sha(content);
		let bytes = 0;
		if (!this.#present.has(blob)) {
			const target = path.join(this.blobsDir, blob);
			try {
				await stat(target);
			} catch {
				await mkdir(this.blobsDir, {recursive: true, mode: 0o700});
				const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`;
				await writeFile(temporary, content, {mode: 0o600});
				await rename(temporary, target);
				bytes = content.length;
			}
			this.#present.add(blob);
		}
		// Trusted as unchanged next time only if it was not written in the same moment it was read (see pglite-snapshot.ts).
		if (Date.now() - Number(info.mtimeMs) > 50) this.#stamps.set(key, {size: Number(info.size), mtime: String(info.mtimeNs), ino: String(info.ino), blob});
		return {file: {path: key, blob, mode}, bytes};
	}

	async #list(scope: string, skipped: string[]): Promise<string[] | undefined> {
		const out: string[] = [];
		let total = 0;
		const walk = async (dir: string): Promise<boolean> => {
			let entries: Dirent[];
			try {
				entries = await readdir(dir, {withFileTypes: true});
			} catch {
				return true;
			}
			for (const entry of entries) {
				const full = path.join(dir, entry.name);
				if (entry.isDirectory()) {
					if (NOT_LISTED.has(entry.name) && dir === this.#cwd) continue;
					if (entry.name === '.git' || entry.name === 'node_modules') continue;
					if (!(await walk(full))) return false;
				} else if (entry.isFile()) {
					const size = (await lstat(full)).size;
					if (size > WORKSPACE_LIMITS.maxFileBytes) continue;
					total += size;
					out.push(this.key(full));
					if (out.length > WORKSPACE_LIMITS.maxFiles || total > WORKSPACE_LIMITS.maxTotalBytes) return false;
				}
			}
			return true;
		};
		const root = this.absolute(this.key(scope));
		// A scope that is a link is not listed (nor, then, emptied by a rewind): it is not the workspace's own directory.
		if (await this.#linkOnPath(root)) {
			skipped.push(`${this.key(scope)}: a symbolic link, not saved`);
			return undefined;
		}
		if (!(await walk(root))) {
			skipped.push(
				`${this.key(scope) || 'the workspace'}: more than ${WORKSPACE_LIMITS.maxFiles} files or ${WORKSPACE_LIMITS.maxTotalBytes / 1024 / 1024} MB, not saved`,
			);
			return undefined;
		}
		return out;
	}
}

function sha(content: Buffer): string {
	return createHash('sha256').update(content).digest('hex');
}
