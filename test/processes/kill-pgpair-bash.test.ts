import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {expectedExit, killAndWait, type PgpairRun, startPgpair} from './pgpair-run.js';

const runs: PgpairRun[] = [];
afterEach(() => {
	for (const run of runs.splice(0)) {
		run.tree.killSurvivors();
		run.child.kill('SIGKILL');
	}
});

/** pgpair running one Bash command, allowed by an exact rule; resolves once the command's processes run. */
async function running(command: string, program: RegExp): Promise<PgpairRun> {
	const run = startPgpair({calls: [{name: 'Bash', input: {command}}], allow: [`Bash(${command})`]});
	runs.push(run);
	await run.callStarted(0, 60_000);
	await waitFor(() => run.tree.snapshot().some(p => program.test(p.command)), `${program} to run`);
	return run;
}

describe('killing pgpair while a Bash command runs', () => {
	it('SIGTERM during a pipeline: every process of the command is gone within 5 s', async () => {
		const run = await running('sleep 120 | cat', /^cat$/);
		const {ms, exit} = await killAndWait(run, 'SIGTERM');
		expect(exit).toEqual(expectedExit('SIGTERM'));
		expect(run.tree.seen.map(p => p.command)).toEqual(expect.arrayContaining(['sleep 120', 'cat']));
		console.log(`SIGTERM during a Bash pipeline: no process left after ${ms} ms`);
	});

	it('SIGKILL during a simple command: the command is gone within 5 s', async () => {
		const run = await running('sleep 120', /^sleep 120$/);
		const {ms, exit} = await killAndWait(run, 'SIGKILL');
		expect(exit).toEqual(expectedExit('SIGKILL'));
		console.log(`SIGKILL during a Bash command: no process left after ${ms} ms`);
	});
});
