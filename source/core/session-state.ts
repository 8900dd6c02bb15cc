/**
 * Session state as a pure fold over events. Live, replay and resume all call `reduceSession`.
 * Finished chat entries only ever grow at the end, so the UI can hand them to Ink's <Static>.
 */
import type {
	CallPreview,
	ChecklistItemState,
	ChecklistSource,
	CheckpointRecord,
	ContentBlock,
	DecisionScope,
	DecisionSource,
	ModelMessage,
	PermissionMode,
	RewindRecord,
	ServerView,
	SessionEvent,
	ToolCallClassification,
	TurnOutcome,
	Usage,
} from './events.js';
import {appendToHistory} from './history.js';

export type ToolCallStatus = 'awaiting_approval' | 'denied' | 'running' | 'succeeded' | 'failed';

export type ToolCallView = {
	callId: string;
	name: string;
	input: unknown;
	classification?: ToolCallClassification;
	/** The latest preview (recomputed when the person edits the call). */
	preview?: CallPreview;
	/** A preview is on its way; the call cannot be decided before it is shown. */
	previewPending?: boolean;
	status: ToolCallStatus;
	decidedBy?: DecisionSource;
	/** When the decision was taken (the person's thinking time is `decidedAt - requestedAt`). */
	decidedAt?: number;
	reason?: string;
	feedback?: string;
	/** Set on the person's allows: `session` also granted the tool for the rest of the session. */
	scope?: DecisionScope;
	editedInput?: unknown;
	result?: string;
	durationMs?: number;
	requestedAt: number;
};

/**
 * What happened, in the order it happened: the one record the live chat, replay, the exports and `replay --print` all
 * read. Some kinds are for the record rather than the chat (a retry, a checklist change, a turn that completed): the
 * live view prints only what it has a line for.
 */
export type ChatEntry =
	| {id: string; kind: 'user'; turn: number; text: string; at: number}
	| {id: string; kind: 'assistant'; text: string; at: number}
	| {id: string; kind: 'tool'; call: ToolCallView; at: number}
	| {id: string; kind: 'notice'; level: 'info' | 'warning' | 'error'; text: string; at: number}
	| {id: string; kind: 'turn_end'; turn: number; outcome: TurnOutcome; error?: string; at: number}
	| {id: string; kind: 'retry'; attempt: number; maxAttempts: number; delayMs: number; reason: string; at: number}
	| {id: string; kind: 'checklist'; itemId: string; text: string; state: ChecklistItemState; by: ChecklistSource; evidence: string; at: number}
	| {id: string; kind: 'mode'; mode: PermissionMode; at: number}
	/** `/clear`: the live chat starts again from here, and the model's history with it. */
	| {id: string; kind: 'cleared'; at: number}
	| {id: string; kind: 'model'; model: string; at: number}
	| {id: string; kind: 'checkpoint'; checkpoint: CheckpointRecord; at: number}
	| {id: string; kind: 'checkpoints_dropped'; ids: readonly string[]; reason: string; at: number}
	| ({id: string; kind: 'rewind'; by: 'user' | 'headless'; at: number} & RewindRecord);

/** A checkpoint as the rewind list shows it: its record, when it was taken, and whether its data is still kept. */
export type CheckpointView = CheckpointRecord & {at: number; dropped?: string};

/**
 * Where the model's history stood when a turn began: a conversation rewind goes back to it. `count` is the history's
 * length then, `last` its last message then (a prompt can later merge into it, so it is kept as it was).
 */
export type TurnMark = {seq: number; count: number; last?: ModelMessage};

export type Activity = 'idle' | 'thinking' | 'streaming' | 'awaiting_approval' | 'running_tool' | 'retrying';

export type SessionState = {
	entries: readonly ChatEntry[];
	/** Text of the assistant message being streamed; empty between messages. */
	liveText: string;
	/** Calls of the current round that are not finished, in request order. */
	openCalls: readonly ToolCallView[];
	activity: Activity;
	retry?: {attempt: number; maxAttempts: number; delayMs: number; reason: string; at: number};
	usage: Usage;
	turns: number;
	messages: readonly ModelMessage[];
	/**
	 * How many messages the whole history holds. Equal to `messages.length`, except in the slim states of
	 * session-fold.ts, which carry only the last message.
	 */
	historyLength: number;
	/** One per user prompt, oldest first (see `TurnMark`). */
	turnMarks: readonly TurnMark[];
	/** Every checkpoint taken, oldest first; a dropped one says why. */
	checkpoints: readonly CheckpointView[];
	mode: PermissionMode;
	/** The model chosen during the session (`/model`); undefined: the one the session started with. */
	model?: string;
	/** How many times the conversation was cleared (`/clear`): the live chat starts again at each. */
	clears: number;
	/** Tools the person allowed "for the session", in the order granted: the decisions with scope `session`. */
	grants: readonly string[];
	/** The tool servers as last reported; undefined until they have loaded (or failed to). */
	servers?: {list: readonly ServerView[]; error?: string};
	/** Checklist items by id, in the order they first appeared; only the latest change of each is kept. */
	checklist: readonly ChecklistEntry[];
	/** Previews seen so far, newest last, for reopening diffs after the fact. */
	previews: readonly {callId: string; name: string; preview: CallPreview; at: number}[];
	lastSeq: number;
};

