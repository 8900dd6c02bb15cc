/**
 * A session opened exactly as the CLI opens it (openSession), with its loaded parts at hand for tests that look
 * inside: the runner, the MCP host, the tool host and the checklist engine.
 */
import type {ChecklistEngine} from '../../source/checklist/index.js';
import type {SessionContext} from '../../source/session/open.js';
import {type OpenOptions, openSession, type Session} from '../../source/session/session.js';
import type {Runner} from '../../source/store/runner.js';
import type {McpHost} from '../../source/tools/mcp-host.js';
import type {ToolHostPort} from '../../source/tools/tool-host.js';

export type SessionSetup = Omit<Session, 'mcp'> & {sessionId: string; runner: Runner; mcp: McpHost; toolHost: ToolHostPort; checklist: ChecklistEngine};

export async function setupSession(context: SessionContext, options: OpenOptions = {}): Promise<SessionSetup> {
	const session = await openSession(context, options);
	const connected = await session.connected;
	return {...session, sessionId: session.id, runner: connected.runner, mcp: connected.mcp, toolHost: connected.toolHost, checklist: connected.checklist};
}
