/**
 * A thousand supervised turns with tool calls through the real runner, store, transcript writer and App (see
 * test/helpers/long-session.ts), in a process of its own with React's production build: RSS after 100, 500 and
 * 1,000 turns, and the CPU of streaming a 200-delta answer with 10 and with 1,000 turns of history.
 */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {TSX_LOADER} from '../../helpers/paths.js';
import type {LongSessionMeasurements} from '../long-session-process.js';
import type {BenchRow, BenchSuite} from '../types.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'long-session-process.ts');
const DELTAS = 200;
/** "Memory stays flat after the first 100 turns": the tolerance the long-session test states. */
const MAX_RSS_GROWTH_MB = 40;

async function measure(): Promise<LongSessionMeasurements> {
	const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD], {env: {...process.env, NODE_ENV: 'production'}, stdio: ['ignore', 'pipe', 'inherit']});
	let stdout = '';
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString('utf8');
	});
	const code = await new Promise<number | null>(resolve => child.once('exit', resolve));
	const last = stdout.trim().split('\n').at(-1);
	if (code !== 0 || !last) throw new Error(`the long session exited with ${code}`);
	return JSON.parse(last) as LongSessionMeasurements;
}

export default {
	name: 'long-session',
	async run(): Promise<BenchRow[]> {
		const m = await measure();
		const rss = (turn: number) => m.memory.find(s => s.turn === turn)!;
		const gcNote = m.memory.every(s => s.gc) ? 'after a forced gc' : 'min of 10 samples (no gc available)';
		const perDelta = (samples: number[]) => samples.map(cpu => cpu / DELTAS);
		const first = m.blocks[1] ?? m.blocks[0]!;
		const last = m.blocks.at(-1)!;
		return [
			{metric: 'RSS after 100 turns', unit: 'MB', samples: [rss(100).rssMb], note: gcNote},
			{metric: 'RSS after 500 turns', unit: 'MB', samples: [rss(500).rssMb], note: gcNote},
			{metric: 'RSS after 1,000 turns', unit: 'MB', samples: [rss(1000).rssMb], note: gcNote},
			{metric: 'RSS growth, turn 100 → 1,000', unit: 'MB', samples: [rss(1000).rssMb - rss(100).rssMb], target: {max: MAX_RSS_GROWTH_MB}},
			{metric: 'heap growth, turn 100 → 1,000', unit: 'MB', samples: [rss(1000).heapUsedMb - rss(100).heapUsedMb]},
			{metric: 'per-delta CPU of a streamed answer, 10 turns of history', unit: 'ms', samples: perDelta(m.shortCpuMs)},
			{metric: 'per-delta CPU of a streamed answer, 1,000 turns of history', unit: 'ms', samples: perDelta(m.longCpuMs)},
			// "Per-delta render cost does not grow with history": within noise of 1.
			{metric: 'per-delta CPU ratio, 1,000 / 10 turns of history', unit: 'x', samples: m.longCpuMs.map((cpu, i) => cpu / m.shortCpuMs[i]!), target: {max: 1.1}},
			{metric: `CPU per ordinary turn, turns ${first.lastTurn - 99}–${first.lastTurn}`, unit: 'ms', samples: [first.cpuPerTurnMs]},
			{
				metric: `CPU per ordinary turn, turns ${last.lastTurn - 99}–${last.lastTurn}`,
				unit: 'ms',
				samples: [last.cpuPerTurnMs],
				note: 'grows with history: every request re-sends the whole conversation',
			},
			{metric: '1,000 turns with tool calls (wall)', unit: 's', samples: [m.totalMs / 1000]},
		];
	},
} satisfies BenchSuite;
