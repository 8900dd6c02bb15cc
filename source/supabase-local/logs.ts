import {randomUUID} from 'node:crypto';

export const LOG_SERVICES = ['api', 'branch-action', 'postgres', 'edge-function', 'edge-function-runtime', 'auth', 'storage', 'realtime'] as const;
export type LogService = (typeof LOG_SERVICES)[number];

/** One entry, shaped like a row of Supabase's log explorer: `timestamp` in microseconds since the epoch. */
export type LogEntry = {
	id: string;
	timestamp: number;
	event_message: string;
	[field: string]: unknown;
};

const MAX_PER_SERVICE = 1000;
const MAX_ROWS = 100;
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The server's own log of what it did, per project and service. It lives in memory: logs describe this session's
 * activity, and a bounded ring per service keeps a long session from growing without limit.
 */
export class LogStore {
	readonly #entries = new Map<string, LogEntry[]>();
	#lastMicros = 0;

	record(projectRef: string, service: LogService, message: string, fields: Record<string, unknown> = {}): void {
		// Strictly increasing timestamps keep "newest first" stable for entries written in the same millisecond.
		const micros = Math.max(Date.now() * 1000, this.#lastMicros + 1);
		this.#lastMicros = micros;
		const key = `${projectRef}/${service}`;
		const list = this.#entries.get(key) ?? [];
		list.push({id: randomUUID(), timestamp: micros, event_message: message, ...fields});
		if (list.length > MAX_PER_SERVICE) list.splice(0, list.length - MAX_PER_SERVICE);
		this.#entries.set(key, list);
	}

	/** Newest first, at most 100, within `[start, end]` (default: the last 24 hours; never wider than 24 hours). */
	query(projectRef: string, service: LogService, window: {start?: string; end?: string} = {}): LogEntry[] {
		const end = window.end ? Date.parse(window.end) : Date.now();
		const start = window.start ? Date.parse(window.start) : end - MAX_WINDOW_MS;
		if (Number.isNaN(start) || Number.isNaN(end)) throw new Error('Timestamps must be ISO 8601 date-times.');
		if (end < start) throw new Error('iso_timestamp_end must not be before iso_timestamp_start.');
		if (end - start > MAX_WINDOW_MS) throw new Error('The time window of get_logs can be at most 24 hours.');
		const list = this.#entries.get(`${projectRef}/${service}`) ?? [];
		const result: LogEntry[] = [];
		for (let i = list.length - 1; i >= 0 && result.length < MAX_ROWS; i--) {
			const entry = list[i]!;
			const ms = entry.timestamp / 1000;
			if (ms >= start && ms <= end + 0.999) result.push(entry);
		}
		return result;
	}
}
