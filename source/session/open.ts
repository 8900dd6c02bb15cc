/**
 * The first half of a session: what the first frame needs (ids, transcript, the event store with its redaction),
 * loading nothing heavy. The model client and the tool servers (connect.ts) load after the frame is drawn.
 */
import path from 'node:path';
import type {AgentDefinition} from '../agents/parse-agent.js';
import type {SessionEvent} from '../core/events.js';
import {eventsToCloseInterruptedTurn} from '../core/resume.js';
import {missingKeyMessage, resolveApiConfig, resolveModelId} from '../model/model-config.js';
import {isSqlParserLoaded, loadSqlParser} from '../policy/sql-parser.js';
import {createEventStore, type EventStore} from '../store/event-store.js';
import type {ApprovalPolicy} from '../store/runner.js';
import type {SandboxHandle} from '../tools/local/sandbox.js';
import {createEventRedaction} from '../transcripts/event-redaction.js';
import {formatTimestamp} from '../transcripts/export-record.js';
import {createTranscriptHeader, newSessionId, TranscriptError, transcriptFileName} from '../transcripts/format.js';
import {collectKnownSecrets} from '../transcripts/known-secrets.js';
import {findSession, latestSession, NewestSessionUnreadableError, readTranscript, type SessionSummary, type Transcript} from '../transcripts/reader.js';
import {createSecretRedactor} from '../transcripts/redact.js';
import {mayHoldSqlSecret, redactSqlSecrets} from '../transcripts/sql-secrets.js';
import {openTranscript, reopenTranscript, type TranscriptWriter} from '../transcripts/writer.js';
import {type DebugLog, openDebugLog} from './debug-log.js';
import type {SessionArgs} from './options.js';
import {PGPAIR_VERSION} from './version.js';

export type SessionContext = {
	args: SessionArgs;
	agent: AgentDefinition;
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** Path of the built CLI entry, used to spawn the built-in `supabase` server as `pgpair mcp`. */
	cliEntry: string;
	policy: ApprovalPolicy;
	/** The OS sandbox for Bash, when asked for (--sandbox or settings). */
	bashSandbox?: SandboxHandle;
};

export type SessionRecord = {
	context: SessionContext;
	modelId: string;
	sessionId: string;
	transcriptPath: string;
	store: EventStore;
	log: DebugLog;
	/** Set when no model can be reached (no API key, no script): what the person should do. */
	setupMessage?: string;
	/** How many events of the log came from the resumed transcript (0 for a new session). */
	resumedEvents: number;
	closeTranscript(): void;
};

/**
 * Events every session records on its own, before and without anything being asked: its servers starting, the
 * checklist's first look, notices, the mode it starts in. Alone they are not a session worth keeping.
 */
const SESSION_BACKGROUND: ReadonlySet<SessionEvent['type']> = new Set([
	'servers_changed',
	'notice_shown',
	'checklist_item_changed',
	'internal_call_completed',
	'permission_mode_changed',
]);

