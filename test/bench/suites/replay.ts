/**
 * Replay: opening a 100,000-event transcript (read + checkpoints + first frame), moving the cursor
 * with real keys through the real app (time from the key to the frame that shows the new position),
 * and the `sessions` listing over 1,000 saved sessions.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {renderToString} from 'ink';
import {render} from 'ink-testing-library';
import React from 'react';
import {createReplay, type Replay} from '../../../source/replay/replay-model.js';
import {renderSessionsTable} from '../../../source/replay/sessions-table.js';
import {type TranscriptHeader, transcriptFileName} from '../../../source/transcripts/format.js';
import {listSessions, readTranscript} from '../../../source/transcripts/reader.js';
import type {Redactor} from '../../../source/transcripts/redact.js';
import {openTranscript} from '../../../source/transcripts/writer.js';
import {ReplayApp} from '../../../source/ui/replay/replay-app.js';
import {ReplayView} from '../../../source/ui/replay/replay-view.js';
import {sessionEvents, testHeader} from '../../helpers/transcript-events.js';
import {syntheticEvents} from '../history-fixture.js';
import type {BenchRow, BenchSuite} from '../types.js';

const EVENTS = 100_000;
const OPEN_SAMPLES = 5;
const KEY_SAMPLES = 40;
const SESSIONS = 1000;
const EVENTS_PER_SESSION = 150;
const SIZE = {columns: 120, rows: 40};
const identity: Redactor = value => value;

const KEY = {right: '\u001B[C', left: '\u001B[D'};

/** Deterministic positions spread over the session. */
function positions(count: number, max: number): number[] {
	let x = 12_345;
	return Array.from({length: count}, () => {
		x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
		return 1 + (x % (max - 2));
	});
}

function firstFrame(header: TranscriptHeader, replay: Replay, position: number): string {
	const view = React.createElement(ReplayView, {
		header,
		replay,
		state: replay.stateAt(position),
		position,
		playing: false,
		speed: 1,
		showHelp: false,
		columns: SIZE.columns,
		rows: SIZE.rows,
	});
	return renderToString(view, {columns: SIZE.columns});
}

type KeyStep = {keys: string; from: number; to: number /** Typed first, not measured (a search query). */; before?: string[]};

/** Writes keys to the real app and measures until the frame shows `event <n> of`. */
async function keyLatencies(header: TranscriptHeader, replay: Replay, steps: readonly KeyStep[]): Promise<number[]> {
	const samples: number[] = [];
	for (const {keys, from, to, before = []} of steps) {
		const view = render(React.createElement(ReplayApp, {header, replay, size: SIZE, initialPosition: from}));
		for (const text of before) {
			view.stdin.write(text);
			await until(() => view.lastFrame()?.includes(text.slice(-8)) === true);
		}

		const expected = `event ${to.toLocaleString('en')} of`;
		const start = performance.now();
		view.stdin.write(keys);
		await until(() => view.lastFrame()?.includes(expected) === true);
		samples.push(performance.now() - start);
		view.unmount();
	}

	return samples;
}

/** Polls once per turn of the event loop: a frame is seen as soon as Ink has written it. */
async function until(check: () => boolean): Promise<void> {
	const start = performance.now();
	while (!check()) {
		if (performance.now() - start > 5000) throw new Error('the expected frame never came');
		await new Promise(resolve => setImmediate(resolve));
	}
}

