#!/usr/bin/env node
/**
 * pgpair's composition root: parse the command line, wire the session, hand the terminal to Ink.
 * Kept thin; every piece it wires is tested on its own.
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {type Command, parseCommand, USAGE, UsageError} from './source/cli/args.js';
import {PGPAIR_VERSION} from './source/session/version.js';

const cliEntry = fileURLToPath(import.meta.url);

async function main(argv: string[]): Promise<number> {
	let command: Command;
	try {
		command = parseCommand(argv);
	} catch (error) {
		if (error instanceof UsageError) {
			process.stderr.write(`pgpair: ${error.message}\n\n${USAGE}\n`);
			return 2;
		}

		throw error;
	}

	switch (command.command) {
		case 'help':
			process.stdout.write(`${USAGE}\n`);
			return 0;
		case 'version':
			process.stdout.write(`${PGPAIR_VERSION}\n`);
			return 0;
		case 'mcp': {
			const {exitMcp, runSupabaseMcp} = await import('./source/supabase-local/stdio-main.js');
			// Ends the process here: an open handle (a database socket, a function's process) must not keep the server alive.
			exitMcp(await runSupabaseMcp(command.argv));
			return new Promise<number>(() => undefined);
		}

		case 'replay':
		case 'sessions':
		case 'export': {
			const commands = await withoutFetch(async () => import('./source/cli/replay-commands.js'));
			const io = {cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env};
			if (command.command === 'replay') return commands.runReplay(command.argv, io);
			if (command.command === 'export') return commands.runExport(command.argv, io);
			return commands.runSessions(command.argv, io, {
				// Enter in the picker opens the session in replay: looking never changes anything.
				onChoose: async summary => commands.runReplay([summary.path], io),
			});
		}

		case 'trust': {
			const {runTrust} = await import('./source/cli/trust-command.js');
			return runTrust(command.argv, {
				cwd: process.cwd(),
				env: process.env,
				stdin: process.stdin,
				stdout: process.stdout,
				interactive: process.stdin.isTTY === true,
			});
		}

		case 'rewind': {
			const {runRewind} = await import('./source/cli/rewind-command.js');
			return runRewind(command.argv, {
				cwd: process.cwd(),
				env: process.env,
				cliEntry: path.resolve(cliEntry),
				stdout: text => process.stdout.write(text),
				stderr: text => process.stderr.write(text),
			});
		}

		case 'chat': {
			const {startChat} = await withoutFetch(async () => import('./source/cli/start-chat.js'));
			return startChat(command, {cwd: process.cwd(), env: process.env, cliEntry: path.resolve(cliEntry)});
		}
	}
}

/**
 * Ink's layout engine (yoga, WASM) loads its module through fetch() of a data: URL when fetch exists,
 * which pulls in Node's whole HTTP client first (~20 ms on these machines). Hiding fetch while the
 * UI modules load makes it instantiate the bytes directly; fetch is back before anything else runs.
 */
async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
	const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
	if (!descriptor?.configurable) return load();
	Object.defineProperty(globalThis, 'fetch', {value: undefined, configurable: true, writable: true});
	try {
		return await load();
	} finally {
		Object.defineProperty(globalThis, 'fetch', descriptor);
	}
}

main(process.argv.slice(2)).then(
	code => {
		process.exitCode = code;
	},
	(error: unknown) => {
		process.stderr.write(`pgpair: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exitCode = 1;
	},
);
