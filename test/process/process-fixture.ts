/**
 * Child processes for the tests of source/process, by mode:
 *   spawn <command> <args…>  start the command (as given) and wait; plays the parent that gets killed
 *   watched-busy             watch the parent (grace 300 ms), print `busy`, then block the main thread forever
 *   terminate <ms>           handle termination signals with a clean-up taking <ms> (or forever when -1)
 */
import {spawn} from 'node:child_process';
import {watchParent} from '../../source/process/parent-watchdog.js';
import {onTermination} from '../../source/process/termination.js';

const [mode, ...rest] = process.argv.slice(2);
const forever = () => setInterval(() => undefined, 1 << 30);

if (mode === 'spawn') {
	const child = spawn(rest[0]!, rest.slice(1), {stdio: ['ignore', 'inherit', 'inherit']});
	child.once('spawn', () => process.stdout.write(`spawned ${child.pid}\n`));
	forever();
} else if (mode === 'watched-busy') {
	const alive = forever();
	await watchParent({graceMs: 300, onParentGone: () => undefined}).ready;
	clearInterval(alive);
	process.stdout.write('busy\n');
	for (;;);
} else if (mode === 'terminate') {
	const ms = Number(rest[0]);
	onTermination({
		graceMs: 500,
		cleanUp: async () => {
			process.stdout.write('cleaning\n');
			if (ms >= 0) await new Promise(resolve => setTimeout(resolve, ms));
			else await new Promise(() => undefined);
		},
		force: () => process.stdout.write('forced\n'),
	});
	process.stdout.write('ready\n');
	forever();
}
