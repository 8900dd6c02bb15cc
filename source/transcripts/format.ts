/**
 * The transcript file format: `sessions/<YYYY-MM-DD>-<id>.jsonl`, a versioned header line, then one
 * `SessionEvent` per line. Everything that knows the on-disk shape lives here, so a format change is
 * one new entry in MIGRATIONS plus a bump of TRANSCRIPT_VERSION, and old files keep loading.
 */
import {randomInt} from 'node:crypto';
import type {EventType, SessionEvent} from '../core/events.js';

export const TRANSCRIPT_KIND = 'pgpair-transcript';
export const TRANSCRIPT_VERSION = 1;
/** The oldest version this build can still read (through MIGRATIONS). */
export const MIN_TRANSCRIPT_VERSION = 1;

export type AgentInfo = {
	name: string;
	/** Where the agent file came from: a path, or `built-in`. */
	source: string;
	model: string;
};

export type TranscriptHeader = {
	kind: typeof TRANSCRIPT_KIND;
	version: number;
	sessionId: string;
	/** ISO 8601. */
	createdAt: string;
	cwd: string;
	agent: AgentInfo;
	pgpairVersion: string;
};

export class TranscriptError extends Error {
	override name = 'TranscriptError';
}

// Session ids: 5 base36 chars of minutes since 2020-01-01 (good until 2134) then 3 random chars, so
// ids sort by start time to the minute and two sessions started in the same minute collide with
// probability 1/46,656. The writer opens new files exclusively, so a collision fails loudly.
const ID_EPOCH_MS = Date.UTC(2020, 0, 1);
const ID_TIME_CHARS = 5;
const ID_RANDOM_CHARS = 3;

export function newSessionId(now: number = Date.now()): string {
	const minutes = Math.max(0, Math.floor((now - ID_EPOCH_MS) / 60_000));
	const time = minutes.toString(36).padStart(ID_TIME_CHARS, '0').slice(-ID_TIME_CHARS);
	const random = randomInt(36 ** ID_RANDOM_CHARS)
		.toString(36)
		.padStart(ID_RANDOM_CHARS, '0');
	return time + random;
}

/**
 * When a session started, from its id alone (to the minute): for a transcript whose header cannot be read. Undefined
 * for an id pgpair did not make.
 */
export function sessionIdTime(id: string): number | undefined {
	if (!new RegExp(`^[0-9a-z]{${ID_TIME_CHARS + ID_RANDOM_CHARS}}$`).test(id)) return undefined;
	return ID_EPOCH_MS + Number.parseInt(id.slice(0, ID_TIME_CHARS), 36) * 60_000;
}

/** `<YYYY-MM-DD>-<id>.jsonl`, dated in local time: the day the person remembers starting it. */
export function transcriptFileName(date: Date, id: string): string {
	const yyyy = String(date.getFullYear()).padStart(4, '0');
	const mm = String(date.getMonth() + 1).padStart(2, '0');
	const dd = String(date.getDate()).padStart(2, '0');
	return `${yyyy}-${mm}-${dd}-${id}.jsonl`;
}

const FILE_NAME = /^(\d{4}-\d{2}-\d{2})-([a-z0-9]+)\.jsonl$/;

export function parseTranscriptFileName(name: string): {date: string; id: string} | undefined {
	const match = FILE_NAME.exec(name);
	if (!match) return undefined;
	return {date: match[1]!, id: match[2]!};
}

export function createTranscriptHeader(fields: {sessionId: string; cwd: string; agent: AgentInfo; pgpairVersion: string; createdAt?: Date}): TranscriptHeader {
	// Key order matters to humans reading the file: kind and version first.
	return {
		kind: TRANSCRIPT_KIND,
		version: TRANSCRIPT_VERSION,
		sessionId: fields.sessionId,
		createdAt: (fields.createdAt ?? new Date()).toISOString(),
		cwd: fields.cwd,
		agent: {name: fields.agent.name, source: fields.agent.source, model: fields.agent.model},
		pgpairVersion: fields.pgpairVersion,
	};
}

type JsonObject = Record<string, unknown>;

