/**
 * The TUI's own costs, measured on the built CLI in a real pty: time to first frame, idle RSS, CPU
 * to render a 2,000-delta streamed reply (with an empty history and with 500 finished turns), and
 * how long after the server sends the last delta it is on screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import {startScriptedServer} from '../../../source/model/scripted-server.js';
import {BUILT_CLI, tempWorkspace} from '../../helpers/paths.js';
import {writeSyntheticHistory} from '../history-fixture.js';
import {cpuSeconds, rssMb, startPty} from '../pty.js';
import type {BenchRow, BenchSuite} from '../types.js';

const READY_TEXT = 'ask the backend engineer';
const RUNS = 7;
const STREAM_RUNS = 5;
const DELTAS = 2000;
const DELTA_CHARS = 20;
const END_MARK = 'QXZJ-END';

function baseEnv(dir: string): NodeJS.ProcessEnv {
	return {PATH: process.env['PATH'], HOME: dir, TERM: 'xterm-256color', LANG: 'C.UTF-8'};
}

/** 2,000 deltas of 20 characters over ~2.5 s, ending with a marker we can spot on screen. */
function streamScript() {
	const words = 'select id, title from public.todos where user_id = auth.uid() order by created_at desc limit 20; ';
	let text = '';
	while (text.length < DELTAS * DELTA_CHARS - END_MARK.length) text += words;
	text = text.slice(0, DELTAS * DELTA_CHARS - END_MARK.length) + END_MARK;
	return {turns: [{text, chunk: DELTA_CHARS, delay_ms: 1}]};
}

async function firstFrameAndRss(): Promise<{firstFrame: number; rss: number}> {
	const dir = tempWorkspace('pgpair-bench-');
	const script = path.join(dir, 'hello.json');
	fs.writeFileSync(script, JSON.stringify({turns: [{text: 'hi'}]}));
	const started = performance.now();
	const pty = startPty(`${process.execPath} ${BUILT_CLI} --scripted ${script}`, {cwd: dir, env: baseEnv(dir)});
	try {
		const shown = await pty.waitFor(READY_TEXT);
		// Idle: the tool servers (and the embedded database, in its own process) have started by now.
		await new Promise(resolve => setTimeout(resolve, 3000));
		return {firstFrame: shown - started, rss: rssMb(pty.programPid())};
	} finally {
		await pty.stop();
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

async function streamCost(historyTurns: number): Promise<{cpu: number; lastDeltaMs: number}> {
	const dir = tempWorkspace('pgpair-bench-');
	fs.writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify({mcpServers: {}}));
	const server = await startScriptedServer(streamScript());
	const resume = historyTurns > 0 ? ` --resume ${writeSyntheticHistory(path.join(dir, 'sessions'), historyTurns)}` : '';
	const pty = startPty(`${process.execPath} ${BUILT_CLI}${resume}`, {
		cwd: dir,
		env: {...baseEnv(dir), ANTHROPIC_API_KEY: 'bench-key', ANTHROPIC_BASE_URL: server.url},
	});
	try {
		await pty.waitFor(READY_TEXT);
		await new Promise(resolve => setTimeout(resolve, 500));
		const pid = pty.programPid();
		pty.write('stream please');
		await new Promise(resolve => setTimeout(resolve, 100));
		const before = cpuSeconds(pid);
		pty.write('\r');
		// The live tail cuts rows at fixed widths, so the marker may be split over two rows.
		const seen = pty.waitFor(
			new RegExp(
				END_MARK.split('')
					.map(c => c.replace(/[-]/, '\\-'))
					.join('\\s*'),
			),
			30_000,
		);
		// Awaited below; handled now so a timeout while the server is still sending is not an unhandled rejection.
		seen.catch(() => undefined);
		await server.turnSent(0);
		const sentAt = performance.now();
		const shownAt = await seen;
		await new Promise(resolve => setTimeout(resolve, 200));
		return {cpu: cpuSeconds(pid) - before, lastDeltaMs: Math.max(0, shownAt - sentAt)};
	} finally {
		await pty.stop();
		await server.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

const suite: BenchSuite = {
	name: 'tui',
	async run(): Promise<BenchRow[]> {
		if (!fs.existsSync(BUILT_CLI)) throw new Error('dist/cli.js is missing: run npm run build');
		const firstFrames: number[] = [];
		const rss: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const sample = await firstFrameAndRss();
			firstFrames.push(sample.firstFrame);
			rss.push(sample.rss);
		}

		const empty: number[] = [];
		const latency: number[] = [];
		const withHistory: number[] = [];
		for (let i = 0; i < STREAM_RUNS; i++) {
			const a = await streamCost(0);
			empty.push(a.cpu);
			latency.push(a.lastDeltaMs);
			const b = await streamCost(500);
			withHistory.push(b.cpu);
			latency.push(b.lastDeltaMs);
		}

		const ratio = withHistory.map((v, i) => v / empty[i]!);
		return [
			{metric: 'first frame (built CLI, pty)', unit: 'ms', samples: firstFrames, target: {max: 200}},
			{metric: 'idle RSS of the TUI process', unit: 'MB', samples: rss, target: {max: 100}},
			{metric: '2,000-delta reply, empty history (CPU)', unit: 's', samples: empty, target: {max: 0.65}},
			{metric: '2,000-delta reply, 500 turns of history (CPU)', unit: 's', samples: withHistory, target: {max: 0.65}},
			{metric: 'history/empty CPU ratio', unit: 'x', samples: ratio, target: {max: 1.1}},
			{metric: 'last delta on screen after the server sent it', unit: 'ms', samples: latency, target: {max: 50}},
		];
	},
};

export default suite;
