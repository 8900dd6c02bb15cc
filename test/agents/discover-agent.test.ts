import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {AgentNotFoundError, listAgents, loadAgent} from '../../source/agents/discover-agent.js';
import {AgentFileError} from '../../source/agents/parse-agent.js';

let root: string;
let cwd: string;
let home: string;

beforeEach(async () => {
	root = await mkdtemp(path.join(tmpdir(), 'pgpair-agents-'));
	cwd = path.join(root, 'project');
	home = path.join(root, 'home');
	await mkdir(cwd, {recursive: true});
	await mkdir(home, {recursive: true});
});

afterEach(async () => {
	await rm(root, {recursive: true, force: true});
});

function agentFile(name: string, body = `I am ${name}.`): string {
	return `---\nname: ${name}\ndescription: the ${name} agent\n---\n${body}\n`;
}

async function put(dir: string, fileName: string, text: string): Promise<string> {
	const file = path.join(dir, '.claude', 'agents', fileName);
	await mkdir(path.dirname(file), {recursive: true});
	await writeFile(file, text);
	return file;
}

async function loadError(agent: string): Promise<Error> {
	try {
		await loadAgent({agent, cwd, home});
	} catch (error) {
		if (error instanceof Error) return error;
	}
	throw new Error('expected loadAgent to fail');
}

describe('loadAgent', () => {
	it('uses the built-in backend-engineer without --agent, even when agent files exist', async () => {
		await put(cwd, 'backend-engineer.md', agentFile('backend-engineer', 'project override'));
		const agent = await loadAgent({cwd, home});
		expect(agent.source).toEqual({kind: 'builtin'});
		expect(agent.name).toBe('backend-engineer');
		expect(await loadAgent({agent: '  ', cwd, home})).toMatchObject({source: {kind: 'builtin'}});
	});

	it.each([
		['a relative path', 'agents/custom.md'],
		['a path with ./', './agents/custom.md'],
		['a bare .md file name', 'custom.md'],
	])('loads %s from the working directory', async (_case, value) => {
		await mkdir(path.join(cwd, 'agents'), {recursive: true});
		await writeFile(path.join(cwd, 'agents', 'custom.md'), agentFile('custom'));
		await writeFile(path.join(cwd, 'custom.md'), agentFile('custom'));
		const agent = await loadAgent({agent: value, cwd, home});
		expect(agent.name).toBe('custom');
		expect(agent.source).toEqual({kind: 'file', path: path.resolve(cwd, value)});
	});

	it('loads an absolute path and a ~/ path', async () => {
		const file = path.join(root, 'elsewhere.md');
		await writeFile(file, agentFile('elsewhere'));
		expect((await loadAgent({agent: file, cwd, home})).name).toBe('elsewhere');
		await writeFile(path.join(home, 'mine.md'), agentFile('mine'));
		expect((await loadAgent({agent: '~/mine.md', cwd, home})).name).toBe('mine');
	});

	it('reports a missing file by the path as given', async () => {
		const error = await loadError('agents/nope.md');
		expect(error).toBeInstanceOf(AgentFileError);
		expect(error.message).toBe(`${path.join('agents', 'nope.md')}: no such agent file`);
	});

	it('reports a broken file with its project-relative path and line', async () => {
		await put(cwd, 'broken.md', '---\nname: broken\ndescription: d\ntools: 7\n---\n');
		const error = await loadError('.claude/agents/broken.md');
		expect(String(error)).toBe('AgentFileError: .claude/agents/broken.md:4: tools must be a list or a comma-separated string');
	});

	// Each case: files in the project, files in home, the name asked for, and which file should win.
	it.each([
		['project front-matter name', {'a.md': 'reviewer'}, {'reviewer.md': 'reviewer'}, 'reviewer', 'project/a.md'],
		['project front-matter name before project file name', {'reviewer.md': 'other', 'z.md': 'reviewer'}, {}, 'reviewer', 'project/z.md'],
		['project file name when no front matter matches', {'reviewer.md': 'something-else'}, {}, 'reviewer', 'project/reviewer.md'],
		['project file name before user front-matter name', {'reviewer.md': 'something-else'}, {'u.md': 'reviewer'}, 'reviewer', 'project/reviewer.md'],
		['user front-matter name', {}, {'u.md': 'reviewer'}, 'reviewer', 'home/u.md'],
		['user file name', {}, {'reviewer.md': 'x'}, 'reviewer', 'home/reviewer.md'],
		['project file over the built-in', {'be.md': 'backend-engineer'}, {}, 'backend-engineer', 'project/be.md'],
		['user file over the built-in', {}, {'be.md': 'backend-engineer'}, 'backend-engineer', 'home/be.md'],
		['the built-in when no file declares it', {'a.md': 'a'}, {'b.md': 'b'}, 'backend-engineer', 'builtin'],
		['the first file in name order when two declare one name', {'b.md': 'dup', 'a.md': 'dup'}, {}, 'dup', 'project/a.md'],
	])('finds %s', async (_case, projectFiles: Record<string, string>, homeFiles: Record<string, string>, name, expected) => {
		for (const [file, agentName] of Object.entries(projectFiles)) await put(cwd, file, agentFile(agentName));
		for (const [file, agentName] of Object.entries(homeFiles)) await put(home, file, agentFile(agentName));
		const agent = await loadAgent({agent: name, cwd, home});
		const where = agent.source.kind === 'builtin' ? 'builtin' : path.relative(root, agent.source.path).replace(`${path.sep}.claude${path.sep}agents`, '');
		expect(where).toBe(expected.replace('/', path.sep));
	});

	it('lists the agents it found when a name is unknown', async () => {
		await put(cwd, 'reviewer.md', agentFile('reviewer'));
		await put(home, 'writer.md', agentFile('writer'));
		await put(cwd, 'broken.md', '---\nname: [oops\n---\n');
		const error = await loadError('tester');
		expect(error).toBeInstanceOf(AgentNotFoundError);
		expect(error.message).toContain('no agent named "tester"');
		expect(error.message).toContain('reviewer (.claude/agents/reviewer.md)');
		expect(error.message).toContain(`writer (${path.join('~', '.claude', 'agents', 'writer.md')})`);
		expect(error.message).toContain('backend-engineer (built-in)');
		expect(error.message).toContain('Could not load: .claude/agents/broken.md:2: invalid YAML');
		expect((error as AgentNotFoundError).candidates).toHaveLength(4);
	});

	it('gives the parse error of a broken file that the name points at', async () => {
		await put(cwd, 'reviewer.md', '---\nname: reviewer\n---\n');
		const error = await loadError('reviewer');
		expect(error.message).toBe('.claude/agents/reviewer.md:1: missing required field `description` in the front matter');
	});

	it('finds agents when neither agents folder exists', async () => {
		await expect(loadAgent({agent: 'backend-engineer', cwd, home})).resolves.toMatchObject({source: {kind: 'builtin'}});
		await expect(loadAgent({agent: 'reviewer', cwd, home})).rejects.toThrow('Available: backend-engineer (built-in).');
	});
});

