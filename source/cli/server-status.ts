import type {McpHost} from '../tools/mcp-host.js';

/** A tiny external store over the MCP servers' states, for the status bar. */
export function serverStatusStore(mcp: McpHost) {
	const listeners = new Set<() => void>();
	let text = describe(mcp);
	return {
		get: () => text,
		subscribe(listener: () => void) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		/** Call after starting/stopping servers. */
		refresh() {
			const next = describe(mcp);
			if (next === text) return;
			text = next;
			for (const listener of listeners) listener();
		},
	};
}

function describe(mcp: McpHost): string {
	const statuses = mcp.statuses();
	if (statuses.length === 0) return 'no tool servers';
	return statuses
		.map(s => (s.state === 'ready' ? `${s.name} ✓ ${s.toolCount} tools` : s.state === 'failed' ? `${s.name} ✗ failed` : s.state === 'starting' ? `${s.name} starting…` : `${s.name} idle`))
		.join(', ');
}
