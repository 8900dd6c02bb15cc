/**
 * Diagnostics go to a file: the TUI owns stdout. Lines pass through the same redaction as the
 * transcript, so a key in a server's stderr never lands on disk.
 */
import fs from 'node:fs';
import path from 'node:path';

export type DebugLog = {write(line: string): void; path: string};

export function openDebugLog(file: string, redact: (text: string) => string): DebugLog {
	let fd: number | undefined;
	return {
		path: file,
		write(line) {
			try {
				if (fd === undefined) {
					fs.mkdirSync(path.dirname(file), {recursive: true});
					fd = fs.openSync(file, 'a');
				}

				fs.writeSync(fd, `${new Date().toISOString()} ${redact(line)}\n`);
			} catch {
				// A log that cannot be written must never take the session down.
			}
		},
	};
}
