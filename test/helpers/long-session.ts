/**
 * A long supervised session driven in-process through the real pieces: the Anthropic SDK against the scripted
 * Messages-API server (in a child process, so its CPU and memory are not counted), the fixture MCP server's
 * read-only `echo` (auto-approved), the runner, the event store, the transcript writer, and the real `App`
 * rendered by Ink in its production mode to a fake terminal. Used by the long-session test and the bench.
 */
import fs from 'node:fs';
import path from 'node:path';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {type Instance, render} from 'ink';
import React from 'react';
import {loadAgent} from '../../source/agents/discover-agent.js';
import {type ChatArgs, parseCommand} from '../../source/cli/args.js';
import type {Script} from '../../source/model/script.js';
import {EMPTY_RULES} from '../../source/policy/rules.js';
import {createApprovalGate} from '../../source/session/approval-gate.js';
import {App} from '../../source/ui/app.js';
import {FakeStdin, FakeStdout} from './fake-terminal.js';
import {type SessionSetup, setupSession} from './open-session.js';
import {REPO_ROOT, tempWorkspace, writeFixtureMcpConfig} from './paths.js';
import {type ScriptedServerProcess, startScriptedServerProcess} from './scripted-server-process.js';
import {waitFor} from './wait-for.js';

export const STREAM_DELTAS = 200;
const DELTA_CHARS = 20;
/** Pause between the measured answer's deltas: about a token rate, so the answer spans many frames. */
const STREAM_DELAY_MS = 2;
/** Longer than one store frame (16 ms) plus Ink's render throttle (~33 ms): the last frame of a turn is out. */
const SETTLE_MS = 60;

type ScriptTurn = Script['turns'][number];

export type LongSessionPlan = {
	/** Ordinary turns: a prompt, an answer with an `echo` call, the tool result, a short final answer. */
	turns: number;
	/** After which ordinary turns memory is sampled (e.g. 100, 500, 1000). */
	memoryAt: readonly number[];
	/** Streamed answers of STREAM_DELTAS deltas scripted after the last turn, each taken by `measureAnswer`. */
	answers: number;
};

export type MemorySample = {turn: number; rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; arrayBuffersMb: number; gc: boolean};
/** One measured answer: process CPU, wall time, frames Ink rendered and the time Ink spent in them. */
export type StreamSample = {cpuMs: number; wallMs: number; frames: number; frameMs: number; writes: number};

export type LongSessionResult = {
	memory: MemorySample[];
	/** Every block of 100 ordinary turns, in order: wall time, CPU, and the median wall time of one turn. */
	blocks: Array<{lastTurn: number; wallMs: number; cpuMs: number; medianTurnMs: number}>;
	totalMs: number;
	setup: SessionSetup;
	stdout: FakeStdout;
	server: ScriptedServerProcess;
};

function fillerTurns(turn: number): ScriptTurn[] {
	return [
		{text: `Checking item ${turn}.`, chunk: 400, json_chunk: 400, tool_calls: [{name: 'mcp__fixture__echo', input: {text: `item ${turn}`}}]},
		{text: `Item ${turn} echoes back as expected; the schema needs no change for it, so we can move on to the next one.`, chunk: 60},
	];
}

/** A text answer of exactly STREAM_DELTAS deltas, ending with a marker that names the turn. */
export function streamedAnswer(marker: string): string {
	const words = 'The todos table has row level security on and an index on user_id that covers the lookup; ';
	const length = STREAM_DELTAS * DELTA_CHARS;
	let text = '';
	while (text.length < length) text += words;
	return text.slice(0, length - marker.length) + marker;
}

export function streamMarker(answer: number): string {
	return ` [streamed answer ${answer}]`;
}

/** The whole script in request order, with the prompts that go with it. */
export function longSessionScript(plan: LongSessionPlan): {script: Script; prompts: string[]} {
	const turns: ScriptTurn[] = [];
	const prompts: string[] = [];
	for (let turn = 1; turn <= plan.turns; turn++) {
		turns.push(...fillerTurns(turn));
		prompts.push(`Please check item ${turn}.`);
	}

	for (let answer = 1; answer <= plan.answers; answer++) {
		turns.push({text: streamedAnswer(streamMarker(answer)), chunk: DELTA_CHARS, delay_ms: STREAM_DELAY_MS});
		prompts.push(`Explain the todos table (${answer}).`);
	}

	return {script: {turns}, prompts};
}

