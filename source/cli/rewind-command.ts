/**
 * `pgpair rewind`: the checkpoints of a saved session, and a rewind to one of them without the TUI.
 *
 *   pgpair rewind --list [--session <id>]        one checkpoint per line: id, time, tool, the call's first words
 *   pgpair rewind <id> [--session <id>]          what a rewind would restore (nothing is changed)
 *   pgpair rewind <id> --yes [--files-only | --database-only] [--conversation]
 *
 * The session is the latest of this workspace unless `--session` names another; a checkpoint id not in it is looked
 * for in the others. The rewind is recorded in that session's transcript, as the TUI's would be.
 */
import path from 'node:path';
import {parseArgs} from 'node:util';
import {builtinAgent} from '../agents/builtin-agent.js';
import type {RewindPlan} from '../core/rewind.js';
import {foldSession} from '../core/session-fold.js';
import type {CheckpointView} from '../core/session-state.js';
import {EMPTY_RULES} from '../policy/rules.js';
import {createApprovalGate} from '../session/approval-gate.js';
import {openSession} from '../session/session.js';
import {parseMcpToolName} from '../tools/mcp-host.js';
import {formatTimestamp} from '../transcripts/export-record.js';
import {findSession, latestSession, listSessions, NewestSessionUnreadableError, readTranscript, type SessionSummary} from '../transcripts/reader.js';
import {type ChatArgs, parseCommand} from './args.js';

export const REWIND_USAGE = `usage: pgpair rewind --list [--session <id>]
       pgpair rewind <checkpoint> [--yes] [--files-only | --database-only] [--conversation] [--session <id>]`;

export type RewindIo = {cwd: string; env: NodeJS.ProcessEnv; cliEntry: string; stdout: (text: string) => void; stderr: (text: string) => void};

export async function runRewind(argv: string[], io: RewindIo): Promise<number> {
	let parsed: ReturnType<typeof parse>;
	try {
		parsed = parse(argv);
	} catch (error) {
		io.stderr(`pgpair rewind: ${(error as Error).message}\n${REWIND_USAGE}\n`);
		return 2;
	}
	const sessionsDir = path.resolve(io.cwd, parsed.sessionsDir ?? 'sessions');
	let summary: SessionSummary;
	let checkpoints: CheckpointView[];
	try {
		({summary, checkpoints} = await sessionWith(sessionsDir, io.cwd, parsed.session, parsed.checkpoint));
	} catch (error) {
		io.stderr(`pgpair rewind: ${(error as Error).message}\n`);
		return 1;
	}

	if (parsed.list) {
		if (checkpoints.length === 0) io.stderr(`No checkpoints in session ${summary.id}: one is saved before each approved change.\n`);
		for (const c of checkpoints) io.stdout(`${listLine(c)}\n`);
		return 0;
	}

	const id = parsed.checkpoint!;
	const target = checkpoints.find(c => c.id === id);
	if (!target) {
		io.stderr(`pgpair rewind: no checkpoint ${id} in session ${summary.id}; \`pgpair rewind --list\` shows them.\n`);
		return 1;
	}
	if (target.dropped) {
		io.stderr(`pgpair rewind: checkpoint ${id} can no longer be restored: ${target.dropped}\n`);
		return 1;
	}

	const args = {...(parseCommand(['--resume', summary.path]) as ChatArgs), print: true, ...(parsed.sessionsDir ? {sessionsDir: parsed.sessionsDir} : {})};
	const session = await openSession(
		{
			args,
			agent: builtinAgent(),
			cwd: io.cwd,
			env: io.env,
			cliEntry: io.cliEntry,
			policy: createApprovalGate({rules: EMPTY_RULES, headless: true, workspaceRoot: io.cwd}),
		},
		{rewindBy: 'headless'},
	);
	try {
		await session.connected;
		const plan = await session.rewindPlan(id);
		io.stdout(planText(plan));
		if (!parsed.yes) {
			io.stdout(`\nNothing was changed. Run \`pgpair rewind ${id} --yes\` to restore this.\n`);
			return 0;
		}
		// The conversation goes back only when asked: the session then goes on (`--resume`) from before that turn.
		const choice = {database: !parsed.filesOnly, files: !parsed.databaseOnly, conversation: parsed.conversation};
		if (choice.database && !plan.database.available && plan.files.every(f => f.action === 'unchanged')) {
			io.stderr(`pgpair rewind: nothing to restore: ${plan.database.reason ?? 'the database part is not available'}.\n`);
			return 1;
		}
		const outcome = await session.rewind(id, choice);
		io.stdout(`\nRewound to ${id}:\n${outcome.report.map(line => `  ${line}`).join('\n')}\n`);
		if (outcome.prompt !== undefined) io.stdout(`The turn began with: ${outcome.prompt}\nGo on with \`pgpair --resume ${summary.id}\`.\n`);
		return 0;
	} catch (error) {
		io.stderr(`pgpair rewind: ${(error as Error).message}\nNothing else was changed.\n`);
		return 1;
	} finally {
		await session.close();
	}
}

