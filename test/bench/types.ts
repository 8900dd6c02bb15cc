/** One measured metric. `samples` are raw measurements; the runner reports median/min/max. */
export type BenchRow = {
	metric: string;
	unit: 'ms' | 's' | 'MB' | 'x';
	samples: number[];
	/** The target from the issue that named this benchmark; verdict is `ok` when median <= max. */
	target?: {max: number};
	note?: string;
};

/** Every file in test/bench/suites/ default-exports one of these. */
export type BenchSuite = {
	name: string;
	run: () => Promise<BenchRow[]>;
};
