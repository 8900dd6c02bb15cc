/**
 * Classifies a shell command from its bash syntax tree. The command is read-only only when every
 * simple command in it — in pipelines, lists, subshells, functions, command and process
 * substitutions alike — names a program on the read-only list (shell-programs.ts) literally and
 * passes that program's argument rules, with no redirection that writes, no assignment and no shell
 * syntax this module does not analyse. Everything else is destructive: `--allow Bash` alone never
 * runs it, only an exact rule together with the destructive opt-in does.
 *
 * What this does not prove: it reads the command, not the files or programs it reaches. A symbolic
 * link in the workspace can lead a read outside it, and a program on the list could be replaced on
 * PATH; the OS sandbox (sandbox.ts) is the answer to both.
 */
import type {Hazard, HazardCode, ToolCallClass} from './hazards.js';
import type {SyntaxNode} from './shell-parser.js';
import {parseShell} from './shell-parser.js';
import {describeProgram, READ_ONLY_PROGRAMS} from './shell-programs.js';
import type {WordValue} from './shell-words.js';
import {wordValue} from './shell-words.js';

export type ShellClassification = {
	class: ToolCallClass;
	hazards: Hazard[];
	reason: string;
	/** Every literal argument and redirection target, for checks that need the files a command names. */
	words: string[];
};

type Finding = {code: HazardCode; message: string};

type Walk = {findings: Finding[]; outside: string[]; words: string[]};

/** Nodes that only group or sequence other nodes; their children are checked on their own. */
const STRUCTURE = new Set([
	'program',
	'list',
	'pipeline',
	'subshell',
	'compound_statement',
	'redirected_statement',
	'negated_command',
	'if_statement',
	'elif_clause',
	'else_clause',
	'while_statement',
	'do_group',
	'case_statement',
	'case_item',
	'for_statement',
	'function_definition',
	'comment',
	'command_substitution',
	'process_substitution',
	'string',
	'string_content',
	'raw_string',
	'ansi_c_string',
	'word',
	'concatenation',
	'simple_expansion',
	'variable_name',
	'special_variable_name',
	'number',
	'file_descriptor',
	'command_name',
	'herestring_redirect',
]);

