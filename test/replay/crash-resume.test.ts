/**
 * kill -9 of the real CLI: a headless scripted session with several tool calls and slow deltas is
 * SIGKILLed at a random moment, 30 times. Every file it leaves must load (at most its torn last line
 * skipped), print, replay, and resume to an idle session whose model history the API would accept.
 */

import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {renderTranscriptText} from '../../source/replay/print.js';
import {createReplay} from '../../source/replay/replay-model.js';
import {trustServers} from '../../source/tools/mcp-trust.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {BUILT_CLI, FIXTURE_MCP_SERVER, REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {waitFor} from '../helpers/wait-for.js';
import {historyProblems, resumeSession} from './resume-helpers.js';

const RUNS = 30;
const PARALLEL = 3;
/**
 * A run's turn takes ~1.6 s after its transcript appears (four model rounds, 500 ms of slow tools), then the
 * process closes its servers; kills land in the first 1.5 s so nearly all of them hit a live session.
 */
const MAX_KILL_DELAY_MS = 1500;
const TSX_LOADER = pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

const SCRIPT = {
	turns: [
		{
			text: 'Let me echo a few things to check the tools work.',
			chunk: 3,
			delay_ms: 20,
			tool_calls: [
				{name: 'mcp__fixture__echo', input: {text: 'one'}},
				{name: 'mcp__fixture__slow', input: {ms: 200}},
			],
		},
		{text: 'Now a second round of calls.', chunk: 3, delay_ms: 20, tool_calls: [{name: 'mcp__fixture__echo', input: {text: 'two'}}]},
		{text: 'And a third, slower one.', chunk: 3, delay_ms: 20, tool_calls: [{name: 'mcp__fixture__slow', input: {ms: 300}}]},
		{text: 'All done: every call came back.', chunk: 3, delay_ms: 20},
	],
};

const root = tempWorkspace('pgpair-crash-resume-');
afterAll(() => fs.rmSync(root, {recursive: true, force: true}));

function workspace(run: number): string {
	const dir = path.join(root, `run-${run}`);
	fs.mkdirSync(path.join(dir, '.claude/agents'), {recursive: true});
	// Absolute loader path: the CLI starts the fixture server from this temporary directory.
	fs.writeFileSync(
		path.join(dir, '.mcp.json'),
		JSON.stringify({mcpServers: {fixture: {command: process.execPath, args: ['--import', TSX_LOADER, FIXTURE_MCP_SERVER]}}}),
	);
	trustServers(dir, ['fixture']);
	fs.writeFileSync(
		path.join(dir, '.claude/agents/crash-tester.md'),
		'---\nname: crash-tester\ndescription: Calls the fixture tools for the crash test.\n---\nCall the tools you are asked to call.\n',
	);
	fs.writeFileSync(path.join(dir, 'script.json'), JSON.stringify(SCRIPT));
	return dir;
}

type Outcome = {run: number; dir: string; killed: boolean; delayMs: number};

async function runAndKill(run: number): Promise<Outcome> {
	const dir = workspace(run);
	const child = spawn(
		process.execPath,
		[
			BUILT_CLI,
			'-p',
			'echo some things',
			'--scripted',
			'script.json',
			'--agent',
			'crash-tester',
			'--allow',
			'mcp__fixture__echo',
			'--allow',
			'mcp__fixture__slow',
		],
		{
			cwd: dir,
			env: {PATH: process.env['PATH'] ?? '', HOME: dir},
			stdio: 'ignore',
		},
	);
	const exited = new Promise<NodeJS.Signals | null>(resolve => child.on('exit', (_code, signal) => resolve(signal)));
	let done = false;
	void exited.then(() => (done = true));
	const sessions = path.join(dir, 'sessions');
	// The transcript is created with the first event: from then on a kill leaves a file behind.
	await waitFor(() => done || (fs.existsSync(sessions) && fs.readdirSync(sessions).length > 0), `run ${run} to write its transcript`, 30_000, 5);
	const delayMs = Math.random() * MAX_KILL_DELAY_MS;
	// The random pause is the test input (where the kill lands), not a wait for a condition.
	await new Promise(resolve => setTimeout(resolve, delayMs));
	const killed = !done && child.kill('SIGKILL');
	const signal = await exited;
	return {run, dir, killed: killed && signal === 'SIGKILL', delayMs};
}

describe('kill -9 of a live headless session', () => {
	it(`leaves files that replay and resume, over ${RUNS} random kills`, {timeout: 240_000}, async () => {
		expect(fs.existsSync(BUILT_CLI), 'dist/cli.js is missing: run npm run build').toBe(true);
		const outcomes: Outcome[] = [];
		let next = 0;
		const worker = async () => {
			while (next < RUNS) outcomes.push(await runAndKill(next++));
		};

		await Promise.all(Array.from({length: PARALLEL}, worker));

		const report = {files: 0, killed: 0, finished: 0, tornLastLine: 0, resumed: 0, activityAtKill: {} as Record<string, number>};
		for (const outcome of outcomes.sort((a, b) => a.run - b.run)) {
			const label = `run ${outcome.run} (killed ${outcome.killed} after ${outcome.delayMs.toFixed(0)} ms)`;
			const sessionsDir = path.join(outcome.dir, 'sessions');
			const files = fs.readdirSync(sessionsDir);
			expect(files, label).toHaveLength(1);
			report.files++;
			if (outcome.killed) report.killed++;
			else report.finished++;

			const file = path.join(sessionsDir, files[0]!);
			const transcript = await readTranscript(file);
			expect(transcript.warnings.length, `${label}: ${transcript.warnings.join('; ')}`).toBeLessThanOrEqual(1);
			if (transcript.warnings[0]) {
				expect(transcript.warnings[0], label).toMatch(/torn last line/);
				report.tornLastLine++;
			}

			expect(
				transcript.events.map(e => e.seq),
				label,
			).toEqual(transcript.events.map((_, i) => i + 1));
			expect(renderTranscriptText(transcript.header, transcript.events), label).toContain(`pgpair session ${transcript.header.sessionId}`);
			const atKill = createReplay(transcript.events).stateAt(transcript.events.length).activity;
			report.activityAtKill[atKill] = (report.activityAtKill[atKill] ?? 0) + 1;

			const {state} = await resumeSession(outcome.dir, sessionsDir, transcript.header.sessionId);
			expect(state.activity, label).toBe('idle');
			expect(state.openCalls, label).toEqual([]);
			const problems = historyProblems(state.messages);
			expect(
				problems,
				`${label}: ${problems.join('; ')}; last events: ${transcript.events
					.slice(-3)
					.map(e => e.type)
					.join(', ')}`,
			).toEqual([]);
			const resumed = await readTranscript(file);
			expect(resumed.warnings.length, label).toBeLessThanOrEqual(1);
			expect(createReplay(resumed.events).stateAt(resumed.events.length), label).toMatchObject({activity: 'idle', openCalls: []});
			report.resumed++;
		}

		console.log(`crash-resume: ${JSON.stringify(report)}`);
		expect(report.files).toBe(RUNS);
		// Most kills must land mid-session, or the test proves little.
		expect(report.killed).toBeGreaterThanOrEqual(RUNS * 0.7);
	});
});
