/**
 * The short list of programs a shell command may use and still run without asking, each with the
 * rules its arguments must follow, and plain-words descriptions of everything else. The list is
 * deliberately small: a program is on it only when no argument can make it write, delete, run
 * another program or reach the network. Arguments bash only knows at run time (`$x`, `$(…)`, globs)
 * are accepted only by programs for which no argument at all is dangerous, because a file named
 * `--output=x` in the workspace turns `*` into an option.
 */
import type {WordValue} from './shell-words.js';

export type ProgramRule = {
	/** No argument, whatever its value, makes the program change anything. */
	anyArguments?: boolean;
	/** The program reads the files its arguments name (so paths outside the workspace matter). */
	readsFiles?: boolean;
	/** Why these (known) arguments are not read-only, or undefined when they are. */
	check?(args: readonly WordValue[]): string | undefined;
};

const ANY_FILES: ProgramRule = {anyArguments: true, readsFiles: true};
const ANY: ProgramRule = {anyArguments: true};

export const READ_ONLY_PROGRAMS: ReadonlyMap<string, ProgramRule> = new Map<string, ProgramRule>([
	['cat', ANY_FILES],
	['head', ANY_FILES],
	['tail', ANY_FILES],
	['wc', ANY_FILES],
	['ls', ANY_FILES],
	['du', ANY_FILES],
	['stat', ANY_FILES],
	['grep', ANY_FILES],
	['egrep', ANY_FILES],
	['fgrep', ANY_FILES],
	['diff', ANY_FILES],
	['cmp', ANY_FILES],
	['comm', ANY_FILES],
	['nl', ANY_FILES],
	['cut', ANY_FILES],
	['column', ANY_FILES],
	['rev', ANY_FILES],
	['md5sum', ANY_FILES],
	['sha1sum', ANY_FILES],
	['sha256sum', ANY_FILES],
	['sha512sum', ANY_FILES],
	['realpath', ANY_FILES],
	['readlink', ANY_FILES],
	['jq', ANY_FILES],
	['echo', ANY],
	['pwd', ANY],
	['which', ANY],
	['type', ANY],
	['basename', ANY],
	['dirname', ANY],
	['seq', ANY],
	['tr', ANY],
	['true', ANY],
	['false', ANY],
	['whoami', ANY],
	['id', ANY],
	['uname', ANY],
	['printf', {check: args => (hasOption(args, ['v'], []) ? '`printf -v` assigns a shell variable' : undefined)}],
	['test', {readsFiles: true, check: testArguments}],
	['[', {readsFiles: true, check: testArguments}],
	['file', {readsFiles: true, check: args => (hasOption(args, ['C'], ['compile']) ? '`file -C` writes a compiled magic file' : undefined)}],
	['tree', {readsFiles: true, check: args => (hasOption(args, ['o', 'R'], ['output']) ? '`tree -o` writes its listing to a file' : undefined)}],
	[
		'sort',
		{
			readsFiles: true,
			check: args =>
				hasOption(args, ['o'], ['output', 'compress-program']) ? '`sort -o` writes its output to a file (and `--compress-program` runs a program)' : undefined,
		},
	],
	['uniq', {readsFiles: true, check: uniqArguments}],
	['rg', {readsFiles: true, check: args => (hasOption(args, [], ['pre']) ? '`rg --pre` runs a program on every file it searches' : undefined)}],
	['find', {readsFiles: true, check: findArguments}],
	['sed', {readsFiles: true, check: sedArguments}],
	['git', {readsFiles: true, check: gitArguments}],
]);

/** Programs that run another command, named in their arguments. */
const RUNS_ANOTHER = new Set([
	'command',
	'builtin',
	'exec',
	'eval',
	'source',
	'.',
	'env',
	'xargs',
	'sudo',
	'doas',
	'su',
	'runuser',
	'nohup',
	'timeout',
	'nice',
	'ionice',
	'time',
	'stdbuf',
	'setsid',
	'chroot',
	'watch',
	'strace',
	'ltrace',
	'unbuffer',
	'taskset',
	'flock',
	'chrt',
	'script',
	'parallel',
	'coproc',
	'trap',
	'fc',
]);

