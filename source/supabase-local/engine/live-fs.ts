/**
 * The live database's file system: its data directory on disk, with one extra power — it can be frozen. Until
 * then every operation goes straight to the host directory, as PGlite's own node file system does. From `freeze()`
 * on, nothing reaches the directory any more: reads see the files as they were plus whatever was written since,
 * writes land in memory (a copy-on-write layer, overlay-fs.ts), and there is no way back. A frozen engine is the
 * sandbox of a preview: it is warm (caches, catalog), it sees exactly the live data, and when the preview is over it
 * is thrown away and the engine restarts from the untouched files, the way Postgres recovers from a crash.
 *
 * Why that is enough: the caller checkpoints before freezing, so everything committed is on disk; Postgres only
 * promises durability through its WAL, so pages it still had in memory and writes it makes after the freeze can be
 * lost without harm to anything committed before.
 */
import fs from 'node:fs';
import path from 'node:path';
import {BaseFilesystem, type FsStats} from '@electric-sql/pglite/basefs';
import {OverlayFilesystem} from './overlay-fs.js';

/**
 * Emscripten's errno numbers (WASI's, in order from 1), for the errors a host file system gives: Postgres turns each
 * into its own message ("No space left on device", "File too large", …).
 */
const ERRNO: Record<string, number> = Object.fromEntries(
	'2BIG ACCES ADDRINUSE ADDRNOTAVAIL AFNOSUPPORT AGAIN ALREADY BADF BADMSG BUSY CANCELED CHILD CONNABORTED CONNREFUSED CONNRESET DEADLK DESTADDRREQ DOM DQUOT EXIST FAULT FBIG HOSTUNREACH IDRM ILSEQ INPROGRESS INTR INVAL IO ISCONN ISDIR LOOP MFILE MLINK MSGSIZE MULTIHOP NAMETOOLONG NETDOWN NETRESET NETUNREACH NFILE NOBUFS NODEV NOENT NOEXEC NOLCK NOLINK NOMEM NOMSG NOPROTOOPT NOSPC NOSYS NOTCONN NOTDIR NOTEMPTY NOTRECOVERABLE NOTSOCK NOTSUP NOTTY NXIO OVERFLOW OWNERDEAD PERM PIPE PROTO PROTONOSUPPORT PROTOTYPE RANGE ROFS SPIPE SRCH STALE TIMEDOUT TXTBSY XDEV'
		.split(' ')
		.map((name, i) => [`E${name}`, i + 1]),
);

/** PGlite mounts a custom file system at PGDATA; paths reach us relative to the mount or with this prefix. */
const PGDATA = '/pglite/data';

function hostError(error: unknown): Error {
	const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
	return Object.assign(new Error(code), {code: ERRNO[code] ?? ERRNO['EIO']});
}

function host<T>(fn: () => T): T {
	try {
		return fn();
	} catch (error) {
		throw hostError(error);
	}
}

type Open = {path: string; hostFd?: number; overlayFd?: number};

export class LiveFilesystem extends BaseFilesystem {
	readonly #root: string;
	readonly #open = new Map<number, Open>();
	#nextFd = 1;
	#frozen: OverlayFilesystem | undefined;

	constructor(root: string) {
		super();
		this.#root = path.resolve(root);
		fs.mkdirSync(this.#root, {recursive: true});
	}

	get frozen(): boolean {
		return this.#frozen !== undefined;
	}

	/** From now on nothing reaches the data directory. There is no thaw: a frozen engine is discarded. */
	freeze(): void {
		this.#frozen ??= new OverlayFilesystem(this.#root, {hideLockFile: false});
	}

	/** Files written outside Postgres's own state since the freeze (relative to the data directory). */
	writtenSinceFreeze(): string[] {
		return this.#frozen?.writtenOutsidePostgres() ?? [];
	}

	#host(p: string): string {
		const stripped = p.startsWith(PGDATA) ? p.slice(PGDATA.length) : p;
		return path.join(this.#root, path.posix.normalize(`/${stripped}`));
	}

	#entry(fd: number): Open {
		const entry = this.#open.get(fd);
		if (!entry) throw Object.assign(new Error('EBADF'), {code: ERRNO['EBADF']});
		return entry;
	}