/** `global.gc` when node runs with --expose-gc, else the same function obtained through V8's flags. */
export function exposeGc(): (() => void) | undefined {
	const existing = (globalThis as {gc?: () => void}).gc;
	if (existing) return existing;
	try {
		setFlagsFromString('--expose-gc');
		return runInNewContext('gc') as () => void;
	} catch {
		return undefined;
	}
}

async function sampleMemory(turn: number, gc: (() => void) | undefined): Promise<MemorySample> {
	const samples: NodeJS.MemoryUsage[] = [];
	// Without a collector to call, the lowest of several readings over a second is the closest to live memory.
	for (let i = 0; i < (gc ? 3 : 10); i++) {
		if (gc) {
			gc();
			gc();
		}

		await new Promise(resolve => setTimeout(resolve, gc ? 20 : 100));
		samples.push(process.memoryUsage());
	}

	const mb = (bytes: number) => bytes / 2 ** 20;
	return {
		turn,
		rssMb: mb(Math.min(...samples.map(s => s.rss))),
		heapUsedMb: mb(Math.min(...samples.map(s => s.heapUsed))),
		heapTotalMb: mb(Math.min(...samples.map(s => s.heapTotal))),
		externalMb: mb(Math.min(...samples.map(s => s.external))),
		arrayBuffersMb: mb(Math.min(...samples.map(s => s.arrayBuffers))),
		gc: gc !== undefined,
	};
}

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function cpuMs(): number {
	const {user, system} = process.cpuUsage();
	return (user + system) / 1000;
}

export type LongSessionHandle = {
	/** Runs the plan's ordinary turns, sampling memory on the way. */
	run(onProgress?: (line: string) => void): Promise<LongSessionResult>;
	/** Streams the next scripted answer and measures it (after `run`). */
	measureAnswer(): Promise<StreamSample>;
	close(): Promise<void>;
};