export async function openSessionRecord(context: SessionContext): Promise<SessionRecord> {
	const {args, agent, cwd, env} = context;
	// Every secret pgpair reads is known by value from the first event on.
	const redactor = createSecretRedactor({env, known: collectKnownSecrets({cwd, env, ...(args.mcpConfig ? {mcpConfig: args.mcpConfig} : {})})});
	const redaction = createEventRedaction({
		redactor,
		sql: {
			mayHold: mayHoldSqlSecret,
			redact: redactSqlSecrets,
			loaded: isSqlParserLoaded,
			// Loaded by the first event that holds SQL worth parsing (event-redaction.ts); until then, and if it fails, the patterns do.
			load: async () =>
				loadSqlParser().catch((error: unknown) => {
					log.write(`[sql] parser failed to load: ${(error as Error).message}`);
					throw error;
				}),
		},
	});
	const log = openDebugLog(args.debugLog ? path.resolve(cwd, args.debugLog) : path.join(cwd, '.pgpair', 'debug.log'), redaction.text);
	const modelId = resolveModelId(args.model ?? (agent.model && agent.model !== 'inherit' ? agent.model : env['ANTHROPIC_MODEL']));
	const sessionsDir = path.resolve(cwd, args.sessionsDir ?? 'sessions');
	const resumed = await loadResumed(args, sessionsDir, cwd);
	const sessionId = resumed?.header.sessionId ?? newSessionId();
	const transcriptPath = resumed?.path ?? path.join(sessionsDir, transcriptFileName(new Date(), sessionId));

	let writer: TranscriptWriter | undefined;
	let closed = false;
	let used = false;
	const background: SessionEvent[] = [];
	const openWriter = (): TranscriptWriter => {
		if (resumed) return reopenTranscript(resumed.path);
		return openTranscript(
			transcriptPath,
			createTranscriptHeader({
				sessionId,
				cwd,
				agent: {name: agent.name, source: agent.source.kind === 'file' ? agent.source.path : 'builtin', model: modelId},
				pgpairVersion: PGPAIR_VERSION,
			}),
		);
	};

	const store = createEventStore({
		clock: Date,
		redaction,
		...(resumed ? {initialEvents: resumed.events} : {}),
		sink: {
			append(event) {
				// Until something happens in the session, what every session does on its own waits: a session started
				// and left without a prompt leaves no transcript behind.
				if (!used && SESSION_BACKGROUND.has(event.type)) {
					background.push(event);
					return;
				}

				used = true;
				if (closed) {
					// A late event (a checklist evaluation finishing during shutdown) still lands in the file.
					const late = reopenTranscript(transcriptPath);
					late.append(event);
					late.close();
					return;
				}

				writer ??= openWriter();
				for (const earlier of background.splice(0)) writer.append(earlier);
				writer.append(event);
			},
		},
	});
	if (resumed) {
		for (const warning of resumed.warnings) store.append({type: 'notice_shown', level: 'warning', text: `Transcript: ${warning}`});
		for (const event of eventsToCloseInterruptedTurn(resumed.events)) store.append(event);
		store.append({type: 'notice_shown', level: 'info', text: `Resumed session ${sessionId} (${resumed.events.length} events).`});
	}

	const hasModel = Boolean(args.scripted) || Boolean(resolveApiConfig(env).apiKey);
	return {
		context,
		modelId,
		sessionId,
		transcriptPath,
		store,
		log,
		resumedEvents: resumed?.events.length ?? 0,
		...(hasModel ? {} : {setupMessage: missingKeyMessage}),
		closeTranscript() {
			store.flush();
			if (writer) {
				writer.close();
				writer = undefined;
				closed = true;
			}
		},
	};
}

async function loadResumed(args: SessionArgs, sessionsDir: string, cwd: string): Promise<(Transcript & {path: string}) | undefined> {
	if (!args.resume && !args.continue) return undefined;
	const summary = typeof args.resume === 'string' ? await findSession(sessionsDir, args.resume) : await latestForContinue(sessionsDir, cwd);
	if (!summary) throw new Error(`There is no saved session for this workspace in ${sessionsDir} to continue.`);
	return {...(await readTranscript(summary.path)), path: summary.path};
}

/**
 * `--continue` goes on with the newest session or with none: when the newest cannot be read, going on with an older
 * one would put the person's next prompt into a conversation they did not mean, without a word. They choose instead.
 */
async function latestForContinue(sessionsDir: string, cwd: string): Promise<SessionSummary | undefined> {
	try {
		return await latestSession(sessionsDir, cwd);
	} catch (error) {
		if (!(error instanceof NewestSessionUnreadableError)) throw error;
		const {older} = error;
		const choice = older
			? `To go on with the session before it (${older.id}, started ${formatTimestamp(Date.parse(older.createdAt))}${older.firstPrompt ? `: "${oneLine(older.firstPrompt, 60)}"` : ''}), run pgpair --resume ${older.id}; to start a new session, leave out --continue.`
			: 'There is no older session for this workspace; leave out --continue to start a new one.';
		throw new TranscriptError(`${error.message}. pgpair does not continue an older session in its place. ${choice}`);
	}
}

function oneLine(text: string, max: number): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
