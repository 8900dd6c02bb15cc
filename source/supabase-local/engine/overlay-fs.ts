/**
 * A copy-on-write file system for a PGlite sandbox: the live data directory is the lower layer, read with plain
 * `fs.readSync` and never written; every write lands in memory, block by block. Booting PGlite on it gives an exact
 * clone of the live database in about the time of a reopen, without copying it, and nothing the clone does — a
 * large-object export into the data directory, `COPY … TO` a file, a truncated relation — reaches the host.
 *
 * Invariants the callers keep: the live database is checkpointed before a clone boots and does not write while the
 * clone lives (the lower layer is a still picture); the clone is thrown away, never merged back.
 */
import fs from 'node:fs';
import path from 'node:path';
import {BaseFilesystem, ERRNO_CODES, type FsStats} from '@electric-sql/pglite/basefs';

const BLOCK = 8192;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/** PGlite mounts a custom file system at PGDATA; paths reach us relative to the mount or with this prefix. */
const PGDATA = '/pglite/data';

/**
 * Files the clone must not see: the live server's lock file (the clone would refuse to start next to it).
 */
const HIDDEN = new Set(['/postmaster.pid']);

/** Where Postgres keeps its own state; writes elsewhere in the data directory are files someone asked for. */
const POSTGRES_OWN =
	/^\/(base|global|pg_wal|pg_xact|pg_multixact|pg_subtrans|pg_stat|pg_stat_tmp|pg_logical|pg_notify|pg_serial|pg_snapshots|pg_commit_ts|pg_replslot|pg_twophase|pg_dynshmem|pg_tblspc)(\/|$)|^\/(postmaster\.pid|postmaster\.opts|postgresql\.auto\.conf(\.tmp)?|pg_internal\.init)$/;

type FileNode = {
	kind: 'file';
	/** Where it is now (renames move it), relative to the mount. */
	path: string;
	ino: number;
	mode: number;
	mtime: number;
	size: number;
	/** The host file behind the blocks not written yet; absent for files made (or emptied) in the clone. */
	lower?: string;
	lowerFd?: number;
	/** How much of the host file still shows through (a truncate hides the rest for good). */
	lowerSize: number;
	blocks: Map<number, Uint8Array>;
};

type DirNode = {
	kind: 'dir';
	ino: number;
	mode: number;
	mtime: number;
	/** The host directory merged under this one; absent for directories made in the clone (opaque). */
	lower?: string;
};

type Node = FileNode | DirNode;

const fsError = (code: keyof typeof ERRNO_CODES) => Object.assign(new Error(code), {code: ERRNO_CODES[code]});

/** The bytes from `position` on, `length` of them, cut where blocks end: each piece's block, where in it, how many. */
function* blockSpans(position: number, length: number): Generator<{at: number; done: number; index: number; within: number; count: number}> {
	for (let done = 0; done < length; ) {
		const at = position + done;
		const within = at % BLOCK;
		const count = Math.min(BLOCK - within, length - done);
		yield {at, done, index: Math.floor(at / BLOCK), within, count};
		done += count;
	}
}

export class OverlayFilesystem extends BaseFilesystem {
	readonly #lowerRoot: string;
	/** Looked-up and changed nodes by path relative to the mount; `null` marks a deletion (a whiteout). */
	readonly #nodes = new Map<string, Node | null>();
	readonly #open = new Map<number, FileNode | DirNode>();
	/** Every path written or created in the clone, for the report of files touched outside Postgres's own state. */
	readonly #written = new Set<string>();
	#nextFd = 1;
	#nextIno = 1;

	readonly #hidden: ReadonlySet<string>;

	/**
	 * `hideLockFile`: a clone next to a running live engine must not see the live engine's lock file (it would refuse
	 * to start); a frozen live engine (live-fs.ts) keeps seeing its own.
	 */
	constructor(lowerRoot: string, options: {hideLockFile?: boolean} = {}) {
		super();
		this.#lowerRoot = path.resolve(lowerRoot);
		this.#hidden = options.hideLockFile === false ? new Set() : HIDDEN;
	}

	/** Paths written in the data directory outside Postgres's own files (relative to the data directory). */
	writtenOutsidePostgres(): string[] {
		return [...this.#written].filter(p => !POSTGRES_OWN.test(p) && this.#nodes.get(p)?.kind === 'file').sort();
	}

	#rel(p: string): string {
		const stripped = p.startsWith(PGDATA) ? p.slice(PGDATA.length) : p;
		const normal = path.posix.normalize(`/${stripped}`);
		return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
	}

	#lowerPath(rel: string): string | undefined {
		// A deleted or opaque ancestor hides the host's entries below it.
		let dir = path.posix.dirname(rel);
		while (dir !== '/' && dir !== '.') {
			const node = this.#nodes.get(dir);
			if (node === null) return undefined;
			if (node && node.kind === 'dir' && !node.lower) return undefined;
			dir = path.posix.dirname(dir);
		}
		return path.join(this.#lowerRoot, rel);
	}