export default {
	name: 'replay',
	async run() {
		const dir = mkdtempSync(join(tmpdir(), 'pgpair-bench-replay-'));
		try {
			const rows: BenchRow[] = [];
			// The dense history (short answers, a tool call every other turn): the most entries per event.
			const file = join(dir, 'big.jsonl');
			const writer = openTranscript(file, testHeader(), {redact: identity});
			for (const event of syntheticEvents(12_000).slice(0, EVENTS)) writer.append(event);
			writer.close();

			const open: number[] = [];
			let loaded: {header: TranscriptHeader; replay: Replay} | undefined;
			for (let i = 0; i < OPEN_SAMPLES; i++) {
				const start = performance.now();
				const {header, events} = await readTranscript(file);
				const replay = createReplay(events);
				// Opened at the end: the heaviest first frame (every entry materialised, a full window).
				firstFrame(header, replay, replay.length);
				open.push(performance.now() - start);
				loaded = {header, replay};
			}

			rows.push({metric: `open ${EVENTS / 1000}k events (read + checkpoints + first frame)`, unit: 'ms', samples: open, target: {max: 1000}});
			const {header, replay} = loaded!;
			const buildOnly: number[] = [];
			for (let i = 0; i < OPEN_SAMPLES; i++) {
				const start = performance.now();
				createReplay(replay.events);
				buildOnly.push(performance.now() - start);
			}

			rows.push({metric: `checkpoints for ${EVENTS / 1000}k events (every 1,000)`, unit: 'ms', samples: buildOnly});

			const spots = positions(KEY_SAMPLES, replay.length);
			rows.push({
				metric: '→ step one event (key to frame)',
				unit: 'ms',
				samples: await keyLatencies(
					header,
					replay,
					spots.map(p => ({keys: KEY.right, from: p, to: p + 1})),
				),
				target: {max: 16},
			});
			rows.push({
				metric: '← step back one event (key to frame, worst case: from a checkpoint)',
				unit: 'ms',
				samples: await keyLatencies(
					header,
					replay,
					spots.map(p => ({keys: KEY.left, from: p, to: p - 1})),
				),
				target: {max: 16},
			});
			const turns = spots.filter(p => replay.nextTurn(p) !== undefined).map(p => ({keys: ']', from: p, to: replay.nextTurn(p)!}));
			rows.push({metric: '] next user turn (key to frame)', unit: 'ms', samples: await keyLatencies(header, replay, turns), target: {max: 16}});
			rows.push({
				metric: 'G jump to the end (key to frame)',
				unit: 'ms',
				samples: await keyLatencies(
					header,
					replay,
					spots.map(p => ({keys: 'G', from: p, to: replay.length})),
				),
				target: {max: 16},
			});
			rows.push({
				metric: 'g jump to the start (key to frame)',
				unit: 'ms',
				samples: await keyLatencies(
					header,
					replay,
					spots.map(p => ({keys: 'g', from: p, to: 0})),
				),
				target: {max: 16},
			});
			// An arbitrary jump: search for one turn's prompt from a random place (the search scans, then seeks).
			replay.search('warm the search text cache', 0, 'forward');
			const seeks = spots.map((from, i) => {
				const turn = (i * 7919) % replay.turnCount;
				const query = `Question ${turn}:`;
				return {before: ['/', query], keys: '\r', from, to: replay.search(query, 0, 'forward')!};
			});
			rows.push({
				metric: 'random seek: / search a prompt + Enter (key to frame)',
				unit: 'ms',
				samples: await keyLatencies(header, replay, seeks),
				target: {max: 16},
			});
			const rendered: number[] = [];
			for (const p of spots) {
				const start = performance.now();
				firstFrame(header, replay, p);
				rendered.push(performance.now() - start);
			}

			rows.push({metric: 'random position rendered from scratch (renderToString, new Ink instance)', unit: 'ms', samples: rendered});

			const sessionsDir = join(dir, 'sessions');
			const perSession = sessionEvents(EVENTS_PER_SESSION);
			const base = Date.parse('2025-01-01T00:00:00Z');
			for (let i = 0; i < SESSIONS; i++) {
				const createdAt = new Date(base + i * 3_600_000);
				const id = `s${i.toString(36).padStart(7, '0')}`;
				const session = openTranscript(join(sessionsDir, transcriptFileName(createdAt, id)), testHeader({sessionId: id, createdAt}), {redact: identity});
				for (const event of perSession) session.append(event);
				session.close();
			}

			const list: number[] = [];
			for (let i = 0; i < OPEN_SAMPLES; i++) {
				const start = performance.now();
				renderSessionsTable(await listSessions(sessionsDir), {width: 120});
				list.push(performance.now() - start);
			}

			rows.push({metric: `sessions: list + table of ${SESSIONS} sessions`, unit: 'ms', samples: list, target: {max: 500}});
			return rows;
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	},
} satisfies BenchSuite;