/** One step of the format's history: turns a version-n line into a version-(n+1) line. */
type Migration = {
	header: (raw: JsonObject) => JsonObject;
	event: (raw: JsonObject) => JsonObject;
};

/**
 * MIGRATIONS[n] upgrades version n to n+1. Version 1 is the current format, so there is nothing yet.
 * When version 2 arrives: add `1: {header, event}`, bump TRANSCRIPT_VERSION, keep v1 fixtures loading.
 */
const MIGRATIONS: Readonly<Record<number, Migration>> = {};

function assertReadableVersion(version: unknown): asserts version is number {
	if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
		throw new TranscriptError(`invalid transcript header: "version" must be a positive integer, got ${JSON.stringify(version)}`);
	}

	if (version > TRANSCRIPT_VERSION) {
		throw new TranscriptError(
			`this transcript uses format version ${version}, written by a newer pgpair; this pgpair reads versions ${MIN_TRANSCRIPT_VERSION} to ${TRANSCRIPT_VERSION}. Update pgpair to open it.`,
		);
	}

	if (version < MIN_TRANSCRIPT_VERSION) {
		throw new TranscriptError(
			`this transcript uses format version ${version}, which this pgpair no longer reads (oldest supported: ${MIN_TRANSCRIPT_VERSION}).`,
		);
	}
}

function migrate(version: number, raw: JsonObject, part: keyof Migration): JsonObject {
	let value = raw;
	for (let v = version; v < TRANSCRIPT_VERSION; v++) {
		const step = MIGRATIONS[v];
		if (!step) throw new TranscriptError(`no migration from transcript version ${v} to ${v + 1}`);
		value = step[part](value);
	}

	return value;
}

/** Brings an event line written in `version` to the current shape. Version 1 is the identity. */
export function upgradeEvent(version: number, raw: unknown): unknown {
	assertReadableVersion(version);
	if (version === TRANSCRIPT_VERSION || !isObject(raw)) return raw;
	return migrate(version, raw, 'event');
}

export function upgradeHeader(version: number, raw: unknown): unknown {
	assertReadableVersion(version);
	if (version === TRANSCRIPT_VERSION || !isObject(raw)) return raw;
	return migrate(version, raw, 'header');
}

/**
 * Parses and checks the first line. Throws TranscriptError with a message a person can act on.
 * The returned header keeps the file's `version` so the reader knows how to upgrade its events.
 */
export function parseHeader(line: string | undefined): TranscriptHeader {
	if (line === undefined || line.trim() === '') throw new TranscriptError('not a pgpair transcript: the file is empty');
	let raw: unknown;
	try {
		raw = JSON.parse(line);
	} catch {
		throw new TranscriptError('not a pgpair transcript: the first line is not JSON');
	}

	if (!isObject(raw) || raw['kind'] !== TRANSCRIPT_KIND) {
		throw new TranscriptError(`not a pgpair transcript: the first line has no "kind":"${TRANSCRIPT_KIND}"`);
	}

	const version = raw['version'];
	assertReadableVersion(version);
	const upgraded = upgradeHeader(version, raw) as JsonObject;
	for (const field of ['sessionId', 'createdAt', 'cwd', 'pgpairVersion'] as const) {
		if (typeof upgraded[field] !== 'string') throw new TranscriptError(`invalid transcript header: "${field}" is missing or not a string`);
	}

	if (Number.isNaN(Date.parse(upgraded['createdAt'] as string))) throw new TranscriptError('invalid transcript header: "createdAt" is not a date');
	const agent = upgraded['agent'];
	if (!isObject(agent) || typeof agent['name'] !== 'string' || typeof agent['source'] !== 'string' || typeof agent['model'] !== 'string') {
		throw new TranscriptError('invalid transcript header: "agent" must have string name, source and model');
	}

	return {...(upgraded as TranscriptHeader), version};
}

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

type FieldCheck = Record<string, (v: unknown) => boolean>;

/**
 * The fields each event type must carry for the reducer and the history builder not to throw.
 * Typed as Record<EventType, …> so adding an event type to core fails type-checking here until the
 * reader knows it; unknown types in a file are then reported instead of fed to the reducer.
 */
