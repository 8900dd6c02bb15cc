import {describe, expect, it} from 'vitest';
import {extractChecklist, extractForbiddenActions, knownChecklistKey, slugify} from '../../source/agents/agent-sections.js';
import {AgentFileError, parseAgent} from '../../source/agents/parse-agent.js';

const FILE = '.claude/agents/x.md';

function parse(text: string) {
	return parseAgent(text, {source: {kind: 'file', path: '/abs/x.md'}, label: FILE});
}

function parseError(text: string): AgentFileError {
	try {
		parse(text);
	} catch (error) {
		if (error instanceof AgentFileError) return error;
		throw error;
	}
	throw new Error('expected an AgentFileError');
}

describe('parseAgent', () => {
	it('reads name, description, model, a tools list and the trimmed body', () => {
		const agent = parse('---\nname: a\ndescription: does a\nmodel: opus\ntools:\n  - Read\n  - Grep\n---\n\n  You are A.\n\n');
		expect(agent).toMatchObject({
			name: 'a',
			description: 'does a',
			model: 'opus',
			tools: ['Read', 'Grep'],
			systemPrompt: 'You are A.',
			source: {kind: 'file', path: '/abs/x.md'},
			extra: {},
		});
	});

	it.each([
		['Read, Grep,Bash', ['Read', 'Grep', 'Bash']],
		['mcp__supabase__list_tables, Read', ['mcp__supabase__list_tables', 'Read']],
		['Read', ['Read']],
		['"Read, Write"', ['Read', 'Write']],
		['[]', []],
		['Read, Read, Grep', ['Read', 'Grep']],
	])('reads tools: %s', (value, expected) => {
		expect(parse(`---\nname: a\ndescription: d\ntools: ${value}\n---\nbody`).tools).toEqual(expected);
	});

	it('leaves tools and model absent when the fields are absent', () => {
		const agent = parse('---\nname: a\ndescription: d\n---\nbody');
		expect(agent.tools).toBeUndefined();
		expect(agent.model).toBeUndefined();
		expect('tools' in agent).toBe(false);
	});

	it.each(['sonnet', 'opus', 'haiku', 'inherit', 'claude-sonnet-4-5', 'claude-opus-4-1-20250805', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'])(
		'accepts model %s',
		model => {
			expect(parse(`---\nname: a\ndescription: d\nmodel: ${model}\n---\n`).model).toBe(model);
		},
	);

	it('keeps unknown Claude Code fields in extra, with their parsed values', () => {
		const agent = parse(
			'---\nname: a\ndescription: d\ncolor: cyan\npermissionMode: acceptEdits\nmaxTurns: 12\nskills:\n  - sql\n  - rls\nhooks:\n  Stop: []\n---\nbody',
		);
		expect(agent.extra).toEqual({color: 'cyan', permissionMode: 'acceptEdits', maxTurns: 12, skills: ['sql', 'rls'], hooks: {Stop: []}});
	});

	it('resolves YAML anchors and aliases in values', () => {
		const agent = parse('---\nname: &n a\ndescription: d\nlabel: *n\nlist: &t [Read]\ntools: *t\n---\n');
		expect(agent.tools).toEqual(['Read']);
		expect(agent.extra).toEqual({label: 'a', list: ['Read']});
	});

	it('accepts CRLF line endings and a byte-order mark', () => {
		const agent = parse('\ufeff---\r\nname: a\r\ndescription: d\r\ntools: Read\r\n---\r\nbody\r\n');
		expect(agent).toMatchObject({name: 'a', tools: ['Read'], systemPrompt: 'body'});
	});

	it('allows an empty body', () => {
		expect(parse('---\nname: a\ndescription: d\n---\n').systemPrompt).toBe('');
	});

	// Each case: file text, the line the error must name, and a part of its explanation.
	it.each([
		['no front matter', 'name: a\ndescription: d\n', 1, 'missing front matter'],
		['front matter never closed', '---\nname: a\ndescription: d\n', 1, 'never closed'],
		['empty front matter', '---\n---\nbody', 1, 'front matter is empty'],
		['front matter is a list', '---\n- a\n- b\n---\n', 2, 'field: value'],
		['missing name', '---\ndescription: d\n---\n', 1, 'missing required field `name`'],
		['missing description', '---\nname: a\n---\n', 1, 'missing required field `description`'],
		['name is a number', '---\nname: 12\ndescription: d\n---\n', 2, 'name must be text'],
		['name is empty', '---\nname: ""\ndescription: d\n---\n', 2, 'name must not be empty'],
		['description is a list', '---\nname: a\ndescription:\n  - x\n---\n', 3, 'description must be text'],
		['tools is a number', '---\nname: a\ndescription: d\n\ntools: 3\n---\n', 5, 'tools must be a list or a comma-separated string'],
		['tools is a map', '---\nname: a\ndescription: d\ntools:\n  Read: yes\n---\n', 4, 'tools must be a list or a comma-separated string'],
		['a tools item is a map', '---\nname: a\ndescription: d\ntools:\n  - Read\n  - {x: 1}\n---\n', 6, 'every list item must be a tool name'],
		['a tools item is empty', '---\nname: a\ndescription: d\ntools:\n  - Read\n  -\n---\n', 6, 'every list item must be a tool name'],
		['empty name between commas', '---\nname: a\ndescription: d\ntools: Read,,Grep\n---\n', 4, 'empty name between commas'],
		['bare tools:', '---\nname: a\ndescription: d\ntools:\n---\n', 4, 'tools is empty'],
		['model with spaces', '---\nname: a\ndescription: d\nmodel: fast model\n---\n', 4, 'model must be sonnet, opus, haiku, inherit'],
		['model is a list', '---\nname: a\ndescription: d\nmodel: [sonnet]\n---\n', 4, 'model must be'],
		['a field name is a number', '---\nname: a\ndescription: d\n12: x\n---\n', 4, 'field names must be plain words'],
		['YAML: unclosed flow list', '---\nname: a\ndescription: d\ntools: [Read, Grep\ncolor: red\n---\n', 5, 'invalid YAML'],
		['YAML: unclosed quote', '---\nname: a\ndescription: "d\n---\n', 3, 'invalid YAML'],
		['YAML: duplicate key', '---\nname: a\ndescription: d\nname: b\n---\n', 4, 'invalid YAML'],
		['YAML: tab indentation', '---\nname: a\ndescription: d\ntools:\n\t- Read\n---\n', 5, 'invalid YAML'],
	])('rejects %s with the file and line', (_case, text, line, detail) => {
		const error = parseError(text);
		expect(error.line).toBe(line);
		expect(error.message).toContain(`${FILE}:${line}: `);
		expect(error.message).toContain(detail);
		expect(String(error)).toMatch(/^AgentFileError: /);
	});

	it('names the built-in agent when no label or path is given', () => {
		expect(() => parseAgent('nothing', {source: {kind: 'builtin'}})).toThrow('built-in agent:1: missing front matter');
	});
});

describe('checklist and forbidden actions', () => {
	const body = [
		'# Agent',
		'- not an item: outside any section',
		'## Workflow',
		'```bash',
		'# Quality Checklist (a shell comment in a fence, not a heading)',
		'- fenced line',
		'```',
		'### My quality checklist',
		'Before finishing:',
		'- [ ] Migration has a rollback',
		'- [x] RLS policies tested',
		'  with two users',
		'  - a nested detail, not an item',
		'* Indexes for every foreign key',
		'1. TypeScript types regenerated',
		'- Something custom',
		'- Something custom',
		'## Forbidden Actions',
		'- ❌ Dropping tables',
		'- 🚫 Disabling RLS',
		'- ⛔️ Storing secrets',
		'- Plain item',
		'## After',
		'- not an item either',
	].join('\n');

	it('takes the list items of the Quality Checklist section only, with wrapped lines joined', () => {
		expect(extractChecklist(body)).toEqual([
			{id: 'migration-has-a-rollback', text: 'Migration has a rollback', known: 'migration_reversible'},
			{id: 'rls-policies-tested-with-two-users', text: 'RLS policies tested with two users', known: 'rls_tested'},
			{id: 'indexes-for-every-foreign-key', text: 'Indexes for every foreign key', known: 'indexes'},
			{id: 'typescript-types-regenerated', text: 'TypeScript types regenerated', known: 'types_regenerated'},
			{id: 'something-custom', text: 'Something custom'},
			{id: 'something-custom-2', text: 'Something custom'},
		]);
	});

	it('takes the Forbidden Actions items without their leading emoji', () => {
		expect(extractForbiddenActions(body)).toEqual(['Dropping tables', 'Disabling RLS', 'Storing secrets', 'Plain item']);
	});

	it('returns nothing when the sections are absent', () => {
		expect(extractChecklist('You are helpful.\n- a list')).toEqual([]);
		expect(extractForbiddenActions('')).toEqual([]);
	});

	it.each([
		['Migration is reversible (has rollback plan)', 'migration_reversible'],
		['Every migration has a tested rollback', 'migration_reversible'],
		['RLS policies tested and documented', 'rls_tested'],
		['Row level security checked as anon', 'rls_tested'],
		['Indexes created for query patterns', 'indexes'],
		['TypeScript types regenerated', 'types_regenerated'],
		['Regenerate the types after schema changes', 'types_regenerated'],
		['Security advisors run after RLS changes', 'advisors_run'],
		['Query performance validated', 'query_performance'],
		['Plans checked with EXPLAIN ANALYZE; indexes added', 'query_performance'],
		['Edge Functions have error handling', 'edge_function_errors'],
		['Edge function returns JSON errors', 'edge_function_errors'],
		['Documentation updated', undefined],
		['Explained the change to the team', undefined],
	])('maps "%s" to %s', (text, key) => {
		expect(knownChecklistKey(text)).toBe(key);
	});

	it.each([
		['Security advisors run (`mcp__supabase__get_advisors`)', 'security-advisors-run-mcp-supabase-get-advisors'],
		['  Café: déjà vu!  ', 'cafe-deja-vu'],
		['❌', 'item'],
		['a'.repeat(80), 'a'.repeat(60)],
	])('slugifies %s', (text, slug) => {
		expect(slugify(text)).toBe(slug);
	});
});
