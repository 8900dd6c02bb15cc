/**
 * The status line's words for the tool servers, from the session state: the servers' last reported states, and
 * the calls running now (a call to a server that is still starting waits for it; one to a ready database makes it
 * busy). Pure, so the live view and replay say the same at the same point of a session.
 */
import type {ServerView} from '../core/events.js';
import type {SessionState} from '../core/session-state.js';

export function serverStatusText(state: Pick<SessionState, 'servers' | 'openCalls'>): string {
	if (!state.servers) return 'tools starting…';
	if (state.servers.error) return 'tools failed to load';
	if (state.servers.list.length === 0) return 'no tool servers';
	return state.servers.list.map(server => serverText(server, runningCalls(state, server.name))).join(', ');
}

function runningCalls(state: Pick<SessionState, 'openCalls'>, server: string): number {
	const prefix = `mcp__${server}__`;
	let count = 0;
	for (const call of state.openCalls) if (call.status === 'running' && call.name.startsWith(prefix)) count++;
	return count;
}

function serverText(server: ServerView, calls: number): string {
	switch (server.state) {
		case 'ready':
			return `${server.name} ✓ ${server.tools} tools${databaseText(server, calls)}`;
		case 'idle':
			// Its tools are offered already; the server (and its database) start with the first call that needs them.
			return `${server.name} ${server.tools} tools · starts on first use`;
		case 'starting':
			return calls ? `${server.name} starting… (a call waits)` : `${server.name} starting…`;
		case 'failed':
			return `${server.name} ✗ failed`;
		case 'stopped':
			return `${server.name} stopped · restarts on next call`;
	}
}

/** The database behind a server, when the server says: a call made while it starts visibly waits for it. */
function databaseText(server: ServerView, calls: number): string {
	const database = server.database;
	if (!database) return '';
	// Short: the status line is one row, and at 120 columns little of it is left by here.
	if (database.state === 'failed') return ` · db ✗ ${database.reason.replace(/\s+/g, ' ').slice(0, 80)}`;
	if (database.state === 'starting') return calls ? ' · db starting… (a call waits)' : ' · db starting…';
	if (database.state === 'ready' && calls) return ' · db busy';
	return {idle: ' · db idle', ready: ' · db ready', asleep: ' · db asleep'}[database.state];
}
