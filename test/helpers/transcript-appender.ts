/**
 * Child process for the crash tests: appends events to a transcript as fast as it can until it is
 * killed. Usage: `node --import tsx transcript-appender.ts <path> <new|resume> [limit]`.
 * Prints `ready <seq>` once the first event is on disk, so the parent kills only after startup.
 * With `resume` it continues after the last readable event, as `pgpair --resume` would.
 */
import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {openTranscript, reopenTranscript, type TranscriptWriter} from '../../source/transcripts/writer.js';
import {testHeader, turnBodies} from './transcript-events.js';

const [path, mode = 'new', limitArg] = process.argv.slice(2);
if (!path) throw new Error('usage: transcript-appender.ts <path> <new|resume> [limit]');
const limit = limitArg === undefined ? Number.POSITIVE_INFINITY : Number(limitArg);
// Bounds the disk a run can use if the parent is slow to kill it.
const MAX_BYTES = 48 * 1024 * 1024;

let seq = 0;
let writer: TranscriptWriter;
if (mode === 'resume') {
	const {events} = await readTranscript(path);
	seq = events.at(-1)?.seq ?? 0;
	writer = reopenTranscript(path);
} else {
	writer = openTranscript(path, testHeader());
}

// Mostly small events, and every so often a tool result of up to 512 KiB: a multi-page write is
// the one a SIGKILL can cut in half.
const row = '{"id":"123e4567-e89b-12d3-a456-426614174000","email":"ada@example.com","total":42.5},';
function bigResult(callId: string): EventBody {
	const rows = 200 + Math.floor(Math.random() * 6000);
	return {type: 'tool_call_completed', callId, isError: false, content: `[${row.repeat(rows)}]`, durationMs: 12};
}

let bytes = 0;
let written = 0;
for (let turn = 1; written < limit && bytes < MAX_BYTES; turn++) {
	for (const body of turnBodies(turn, 8)) {
		const event = {...(body.type === 'tool_call_completed' ? bigResult(body.callId) : body), seq: ++seq, at: Date.now()} as SessionEvent;
		writer.append(event);
		written++;
		bytes += 200;
		if (event.type === 'tool_call_completed') bytes += event.content.length;
		if (written === 1) process.stdout.write(`ready ${seq}\n`);
		if (written >= limit || bytes >= MAX_BYTES) break;
	}
}

writer.close();
process.stdout.write(`done ${seq}\n`);