/** Programs that run code given to them (a script, `-e`, `-c`), so they can do anything. */
const INTERPRETERS = new Set([
	'node',
	'nodejs',
	'deno',
	'bun',
	'python',
	'python2',
	'python3',
	'perl',
	'ruby',
	'php',
	'lua',
	'bash',
	'sh',
	'zsh',
	'dash',
	'ksh',
	'fish',
	'csh',
	'tcsh',
	'awk',
	'gawk',
	'mawk',
	'nawk',
	'tclsh',
	'Rscript',
	'java',
	'go',
	'npx',
	'tsx',
	'ts-node',
	'osascript',
	'vim',
	'vi',
	'nvim',
	'emacs',
	'ed',
	'ex',
]);

const DESCRIPTIONS: Record<string, string> = {
	rm: 'deletes files',
	rmdir: 'deletes directories',
	unlink: 'deletes a file',
	shred: 'destroys files',
	mv: 'moves or overwrites files',
	cp: 'copies files, overwriting any already there',
	dd: 'writes raw data to files or disks',
	truncate: 'cuts files short',
	tee: 'writes its input to files',
	ln: 'creates or replaces links',
	chmod: 'changes file permissions',
	chown: 'changes file ownership',
	chgrp: 'changes file ownership',
	install: 'copies files into place, overwriting them',
	rsync: 'copies, overwrites or deletes files',
	touch: 'creates files or changes their times',
	mkdir: 'creates directories',
	mktemp: 'creates files',
	sed: 'edits text and can write files (`-i`, `w`) or run commands (`e`)',
	npm: 'runs package scripts that can do anything',
	pnpm: 'runs package scripts that can do anything',
	yarn: 'runs package scripts that can do anything',
	make: 'runs build rules that can do anything',
	psql: 'runs SQL on a database',
	pg_dump: 'connects to a database and can write files',
	dropdb: 'drops a database',
	supabase: 'manages Supabase projects and databases',
	curl: 'talks to the network and can write files',
	wget: 'talks to the network and writes files',
	ssh: 'runs commands on another machine',
	scp: 'copies files over the network',
	kill: 'stops processes',
	pkill: 'stops processes',
	killall: 'stops processes',
	mkfs: 'formats a disk',
	docker: 'runs containers',
	alias: 'defines an alias that changes what later commands run',
	cd: 'changes the directory later commands run in',
	export: 'changes the environment of later commands',
	set: 'changes how the shell behaves',
	read: 'assigns shell variables',
	tar: 'can write and overwrite files',
	zip: 'writes archives',
	unzip: 'writes files',
	patch: 'changes files',
	git: 'changes the repository or its files',
};

/** Why a program that is not on the read-only list (or is, with the wrong arguments) asks, in plain words. */
export function describeProgram(name: string): string {
	if (RUNS_ANOTHER.has(name)) return `\`${name}\` runs another command`;
	if (INTERPRETERS.has(name)) return `\`${name}\` runs a program that can do anything`;
	const description = DESCRIPTIONS[name];
	if (description) return `\`${name}\` ${description}`;
	return `\`${name}\` is not on the list of read-only programs, so it may change anything`;
}

// ---------------------------------------------------------------------------------------------
// Argument rules.

/**
 * Whether any argument is one of the short options (possibly bundled, `-uo`) or long options (GNU
 * and git accept any unambiguous prefix, `--out` for `--output`, so a prefix counts too). Every
 * argument is checked, wherever it stands: GNU getopt reads options after operands too.
 */
export function hasOption(args: readonly WordValue[], short: readonly string[], long: readonly string[]): boolean {
	return args.some(arg => {
		const text = arg.text;
		if (text.startsWith('--')) {
			const name = text.slice(2).split('=')[0]!;
			return name !== '' && long.some(option => option.startsWith(name));
		}

		return text.startsWith('-') && text.length > 1 && [...text.slice(1)].some(letter => short.includes(letter));
	});
}

/** `test -v 'a[$(cmd)]'` evaluates the subscript; `-R` likewise names a variable. */
function testArguments(args: readonly WordValue[]): string | undefined {
	return args.some(arg => arg.text === '-v' || arg.text === '-R') ? '`test -v` evaluates a variable name, which can run commands' : undefined;
}

const UNIQ_OPTIONS_WITH_VALUE = new Set(['-f', '-s', '-w']);