export async function startLongSession(plan: LongSessionPlan): Promise<LongSessionHandle> {
	const dir = tempWorkspace('pgpair-long-');
	writeFixtureMcpConfig(dir);
	// An agent without a tools list sees every tool, the fixture server's included.
	fs.mkdirSync(path.join(dir, '.claude', 'agents'), {recursive: true});
	fs.writeFileSync(path.join(dir, '.claude', 'agents', 'generalist.md'), '---\nname: generalist\ndescription: Any task.\n---\nYou help.\n');
	const {script, prompts} = longSessionScript(plan);
	const scriptFile = path.join(dir, 'script.json');
	fs.writeFileSync(scriptFile, JSON.stringify(script));
	const server = await startScriptedServerProcess(scriptFile);
	const agent = await loadAgent({cwd: dir, home: dir, agent: 'generalist'});
	const setup = await setupSession({
		args: parseCommand([]) as ChatArgs,
		agent,
		cwd: dir,
		env: {ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000', ANTHROPIC_BASE_URL: server.url, PATH: process.env['PATH'] ?? ''},
		cliEntry: path.join(REPO_ROOT, 'dist/cli.js'),
		policy: createApprovalGate({rules: EMPTY_RULES, headless: false, workspaceRoot: dir}),
	});
	await setup.toolHost.ready();
	const stdout = new FakeStdout(100, 30);
	const frames = {count: 0, ms: 0};
	const stdin = new FakeStdin();
	const instance: Instance = render(
		React.createElement(App, {
			session: setup,
			meta: {agent: agent.name, model: setup.modelId, sessionId: setup.sessionId},
			onExit: () => undefined,
		}),
		{
			stdout: stdout as never,
			stdin: stdin as never,
			stderr: new FakeStdout() as never,
			debug: false,
			exitOnCtrlC: false,
			patchConsole: false,
			onRender({renderTime}) {
				frames.count += 1;
				frames.ms += renderTime;
			},
		},
	);
	const runner = setup.runner!;
	const gc = exposeGc();

	const close = async () => {
		instance.unmount();
		instance.cleanup();
		await setup.close();
		await server.close();
		fs.rmSync(dir, {recursive: true, force: true});
	};

	// Index of the next prompt to submit.
	let next = 0;

	/** CPU from the first streamed delta the store shows to the end of the turn and its last frame. */
	async function measureAnswer(): Promise<StreamSample> {
		if (next < plan.turns || next >= prompts.length) throw new Error('no scripted answer left to measure (or the ordinary turns have not run)');
		const prompt = prompts[next++]!;
		gc?.();
		let startCpu: number | undefined;
		let startWall = 0;
		const before = {writes: stdout.writes, frames: frames.count, frameMs: frames.ms};
		const unsubscribe = setup.store.subscribe(() => {
			if (startCpu === undefined && setup.store.getState().liveText.length > 0) {
				startCpu = cpuMs();
				startWall = performance.now();
			}
		});
		try {
			await runner.submitPrompt(prompt);
			await new Promise(resolve => setTimeout(resolve, SETTLE_MS));
		} finally {
			unsubscribe();
		}

		if (startCpu === undefined) throw new Error(`the answer to "${prompt}" never streamed`);
		return {
			cpuMs: cpuMs() - startCpu,
			wallMs: performance.now() - startWall,
			frames: frames.count - before.frames,
			frameMs: frames.ms - before.frameMs,
			writes: stdout.writes - before.writes,
		};
	}

	return {
		close,
		measureAnswer,
		async run(onProgress = () => undefined) {
			const memory: MemorySample[] = [];
			const blocks: LongSessionResult['blocks'] = [];
			const started = performance.now();
			let blockStarted = started;
			let blockCpu = cpuMs();
			let turnMs: number[] = [];
			// The first prompt is typed, so the app's own input path is part of the run.
			// The app must be listening before the first keys: wait for its prompt box, and type again if a
			// busy machine let the keys arrive before the input handler was attached.
			await waitFor(() => stdout.tail().includes('ask the backend engineer'), 'the first frame', 30_000);
			for (let attempt = 0; ; attempt++) {
				stdin.press(prompts[0]!);
				const seen = await waitFor(() => stdout.tail().includes(prompts[0]!), 'the typed first prompt', 5000).then(
					() => true,
					() => false,
				);
				if (seen) break;
				if (attempt === 3) throw new Error('The typed first prompt never appeared on screen.');
			}
			stdin.press('\r');
			await waitFor(() => setup.store.getState().turns === 1 && setup.store.getState().activity === 'idle', 'the first turn to end', 30_000);
			next = 1;
			for (let turn = 1; turn <= plan.turns; turn++) {
				if (turn > 1) {
					const turnStarted = performance.now();
					await runner.submitPrompt(prompts[next++]!);
					turnMs.push(performance.now() - turnStarted);
				}

				if (turn % 100 === 0) {
					const now = performance.now();
					const cpu = cpuMs();
					blocks.push({lastTurn: turn, wallMs: now - blockStarted, cpuMs: cpu - blockCpu, medianTurnMs: median(turnMs)});
					onProgress(
						`turns ${turn - 99}-${turn}: ${Math.round(now - blockStarted)} ms, ${Math.round(cpu - blockCpu)} ms CPU, median turn ${median(turnMs).toFixed(1)} ms`,
					);
				}

				// Memory samples run after the block's clock stops, and before the next one starts.
				if (plan.memoryAt.includes(turn)) memory.push(await sampleMemory(turn, gc));
				if (turn % 100 === 0) {
					blockStarted = performance.now();
					blockCpu = cpuMs();
					turnMs = [];
				}
			}

			return {memory, blocks, totalMs: performance.now() - started, setup, stdout, server};
		},
	};
}

/**
 * Streamed answers of a long and a short session, measured in turns (long, short, long, …) so drift in the
 * process (JIT, collector, a busy neighbour) lands on both sides. The first `warmup` pairs are not kept.
 */
export async function compareAnswers(
	long: LongSessionHandle,
	short: LongSessionHandle,
	options: {warmup: number; pairs: number},
): Promise<{long: StreamSample[]; short: StreamSample[]}> {
	const out = {long: [] as StreamSample[], short: [] as StreamSample[]};
	for (let i = 0; i < options.warmup + options.pairs; i++) {
		const pair = {long: await long.measureAnswer(), short: await short.measureAnswer()};
		if (i < options.warmup) continue;
		out.long.push(pair.long);
		out.short.push(pair.short);
	}

	return out;
}
