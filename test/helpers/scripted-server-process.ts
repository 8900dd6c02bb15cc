/**
 * The scripted Messages-API server in a child process of its own, so a measurement of the app's CPU and memory
 * does not include the server's. The child forgets the requests it has answered (only the count and the last
 * one are kept), so its memory stays flat in a session of thousands of requests.
 */
import {type ChildProcess, fork} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {startScriptedServer} from '../../source/model/scripted-server.js';
import {TSX_LOADER} from './paths.js';

export type RemoteRequest = {count: number; last: unknown};

export type ScriptedServerProcess = {
	url: string;
	/** How many requests were answered so far, and the body of the last one. */
	lastRequest(): Promise<RemoteRequest>;
	close(): Promise<void>;
};

type ToChild = {type: 'last'};
type FromChild = {type: 'listening'; url: string} | {type: 'last'; count: number; last: unknown};

export async function startScriptedServerProcess(scriptFile: string): Promise<ScriptedServerProcess> {
	const child: ChildProcess = fork(fileURLToPath(import.meta.url), [scriptFile], {
		execArgv: ['--import', TSX_LOADER],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const url = await new Promise<string>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', code => reject(new Error(`the scripted server process exited with ${code}`)));
		child.on('message', (message: FromChild) => {
			if (message.type === 'listening') resolve(message.url);
		});
	});
	return {
		url,
		lastRequest: async () =>
			new Promise(resolve => {
				const onMessage = (message: FromChild) => {
					if (message.type !== 'last') return;
					child.off('message', onMessage);
					resolve({count: message.count, last: message.last});
				};

				child.on('message', onMessage);
				child.send({type: 'last'} satisfies ToChild);
			}),
		async close() {
			if (child.exitCode !== null) return;
			const exited = new Promise(resolve => child.once('exit', resolve));
			child.disconnect();
			await exited;
		},
	};
}

async function serve(scriptFile: string): Promise<void> {
	const server = await startScriptedServer(scriptFile);
	let count = 0;
	let last: unknown;
	const forget = () => {
		count += server.requests.length;
		last = server.requests.at(-1)?.body ?? last;
		server.requests.length = 0;
	};

	setInterval(forget, 200).unref();
	process.on('message', (message: ToChild) => {
		if (message.type !== 'last') return;
		forget();
		process.send!({type: 'last', count, last} satisfies FromChild);
	});
	process.on('disconnect', () => {
		void server.close().then(() => process.exit(0));
	});
	process.send!({type: 'listening', url: server.url} satisfies FromChild);
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) await serve(process.argv[2]!);
