/**
 * A terminal for the real Ink renderer without a pty: a TTY-like stdout that counts what is written and
 * keeps only a bounded tail (so a long session does not grow the test's own memory), and a stdin that
 * accepts key presses. Unlike ink-testing-library this runs Ink in its production mode (not `debug`),
 * where finished <Static> output is written once instead of with every frame.
 */
import {EventEmitter} from 'node:events';

const TAIL_CHARS = 64 * 1024;

export class FakeStdout extends EventEmitter {
	readonly isTTY = true;
	columns: number;
	rows: number;
	/** Characters written so far, and how many writes. */
	written = 0;
	writes = 0;
	private chunks: string[] = [];
	private chunkChars = 0;

	constructor(columns = 100, rows = 30) {
		super();
		this.columns = columns;
		this.rows = rows;
	}

	write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
		const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
		this.written += text.length;
		this.writes += 1;
		this.chunks.push(text);
		this.chunkChars += text.length;
		// Trimmed only once twice the tail has piled up, so a write costs what it writes.
		if (this.chunkChars > 2 * TAIL_CHARS) this.trim();
		const callback = rest.find(arg => typeof arg === 'function') as (() => void) | undefined;
		callback?.();
		return true;
	};

	/** The last 64 KiB written, ANSI escapes included. */
	tail(): string {
		this.trim();
		return this.chunks[0] ?? '';
	}

	private trim(): void {
		const text = this.chunks.join('').slice(-TAIL_CHARS);
		this.chunks = [text];
		this.chunkChars = text.length;
	}
}

export class FakeStdin extends EventEmitter {
	readonly isTTY = true;
	private data: string | null = null;

	/** Types text (or an escape sequence) as one read. */
	press(data: string): void {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}

	read = (): string | null => {
		const {data} = this;
		this.data = null;
		return data;
	};

	setEncoding(): this {
		return this;
	}

	setRawMode(): this {
		return this;
	}

	resume(): this {
		return this;
	}

	pause(): this {
		return this;
	}

	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}
}