export type ChecklistEntry = {itemId: string; text: string; state: ChecklistItemState; by: ChecklistSource; evidence: string; at: number};

export const INITIAL_STATE: SessionState = {
	entries: [],
	liveText: '',
	openCalls: [],
	activity: 'idle',
	usage: {inputTokens: 0, outputTokens: 0},
	turns: 0,
	messages: [],
	historyLength: 0,
	turnMarks: [],
	checkpoints: [],
	mode: 'default',
	clears: 0,
	grants: [],
	checklist: [],
	previews: [],
	lastSeq: 0,
};

export function reduceSession(state: SessionState, event: SessionEvent): SessionState {
	const messages = appendToHistory(state.messages, event);
	const historyLength = state.historyLength + messages.length - state.messages.length;
	const next = {...state, messages, historyLength, lastSeq: event.seq};
	switch (event.type) {
		case 'user_prompt_submitted':
			return {
				...next,
				turnMarks: [...state.turnMarks, {seq: event.seq, count: state.historyLength, ...(state.messages.length > 0 ? {last: state.messages.at(-1)!} : {})}],
				turns: state.turns + 1,
				activity: 'thinking',
				entries: [...state.entries, {id: `e${event.seq}`, kind: 'user', turn: state.turns + 1, text: event.text, at: event.at}],
			};

		case 'model_request_started':
			return {...next, activity: 'thinking', liveText: ''};

		case 'assistant_text_delta':
			return {...next, activity: 'streaming', liveText: state.liveText + event.text, retry: undefined};

		case 'model_retry_scheduled':
			return {
				...next,
				entries: [
					...state.entries,
					{
						id: `e${event.seq}`,
						kind: 'retry',
						attempt: event.attempt,
						maxAttempts: event.maxAttempts,
						delayMs: event.delayMs,
						reason: event.reason,
						at: event.at,
					},
				],
				activity: 'retrying',
				retry: {attempt: event.attempt, maxAttempts: event.maxAttempts, delayMs: event.delayMs, reason: event.reason, at: event.at},
			};

		case 'assistant_message_completed': {
			const text = textOf(event.content);
			const entries = text ? [...state.entries, {id: `e${event.seq}`, kind: 'assistant' as const, text, at: event.at}] : state.entries;
			return {
				...next,
				entries,
				liveText: '',
				retry: undefined,
				usage: {
					inputTokens: state.usage.inputTokens + event.usage.inputTokens,
					outputTokens: state.usage.outputTokens + event.usage.outputTokens,
				},
			};
		}

		case 'tool_call_requested': {
			const call: ToolCallView = {
				callId: event.callId,
				name: event.name,
				input: event.input,
				...(event.classification ? {classification: event.classification} : {}),
				...(event.previewPending ? {previewPending: true} : {}),
				status: 'awaiting_approval',
				requestedAt: event.at,
			};
			return {...next, activity: 'awaiting_approval', openCalls: [...state.openCalls, call]};
		}

		case 'tool_call_decided': {
			const call = state.openCalls.find(c => c.callId === event.callId);
			if (!call) return next;
			const decided: ToolCallView = {
				...call,
				status: event.decision === 'allow' ? 'running' : 'denied',
				decidedBy: event.by,
				decidedAt: event.at,
				...(event.reason ? {reason: event.reason} : {}),
				...(event.feedback ? {feedback: event.feedback} : {}),
				...(event.scope ? {scope: event.scope} : {}),
				...(event.editedInput === undefined ? {} : {editedInput: event.editedInput}),
			};
			if (event.decision === 'allow') {
				const grants = event.scope === 'session' && !state.grants.includes(call.name) ? [...state.grants, call.name] : state.grants;
				return {...next, grants, activity: 'running_tool', openCalls: state.openCalls.map(c => (c.callId === event.callId ? decided : c))};
			}

			return finishCall(next, decided, event.seq, event.at);
		}

		case 'tool_call_started':
			return {...next, activity: 'running_tool'};

		case 'tool_call_completed': {
			const call = state.openCalls.find(c => c.callId === event.callId);
			if (!call) return next;
			return finishCall(
				next,
				{...call, status: event.isError ? 'failed' : 'succeeded', result: event.content, durationMs: event.durationMs},
				event.seq,
				event.at,
			);
		}

		case 'turn_completed': {
			const end: ChatEntry = {
				id: `e${event.seq}`,
				kind: 'turn_end',
				turn: state.turns,
				outcome: event.outcome,
				...(event.error ? {error: event.error} : {}),
				at: event.at,
			};
			return {...next, entries: [...state.entries, end], activity: 'idle', liveText: '', retry: undefined, openCalls: []};
		}

		case 'tool_call_previewed': {
			const call = state.openCalls.find(c => c.callId === event.callId);
			const previews = [...state.previews, {callId: event.callId, name: call?.name ?? event.callId, preview: event.preview, at: event.at}];
			if (!call) return {...next, previews};
			// The class the call is decided on from now: what the pane, replay and the transcript show is that one.
			const classification = event.classification ? {classification: event.classification} : {};
			return {
				...next,
				previews,
				openCalls: state.openCalls.map(c => (c.callId === event.callId ? {...c, preview: event.preview, previewPending: false, ...classification} : c)),
			};
		}

		case 'checklist_item_changed': {
			const entry: ChecklistEntry = {itemId: event.itemId, text: event.text, state: event.state, by: event.by, evidence: event.evidence, at: event.at};
			const index = state.checklist.findIndex(item => item.itemId === event.itemId);
			const checklist = index === -1 ? [...state.checklist, entry] : state.checklist.map((item, i) => (i === index ? entry : item));
			return {...next, checklist, entries: [...state.entries, {id: `e${event.seq}`, kind: 'checklist', ...entry}]};
		}

		case 'permission_mode_changed':
			return {...next, mode: event.mode, entries: [...state.entries, {id: `e${event.seq}`, kind: 'mode', mode: event.mode, at: event.at}]};

		case 'conversation_cleared':
			// The history is empty from here (history.ts); a turn mark before it can no longer be gone back to, so a
			// conversation rewind to an earlier checkpoint is not offered. The fold's other facts (mode, grants,
			// checkpoints, checklist, usage) belong to the session and stay.
			return {
				...next,
				historyLength: 0,
				turnMarks: [],
				clears: state.clears + 1,
				entries: [...state.entries, {id: `e${event.seq}`, kind: 'cleared', at: event.at}],
			};

		case 'model_changed':
			return {...next, model: event.model, entries: [...state.entries, {id: `e${event.seq}`, kind: 'model', model: event.model, at: event.at}]};

		case 'checkpoint_created':
			return {
				...next,
				checkpoints: [...state.checkpoints, {...event.checkpoint, at: event.at}],
				entries: [...state.entries, {id: `e${event.seq}`, kind: 'checkpoint', checkpoint: event.checkpoint, at: event.at}],
			};

		case 'checkpoints_dropped': {
			const ids = new Set(event.ids);
			return {
				...next,
				checkpoints: state.checkpoints.map(c => (ids.has(c.id) ? {...c, dropped: event.reason} : c)),
				entries: [...state.entries, {id: `e${event.seq}`, kind: 'checkpoints_dropped', ids: event.ids, reason: event.reason, at: event.at}],
			};
		}

		case 'rewound': {
			const {type: _type, seq: _seq, at, ...record} = event;
			const entry: ChatEntry = {id: `e${event.seq}`, kind: 'rewind', ...record, at};
			const rewound = {...next, entries: [...state.entries, entry]};
			if (!event.conversation) return rewound;
			const turnSeq = state.checkpoints.find(c => c.id === event.checkpointId)?.turnSeq;
			const mark = state.turnMarks.find(m => m.seq === turnSeq);
			return mark ? {...rewound, ...rewindHistory(state, mark)} : rewound;
		}

		case 'servers_changed':
			return {...next, servers: {list: event.servers, ...(event.error ? {error: event.error} : {})}};

		case 'notice_shown':
			return {...next, entries: [...state.entries, {id: `e${event.seq}`, kind: 'notice', level: event.level, text: event.text, at: event.at}]};

		case 'internal_call_completed':
			// pgpair's own look-ups (the checklist's) are on the record in the log, for exports; they are many, and
			// nothing on screen shows them, so the fold does not carry them (see export-record.ts).
			return next;

		default: {
			// Exhaustive at compile time; at run time an event from a newer pgpair changes nothing.
			const unhandled: never = event;
			void unhandled;
			return next;
		}
	}
}

