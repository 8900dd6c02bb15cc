/**
 * The agent file's `tools` list limits what the model is offered. Names are exact, except Claude Code's
 * server wildcards: `mcp__supabase` and `mcp__supabase__*` both mean every tool of that MCP server.
 * Anything else (`Bash(git:*)`, `Agent(x)`) is matched literally, so it offers nothing and is reported.
 *
 * Servers move on: the official Supabase server 0.13.0 lists query_logs instead of get_logs, and it never had
 * pgpair's invoke_edge_function (a function is called at the project URL instead). An agent that names a tool its
 * server replaced is offered the replacement on that server, and is not warned about it.
 */

const MCP_SERVER_ONLY = /^mcp__([^_]+(?:_[^_]+)*)$/;
const MCP_SERVER_WILDCARD = /^mcp__(.+)__\*$/;
const MCP_TOOL = /^mcp__(.+?)__([^_].*)$/;

/** A tool a server may no longer list, and what does its work there (read-only tools, so offering them widens nothing). */
export const REPLACED_TOOLS: Readonly<Record<string, string>> = {
	get_logs: 'query_logs',
	invoke_edge_function: 'get_project_url',
};

function matcher(entry: string): (tool: string) => boolean {
	const server = MCP_SERVER_WILDCARD.exec(entry)?.[1] ?? MCP_SERVER_ONLY.exec(entry)?.[1];
	if (server !== undefined) {
		const prefix = `mcp__${server}__`;
		return tool => tool.startsWith(prefix);
	}
	return tool => tool === entry;
}

/** The replacement of a listed tool its server no longer has, if that server has the replacement. */
function replacement(entry: string, available: readonly string[]): string | undefined {
	const parts = MCP_TOOL.exec(entry);
	const instead = parts && REPLACED_TOOLS[parts[2]!];
	if (!instead || available.includes(entry)) return undefined;
	const name = `mcp__${parts[1]}__${instead}`;
	return available.includes(name) ? name : undefined;
}

/** The available tools the agent may use, in the order they are available. No list: all of them. */
export function filterTools(available: readonly string[], agentTools?: readonly string[]): string[] {
	if (agentTools === undefined) return [...available];
	const matchers = agentTools.map(matcher);
	const replacements = new Set(agentTools.map(entry => replacement(entry, available)).filter(name => name !== undefined));
	return available.filter(tool => replacements.has(tool) || matchers.some(matches => matches(tool)));
}

/** Entries of the agent's list that match no available tool, for a warning (a server missing a tool, a typo). */
export function unavailableTools(available: readonly string[], agentTools?: readonly string[]): string[] {
	if (agentTools === undefined) return [];
	return agentTools.filter(entry => !available.some(matcher(entry)) && replacement(entry, available) === undefined);
}