function parse(argv: string[]) {
	const {values, positionals} = parseArgs({
		args: argv,
		allowPositionals: true,
		strict: true,
		options: {
			list: {type: 'boolean'},
			yes: {type: 'boolean', short: 'y'},
			session: {type: 'string'},
			'sessions-dir': {type: 'string'},
			'files-only': {type: 'boolean'},
			'database-only': {type: 'boolean'},
			conversation: {type: 'boolean'},
		},
	});
	const checkpoint = positionals[0];
	if (positionals.length > 1) throw new Error(`one checkpoint at a time (got ${positionals.join(' ')})`);
	if (!values.list && !checkpoint) throw new Error('name a checkpoint, or --list');
	if (values.list && checkpoint) throw new Error('--list takes no checkpoint');
	if (values['files-only'] && values['database-only']) throw new Error('--files-only and --database-only exclude each other');
	return {
		list: values.list === true,
		yes: values.yes === true,
		filesOnly: values['files-only'] === true,
		databaseOnly: values['database-only'] === true,
		conversation: values.conversation === true,
		...(checkpoint ? {checkpoint} : {}),
		...(values.session ? {session: values.session} : {}),
		...(values['sessions-dir'] ? {sessionsDir: values['sessions-dir']} : {}),
	};
}

/** The named session, else the latest of this workspace, else (for a checkpoint id) the session that holds it. */
async function sessionWith(
	sessionsDir: string,
	cwd: string,
	named: string | undefined,
	checkpoint: string | undefined,
): Promise<{summary: SessionSummary; checkpoints: CheckpointView[]}> {
	const checkpointsOf = async (summary: SessionSummary) => [...foldSession((await readTranscript(summary.path)).events).checkpoints];
	if (named) {
		const summary = await findSession(sessionsDir, named);
		return {summary, checkpoints: await checkpointsOf(summary)};
	}
	const latest = await latestSession(sessionsDir, cwd).catch((error: unknown) => {
		// As with --continue: an older session is not taken in place of the newest without the person naming it.
		if (error instanceof NewestSessionUnreadableError)
			throw new Error(`${error.message}; name the session to use with --session <id>${error.older ? ` (the one before it is ${error.older.id})` : ''}`);
		throw error;
	});
	if (!latest) throw new Error(`no saved session for this workspace in ${sessionsDir}`);
	const checkpoints = await checkpointsOf(latest);
	if (!checkpoint || checkpoints.some(c => c.id === checkpoint)) return {summary: latest, checkpoints};
	for (const other of await listSessions(sessionsDir)) {
		if (other.path === latest.path) continue;
		const theirs = await checkpointsOf(other);
		if (theirs.some(c => c.id === checkpoint)) return {summary: other, checkpoints: theirs};
	}
	return {summary: latest, checkpoints};
}

/** `cp-1a2b3c4d  2026-12-06 13:40:01  execute_sql  drop table public.items` */
export function listLine(c: CheckpointView): string {
	const tool = parseMcpToolName(c.tool)?.tool ?? c.tool;
	return `${c.id}  ${formatTimestamp(c.at)}  ${tool}  ${c.label}${c.dropped ? `  (dropped: ${c.dropped})` : ''}`;
}

export function planText(plan: RewindPlan): string {
	const tool = parseMcpToolName(plan.checkpoint.tool)?.tool ?? plan.checkpoint.tool;
	const lines = [`Checkpoint ${plan.checkpoint.id} (${formatTimestamp(plan.checkpoint.at)}), before ${tool}: ${plan.checkpoint.label}`];
	if (plan.database.available) {
		const changed = plan.database.tables.filter(t => t.rowsThen !== t.rowsNow);
		const count = plan.database.tables.length;
		lines.push(`Database: restored as it was (${count} ${count === 1 ? 'table' : 'tables'}${changed.length ? `, ${changed.length} differ` : ''})`);
		const rows = (n: number | null, estimated?: true) => (n === null ? 'absent' : estimated && n > 10_000 ? `~${n}` : String(n));
		for (const t of plan.database.tables) lines.push(`  ${t.name}  ${rows(t.rowsThen, t.estimated)} → now ${rows(t.rowsNow, t.estimated)}`);
	} else lines.push(`Database: not restored (${plan.database.reason ?? 'not available'})`);
	const files = plan.files.filter(f => f.action !== 'unchanged');
	lines.push(files.length ? 'Files:' : 'Files: none differ');
	for (const f of files) lines.push(`  ${f.action === 'remove' ? 'remove ' : 'restore'} ${f.path}`);
	for (const note of plan.notes) lines.push(`Note: ${note}`);
	return `${lines.join('\n')}\n`;
}