	#lookup(rel: string): Node {
		const known = this.#nodes.get(rel);
		if (known === null) throw fsError('ENOENT');
		if (known) return known;
		if (this.#hidden.has(rel)) throw fsError('ENOENT');
		const lower = this.#lowerPath(rel);
		if (!lower) throw fsError('ENOENT');
		let stat: fs.Stats;
		try {
			stat = fs.lstatSync(lower);
		} catch {
			throw fsError('ENOENT');
		}
		const node: Node = stat.isDirectory()
			? {kind: 'dir', ino: this.#nextIno++, mode: S_IFDIR | 0o700, mtime: stat.mtimeMs, lower}
			: {
					kind: 'file',
					path: rel,
					ino: this.#nextIno++,
					mode: S_IFREG | 0o600,
					mtime: stat.mtimeMs,
					size: stat.size,
					lower,
					lowerSize: stat.size,
					blocks: new Map(),
				};
		this.#nodes.set(rel, node);
		return node;
	}

	#exists(rel: string): boolean {
		try {
			this.#lookup(rel);
			return true;
		} catch {
			return false;
		}
	}

	#parentDir(rel: string): DirNode {
		const parent = this.#lookup(path.posix.dirname(rel));
		if (parent.kind !== 'dir') throw fsError('ENOTDIR');
		return parent;
	}

	#stats(node: Node): FsStats {
		const size = node.kind === 'dir' ? 4096 : node.size;
		return {
			dev: 0,
			ino: node.ino,
			mode: node.mode,
			nlink: 1,
			uid: 0,
			gid: 0,
			rdev: 0,
			size,
			blksize: BLOCK,
			blocks: Math.ceil(size / 512),
			atime: node.mtime,
			mtime: node.mtime,
			ctime: node.mtime,
		};
	}

	#fd(fd: number): FileNode | DirNode {
		const node = this.#open.get(fd);
		if (!node) throw fsError('EBADF');
		return node;
	}

	#newFile(rel: string, mode?: number): FileNode {
		this.#parentDir(rel);
		const node: FileNode = {
			kind: 'file',
			path: rel,
			ino: this.#nextIno++,
			mode: S_IFREG | ((mode ?? 0o600) & 0o777),
			mtime: Date.now(),
			size: 0,
			lowerSize: 0,
			blocks: new Map(),
		};
		this.#nodes.set(rel, node);
		this.#written.add(rel);
		return node;
	}

	#readLowerBlock(node: FileNode, index: number): Uint8Array {
		const block = new Uint8Array(BLOCK);
		const start = index * BLOCK;
		if (node.lower && start < node.lowerSize) {
			node.lowerFd ??= fs.openSync(node.lower, 'r');
			fs.readSync(node.lowerFd, block, 0, Math.min(BLOCK, node.lowerSize - start), start);
		}
		return block;
	}

	// The file system interface PGlite calls (synchronous, node:fs-like, errors carry an errno `code`).

	lstat(p: string): FsStats {
		return this.#stats(this.#lookup(this.#rel(p)));
	}

	fstat(fd: number): FsStats {
		return this.#stats(this.#fd(fd));
	}

	chmod(p: string, mode: number): void {
		const node = this.#lookup(this.#rel(p));
		node.mode = (node.mode & ~0o777) | (mode & 0o777);
	}

	utimes(p: string, _atime: number, mtime: number): void {
		this.#lookup(this.#rel(p)).mtime = mtime;
	}

	mkdir(p: string, options?: {recursive?: boolean; mode?: number}): void {
		const rel = this.#rel(p);
		if (this.#exists(rel)) {
			if (options?.recursive) return;
			throw fsError('EEXIST');
		}
		if (options?.recursive && !this.#exists(path.posix.dirname(rel))) this.mkdir(path.posix.dirname(rel), options);
		this.#parentDir(rel);
		this.#nodes.set(rel, {kind: 'dir', ino: this.#nextIno++, mode: S_IFDIR | 0o700, mtime: Date.now()});
		this.#written.add(rel);
	}

	readdir(p: string): string[] {
		const rel = this.#rel(p);
		const node = this.#lookup(rel);
		if (node.kind !== 'dir') throw fsError('ENOTDIR');
		const names = new Set<string>();
		if (node.lower) {
			for (const name of fs.readdirSync(node.lower)) if (!this.#hidden.has(path.posix.join(rel, name))) names.add(name);
		}
		for (const [key, value] of this.#nodes) {
			if (key === rel || path.posix.dirname(key) !== rel) continue;
			if (value === null) names.delete(path.posix.basename(key));
			else names.add(path.posix.basename(key));
		}
		return [...names];
	}

	open(p: string, flags = 'r', mode?: number): number {
		const rel = this.#rel(p);
		let node: Node;
		try {
			node = this.#lookup(rel);
		} catch (error) {
			if (!/[wa+]/.test(flags)) throw error;
			node = this.#newFile(rel, mode);
		}
		if (node.kind === 'file' && flags.startsWith('w')) this.#empty(node, rel);
		const fd = this.#nextFd++;
		this.#open.set(fd, node);
		return fd;
	}

	close(fd: number): void {
		this.#open.delete(fd);
	}

	read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
		const node = this.#fd(fd);
		if (node.kind !== 'file') throw fsError('EISDIR');
		if (position >= node.size) return 0;
		const total = Math.min(length, node.size - position);
		for (const {at, done, index, within, count} of blockSpans(position, total)) {
			const block = node.blocks.get(index);
			if (block) {
				buffer.set(block.subarray(within, within + count), offset + done);
			} else if (node.lower && at < node.lowerSize) {
				node.lowerFd ??= fs.openSync(node.lower, 'r');
				const visible = Math.min(count, node.lowerSize - at);
				const got = fs.readSync(node.lowerFd, buffer, offset + done, visible, at);
				if (got < count) buffer.fill(0, offset + done + got, offset + done + count);
			} else {
				buffer.fill(0, offset + done, offset + done + count);
			}
		}
		return total;
	}

	write(fd: number, buffer: Uint8Array | ArrayBuffer, offset: number, length: number, position: number): number {
		const node = this.#fd(fd);
		if (node.kind !== 'file') throw fsError('EISDIR');
		const source = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
		for (const {done, index, within, count} of blockSpans(position, length)) {
			let block = node.blocks.get(index);
			if (!block) {
				block = this.#readLowerBlock(node, index);
				node.blocks.set(index, block);
			}
			block.set(source.subarray(offset + done, offset + done + count), within);
		}
		node.size = Math.max(node.size, position + length);
		node.mtime = Date.now();
		this.#written.add(node.path);
		return length;
	}

	truncate(p: string, length = 0): void {
		const rel = this.#rel(p);
		const node = this.#lookup(rel);
		if (node.kind !== 'file') throw fsError('EISDIR');
		if (length === 0) {
			this.#empty(node, rel);
			return;
		}
		for (const index of node.blocks.keys()) if (index * BLOCK >= length) node.blocks.delete(index);
		const last = Math.floor(length / BLOCK);
		if (length % BLOCK !== 0 && length < node.size) {
			const block = node.blocks.get(last) ?? this.#readLowerBlock(node, last);
			block.fill(0, length % BLOCK);
			node.blocks.set(last, block);
		}
		// What a shrink cut off stays cut off, even when the file grows again.
		node.lowerSize = Math.min(node.lowerSize, length);
		node.size = length;
		this.#written.add(rel);
	}

	#empty(node: FileNode, rel: string): void {
		node.blocks.clear();
		node.lowerSize = 0;
		node.size = 0;
		this.#written.add(rel);
	}

	writeFile(p: string, data: string | Uint8Array, options?: {mode?: number}): void {
		const rel = this.#rel(p);
		const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
		let node: Node;
		try {
			node = this.#lookup(rel);
		} catch {
			node = this.#newFile(rel, options?.mode);
		}
		if (node.kind !== 'file') throw fsError('EISDIR');
		this.#empty(node, rel);
		const fd = this.#nextFd++;
		this.#open.set(fd, node);
		this.write(fd, bytes, 0, bytes.length, 0);
		this.#open.delete(fd);
	}

	unlink(p: string): void {
		const rel = this.#rel(p);
		const node = this.#lookup(rel);
		if (node.kind === 'dir') throw fsError('EISDIR');
		this.#nodes.set(rel, null);
		this.#written.delete(rel);
	}

	rmdir(p: string): void {
		const rel = this.#rel(p);
		const node = this.#lookup(rel);
		if (node.kind !== 'dir') throw fsError('ENOTDIR');
		if (this.readdir(p).length > 0) throw fsError('ENOTEMPTY');
		this.#nodes.set(rel, null);
	}

	rename(from: string, to: string): void {
		const source = this.#rel(from);
		const target = this.#rel(to);
		const node = this.#lookup(source);
		this.#parentDir(target);
		if (node.kind === 'dir') {
			// Postgres renames directories only in places a clone never reaches (replication slots, tablespaces).
			throw fsError('EINVAL');
		}
		node.path = target;
		this.#nodes.set(target, node);
		this.#nodes.set(source, null);
		this.#written.add(target);
		this.#written.delete(source);
	}

	override async closeFs(): Promise<void> {
		for (const node of this.#nodes.values()) {
			if (node?.kind === 'file' && node.lowerFd !== undefined) {
				fs.closeSync(node.lowerFd);
				delete node.lowerFd;
			}
		}
	}
}
