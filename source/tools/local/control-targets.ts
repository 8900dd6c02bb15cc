/**
 * Finds the control file (policy/control-files.ts) a file-writing call would touch, judged by the
 * path as named and by where it physically leads, so a symbolic link to `.mcp.json` counts as
 * `.mcp.json`. This is the I/O half; the warning itself is pure.
 */
import path from 'node:path';
import {EDIT_TOOLS} from '../../policy/classify-call.js';
import {controlFileWarning, type ControlRoots} from '../../policy/control-files.js';
import {toolFilePath} from '../../policy/rules.js';
import {physicalPath} from './workspace.js';

/** The warning for a call that writes a control file, or undefined. Never throws: an unreadable path is judged by its name. */
export async function controlTargetWarning(call: {name: string; input: unknown}, roots: ControlRoots): Promise<string | undefined> {
	if (!EDIT_TOOLS.has(call.name)) return undefined;
	const filePath = toolFilePath(call);
	if (filePath === undefined) return undefined;
	const absolute = path.resolve(roots.workspaceRoot, filePath);
	const byName = controlFileWarning(absolute, [roots]);
	if (byName) return byName;
	const [real, realRoot, realSessions] = await Promise.all([physical(absolute), physical(roots.workspaceRoot), physical(roots.sessionsDir)]);
	return controlFileWarning(real, [roots, {workspaceRoot: realRoot, sessionsDir: realSessions}]);
}

async function physical(p: string): Promise<string> {
	try {
		return await physicalPath(p);
	} catch {
		// A loop or a permission error: the tool will refuse the path anyway; judge it by name.
		return p;
	}
}

