/**
 * Snapshots of an embedded database's data directory, for checkpoints, and putting one back, for a rewind.
 *
 * Saving: the engine has flushed everything (CHECKPOINT) and runs nothing (the caller holds its lock; PGlite has no
 * background workers), so the files on disk are a consistent database. Each file is copied, except one that has not
 * changed since the previous snapshot of the same database: that one is hard-linked to the previous copy, so a
 * checkpoint costs the tables the calls since have written, the WAL and the catalog files they touched, not the
 * whole database again. A saved copy is never written to again (a restore copies out of it), so sharing is safe.
 *
 * "Not changed" is size, inode, mtime and ctime all equal. A file written in the same clock tick as it was copied
 * could keep its times (ext4's timestamps are coarse); as git does with its index, such a "racy" entry is not trusted
 * to mean unchanged and is copied again next time.
 *
 * Restoring: the snapshot is copied beside the live directory (a live file still as it was when saved is linked
 * instead: the tables nobody touched since are not copied back), then swapped in with renames, recorded in a journal
 * so that a process killed at any point leaves either the old or the new directory (`recoverSwap`, run before every
 * open). Never half of each, and never none.
 */
import {constants} from 'node:fs';
import {copyFile, link, lstat, mkdir, open, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';

/** One file of a snapshot: what its source looked like when copied. */
type FileStamp = {size: number; ino: string; mtime: string; ctime: string; racy?: true};

/** Written last, so a snapshot without it is incomplete and never used. */
export const MANIFEST = 'snapshot.json';

type Manifest = {version: 1; files: Record<string, FileStamp>; dirs: string[]; bytes: number; linked: number; copied: number};

export type SnapshotSaved = {
	/** Bytes this snapshot added to the disk (copied files); linked files are shared with the previous one. */
	bytes: number;
	/** Bytes of the database it holds, shared or not. */
	totalBytes: number;
	copied: number;
	linked: number;
};

const WAL_SEGMENT = /^pg_wal\/[0-9A-F]{24}$/;
const WAL_PAGE = 8192;

/** The given byte ranges of a file, with holes (no disk used) between and after them up to `size`. */
async function copyRanges(from: string, to: string, ranges: Array<[number, number]>, size: number): Promise<number> {
	const source = await open(from, 'r');
	const target = await open(to, 'w', 0o600);
	let copied = 0;
	try {
		for (const [start, end] of ranges) {
			const buffer = Buffer.alloc(end - start);
			const {bytesRead} = await source.read(buffer, 0, buffer.length, start);
			await target.write(buffer, 0, bytesRead, start);
			copied += bytesRead;
		}
		await target.truncate(size);
		return copied;
	} finally {
		await source.close();
		await target.close();
	}
}

/** How close to the copy a file's mtime may be before it is treated as possibly changed within the same tick. */
const RACY_MS = 50;

/** Every file and directory under `root`, relative to it; Postgres needs its empty directories too (pg_tblspc…). */
async function walk(root: string, dir = '', out: {files: string[]; dirs: string[]} = {files: [], dirs: []}): Promise<{files: string[]; dirs: string[]}> {
	for (const entry of await readdir(path.join(root, dir), {withFileTypes: true})) {
		const rel = dir ? `${dir}/${entry.name}` : entry.name;
		if (entry.isDirectory()) {
			out.dirs.push(rel);
			await walk(root, rel, out);
		} else if (entry.isFile()) out.files.push(rel);
	}
	return out;
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
	try {
		const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
		return manifest.version === 1 ? manifest : undefined;
	} catch {
		return undefined;
	}
}

export async function isCompleteSnapshot(dir: string): Promise<boolean> {
	return (await readManifest(dir)) !== undefined;
}

/**
 * Copies `source` (a data directory at rest) to `target`, hard-linking what `previous` (an earlier complete snapshot
 * of the same directory) already holds unchanged. `target` must not exist.
 */
/**
 * A WAL segment a start-up reads, and which part of it: recovery reads the segment's first page (its long header is
 * checked) and the records from the last checkpoint's redo point (`fromBytes`) to the insert position (`usedBytes`).
 * Only those pages are copied; the rest of the segment is left a hole, read as zeros, which Postgres takes for the
 * end of the WAL (a fresh segment is zero-filled the same way). Without the offsets the whole segment is copied.
 */
export type WalSegment = {name: string; fromBytes?: number; usedBytes?: number};

export async function saveSnapshot(
	source: string,
	target: string,
	previous?: string,
	options: {walSegments?: readonly WalSegment[]} = {},
): Promise<SnapshotSaved> {
	const before = previous ? await readManifest(previous) : undefined;
	const started = Date.now();
	const files: Record<string, FileStamp> = {};
	let bytes = 0;
	let totalBytes = 0;
	let linked = 0;
	let copied = 0;
	await mkdir(target, {recursive: true, mode: 0o700});
	const tree = await walk(source);
	for (const rel of tree.dirs) await mkdir(path.join(target, rel), {recursive: true, mode: 0o700});
	// Only the WAL a start-up reads: from the last checkpoint's redo point on. Older segments are history, and the ones
	// Postgres recycled ahead of time are empty space; together they can outweigh the tables.
	const wal = options.walSegments ? new Map(options.walSegments.map(segment => [`pg_wal/${segment.name}`, segment])) : undefined;
	const wanted = wal ? tree.files.filter(rel => !WAL_SEGMENT.test(rel) || wal.has(rel)) : tree.files;
	for (const rel of wanted) {
		const from = path.join(source, rel);
		const stat = await lstat(from, {bigint: true});
		const stamp: FileStamp = {size: Number(stat.size), ino: String(stat.ino), mtime: String(stat.mtimeNs), ctime: String(stat.ctimeNs)};
		if (Number(stat.mtimeMs) >= started - RACY_MS || Number(stat.ctimeMs) >= started - RACY_MS) stamp.racy = true;
		const to = path.join(target, rel);
		const old = before?.files[rel];
		const unchanged = old && !old.racy && old.size === stamp.size && old.ino === stamp.ino && old.mtime === stamp.mtime && old.ctime === stamp.ctime;
		let shared = false;
		if (unchanged && previous) {
			try {
				await link(path.join(previous, rel), to);
				shared = true;
			} catch {
				// A previous copy that is gone (dropped meanwhile): copied below instead.
			}
		}
		const segment = wal?.get(rel);
		if (shared) linked++;
		else if (segment?.usedBytes !== undefined && segment.usedBytes < stamp.size) {
			const end = Math.min(stamp.size, Math.ceil(Math.max(segment.usedBytes, 1) / WAL_PAGE) * WAL_PAGE);
			const start = Math.min(end, Math.floor((segment.fromBytes ?? 0) / WAL_PAGE) * WAL_PAGE);
			bytes += await copyRanges(
				from,
				to,
				start > WAL_PAGE
					? [
							[0, WAL_PAGE],
							[start, end],
						]
					: [[0, end]],
				stamp.size,
			);
			stamp.racy = true;
			copied++;
		} else {
			// A reflink where the file system has them (btrfs, xfs), a plain copy elsewhere.
			await copyFile(from, to, constants.COPYFILE_FICLONE);
			copied++;
			bytes += stamp.size;
		}
		totalBytes += stamp.size;
		files[rel] = stamp;
	}
	const manifest: Manifest = {version: 1, files, dirs: tree.dirs, bytes, linked, copied};
	await writeFile(path.join(target, `${MANIFEST}.tmp`), JSON.stringify(manifest));
	await rename(path.join(target, `${MANIFEST}.tmp`), path.join(target, MANIFEST));
	return {bytes, totalBytes, copied, linked};
}

async function unchangedSince(file: string, stamp: FileStamp): Promise<boolean> {
	try {
		const now = await lstat(file, {bigint: true});
		return String(now.ino) === stamp.ino && Number(now.size) === stamp.size && String(now.mtimeNs) === stamp.mtime && String(now.ctimeNs) === stamp.ctime;
	} catch {
		return false;
	}
}

/** Paths of the swap beside a live directory `dir`. */
function swapPaths(dir: string) {
	return {incoming: `${dir}.rewind-new`, outgoing: `${dir}.rewind-old`, journal: `${dir}.rewind.json`};
}

async function exists(file: string): Promise<boolean> {
	try {
		await lstat(file);
		return true;
	} catch {
		return false;
	}
}

/**
 * Finishes or undoes a swap that a killed process left: with its journal (the new copy was complete) the swap is
 * completed; without one the half-made copy is removed and the old directory, if it was already moved aside, goes
 * back. Returns what it did, or undefined when there was nothing to recover.
 */
export async function recoverSwap(dir: string): Promise<'completed' | 'undone' | undefined> {
	const {incoming, outgoing, journal} = swapPaths(dir);
	if (await exists(journal)) {
		if (await exists(incoming)) {
			if (await exists(dir)) await rename(dir, outgoing);
			await rename(incoming, dir);
		}
		await rm(journal, {force: true});
		await rm(outgoing, {recursive: true, force: true});
		return 'completed';
	}
	const half = await exists(incoming);
	const aside = await exists(outgoing);
	if (!half && !aside) return undefined;
	await rm(incoming, {recursive: true, force: true});
	if (aside) {
		if (await exists(dir)) await rm(outgoing, {recursive: true, force: true});
		else await rename(outgoing, dir);
	}
	return 'undone';
}

/**
 * Puts the snapshot `from` in place of the live directory `dir`, in two steps. `prepareRestore` makes the copy beside
 * it (a snapshot is never handed to an engine: it would write into files other snapshots share); the engine may still
 * be running, as long as it runs nothing (its caller holds its lock). Files of the live directory still exactly as
 * they were when the snapshot was taken are linked rather than copied: the tables nobody touched since are not copied
 * back. Then, with the engine stopped, `swap` writes a journal that marks the copy whole and swaps it in with two
 * renames (see `recoverSwap`).
 */
export async function prepareRestore(from: string, dir: string): Promise<{swap(): Promise<{cleanup: Promise<void>}>}> {
	const manifest = await readManifest(from);
	if (!manifest) throw new Error(`The snapshot at ${from} is incomplete (no ${MANIFEST}); nothing was changed.`);
	await recoverSwap(dir);
	const {incoming, outgoing, journal} = swapPaths(dir);
	await rm(incoming, {recursive: true, force: true});
	await mkdir(incoming, {recursive: true, mode: 0o700});
	for (const rel of manifest.dirs) await mkdir(path.join(incoming, rel), {recursive: true, mode: 0o700});
	for (const [rel, stamp] of Object.entries(manifest.files)) {
		if (!stamp.racy && (await unchangedSince(path.join(dir, rel), stamp))) {
			try {
				await link(path.join(dir, rel), path.join(incoming, rel));
				continue;
			} catch {
				// Copied below.
			}
		}
		await copyFile(path.join(from, rel), path.join(incoming, rel), constants.COPYFILE_FICLONE);
	}
	return {
		async swap() {
			await writeFile(journal, JSON.stringify({from, at: new Date().toISOString()}));
			if (await exists(dir)) await rename(dir, outgoing);
			await rename(incoming, dir);
			await rm(journal, {force: true});
			// The old directory is removed after the caller has reopened the database: nothing waits for it. (Left behind
			// by a crash, the next swap or open removes it.)
			return {cleanup: rm(outgoing, {recursive: true, force: true}).catch(() => undefined)};
		},
	};
}

/** Both steps at once, for a directory no engine has open. */
export async function restoreSnapshot(from: string, dir: string): Promise<{cleanup: Promise<void>}> {
	return (await prepareRestore(from, dir)).swap();
}