const PLAIN_EXPANSION = /^\$\{(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]|[@*#?$!-])\}$/;

/** Redirections that only duplicate or close descriptors, or discard output. */
const WRITING_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>', '>&']);

export function classifyShellSync(command: string): ShellClassification {
	const parsed = parseShell(command);
	if (!parsed.ok) {
		return {
			class: 'destructive',
			hazards: [{code: 'parse_error', message: `${parsed.error} Bash may read it differently, so nothing about it can be proven.`}],
			reason: 'The command does not parse as bash.',
			words: [],
		};
	}

	const walk: Walk = {findings: [], outside: [], words: []};
	// bash removes `\<newline>` before it splits words (`r\<newline>m` is `rm`); the grammar splits
	// the word there instead. Between words both agree, so only a continuation inside a word is refused.
	if (/\S\\\n/.test(command))
		walk.findings.push({
			code: 'unanalysable_code',
			message: 'a line continuation inside a word (`\\` at the end of a line) is read differently by bash and by pgpair',
		});
	try {
		visit(parsed.root, walk, false);
	} finally {
		parsed.dispose();
	}

	if (walk.findings.length > 0) {
		const unique = [...new Map(walk.findings.map(f => [f.message, f])).values()];
		return {
			class: 'destructive',
			hazards: unique.map(f => ({code: f.code, message: f.message})),
			reason: 'Only commands made entirely of read-only programs run unasked, and this one is not.',
			words: walk.words,
		};
	}

	if (walk.outside.length > 0) {
		return {
			class: 'write',
			hazards: [],
			reason: `It only reads, but it reads outside the workspace (${walk.outside[0]}), so it asks unless Bash is allowed.`,
			words: walk.words,
		};
	}

	return {class: 'read-only', hazards: [], reason: 'Every program in the command only reads.', words: walk.words};
}

function visit(node: SyntaxNode, walk: Walk, inTest: boolean): void {
	if (!node.isNamed) return;
	const note = (code: HazardCode, message: string) => walk.findings.push({code, message});
	switch (node.type) {
		case 'command':
			checkCommand(node, walk);
			break;
		case 'file_redirect':
			checkRedirect(node, walk);
			break;
		case 'heredoc_redirect':
			note('unanalysable_code', 'a here-document (`<<`) is not analysed, so the command asks');
			break;
		case 'variable_assignment':
			// Prefix assignments (`x=1 ls`) are reported by their command.
			if (node.parent?.type !== 'command') note('program_execution', `\`${node.childForFieldName('name')?.text ?? node.text}=…\` sets a shell variable`);
			break;
		case 'expansion':
			if (!PLAIN_EXPANSION.test(node.text))
				note('unanalysable_code', `\`${node.text}\` is a parameter expansion pgpair does not analyse (it can evaluate code)`);
			break;
		case 'test_command':
			if (node.child(0)?.type === '[') {
				checkTest(node, walk);
				inTest = true;
			} else {
				note('unanalysable_code', `\`${node.text}\` evaluates arithmetic, which can run commands`);
			}

			break;
		case 'unary_expression':
		case 'binary_expression':
		case 'test_operator':
		case 'parenthesized_expression':
			if (!inTest) note('unanalysable_code', `\`${node.text}\` is shell syntax pgpair does not analyse`);
			break;
		case 'declaration_command':
		case 'unset_command':
			note('program_execution', describeProgram(node.child(0)?.text ?? node.type));
			break;
		default:
			if (!STRUCTURE.has(node.type) && !node.type.startsWith('heredoc_')) note('unanalysable_code', `\`${node.text}\` is shell syntax pgpair does not analyse`);
	}

	for (const child of node.namedChildren) visit(child, walk, inTest);
}

function checkCommand(node: SyntaxNode, walk: Walk): void {
	const note = (code: HazardCode, message: string) => walk.findings.push({code, message});
	for (const assignment of node.namedChildren.filter(child => child.type === 'variable_assignment')) {
		note(
			'program_execution',
			`\`${assignment.childForFieldName('name')?.text ?? assignment.text}=…\` sets \`${assignment.childForFieldName('name')?.text ?? '?'}\` for the command, which can change what it runs`,
		);
	}

	for (const argument of node.childrenForFieldName('argument')) {
		const value = wordValue(argument);
		if (value.literal) walk.words.push(value.text);
	}

	const nameNode = node.childForFieldName('name');
	if (!nameNode) return;
	const name = wordValue(nameNode);
	if (!name.literal) {
		note('program_execution', `cannot tell what \`${nameNode.text}\` runs: its name is only known when the command runs`);
		return;
	}

	if (name.text.includes('/')) {
		const base = name.text.slice(name.text.lastIndexOf('/') + 1);
		note(
			'program_execution',
			`\`${name.text}\` names a program by its path; only programs on the read-only list, called by name, run unasked${base ? ` (${describeProgram(base)})` : ''}`,
		);
		return;
	}

	const rule = READ_ONLY_PROGRAMS.get(name.text);
	if (!rule) {
		note(/deletes|overwrit|cuts|destroys/.test(describeProgram(name.text)) ? 'data_loss' : 'program_execution', describeProgram(name.text));
		return;
	}

	const args = node.childrenForFieldName('argument').map(wordValue);
	const unknown = args.find(arg => !arg.literal);
	if (!rule.anyArguments && unknown) {
		note(
			'program_execution',
			`\`${name.text}\` is given \`${unknown.text}\`, whose value bash only knows when it runs, and some values of it are options that write or run programs`,
		);
		return;
	}

	const problem = rule.check?.(args);
	if (problem) {
		note('program_execution', problem);
		return;
	}

	if (rule.readsFiles) for (const arg of args) addOutside(arg, walk);
}

function checkRedirect(node: SyntaxNode, walk: Walk): void {
	const operator = node.children.find(child => !child.isNamed)?.type ?? '?';
	const destinationNode = node.childForFieldName('destination');
	const destination = destinationNode ? wordValue(destinationNode) : undefined;
	if (destination?.literal) walk.words.push(destination.text);
	if (operator === '<') {
		if (destination) addOutside(destination, walk);
		return;
	}

	if ((operator === '>&' || operator === '<&') && destination?.literal && /^(?:\d+|-)$/.test(destination.text)) return;
	if (operator === '>&-' || operator === '<&-') return;
	if (WRITING_REDIRECTS.has(operator) && destination?.literal && destination.text === '/dev/null') return;
	const target = destinationNode?.text ?? 'a file';
	walk.findings.push({code: 'file_write', message: `redirection \`${operator}\` writes ${target}`});
}

/** `[ … ]`: every operand must be known in advance, and `-v`/`-R` evaluate variable names. */
function checkTest(node: SyntaxNode, walk: Walk): void {
	const leaves: SyntaxNode[] = [];
	const collect = (n: SyntaxNode) => {
		if (['word', 'string', 'raw_string', 'ansi_c_string', 'number', 'concatenation', 'simple_expansion', 'expansion', 'command_substitution'].includes(n.type))
			leaves.push(n);
		else for (const child of n.namedChildren) collect(child);
	};

	for (const child of node.namedChildren) collect(child);
	const values = leaves.map(wordValue);
	const unknown = values.find(value => !value.literal);
	if (unknown) {
		walk.findings.push({
			code: 'program_execution',
			message: `\`[\` is given \`${unknown.text}\`, whose value bash only knows when it runs (\`[ $x ]\` can become \`[ -v 'a[$(cmd)]' ]\`)`,
		});
		return;
	}

	const operators = node.descendantsOfType('test_operator').map(op => op.text);
	if (operators.includes('-v') || operators.includes('-R') || values.some(value => value.text === '-v' || value.text === '-R')) {
		walk.findings.push({code: 'program_execution', message: '`[ -v … ]` evaluates a variable name, which can run commands'});
		return;
	}

	for (const value of values) addOutside(value, walk);
}

/** Records an argument that may name a path outside the workspace (absolute, `~`, `..`, or unknown). */
function addOutside(arg: WordValue, walk: Walk): void {
	if (!arg.literal && !arg.pattern) {
		walk.outside.push(arg.text);
		return;
	}

	const text = arg.text;
	const candidates = [text];
	const attached = /^-{1,2}[A-Za-z0-9-]*=?(.*)$/.exec(text);
	if (attached?.[1]) candidates.push(attached[1]);
	for (const candidate of candidates) {
		if (candidate === '/dev/null') continue;
		if (candidate.startsWith('/') || candidate.startsWith('~') || candidate.split('/').includes('..')) {
			walk.outside.push(text);
			return;
		}
	}
}
