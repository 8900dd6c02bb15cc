/**
 * `npm ci` applies source/build/patches/ink+6.8.0.patch (patch-package, in the prepare script): Ink's
 * frame buffer keeps its line caches across frames. These check that the installed Ink is the patched
 * one and that the shared caches change nothing in what is drawn.
 */
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {describe, expect, it} from 'vitest';
import {REPO_ROOT} from '../helpers/paths.js';

type OutputInstance = {
	caches: unknown;
	write(x: number, y: number, text: string, options: {transformers: unknown[]}): void;
	get(): {output: string; height: number};
};
type OutputClass = new (options: {width: number; height: number}) => OutputInstance;

async function loadOutput(): Promise<OutputClass> {
	// Not among Ink's public exports, so by path.
	const module = (await import(pathToFileURL(path.join(REPO_ROOT, 'node_modules/ink/build/output.js')).href)) as {default: OutputClass};
	return module.default;
}

describe("Ink's frame buffer as installed", () => {
	it('shares its caches between frames (the patch is applied)', async () => {
		const Output = await loadOutput();
		expect(new Output({width: 10, height: 2}).caches).toBe(new Output({width: 10, height: 2}).caches);
	});

	it('draws the same frame from cached lines as from fresh ones', async () => {
		const Output = await loadOutput();
		const draw = () => {
			const output = new Output({width: 12, height: 3});
			output.write(0, 0, '\u001B[31mred\u001B[39m plain', {transformers: []});
			output.write(2, 1, '表格 wide', {transformers: []});
			output.write(0, 2, 'x', {transformers: []});
			return output.get();
		};

		const first = draw();
		expect(first.output.split('\n')).toEqual(['\u001B[31mred\u001B[39m plain', '  表格 wide', 'x']);
		expect(draw()).toEqual(first);
	});
});
