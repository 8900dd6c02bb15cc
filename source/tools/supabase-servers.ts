/**
 * The official Supabase MCP server (`@supabase/mcp-server-supabase`, or the hosted endpoint at mcp.supabase.com)
 * talks to a hosted project. pgpair treats such a project as production unless the person names it a development
 * project, and sends everything it runs without asking — reads the agent makes, its own look-ups — to a second
 * instance of the same server started in the server's own read-only mode, where the database runs the SQL as its
 * read-only role.
 */
import type {McpServerConfig} from './mcp-config.js';

const PACKAGE = /(^|[/@\s])(@supabase\/mcp-server-supabase|mcp-server-supabase)(@[^\s/]*)?(\s|$|\/|\.js$)/;
const HOSTED_URL = /^https?:\/\/(mcp\.supabase\.com|[^/]*\.supabase\.(co|com))\//;

/** Whether a configured server is the official Supabase server (by what it runs or where it points). */
export function isOfficialSupabaseServer(config: McpServerConfig): boolean {
	if (config.type === 'http') return HOSTED_URL.test(config.url);
	return [config.command, ...config.args].some(part => PACKAGE.test(part));
}

/**
 * The same server in read-only mode: `--read-only` for the stdio server, `read_only=true` for the hosted endpoint.
 * Undefined when the configuration already is read-only (then the server itself is the read-only route).
 */
export function readOnlyTwin(config: McpServerConfig): McpServerConfig | undefined {
	if (config.type === 'http') {
		const url = new URL(config.url);
		if (url.searchParams.get('read_only') === 'true') return undefined;
		url.searchParams.set('read_only', 'true');
		return {...config, url: url.toString()};
	}
	if (config.args.includes('--read-only')) return undefined;
	return {...config, args: [...config.args, '--read-only']};
}

/** Whether the server was configured read-only already. */
export function isReadOnlyConfig(config: McpServerConfig): boolean {
	return config.type === 'http' ? new URL(config.url).searchParams.get('read_only') === 'true' : config.args.includes('--read-only');
}
