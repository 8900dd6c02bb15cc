import type {McpHost, ServerStatus} from '../tools/mcp-host.js';

export type ServerStatusStore = {get(): string; subscribe(listener: () => void): () => void; refresh(): void};

/** A tiny external store over the MCP servers' states, for the status bar. */
export function serverStatusStore(mcp: McpHost): ServerStatusStore {
	return lazyServerStatus(Promise.resolve({mcp}), describe(mcp));
}

/** The same, before the tool host has even loaded ("starting…" until it has). */
export function lazyServerStatus(connecting: Promise<{mcp: McpHost}>, initial = 'tools starting…'): ServerStatusStore {
	const listeners = new Set<() => void>();
	let text = initial;
	let mcp: McpHost | undefined;
	const store: ServerStatusStore = {
		get: () => text,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		refresh() {
			if (!mcp) return;
			const next = describe(mcp);
			if (next === text) return;
			text = next;
			for (const listener of listeners) listener();
		},
	};
	void connecting.then(
		c => {
			mcp = c.mcp;
			c.mcp.onStatusChange(() => store.refresh());
			store.refresh();
		},
		() => {
			text = 'tools failed to load';
			for (const listener of listeners) listener();
		},
	);
	return store;
}

function describe(mcp: McpHost): string {
	const statuses = mcp.statuses();
	if (statuses.length === 0) return 'no tool servers';
	return statuses.map(serverText).join(', ');
}

function serverText(s: ServerStatus): string {
	switch (s.state) {
		case 'ready':
			return `${s.name} ✓ ${s.toolCount} tools${databaseText(s)}`;
		case 'idle':
			// Its tools are offered already; the server (and its database) start with the first call that needs them.
			return `${s.name} ${s.toolCount} tools · starts on first use`;
		case 'starting':
			return s.calls ? `${s.name} starting… (a call waits)` : `${s.name} starting…`;
		case 'failed':
			return `${s.name} ✗ failed`;
		case 'stopped':
			return `${s.name} stopped · restarts on next call`;
	}
}

/** The database behind a server, when the server says: a call made while it starts visibly waits for it. */
function databaseText(status: ServerStatus): string {
	const database = status.database;
	if (!database) return '';
	// Short: the status line is one row, and at 120 columns little of it is left by here.
	if (database.state === 'failed') return ` · db ✗ ${database.reason.replace(/\s+/g, ' ').slice(0, 80)}`;
	// A call sent while the database starts waits for it: said, so the wait is never silent.
	if (database.state === 'starting') return status.calls ? ' · db starting… (a call waits)' : ' · db starting…';
	if (database.state === 'ready' && status.calls) return ' · db busy';
	return {idle: ' · db idle', ready: ' · db ready', asleep: ' · db asleep'}[database.state];
}
