/**
 * One session: its log and every action a person can take on it. What the person sees — the conversation, the calls
 * waiting for approval, the permission mode, the tools granted for the session, the servers, the checklist — is a
 * fold of the log (`store.getState()`); an action only ever appends to the log, itself or through the turn it starts.
 * So a resumed session, a replay and the live view all show the same thing, and nothing the person decided lives
 * anywhere else.
 *
 * The log opens at once (the first frame needs it); the model client, the tool servers and their database load behind
 * it (connect.ts). A prompt sent before they have loaded waits for them rather than being lost.
 */
import type {PermissionMode} from '../core/events.js';
import type {RewindChoice, RewindOutcome, RewindPlan} from '../core/rewind.js';
import {resolveModelChoice} from '../model/model-config.js';
import {nextMode} from '../policy/decide.js';
import type {EventStore} from '../store/event-store.js';
import type {UserDecision} from '../store/runner.js';
import type {McpHost} from '../tools/mcp-host.js';
import type {ConnectedSession} from './connect.js';
import {openSessionRecord, type SessionContext} from './open.js';

/** What the person can do; the TUI's keys and headless mode call these and nothing else. */
export type SessionActions = {
	/** Runs one turn; resolves when it has ended. A prompt while a turn runs is refused with a notice. */
	send(text: string): Promise<void>;
	/** Decides a call waiting for approval (a key pressed before its preview arrived is kept for it). */
	decide(callId: string, decision: UserDecision): void;
	/** Recomputes the preview of a waiting call for an edited input, so the pane shows what will run. */
	previewEdit(callId: string, input: unknown): Promise<void>;
	/** Cancels the running turn; calls still waiting are denied. */
	cancel(): void;
	setMode(mode: PermissionMode): void;
	/** Shift+Tab: default → acceptEdits → plan. */
	cycleMode(): void;
	/** The person ticks (or unticks) a checklist item themselves. */
	tick(itemId: string): void;
	/** Switches to the offline demo's scripted model and sends its prompt. */
	startDemo(): Promise<void>;
	isBusy(): boolean;
	/** Whether a prompt can be answered: a model is configured, or the demo runs. */
	hasModel(): boolean;
	/** What rewinding to a checkpoint would restore (tables and rows then and now, files, the conversation); changes nothing. */
	rewindPlan(checkpointId: string): Promise<RewindPlan>;
	/** Restores the chosen parts of a checkpoint; refused while a turn runs. The rewind is an event in the log. */
	rewind(checkpointId: string, choice: RewindChoice): Promise<RewindOutcome>;
	/** `/clear`: the model's history starts afresh with the next prompt; refused while a turn runs. An event in the log. */
	clear(): void;
	/**
	 * `/model <name>`: the following requests go to that model (an alias or an id, as `--model` takes it); refused while
	 * a turn runs, and for a name that cannot be a model. A change is an event in the log; the same model changes nothing.
	 */
	setModel(name: string): {model: string; changed: boolean};
};

export type Session = SessionActions & {
	readonly id: string;
	readonly transcriptPath: string;
	/** The model the next request goes to: the last `/model` choice in the log, else the one the session started with. */
	readonly modelId: string;
	/** The log: read it (`getState`, `getEvents`, `subscribe`); the actions above are what append to it. */
	readonly store: EventStore;
	/** Set when no model can be reached (no API key, no script): what the person should do. */
	readonly setupMessage?: string;
	/** How many events of the log came from the resumed transcript: this run's own start after them. */
	readonly resumedEvents: number;
	/** The model client and tool servers, once loaded (headless runs, tests and shutdown wait on it). */
	readonly connected: Promise<ConnectedSession>;
	/** The tool servers, if they have loaded: a termination signal kills what is left of them. */
	mcp(): McpHost | undefined;
	/** Closes the transcript now (synchronous), before the slower close of the servers. */
	closeTranscript(): void;
	close(): Promise<void>;
};

export type OpenOptions = {
	/** The mode to start in, when the person chose one (flag, settings); a resumed session otherwise keeps its own. */
	mode?: PermissionMode;
	/** Who rewinds in this run: the person at the TUI, or `pgpair rewind` (headless). */
	rewindBy?: 'user' | 'headless';
};

