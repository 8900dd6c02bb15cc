import {useSyncExternalStore} from 'react';
import type {SessionState} from '../core/session-state.js';
import type {EventStore} from '../store/event-store.js';

/** Session state from the store; React re-renders at most once per store frame. */
export function useSessionState(store: EventStore): SessionState {
	return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
