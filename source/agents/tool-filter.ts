/**
 * The agent file's `tools` list limits what the model is offered. Names are exact, except Claude Code's
 * server wildcards: `mcp__supabase` and `mcp__supabase__*` both mean every tool of that MCP server.
 * Anything else (`Bash(git:*)`, `Agent(x)`) is matched literally, so it offers nothing and is reported.
 */

const MCP_SERVER_ONLY = /^mcp__([^_]+(?:_[^_]+)*)$/;
const MCP_SERVER_WILDCARD = /^mcp__(.+)__\*$/;

function matcher(entry: string): (tool: string) => boolean {
	const server = MCP_SERVER_WILDCARD.exec(entry)?.[1] ?? MCP_SERVER_ONLY.exec(entry)?.[1];
	if (server !== undefined) {
		const prefix = `mcp__${server}__`;
		return tool => tool.startsWith(prefix);
	}
	return tool => tool === entry;
}

/** The available tools the agent may use, in the order they are available. No list: all of them. */
export function filterTools(available: readonly string[], agentTools?: readonly string[]): string[] {
	if (agentTools === undefined) return [...available];
	const matchers = agentTools.map(matcher);
	return available.filter(tool => matchers.some(matches => matches(tool)));
}

/** Entries of the agent's list that match no available tool, for a warning (a server missing a tool, a typo). */
export function unavailableTools(available: readonly string[], agentTools?: readonly string[]): string[] {
	if (agentTools === undefined) return [];
	return agentTools.filter(entry => !available.some(matcher(entry)));
}
