import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {foldSession} from '../../../source/core/session-fold.js';
import {INITIAL_STATE, reduceSession} from '../../../source/core/session-state.js';
import {loadSqlParser} from '../../../source/policy/sql-parser.js';
import {createEventRedaction} from '../../../source/transcripts/event-redaction.js';
import {exportSession} from '../../../source/transcripts/export.js';
import {transcriptFileName} from '../../../source/transcripts/format.js';
import {latestSession, listSessions, readTranscript} from '../../../source/transcripts/reader.js';
import {createRedactor, createSecretRedactor, type Redactor} from '../../../source/transcripts/redact.js';
import {mayHoldSqlSecret, redactSqlSecrets} from '../../../source/transcripts/sql-secrets.js';
import {openTranscript} from '../../../source/transcripts/writer.js';
import {sessionEvents, testHeader} from '../../helpers/transcript-events.js';
import type {BenchRow, BenchSuite} from '../types.js';

const SAMPLES = 5;
const APPEND_EVENTS = 10_000;
const READ_EVENTS = 100_000;
const SESSIONS = 1000;
/** Per listed session: 3 turns of ~50 events, about 25 KB, a typical short session. */
const EVENTS_PER_SESSION = 150;

const identity: Redactor = value => value;

async function measure(run: (sample: number) => unknown): Promise<number[]> {
	const samples: number[] = [];
	for (let i = 0; i < SAMPLES; i++) {
		const start = performance.now();
		await run(i);
		samples.push(performance.now() - start);
	}

	return samples;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export default {
	name: 'transcripts',
	async run() {
		const dir = mkdtempSync(join(tmpdir(), 'pgpair-bench-transcripts-'));
		try {
			const rows: BenchRow[] = [];
			const events = sessionEvents(APPEND_EVENTS).slice(0, APPEND_EVENTS);
			const redact = createRedactor();

			const appendWith = (redactor: Redactor) => (sample: number) => {
				const writer = openTranscript(join(dir, `append-${redactor === identity ? 'raw' : 'redacted'}-${sample}.jsonl`), testHeader(), {redact: redactor});
				for (const event of events) writer.append(event);
				writer.close();
			};

			const append = await measure(appendWith(redact));
			rows.push({
				metric: `append ${APPEND_EVENTS / 1000}k events (redact + JSON + sync write)`,
				unit: 'ms',
				samples: append,
				note: `${Math.round(APPEND_EVENTS / (median(append) / 1000)).toLocaleString('en')} appends/s`,
			});
			const appendRaw = await measure(appendWith(identity));
			rows.push({metric: `append ${APPEND_EVENTS / 1000}k events without redaction`, unit: 'ms', samples: appendRaw});
			rows.push({metric: 'append cost with redaction / without', unit: 'x', samples: append.map((ms, i) => ms / appendRaw[i]!)});

			// What a session does instead: the store redacts each event as it commits it (SQL looked for and
			// parsed, rules and known secrets) and finds the safe cut of streamed text; the writer only writes.
			await loadSqlParser();
			const redaction = createEventRedaction({redactor: createSecretRedactor(), sql: {mayHold: mayHoldSqlSecret, redact: redactSqlSecrets}});
			const atCommit = await measure(() => {
				for (const event of events) {
					redaction.event(event);
					if (event.type === 'assistant_text_delta') redaction.releasable(event.text);
				}
			});
			rows.push({
				metric: `redaction at commit of ${APPEND_EVENTS / 1000}k typical events (SQL, rules, stream cut)`,
				unit: 'ms',
				samples: atCommit,
				note: `${((median(atCommit) * 1000) / APPEND_EVENTS).toFixed(2)} µs/event`,
			});

			const redactOnly = await measure(() => {
				for (const event of events) redact(event);
			});
			rows.push({
				metric: `redact ${APPEND_EVENTS / 1000}k typical events`,
				unit: 'ms',
				samples: redactOnly,
				note: `${((median(redactOnly) * 1000) / APPEND_EVENTS).toFixed(2)} µs/event`,
			});

			const big = join(dir, 'big.jsonl');
			const writer = openTranscript(big, testHeader(), {redact: identity});
			for (const event of sessionEvents(READ_EVENTS).slice(0, READ_EVENTS)) writer.append(event);
			writer.close();
			rows.push({metric: `read ${READ_EVENTS / 1000}k events`, unit: 'ms', samples: await measure(() => readTranscript(big))});
			const {events: loaded} = await readTranscript(big);
			rows.push({
				metric: `reduce ${READ_EVENTS / 1000}k events (core reducer alone)`,
				unit: 'ms',
				samples: await measure(() => loaded.reduce(reduceSession, INITIAL_STATE)),
				note: 'entries and messages are copied per event: grows with the square of the session length',
			});
			rows.push({
				metric: `fold ${READ_EVENTS / 1000}k events in one pass (resume, export)`,
				unit: 'ms',
				samples: await measure(() => foldSession(loaded)),
				note: 'the reducer fed a slim state; entries and messages are collected once',
			});
			const header = testHeader();
			rows.push({
				metric: `export ${READ_EVENTS / 1000}k events as Markdown`,
				unit: 'ms',
				samples: await measure(() => exportSession('md', header, loaded)),
			});
			rows.push({
				metric: `read + fold ${READ_EVENTS / 1000}k events (what --resume does)`,
				unit: 'ms',
				samples: await measure(async () => foldSession((await readTranscript(big)).events)),
				target: {max: 1000},
			});

			const sessionsDir = join(dir, 'sessions');
			const perSession = sessionEvents(EVENTS_PER_SESSION);
			const start = Date.parse('2025-01-01T00:00:00Z');
			for (let i = 0; i < SESSIONS; i++) {
				const createdAt = new Date(start + i * 3_600_000);
				const id = `s${i.toString(36).padStart(7, '0')}`;
				const session = openTranscript(
					join(sessionsDir, transcriptFileName(createdAt, id)),
					testHeader({sessionId: id, createdAt, cwd: `/home/dev/project-${i % 10}`}),
					{redact: identity},
				);
				for (const event of perSession) session.append(event);
				session.close();
			}

			rows.push({metric: `listSessions over ${SESSIONS} sessions`, unit: 'ms', samples: await measure(() => listSessions(sessionsDir)), target: {max: 500}});
			rows.push({
				metric: `latestSession over ${SESSIONS} sessions`,
				unit: 'ms',
				samples: await measure(() => latestSession(sessionsDir, '/home/dev/project-3')),
			});
			return rows;
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	},
} satisfies BenchSuite;