describe('listAgents', () => {
	it('lists project files, then user files, then the built-in, ignoring non-Markdown files and folders', async () => {
		await put(cwd, 'b.md', agentFile('b'));
		await put(cwd, 'a.md', agentFile('a'));
		await put(cwd, 'notes.txt', 'not an agent');
		await mkdir(path.join(cwd, '.claude', 'agents', 'folder.md'));
		await put(home, 'c.md', agentFile('c'));
		const found = await listAgents({cwd, home});
		expect(found.map(candidate => [candidate.scope, candidate.agent?.name, candidate.label])).toEqual([
			['project', 'a', path.join('.claude', 'agents', 'a.md')],
			['project', 'b', path.join('.claude', 'agents', 'b.md')],
			['user', 'c', path.join('~', '.claude', 'agents', 'c.md')],
			['builtin', 'backend-engineer', 'built-in'],
		]);
	});

	it('lists a folder once when the working directory is the home directory', async () => {
		await put(home, 'c.md', agentFile('c'));
		const found = await listAgents({cwd: home, home});
		expect(found.map(candidate => candidate.scope)).toEqual(['project', 'builtin']);
	});

	it('keeps broken files in the list with their error', async () => {
		await put(cwd, 'bad.md', 'no front matter');
		const [bad] = await listAgents({cwd, home});
		expect(bad?.agent).toBeUndefined();
		expect(bad?.error?.message).toBe(
			".claude/agents/bad.md:1: missing front matter: the file must start with a '---' line, then name and description, then '---'",
		);
	});
});