/**
 * The history as it was when the marked turn began. A slim state (session-fold.ts) holds only the tail of the
 * history: what it lacks is kept by its fold buffer, which reads `historyLength` to know where the history now ends.
 */
function rewindHistory(state: SessionState, mark: TurnMark): Pick<SessionState, 'messages' | 'historyLength' | 'turnMarks'> {
	const held = state.historyLength - state.messages.length;
	const keep = Math.max(0, mark.count - 1 - held);
	const messages = mark.count === 0 ? [] : [...state.messages.slice(0, keep), ...(mark.last ? [mark.last] : [])];
	return {messages, historyLength: mark.count, turnMarks: state.turnMarks.filter(m => m.seq < mark.seq)};
}

function finishCall(state: SessionState, call: ToolCallView, seq: number, at: number): SessionState {
	const openCalls = state.openCalls.filter(c => c.callId !== call.callId);
	return {
		...state,
		openCalls,
		activity: openCalls.some(c => c.status === 'awaiting_approval') ? 'awaiting_approval' : 'thinking',
		entries: [...state.entries, {id: `e${seq}`, kind: 'tool', call, at}],
	};
}

export function textOf(content: readonly ContentBlock[]): string {
	return content
		.filter(b => b.type === 'text')
		.map(b => (b as {text: string}).text)
		.join('');
}

/** The calls still waiting for a decision, oldest first: the approval queue. */
export function pendingApprovals(state: SessionState): ToolCallView[] {
	return state.openCalls.filter(c => c.status === 'awaiting_approval');
}