	/** The overlay's descriptor for a file opened before or after the freeze. */
	#overlayFd(entry: Open): number {
		entry.overlayFd ??= this.#frozen!.open(entry.path, 'r+');
		return entry.overlayFd;
	}

	#stats(stat: fs.Stats): FsStats {
		return {
			dev: stat.dev,
			ino: stat.ino,
			mode: stat.mode,
			nlink: stat.nlink,
			uid: stat.uid,
			gid: stat.gid,
			rdev: stat.rdev,
			size: stat.size,
			blksize: stat.blksize,
			blocks: stat.blocks,
			atime: stat.atimeMs,
			mtime: stat.mtimeMs,
			ctime: stat.ctimeMs,
		};
	}

	lstat(p: string): FsStats {
		if (this.#frozen) return this.#frozen.lstat(p);
		return host(() => this.#stats(fs.lstatSync(this.#host(p))));
	}

	fstat(fd: number): FsStats {
		const entry = this.#entry(fd);
		if (this.#frozen) return this.#frozen.fstat(this.#overlayFd(entry));
		return host(() => this.#stats(entry.hostFd === undefined ? fs.lstatSync(this.#host(entry.path)) : fs.fstatSync(entry.hostFd)));
	}

	chmod(p: string, mode: number): void {
		if (this.#frozen) this.#frozen.chmod(p, mode);
		else host(() => fs.chmodSync(this.#host(p), mode));
	}

	utimes(p: string, atime: number, mtime: number): void {
		if (this.#frozen) this.#frozen.utimes(p, atime, mtime);
		else host(() => fs.utimesSync(this.#host(p), atime / 1000, mtime / 1000));
	}

	mkdir(p: string, options?: {recursive?: boolean; mode?: number}): void {
		if (this.#frozen) this.#frozen.mkdir(p, options);
		else host(() => fs.mkdirSync(this.#host(p), options));
	}

	readdir(p: string): string[] {
		if (this.#frozen) return this.#frozen.readdir(p);
		return host(() => fs.readdirSync(this.#host(p)));
	}

	open(p: string, flags = 'r+', mode?: number): number {
		const entry: Open = {path: p};
		if (this.#frozen) {
			entry.overlayFd = this.#frozen.open(p, flags, mode);
		} else {
			const target = this.#host(p);
			// Directories are opened by emscripten without a host descriptor; files read-write, as Postgres wants them.
			const isDirectory = host(() => fs.statSync(target)).isDirectory();
			if (!isDirectory) entry.hostFd = host(() => fs.openSync(target, flags === 'r' ? 'r' : 'r+', mode));
		}
		const fd = this.#nextFd++;
		this.#open.set(fd, entry);
		return fd;
	}

	close(fd: number): void {
		const entry = this.#open.get(fd);
		if (!entry) return;
		this.#open.delete(fd);
		if (entry.overlayFd !== undefined) this.#frozen?.close(entry.overlayFd);
		if (entry.hostFd !== undefined) host(() => fs.closeSync(entry.hostFd!));
	}

	read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
		const entry = this.#entry(fd);
		if (this.#frozen) return this.#frozen.read(this.#overlayFd(entry), buffer, offset, length, position);
		return host(() => fs.readSync(entry.hostFd!, buffer, offset, length, position));
	}

	write(fd: number, buffer: Uint8Array | ArrayBuffer, offset: number, length: number, position: number): number {
		const entry = this.#entry(fd);
		if (this.#frozen) return this.#frozen.write(this.#overlayFd(entry), buffer, offset, length, position);
		const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
		return host(() => fs.writeSync(entry.hostFd!, bytes, offset, length, position));
	}

	truncate(p: string, length = 0): void {
		if (this.#frozen) this.#frozen.truncate(p, length);
		else host(() => fs.truncateSync(this.#host(p), length));
	}

	writeFile(p: string, data: string | Uint8Array, options?: {encoding?: string; mode?: number; flag?: string}): void {
		if (this.#frozen) this.#frozen.writeFile(p, data, options);
		else host(() => fs.writeFileSync(this.#host(p), data, options?.mode === undefined ? undefined : {mode: options.mode}));
	}

	unlink(p: string): void {
		if (this.#frozen) this.#frozen.unlink(p);
		else host(() => fs.unlinkSync(this.#host(p)));
	}

	rmdir(p: string): void {
		if (this.#frozen) this.#frozen.rmdir(p);
		else host(() => fs.rmdirSync(this.#host(p)));
	}

	rename(from: string, to: string): void {
		if (this.#frozen) this.#frozen.rename(from, to);
		else host(() => fs.renameSync(this.#host(from), this.#host(to)));
	}

	override async closeFs(): Promise<void> {
		for (const fd of [...this.#open.keys()]) this.close(fd);
		await this.#frozen?.closeFs();
	}
}
