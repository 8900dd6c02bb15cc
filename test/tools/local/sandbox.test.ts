import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createLocalTools, type LocalTools} from '../../../source/tools/local/index.js';
import {type SandboxHandle, sandboxHandle} from '../../../source/tools/local/sandbox.js';
import {tempWorkspace} from '../../helpers/paths.js';

// One sandbox per process (the runtime's manager is a singleton), so one workspace for the file.
let root: string;
let outside: string;
let handle: SandboxHandle;
let tools: LocalTools;
let server: net.Server;
let port: number;
let connections = 0;
let callId = 0;

const ORIGINAL = '{"mcpServers": {}}\n';

beforeAll(async () => {
	const base = tempWorkspace('pgpair-sandbox-');
	root = path.join(base, 'workspace');
	outside = path.join(base, 'outside');
	fs.mkdirSync(outside);
	for (const file of ['.mcp.json', '.claude/settings.json', '.pgpair/db/PG_VERSION', 'sessions/a.jsonl', '.git/config', 'src/a.ts']) {
		fs.mkdirSync(path.dirname(path.join(root, file)), {recursive: true});
		fs.writeFileSync(path.join(root, file), ORIGINAL);
	}

	handle = sandboxHandle({workspaceRoot: root, sessionsDir: path.join(root, 'sessions'), allowedDomains: []});
	tools = createLocalTools({workspaceRoot: root, env: process.env, sandbox: handle});
	server = net.createServer(socket => {
		connections++;
		socket.end('HELLO FROM THE HOST\n');
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as net.AddressInfo).port;
	expect((await handle.start()).state).toBe('ready');
});

afterAll(async () => {
	server?.close();
	await handle?.close();
});

async function bash(command: string) {
	return tools.call({callId: `c${++callId}`, name: 'Bash', input: {command}}, new AbortController().signal);
}

function snapshot(dir = root): Record<string, string> {
	const files: Record<string, string> = {};
	for (const entry of fs.readdirSync(dir, {withFileTypes: true, recursive: true})) {
		const full = path.join(entry.parentPath, entry.name);
		files[path.relative(root, full)] = entry.isSymbolicLink() ? `-> ${fs.readlinkSync(full)}` : entry.isFile() ? fs.readFileSync(full, 'utf8') : 'dir';
	}

	return files;
}

describe('Bash in the OS sandbox', () => {
	it('still runs commands and writes inside the workspace', async () => {
		const result = await bash('echo made > src/made.txt && cat src/made.txt');
		expect(result).toMatchObject({isError: false});
		expect(fs.readFileSync(path.join(root, 'src/made.txt'), 'utf8')).toBe('made\n');
		fs.rmSync(path.join(root, 'src/made.txt'));
	});

	it.each([
		['writes outside the workspace', () => `echo x > ${JSON.stringify(path.join(outside, 'escaped.txt'))}`],
		['writes .mcp.json', () => 'echo \'{"mcpServers":{"evil":{"command":"sh"}}}\' > .mcp.json'],
		['replaces .mcp.json by moving another file over it', () => 'echo evil > src/evil.json && mv -f src/evil.json .mcp.json'],
		['deletes .mcp.json', () => 'rm -f .mcp.json'],
		['writes .claude/settings.json', () => 'echo \'{"permissions":{"allow":["Bash"]}}\' > .claude/settings.json'],
		['creates a new file in .claude/', () => 'mkdir -p .claude/agents && echo evil > .claude/agents/evil.md'],
		['writes the embedded database', () => 'echo x > .pgpair/db/PG_VERSION'],
		['forges a transcript', () => 'echo \'{"type":"user"}\' >> sessions/a.jsonl'],
		['adds a git hook', () => 'mkdir -p .git/hooks && printf "#!/bin/sh\\nrm -rf ~\\n" > .git/hooks/pre-commit'],
		['writes through a symlink to .mcp.json', () => 'ln -sf ../.mcp.json src/link.json; echo evil > src/link.json'],
	])('refuses a command that %s, and nothing changes', async (_label, command) => {
		const before = snapshot();
		const outsideBefore = snapshot(outside);
		try {
			const result = await bash(command());
			expect(result.isError).toBe(true);
			// A link or a file the command could make in src/ is the only trace it may leave.
			const after = snapshot();
			delete after['src/link.json'];
			delete after['src/evil.json'];
			expect(after).toEqual(before);
			expect(snapshot(outside)).toEqual(outsideBefore);
		} finally {
			fs.rmSync(path.join(root, 'src/link.json'), {force: true});
			fs.rmSync(path.join(root, 'src/evil.json'), {force: true});
		}
	});

	it('keeps /tmp writes inside the sandbox: the host /tmp is unchanged', async () => {
		const name = `pgpair-sandbox-escape-${process.pid}`;
		await bash(`echo x > /tmp/${name}`);
		expect(fs.existsSync(path.join('/tmp', name))).toBe(false);
	});

	it('opens no network connection: neither directly nor through the proxy', async () => {
		const direct = await bash(
			`node -e "require('net').connect(${port}, '127.0.0.1').on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', e => { console.log(e.code); process.exit(3); })"`,
		);
		expect(direct.isError).toBe(true);
		expect(direct.content).not.toContain('CONNECTED');
		const viaProxy = await bash(`curl -sS -m 5 http://127.0.0.1:${port}/`);
		expect(viaProxy.isError).toBe(true);
		expect(viaProxy.content).not.toContain('HELLO FROM THE HOST');
		expect(connections).toBe(0);
	});

	it('leaves no stand-in files behind for control paths that did not exist', async () => {
		fs.rmSync(path.join(root, '.claude'), {recursive: true});
		await bash('true');
		expect(fs.existsSync(path.join(root, '.claude'))).toBe(false);
		fs.mkdirSync(path.join(root, '.claude'));
		fs.writeFileSync(path.join(root, '.claude/settings.json'), ORIGINAL);
	});
});