/** `uniq INPUT OUTPUT` writes OUTPUT. */
function uniqArguments(args: readonly WordValue[]): string | undefined {
	let operands = 0;
	for (let i = 0; i < args.length; i++) {
		const text = args[i]!.text;
		if (UNIQ_OPTIONS_WITH_VALUE.has(text)) i++;
		else if (text === '-' || !text.startsWith('-')) operands++;
	}

	return operands > 1 ? '`uniq` with an output file writes it' : undefined;
}

const FIND_ACTIONS = ['-delete', '-exec', '-execdir', '-ok', '-okdir', '-fprint', '-fprint0', '-fprintf', '-fls'];

function findArguments(args: readonly WordValue[]): string | undefined {
	const action = args.find(arg => FIND_ACTIONS.includes(arg.text));
	if (!action) return undefined;
	const what = action.text === '-delete' ? 'deletes what it finds' : action.text.startsWith('-f') ? 'writes a file' : 'runs a command on what it finds';
	return `\`find ${action.text.replace(/0$|f$/, '')}\` ${what}`;
}

const SED_OPTIONS = new Set(['-n', '--quiet', '--silent', '-E', '-r', '--regexp-extended', '-s', '--separate', '-u', '--unbuffered', '-z', '--null-data']);
/** Printing a line range (`1,20p`) or quitting (`5q`): nothing else of sed's language is accepted. */
const SED_PRINT = /^\s*(?:\d+|\$)(?:\s*,\s*(?:\d+|\$))?\s*p\s*$|^\s*\d+\s*q\s*$/;

function sedArguments(args: readonly WordValue[]): string | undefined {
	const operands = args.filter(arg => !SED_OPTIONS.has(arg.text));
	const [script, ...files] = operands;
	if (!script || !SED_PRINT.test(script.text) || files.some(file => file.text.startsWith('-'))) {
		return "`sed` edits text and can write files (`-i`, `w`) or run commands (`e`); only `sed -n 'N,Mp'` is read-only";
	}

	return undefined;
}

const GIT_GLOBAL_OPTIONS = new Set(['--no-pager', '-P', '--no-optional-locks', '--literal-pathspecs', '--no-replace-objects']);
const GIT_READ_COMMANDS = new Set(['status', 'log', 'diff', 'show', 'branch', 'rev-parse', 'ls-files', 'blame']);
const GIT_BRANCH_LIST_OPTIONS = new Set([
	'-a',
	'-r',
	'-v',
	'-vv',
	'-l',
	'-i',
	'--list',
	'--all',
	'--remotes',
	'--verbose',
	'--show-current',
	'--color',
	'--no-color',
	'--column',
	'--no-column',
	'--ignore-case',
]);
const GIT_BRANCH_LIST_VALUE_OPTIONS = ['--sort=', '--format=', '--contains=', '--no-contains=', '--merged=', '--no-merged=', '--points-at='];

function gitArguments(args: readonly WordValue[]): string | undefined {
	let index = 0;
	while (index < args.length && args[index]!.text.startsWith('-')) {
		const option = args[index]!.text;
		if (!GIT_GLOBAL_OPTIONS.has(option)) {
			return option === '-c' || option.startsWith('--config')
				? '`git -c` sets configuration that can run programs'
				: `\`git ${option}\` changes where or how git runs`;
		}

		index++;
	}

	const command = args[index]?.text;
	if (command === undefined) return undefined;
	const rest = args.slice(index + 1);
	if (!GIT_READ_COMMANDS.has(command)) return `\`git ${command}\` is not a read-only git command; it may change the repository or its files`;
	if (hasOption(rest, [], ['output'])) return `\`git ${command} --output\` writes a file`;
	if (hasOption(rest, [], ['ext-diff'])) return `\`git ${command} --ext-diff\` runs an external diff program`;
	if (command === 'branch') {
		const listing = rest.some(arg => arg.text === '--list' || arg.text === '-l');
		const ok = rest.every(
			arg =>
				GIT_BRANCH_LIST_OPTIONS.has(arg.text) ||
				GIT_BRANCH_LIST_VALUE_OPTIONS.some(prefix => arg.text.startsWith(prefix)) ||
				(listing && !arg.text.startsWith('-')),
		);
		if (!ok) return '`git branch` with these arguments creates, renames or deletes branches; only listing is read-only';
	}

	return undefined;
}