export async function openSession(context: SessionContext, options: OpenOptions = {}): Promise<Session> {
	const record = await openSessionRecord(context);
	const rewindBy = options.rewindBy ?? 'user';
	const {store} = record;
	// The mode is part of the log like every other thing the person sees, so a resume and a replay show it.
	if (options.mode && options.mode !== store.getState().mode) store.append({type: 'permission_mode_changed', mode: options.mode});
	// Likewise the model: a resumed session goes on with the one chosen in it (`/model`), unless `--model` names another.
	const chosen = store.getState().model;
	if (context.args.model && chosen !== undefined && chosen !== record.modelId) store.append({type: 'model_changed', model: record.modelId});

	const connecting = import('./connect.js');
	const connected = connecting.then(async ({connect}) => connect(record));
	let loaded: ConnectedSession | undefined;
	let demo = false;
	let waiting = 0;
	let closing: Promise<void> | undefined;
	connected.then(
		async session => {
			loaded = session;
			const {toolWarnings} = await connecting;
			await announceServers(session, () => toolWarnings(context.agent, session.toolHost), store);
		},
		(error: unknown) => {
			store.append({type: 'servers_changed', servers: [], error: (error as Error).message});
			store.append({type: 'notice_shown', level: 'error', text: `pgpair could not start its model client or tools: ${(error as Error).message}`});
		},
	);

	const session: Session = {
		id: record.sessionId,
		transcriptPath: record.transcriptPath,
		get modelId() {
			return store.getState().model ?? record.modelId;
		},
		store,
		...(record.setupMessage ? {setupMessage: record.setupMessage} : {}),
		resumedEvents: record.resumedEvents,
		connected,
		hasModel: () => demo || !record.setupMessage,
		async send(text) {
			if (!session.hasModel()) {
				store.append({type: 'notice_shown', level: 'warning', text: record.setupMessage ?? 'No model is configured.'});
				return;
			}

			waiting++;
			try {
				const {runner, checklist} = await connected;
				await runner.submitPrompt(text);
				// "Done" while the checklist has open items is worth saying, in the chat, once per turn.
				await checklist.evaluate(store.getEvents()).catch(() => undefined);
				const notice = checklist.openItemsNotice(store.getState());
				if (notice) store.append({type: 'notice_shown', level: 'warning', text: notice});
			} finally {
				waiting--;
			}
		},
		decide: (callId, decision) => loaded?.runner.resolveApproval(callId, decision),
		previewEdit: async (callId, input) => loaded?.runner.previewEdit(callId, input),
		cancel: () => loaded?.runner.cancelTurn(),
		setMode(mode) {
			if (mode !== store.getState().mode) store.append({type: 'permission_mode_changed', mode});
		},
		cycleMode: () => session.setMode(nextMode(store.getState().mode)),
		tick(itemId) {
			void connected.then(
				c => c.checklist.tickByUser(itemId),
				() => undefined,
			);
		},
		async startDemo() {
			const [{DEMO_PROMPT, DEMO_SCRIPT}, c] = await Promise.all([import('./demo-script.js'), connected]);
			c.switchModel(await c.scriptedModel(DEMO_SCRIPT));
			demo = true;
			// The demo is a script: its steps build on each other and it cannot answer a refusal. A call the person
			// denies ends it there, and so does its last answer; then no model answers again until D or a key.
			const from = store.getEvents().length;
			let stopped: string | undefined;
			const unsubscribe = store.subscribe(() => {
				if (stopped) return;
				const events = store.getEvents().slice(from);
				const denied = events.find(event => event.type === 'tool_call_decided' && event.decision === 'deny');
				if (denied?.type !== 'tool_call_decided') return;
				const asked = events.find(event => event.type === 'tool_call_requested' && event.callId === denied.callId);
				const tool = asked?.type === 'tool_call_requested' ? (asked.name.split('__').at(-1) ?? asked.name) : 'a call';
				stopped = `you did not allow ${tool}`;
				loaded?.runner.cancelTurn();
			});
			void session.send(DEMO_PROMPT).finally(() => {
				unsubscribe();
				demo = false;
				c.switchModel(undefined);
				const ended = store.getState().entries.findLast(entry => entry.kind === 'turn_end');
				const why = stopped ?? (ended?.kind === 'turn_end' && ended.outcome !== 'completed' ? `the turn was ${ended.outcome}` : undefined);
				store.append({
					type: 'notice_shown',
					level: why ? 'warning' : 'info',
					text: why
						? `The offline demo stopped: ${why}, and its next steps depend on that one. Press D on an empty prompt to run it again.`
						: 'The offline demo has ended. Set ANTHROPIC_API_KEY to pair with the real model, or press D on an empty prompt to run the demo again.',
				});
			});
		},
		isBusy: () => waiting > 0 || (loaded?.runner.isBusy() ?? false),
		rewindPlan: async checkpointId => (await connected).checkpoints.plan(checkpointId),
		async rewind(checkpointId, choice) {
			// A rewind under a running call would restore what that call is changing: it waits for the turn to end.
			if (session.isBusy()) throw new Error('A turn is running: rewind when it has ended (Esc cancels it).');
			return (await connected).checkpoints.rewind(checkpointId, choice, rewindBy);
		},
		clear() {
			if (session.isBusy()) throw new Error('A turn is running: clear when it has ended (Esc cancels it).');
			store.append({type: 'conversation_cleared'});
		},
		setModel(name) {
			const choice = resolveModelChoice(name);
			if (!choice.ok) throw new Error(choice.reason);
			// A request under way keeps the model it started with; the turn's next round would not.
			if (session.isBusy()) throw new Error('A turn is running: change the model when it has ended (Esc cancels it).');
			if (choice.id === session.modelId) return {model: choice.id, changed: false};
			store.append({type: 'model_changed', model: choice.id});
			return {model: choice.id, changed: true};
		},
		mcp: () => loaded?.mcp,
		closeTranscript: () => record.closeTranscript(),
		close: async () =>
			(closing ??= connected.then(
				async c => c.close(),
				() => record.closeTranscript(),
			)),
	};
	return session;
}

/** Once the tool servers are up: what failed to start, and tools the agent lists that no server offers. */
async function announceServers(connected: ConnectedSession, toolWarnings: () => string[], store: EventStore): Promise<void> {
	await connected.toolHost.ready();
	for (const status of connected.mcp.statuses()) {
		if (status.state === 'failed') store.append({type: 'notice_shown', level: 'error', text: status.error ?? `${status.name} failed to start`});
	}

	for (const warning of toolWarnings()) store.append({type: 'notice_shown', level: 'warning', text: warning});
}
