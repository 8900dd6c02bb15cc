/**
 * `npm run bench`: runs every suite in ./suites (or those named on the command line), prints one
 * table (metric, median, min, max, runs, target, verdict) and writes the same rows as JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import type {BenchRow, BenchSuite} from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Summary = {
	suite: string;
	metric: string;
	unit: string;
	median: number;
	min: number;
	max: number;
	runs: number;
	target?: number;
	verdict: string;
	note?: string;
};

function summarise(suite: string, row: BenchRow): Summary {
	const m = median(row.samples);
	return {
		suite,
		metric: row.metric,
		unit: row.unit,
		median: m,
		min: Math.min(...row.samples),
		max: Math.max(...row.samples),
		runs: row.samples.length,
		...(row.target ? {target: row.target.max} : {}),
		verdict: row.target ? (m <= row.target.max ? 'ok' : 'MISSED') : '-',
		...(row.note ? {note: row.note} : {}),
	};
}

function fmt(value: number): string {
	if (value >= 100) return value.toFixed(0);
	if (value >= 10) return value.toFixed(1);
	return value.toFixed(2);
}

function printTable(rows: Summary[]) {
	const header = ['metric', 'median', 'min', 'max', 'runs', 'target', 'verdict'];
	const body = rows.map(r => [
		`${r.suite}: ${r.metric}`,
		`${fmt(r.median)} ${r.unit}`,
		fmt(r.min),
		fmt(r.max),
		String(r.runs),
		r.target === undefined ? '-' : `≤ ${r.target} ${r.unit}`,
		r.verdict,
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...body.map(b => b[i]!.length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
	console.log(line(header));
	console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`);
	for (const b of body) console.log(line(b));
}

async function main() {
	const only = process.argv.slice(2);
	const files = fs
		.readdirSync(path.join(here, 'suites'))
		.filter(f => f.endsWith('.ts'))
		.sort();
	const results: Summary[] = [];
	for (const file of files) {
		if (only.length > 0 && !only.some(name => file.startsWith(name))) continue;
		const suite = (await import(pathToFileURL(path.join(here, 'suites', file)).href)).default as BenchSuite | undefined;
		if (!suite?.run) {
			process.stderr.write(`bench: ${file} has no default-exported suite, skipped\n`);
			continue;
		}

		process.stderr.write(`bench: ${suite.name}…\n`);
		try {
			for (const row of await suite.run()) results.push(summarise(suite.name, row));
		} catch (error) {
			process.stderr.write(`bench: ${suite.name} failed: ${(error as Error).stack}\n`);
			results.push({
				suite: suite.name,
				metric: 'suite failed',
				unit: '-',
				median: Number.NaN,
				min: Number.NaN,
				max: Number.NaN,
				runs: 0,
				verdict: 'ERROR',
				note: (error as Error).message,
			});
		}
	}

	printTable(results);
	const machine = {
		node: process.version,
		cpus: os.cpus().length,
		cpu: os.cpus()[0]?.model ?? 'unknown',
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		platform: `${os.platform()} ${os.release()}`,
	};
	const out = path.join(here, 'results', 'latest.json');
	fs.mkdirSync(path.dirname(out), {recursive: true});
	// A run of some suites keeps the other suites' latest rows.
	if (only.length > 0 && fs.existsSync(out)) {
		const previous = JSON.parse(fs.readFileSync(out, 'utf8')) as {results?: Summary[]};
		const ran = new Set(results.map(r => r.suite));
		results.unshift(...(previous.results ?? []).filter(r => !ran.has(r.suite)));
	}

	fs.writeFileSync(out, `${JSON.stringify({date: new Date().toISOString(), machine, results}, null, 2)}\n`);
	console.log(`\nmachine: ${machine.cpus} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; JSON: ${path.relative(process.cwd(), out)}`);
	if (results.some(r => r.verdict === 'ERROR')) process.exitCode = 1;
}

await main();
