/**
 * The tool servers' states go into the log: each change (a server starting, its database waking or falling asleep)
 * is a `servers_changed` event, so the status line, replay and a resumed session all read the same record. Calls
 * starting and ending are not changes here: the log has them already, and the status line derives "busy" from them.
 */
import type {ServerView} from '../core/events.js';
import type {EventStore} from '../store/event-store.js';
import type {McpHost, ServerStatus} from '../tools/mcp-host.js';

export function serverViews(statuses: readonly ServerStatus[]): ServerView[] {
	return statuses.map(status => ({
		name: status.name,
		state: status.state,
		tools: status.toolCount,
		...(status.error ? {error: status.error} : {}),
		...(status.database ? {database: status.database} : {}),
	}));
}

/** Records the servers' states now and at every change; returns the function that stops it. */
export function recordServerStatus(mcp: McpHost, store: Pick<EventStore, 'append'>): () => void {
	let last = '';
	const record = () => {
		const servers = serverViews(mcp.statuses());
		const key = JSON.stringify(servers);
		if (key === last) return;
		last = key;
		store.append({type: 'servers_changed', servers});
	};

	record();
	return mcp.onStatusChange(record);
}