const EVENT_FIELDS: Readonly<Record<EventType, FieldCheck>> = {
	user_prompt_submitted: {text: isString},
	model_request_started: {round: isNumber, model: isString},
	assistant_text_delta: {text: isString},
	assistant_message_completed: {
		content: v => Array.isArray(v) && v.every(b => isObject(b) && typeof b['type'] === 'string'),
		stopReason: v => v === null || isString(v),
		usage: v => isObject(v) && isNumber(v['inputTokens']) && isNumber(v['outputTokens']),
	},
	model_retry_scheduled: {attempt: isNumber, maxAttempts: isNumber, delayMs: isNumber, reason: isString},
	tool_call_requested: {
		callId: isString,
		name: isString,
		classification: v => v === undefined || (isObject(v) && isString(v['class']) && Array.isArray(v['hazards'])),
	},
	tool_call_decided: {
		callId: isString,
		decision: v => v === 'allow' || v === 'deny',
		by: isString,
		scope: v => v === undefined || v === 'once' || v === 'session',
	},
	tool_call_previewed: {callId: isString, preview: v => isObject(v) && isString(v['kind']) && isString(v['summary']) && Array.isArray(v['hazards'])},
	internal_call_completed: {purpose: isString, server: isString, tool: isString, isError: v => typeof v === 'boolean', durationMs: isNumber},
	tool_call_started: {callId: isString},
	tool_call_completed: {callId: isString, isError: v => typeof v === 'boolean', content: isString, durationMs: isNumber},
	turn_completed: {outcome: isString},
	notice_shown: {level: v => v === 'info' || v === 'warning' || v === 'error', text: isString},
	permission_mode_changed: {mode: v => v === 'default' || v === 'acceptEdits' || v === 'plan'},
	conversation_cleared: {},
	model_changed: {model: v => isString(v) && (v as string).trim() !== ''},
	checkpoint_created: {
		checkpoint: v =>
			isObject(v) &&
			isString(v['id']) &&
			isString(v['callId']) &&
			isString(v['tool']) &&
			isString(v['label']) &&
			Array.isArray(v['files']) &&
			isNumber(v['bytes']),
		durationMs: isNumber,
	},
	checkpoints_dropped: {ids: v => Array.isArray(v) && v.every(isString), reason: isString},
	rewound: {
		checkpointId: isString,
		database: v => typeof v === 'boolean',
		files: v => Array.isArray(v) && v.every(isString),
		conversation: v => typeof v === 'boolean',
		report: v => Array.isArray(v) && v.every(isString),
		by: v => v === 'user' || v === 'headless',
		durationMs: isNumber,
	},
	servers_changed: {servers: v => Array.isArray(v) && v.every(s => isObject(s) && isString(s['name']) && isString(s['state']) && isNumber(s['tools']))},
	checklist_item_changed: {
		itemId: isString,
		text: isString,
		state: v => v === 'open' || v === 'done',
		by: v => v === 'evidence' || v === 'user' || v === 'model',
		evidence: isString,
	},
};

export type EventCheck = {ok: true; event: SessionEvent} | {ok: false; reason: string};

/** Checks an already upgraded event line; the reason names what is wrong, for the reader's warning. */
export function checkEvent(raw: unknown): EventCheck {
	if (!isObject(raw)) return {ok: false, reason: 'not a JSON object'};
	const type = raw['type'];
	if (typeof type !== 'string') return {ok: false, reason: 'no "type"'};
	if (!Number.isSafeInteger(raw['seq']) || (raw['seq'] as number) < 1) return {ok: false, reason: `${type} event without a valid "seq"`};
	if (!isNumber(raw['at'])) return {ok: false, reason: `${type} event without a valid "at"`};
	if (!Object.hasOwn(EVENT_FIELDS, type)) return {ok: false, reason: `unknown event type "${type}" (written by a newer pgpair?)`};
	const fields = EVENT_FIELDS[type as EventType];
	for (const [field, valid] of Object.entries(fields)) {
		if (!valid(raw[field])) return {ok: false, reason: `${type} event with a missing or invalid "${field}"`};
	}

	return {ok: true, event: raw as SessionEvent};
}
