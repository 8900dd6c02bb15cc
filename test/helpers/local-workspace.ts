import fs from 'node:fs';
import path from 'node:path';
import type {ToolResult} from '../../source/core/ports.js';
import {createLocalTools, type LocalTools} from '../../source/tools/local/index.js';
import {tempWorkspace} from './paths.js';

export type LocalWorkspace = {
	/** The workspace root the tools are confined to. */
	root: string;
	/** A sibling directory outside the workspace, holding secret.txt. */
	outside: string;
	tools: LocalTools;
	run(name: string, input: unknown, signal?: AbortSignal): Promise<ToolResult>;
	write(relative: string, content: string | Uint8Array): string;
	read(relative: string): string;
};

/** A real temporary workspace next to a real "outside" directory, with the local tools over it. */
export function localWorkspace(env: Record<string, string | undefined> = process.env): LocalWorkspace {
	const base = tempWorkspace('pgpair-local-');
	const root = path.join(base, 'workspace');
	const outside = path.join(base, 'outside');
	fs.mkdirSync(root);
	fs.mkdirSync(outside);
	fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET\n');
	const tools = createLocalTools({workspaceRoot: root, env});
	let callId = 0;
	return {
		root,
		outside,
		tools,
		run: async (name, input, signal = new AbortController().signal) => tools.call({callId: `call-${++callId}`, name, input}, signal),
		write(relative, content) {
			const file = path.join(root, relative);
			fs.mkdirSync(path.dirname(file), {recursive: true});
			fs.writeFileSync(file, content);
			return file;
		},
		read: relative => fs.readFileSync(path.join(root, relative), 'utf8'),
	};
}

/** Whether a process still runs; a zombie (exited, not yet reaped by an init that never reaps) counts as gone. */
export function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}

	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		// No /proc (macOS): trust kill. /proc without this pid: it ended between the two checks.
		return !fs.existsSync('/proc/self');
	}
}
