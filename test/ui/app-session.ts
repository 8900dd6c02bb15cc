/**
 * The app's side of a session for component tests: a real event store, and actions that record what the keys asked
 * for (cycling the mode really appends to the log, as the session does). The session itself is tested through its
 * actions elsewhere; rewinds go to the port a test gives, or fail as an unwired session's do.
 */
import type {EventBody} from '../../source/core/events.js';
import {resolveModelChoice} from '../../source/model/model-config.js';
import {nextMode} from '../../source/policy/decide.js';
import {createEventStore, type EventStore} from '../../source/store/event-store.js';
import type {UserDecision} from '../../source/store/runner.js';
import type {AppSession} from '../../source/ui/app.js';
import type {RewindPort} from '../../source/ui/rewind-screen.js';

export type AppSessionOptions = {
	store?: EventStore;
	hasModel?: boolean;
	setupMessage?: string;
	startDemo?: () => Promise<void>;
	rewind?: RewindPort;
	/** The model the session started with (the app's `meta.model`). */
	model?: string;
};

export function appSession(options: AppSessionOptions = {}) {
	const calls = {cancelled: 0, prompts: [] as string[], decisions: [] as UserDecision[], ticked: [] as string[]};
	const store = options.store ?? storeWith();
	const session: AppSession = {
		store,
		send: async text => {
			calls.prompts.push(text);
		},
		decide: (_callId, decision) => calls.decisions.push(decision),
		previewEdit: async () => undefined,
		cancel: () => {
			calls.cancelled += 1;
		},
		cycleMode: () => store.append({type: 'permission_mode_changed', mode: nextMode(store.getState().mode)}),
		// As the session does: a fact in the log, refused while a turn runs.
		clear: () => {
			if (store.getState().activity !== 'idle') throw new Error('A turn is running.');
			store.append({type: 'conversation_cleared'});
		},
		setModel: name => {
			const choice = resolveModelChoice(name);
			if (!choice.ok) throw new Error(choice.reason);
			const changed = choice.id !== (store.getState().model ?? options.model ?? 'm');
			if (changed) store.append({type: 'model_changed', model: choice.id});
			return {model: choice.id, changed};
		},
		tick: itemId => calls.ticked.push(itemId),
		startDemo: options.startDemo ?? (async () => undefined),
		hasModel: () => options.hasModel ?? true,
		rewindPlan: async id => (options.rewind ? options.rewind.rewindPlan(id) : Promise.reject(new Error('no rewind in this test'))),
		rewind: async (id, choice) => (options.rewind ? options.rewind.rewind(id, choice) : Promise.reject(new Error('no rewind in this test'))),
		...(options.setupMessage ? {setupMessage: options.setupMessage} : {}),
	};
	return {session, calls};
}

/** A store holding `events`, at time `at` (0 unless given). */
export function storeWith(events: EventBody[] = [], now: () => number = () => 0): EventStore {
	const store = createEventStore({clock: {now}});
	for (const event of events) store.append(event);
	store.flush();
	return store;
}
