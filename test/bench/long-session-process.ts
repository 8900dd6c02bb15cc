/**
 * Runs the long session for the bench in a process of its own (memory readings then belong to this session
 * alone, not to earlier suites) with React's production build, as the built CLI has it. Progress goes to
 * stderr; the last line of stdout is the measurements as JSON.
 */
import {fileURLToPath} from 'node:url';
import {compareAnswers, type LongSessionHandle, median, startLongSession} from '../helpers/long-session.js';

const TURNS = 1000;
const WARMUP = 2;
const PAIRS = 9;

export type LongSessionMeasurements = {
	memory: Array<{turn: number; rssMb: number; heapUsedMb: number; gc: boolean}>;
	/** CPU of each measured 200-delta answer after 10 and after 1,000 turns, measured in pairs. */
	shortCpuMs: number[];
	longCpuMs: number[];
	/** Median wall time and CPU per ordinary turn, per block of 100 turns. */
	blocks: Array<{lastTurn: number; medianTurnMs: number; cpuPerTurnMs: number}>;
	totalMs: number;
};

async function main(): Promise<void> {
	const long = await startLongSession({turns: TURNS, memoryAt: [100, 500, 1000], answers: WARMUP + PAIRS});
	let short: LongSessionHandle | undefined;
	try {
		const result = await long.run(line => process.stderr.write(`bench: long-session: ${line}\n`));
		// The short history is a second session in the same warm process, next to the same heap.
		short = await startLongSession({turns: 10, memoryAt: [], answers: WARMUP + PAIRS});
		await short.run();
		const answers = await compareAnswers(long, short, {warmup: WARMUP, pairs: PAIRS});
		const measurements: LongSessionMeasurements = {
			memory: result.memory.map(({turn, rssMb, heapUsedMb, gc}) => ({turn, rssMb, heapUsedMb, gc})),
			shortCpuMs: answers.short.map(s => s.cpuMs),
			longCpuMs: answers.long.map(s => s.cpuMs),
			blocks: result.blocks.map(b => ({lastTurn: b.lastTurn, medianTurnMs: b.medianTurnMs, cpuPerTurnMs: b.cpuMs / 100})),
			totalMs: result.totalMs,
		};
		process.stdout.write(`${JSON.stringify(measurements)}\n`);
		process.stderr.write(
			`bench: long-session: answer CPU median ${median(measurements.shortCpuMs).toFixed(0)} ms after 10 turns, ${median(measurements.longCpuMs).toFixed(0)} ms after ${TURNS}\n`,
		);
	} finally {
		await short?.close();
		await long.close();
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	await main();
	process.exit(0);
}
