/** Shared by the resume tests: resume a transcript the way the CLI does, and check what comes back. */
import path from 'node:path';
import {builtinAgent} from '../../source/agents/builtin-agent.js';
import {type ChatArgs, parseCommand} from '../../source/cli/args.js';
import type {ContentBlock, ModelMessage} from '../../source/core/events.js';
import type {SessionState} from '../../source/core/session-state.js';
import {EMPTY_RULES} from '../../source/policy/rules.js';
import {createApprovalGate} from '../../source/session/approval-gate.js';
import {openSessionRecord} from '../../source/session/open.js';
import {REPO_ROOT} from '../helpers/paths.js';

/** `pgpair --resume <id> --sessions-dir <dir>` up to the first frame: the state the session goes on from. */
export async function resumeSession(cwd: string, sessionsDir: string, id: string): Promise<{state: SessionState; transcriptPath: string}> {
	const args = parseCommand(['--resume', id, '--sessions-dir', sessionsDir]) as ChatArgs;
	const record = await openSessionRecord({
		args,
		agent: builtinAgent(),
		cwd,
		env: {PATH: process.env['PATH'] ?? ''},
		cliEntry: path.join(REPO_ROOT, 'dist/cli.js'),
		policy: createApprovalGate({rules: EMPTY_RULES, headless: false, workspaceRoot: cwd}),
	});
	try {
		record.store.flush();
		return {state: record.store.getState(), transcriptPath: record.transcriptPath};
	} finally {
		record.closeTranscript();
	}
}

const blocks = (message: ModelMessage): ContentBlock[] => (typeof message.content === 'string' ? [{type: 'text', text: message.content}] : message.content);

/**
 * What the Messages API would reject in this history: roles that do not alternate, a tool_use not
 * answered by a tool_result in the very next user message, or a tool_result answering nothing.
 */
export function historyProblems(messages: readonly ModelMessage[]): string[] {
	const problems: string[] = [];
	if (messages[0] && messages[0].role !== 'user') problems.push('the history does not start with a user message');
	messages.forEach((message, i) => {
		const previous = messages[i - 1];
		if (previous && previous.role === message.role) problems.push(`messages ${i - 1} and ${i} are both ${message.role}`);
		const asked = previous?.role === 'assistant' ? blocks(previous).flatMap(b => (b.type === 'tool_use' ? [b.id] : [])) : [];
		if (message.role === 'user') {
			const answered = blocks(message).flatMap(b => (b.type === 'tool_result' ? [b.tool_use_id] : []));
			for (const id of asked) if (!answered.includes(id)) problems.push(`tool_use ${id} (message ${i - 1}) has no tool_result in message ${i}`);
			for (const id of answered) if (!asked.includes(id)) problems.push(`tool_result ${id} in message ${i} answers no tool_use of message ${i - 1}`);
		}
	});
	const last = messages.at(-1);
	if (last?.role === 'assistant' && blocks(last).some(b => b.type === 'tool_use')) problems.push('the history ends with tool_use blocks nobody answered');
	return problems;
}
