/**
 * Appends session events to a transcript file as they happen. Each line goes out in one synchronous
 * write on an O_APPEND descriptor: once `append` returns the line is in the kernel, so a crash or
 * `kill -9` of pgpair loses at most the event being written and never damages earlier lines. (Power
 * loss can still drop the page-cache tail; `close` fsyncs, per-event fsync would cost too much.)
 */
import {closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import type {SessionEvent} from '../core/events.js';
import {parseHeader, TRANSCRIPT_VERSION, TranscriptError, type TranscriptHeader} from './format.js';
import {readFirstLineSync} from './lines.js';
import type {Redactor} from './redact.js';

export type TranscriptWriter = {
	readonly path: string;
	readonly header: TranscriptHeader;
	append(event: SessionEvent): void;
	close(): void;
};

export type WriterOptions = {
	/**
	 * Applied to each event before it is written. Sessions leave it out: their events are redacted once,
	 * when the store commits them (store/event-store.ts), so the file holds exactly what the screen showed.
	 */
	redact?: Redactor;
};

/** Creates a new transcript and writes its header. Fails if the file exists: ids must be fresh. */
export function openTranscript(path: string, header: TranscriptHeader, options: WriterOptions = {}): TranscriptWriter {
	mkdirSync(dirname(path), {recursive: true});
	const fd = openSync(path, 'ax');
	try {
		writeLine(fd, `${JSON.stringify(header)}\n`);
	} catch (error) {
		closeSync(fd);
		throw error;
	}

	return createWriter(fd, path, header, options.redact);
}

/**
 * Opens an existing transcript to continue it (resume). If the previous process died mid-line, the
 * torn line is terminated first so the next event starts on a line of its own; the reader then
 * skips the torn line with a warning and reads everything after it.
 */
export function reopenTranscript(path: string, options: WriterOptions = {}): TranscriptWriter {
	const header = parseHeader(readFirstLineSync(path));
	if (header.version !== TRANSCRIPT_VERSION) {
		throw new TranscriptError(
			`cannot append to ${path}: it uses transcript format version ${header.version}, this pgpair writes version ${TRANSCRIPT_VERSION}`,
		);
	}

	const fd = openSync(path, 'a+');
	try {
		const {size} = fstatSync(fd);
		const last = Buffer.alloc(1);
		if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) writeLine(fd, '\n');
	} catch (error) {
		closeSync(fd);
		throw error;
	}

	return createWriter(fd, path, header, options.redact);
}

function createWriter(fd: number, path: string, header: TranscriptHeader, redact: Redactor | undefined): TranscriptWriter {
	let open = true;
	return {
		path,
		header,
		append(event) {
			if (!open) throw new Error(`transcript ${path} is closed`);
			writeLine(fd, `${JSON.stringify(redact ? redact(event) : event)}\n`);
		},
		close() {
			if (!open) return;
			open = false;
			try {
				fsyncSync(fd);
			} finally {
				closeSync(fd);
			}
		},
	};
}

function writeLine(fd: number, line: string): void {
	const bytes = Buffer.from(line, 'utf8');
	let offset = 0;
	// One write in practice; the loop only matters for a short write (disk nearly full, signals).
	while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}
