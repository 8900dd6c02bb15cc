/**
 * A real session for fault tests: the session wiring of the CLI (model port, runner, store, transcript,
 * tool host, approval gate) against a scripted Messages-API server on loopback. Short retry and idle
 * timings come in through the same environment variables a person would set.
 */
import fs from 'node:fs';
import path from 'node:path';
import {builtinAgent} from '../../source/agents/builtin-agent.js';
import {type ChatArgs, parseCommand} from '../../source/cli/args.js';
import type {SessionEvent} from '../../source/core/events.js';
import {type Script, type ScriptedServer, startScriptedServer} from '../../source/model/scripted-server.js';
import {parseRules} from '../../source/policy/rules.js';
import {createApprovalGate} from '../../source/session/approval-gate.js';
import type {Runner} from '../../source/store/runner.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {type SessionSetup, setupSession} from '../helpers/open-session.js';
import {REPO_ROOT, tempWorkspace, writeFixtureMcpConfig} from '../helpers/paths.js';

export const TEST_API_KEY = 'sk-ant-test-key-000000000000';

export type FaultSession = {
	setup: SessionSetup;
	server: ScriptedServer;
	runner: Runner;
	dir: string;
	close(): Promise<void>;
};

export type FaultSessionOptions = {
	/** Timings of the model port (PGPAIR_RETRY_BASE_DELAY_MS, PGPAIR_STREAM_IDLE_TIMEOUT_MS); the retry count stays the default. */
	model?: {retryBaseDelayMs?: number; streamIdleTimeoutMs?: number};
	/** Allow rules, as `--allow` would give them. */
	allow?: string[];
	/** No `.mcp.json`: the built-in local Supabase server (`dist/cli.js mcp`) serves the tools. */
	builtinServer?: boolean;
	/** Extra environment for the session (e.g. XDG_CACHE_HOME for the built-in server). */
	env?: Record<string, string>;
	/** A workspace prepared by the caller. */
	dir?: string;
};

export async function startFaultSession(script: Script, options: FaultSessionOptions = {}): Promise<FaultSession> {
	const dir = options.dir ?? tempWorkspace('pgpair-fault-');
	if (!options.builtinServer) writeFixtureMcpConfig(dir, {NOTES_FILE: path.join(dir, 'notes.txt')});
	const server = await startScriptedServer(script);
	const setup = await setupSession({
		args: parseCommand([]) as ChatArgs,
		agent: {...builtinAgent(), tools: undefined},
		cwd: dir,
		env: {ANTHROPIC_API_KEY: TEST_API_KEY, ANTHROPIC_BASE_URL: server.url, PATH: process.env['PATH'] ?? '', ...modelEnv(options.model), ...options.env},
		cliEntry: path.join(REPO_ROOT, 'dist/cli.js'),
		policy: createApprovalGate({rules: parseRules({allow: options.allow ?? []}), headless: false, workspaceRoot: dir}),
	});
	const runner = setup.runner;
	if (!runner) throw new Error('The session has no model runner.');
	return {
		setup,
		server,
		runner,
		dir,
		async close() {
			await setup.close();
			await server.close();
		},
	};
}

function modelEnv(model: FaultSessionOptions['model']): Record<string, string> {
	const env: Record<string, string> = {};
	if (model?.retryBaseDelayMs !== undefined) env['PGPAIR_RETRY_BASE_DELAY_MS'] = String(model.retryBaseDelayMs);
	if (model?.streamIdleTimeoutMs !== undefined) env['PGPAIR_STREAM_IDLE_TIMEOUT_MS'] = String(model.streamIdleTimeoutMs);
	return env;
}

/**
 * Reads the transcript back from disk and checks what must hold after any fault: no warnings, seq 1..n
 * without gaps or repeats, and the streamed deltas equal, character for character, the text of the
 * assistant messages recorded (so nothing shown was lost and nothing was shown twice).
 */
export async function readBackTranscript(setup: SessionSetup): Promise<SessionEvent[]> {
	setup.store.flush();
	// Taken before the file is read: events may still come (the checklist evaluates after a turn ends), and
	// every one of them is written before the store holds it, so the file must start with this snapshot.
	const live = [...setup.store.getEvents()];
	const transcript = await readTranscript(setup.transcriptPath);
	if (transcript.warnings.length > 0) throw new Error(`Transcript warnings: ${transcript.warnings.join('; ')}`);
	const seqs = transcript.events.map(e => e.seq);
	const expected = transcript.events.map((_, i) => i + 1);
	if (JSON.stringify(seqs) !== JSON.stringify(expected)) throw new Error(`Transcript seq is not contiguous: ${seqs.join(',')}`);
	const deltas = streamedText(transcript.events);
	const messages = messageText(transcript.events);
	if (deltas !== messages)
		throw new Error(`Streamed text and recorded messages differ:\n deltas:   ${JSON.stringify(deltas)}\n messages: ${JSON.stringify(messages)}`);
	// The file holds exactly what the live store holds.
	if (JSON.stringify(live.map(e => [e.seq, e.type])) !== JSON.stringify(transcript.events.slice(0, live.length).map(e => [e.seq, e.type]))) {
		throw new Error('The transcript file and the live store disagree.');
	}

	return transcript.events;
}

export function streamedText(events: readonly SessionEvent[]): string {
	return events
		.filter(e => e.type === 'assistant_text_delta')
		.map(e => (e as {text: string}).text)
		.join('');
}

export function messageText(events: readonly SessionEvent[]): string {
	return events
		.filter(e => e.type === 'assistant_message_completed')
		.flatMap(e => (e.type === 'assistant_message_completed' ? e.content : []))
		.map(block => (block.type === 'text' ? block.text : ''))
		.join('');
}

export function occurrences(haystack: string, needle: string): number {
	if (!needle) return 0;
	return haystack.split(needle).length - 1;
}

/** Writes a script for the built CLI's `--scripted <file>`; returns its path. */
export function writeScript(dir: string, name: string, script: Script): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, JSON.stringify(script));
	return file;
}
