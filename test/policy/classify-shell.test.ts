import {execFileSync} from 'node:child_process';
import {beforeAll, describe, expect, it} from 'vitest';
import {classifyCall} from '../../source/policy/classify-call.js';
import {decide} from '../../source/policy/decide.js';
import {parseRules} from '../../source/policy/rules.js';

const workspace = {workspaceRoot: '/home/dev/app', homeDir: '/home/dev'};

/** The gate's answer for a shell command under `--allow Bash` (and optionally the destructive opt-in). */
async function underAllowBash(command: string, options: {rules?: string[]; optIn?: boolean} = {}) {
	const call = {name: 'Bash', input: {command}};
	const classification = await classifyCall(call);
	const decision = decide({
		call,
		classification,
		rules: parseRules({allow: options.rules ?? ['Bash']}),
		mode: 'default',
		workspace,
		explicitDestructiveOptIn: options.optIn ?? false,
	});
	return {classification, decision};
}

async function withoutRules(command: string) {
	const call = {name: 'Bash', input: {command}};
	const classification = await classifyCall(call);
	return {classification, decision: decide({call, classification, rules: parseRules({}), mode: 'default', workspace})};
}

/** Commands that change, delete or may change files (or run arbitrary code): never unasked under `--allow Bash`. */
const MUST_ASK: ReadonlyArray<[string, RegExp]> = [
	// The examples.
	['rm notes.txt', /`rm` deletes files/],
	['/bin/rm notes.txt', /\/bin\/rm/],
	['"rm" notes.txt', /`rm` deletes files/],
	[String.raw`$'\x72m' notes.txt`, /`rm` deletes files/],
	['node -e \'require("fs").rmSync("notes.txt")\'', /`node`/],
	['truncate -s 0 notes.txt', /`truncate`/],
	[': > notes.txt', /redirection `>` writes notes.txt/],
	['mv notes.txt /tmp/x', /`mv` moves or overwrites files/],
	// Spellings of rm.
	[String.raw`\rm notes.txt`, /`rm` deletes files/],
	[String.raw`r\m notes.txt`, /`rm` deletes files/],
	["'r'm notes.txt", /`rm` deletes files/],
	['r""m notes.txt', /`rm` deletes files/],
	[String.raw`$'\162m' notes.txt`, /`rm` deletes files/],
	[String.raw`$'\u0072m' notes.txt`, /`rm` deletes files/],
	['r\\\nm notes.txt', /line continuation inside a word/],
	['ca\\\nt notes.txt', /line continuation inside a word/],
	['./rm notes.txt', /\.\/rm/],
	['command rm notes.txt', /`command` runs another command/],
	['builtin exec rm notes.txt', /`builtin`/],
	['exec rm notes.txt', /`exec`/],
	['nohup rm notes.txt', /`nohup`/],
	['timeout 1 rm notes.txt', /`timeout`/],
	['nice rm notes.txt', /`nice`/],
	['env rm notes.txt', /`env`/],
	['sudo rm notes.txt', /`sudo`/],
	['xargs rm < list.txt', /`xargs`/],
	['ls | xargs rm', /`xargs`/],
	['eval "rm notes.txt"', /`eval`/],
	['source ./script.sh', /`source`/],
	['. ./script.sh', /`\.`/],
	['bash -c "rm notes.txt"', /`bash`/],
	['sh -c "rm notes.txt"', /`sh`/],
	['python3 -c "import os; os.remove(\'notes.txt\')"', /`python3`/],
	['perl -e \'unlink "notes.txt"\'', /`perl`/],
	['awk \'BEGIN { system("rm notes.txt") }\'', /`awk`/],
	// Expansions in command position.
	['$cmd notes.txt', /cannot tell what `\$cmd` runs/],
	['${cmd} notes.txt', /cannot tell what `\$\{cmd\}` runs/],
	['$(echo rm) notes.txt', /cannot tell what/],
	['`echo rm` notes.txt', /cannot tell what/],
	['{rm,notes.txt}', /./],
	['r* notes.txt', /cannot tell what/],
	['~/bin/cleanup', /cannot tell what|path/],
	['cmd=rm; $cmd notes.txt', /./],
	['IFS=,; x=rm,notes.txt; $x', /./],
	['ls${IFS}&&rm${IFS}notes.txt', /cannot tell what `rm\$\{IFS\}notes.txt` runs/],
	['x=1 ls', /sets `x`/],
	['PATH=. ls', /sets `PATH`/],
	// Destructive programs and options.
	['cp a.txt notes.txt', /`cp`/],
	['echo hi | tee notes.txt', /`tee`/],
	["sed -i 's/a/b/' notes.txt", /`sed`/],
	['find . -name "*.txt" -delete', /`find -delete`/],
	['find . -exec rm {} \\;', /`find -exec`/],
	['find . -execdir rm {} +', /`find -execdir`/],
	['find . -fprint out.txt', /`find -fprint`/],
	['git checkout -- .', /`git checkout`/],
	['git clean -fdx', /`git clean`/],
	['git reset --hard', /`git reset`/],
	['git diff --output=notes.txt', /--output/],
	['git -c core.fsmonitor="rm notes.txt" status', /`git -c`/],
	['git branch -D feature', /`git branch`/],
	['git stash', /`git stash`/],
	['> notes.txt', /redirection `>` writes notes.txt/],
	['echo x >> notes.txt', /redirection `>>` writes notes.txt/],
	['cat a.txt >| notes.txt', /redirection `>\|` writes notes.txt/],
	['ls &> notes.txt', /redirection `&>` writes notes.txt/],
	['ls >& notes.txt', /writes notes.txt/],
	['cat <<EOF > notes.txt\nhello\nEOF', /writes notes.txt/],
	["cat <<'EOF' | sh\nrm notes.txt\nEOF", /`sh`/],
	['cat <<EOF\n$(rm notes.txt)\nEOF', /`rm` deletes files/],
	['dd if=/dev/zero of=notes.txt bs=1 count=1', /`dd`/],
	['ln -sf /etc/passwd notes.txt', /`ln`/],
	['chmod 000 notes.txt', /`chmod`/],
	['install -m 644 /dev/null notes.txt', /`install`/],
	['rsync -a --delete src/ dst/', /`rsync`/],
	['sort -o notes.txt notes.txt', /`sort -o`/],
	['sort --output=notes.txt notes.txt', /`sort -o`/],
	['uniq a.txt notes.txt', /`uniq` with an output file/],
	['tree -o notes.txt', /`tree -o`/],
	['rg --pre rm foo', /`rg --pre`/],
	['file -C -m notes.txt', /`file -C`/],
	['printf -v "a[$(rm notes.txt)]" x', /`rm` deletes files|`printf -v`/],
	['echo $(rm notes.txt)', /`rm` deletes files/],
	['echo `rm notes.txt`', /`rm` deletes files/],
	['cat <(rm notes.txt)', /`rm` deletes files/],
	['ls > >(rm notes.txt)', /./],
	['ls && rm notes.txt', /`rm` deletes files/],
	['ls || rm notes.txt', /`rm` deletes files/],
	['ls; rm notes.txt', /`rm` deletes files/],
	['ls & rm notes.txt', /`rm` deletes files/],
	['(rm notes.txt)', /`rm` deletes files/],
	['{ rm notes.txt; }', /`rm` deletes files/],
	['ls() { rm notes.txt; }; ls', /`rm` deletes files/],
	["alias ls='rm notes.txt'; ls", /`alias`/],
	['if true; then rm notes.txt; fi', /`rm` deletes files/],
	['for f in *; do rm "$f"; done', /`rm` deletes files/],
	['while true; do rm notes.txt; done', /`rm` deletes files/],
	['case x in x) rm notes.txt;; esac', /`rm` deletes files/],
	['echo $((x[$(rm notes.txt)]))', /./],
	['[[ $x -eq 1 ]]', /./],
	['declare -a x=($(rm notes.txt))', /./],
	['time rm notes.txt', /`time`/],
	['coproc rm notes.txt', /./],
	['echo "unterminated', /does not parse/],
	['ls &&', /does not parse/],
	['ls ; ; rm', /./],
	['npm test', /`npm`/],
	['psql -c "drop table users"', /`psql`/],
	['curl -o notes.txt https://example.com', /`curl`/],
	['git push --force', /`git push`/],
	['cd /tmp && rm -rf x', /`rm` deletes files/],
	['test -v "a[$(rm notes.txt)]"', /./],
	['[ -v x ]', /./],
	['find * -name x', /./],
	['git diff $x', /./],
	['sed "w notes.txt" a.txt', /`sed`/],
	['jq . a.json > notes.txt', /writes notes.txt/],
	['cat a.txt 1<>notes.txt', /./],
	['exec 3>notes.txt', /./],
	['echo a#; rm notes.txt', /`rm` deletes files/],
	['ls>notes.txt', /writes notes.txt/],
	['ls 1>notes.txt', /writes notes.txt/],
	['ls >/dev/null/../../notes.txt', /writes/],
	['find . -de""lete', /`find -delete`/],
	["find . $'-delete'", /`find -delete`/],
	['git "-c" x=y status', /`git -c`/],
	['sort -mo notes.txt a.txt', /`sort -o`/],
	['sort --out=notes.txt a.txt', /`sort -o`/],
	['hash -p /bin/rm ls; ls notes.txt', /`hash`/],
	['ls |& rm notes.txt', /`rm` deletes files/],
	['echo "$(rm notes.txt)"', /`rm` deletes files/],
	['cat <<<"$(rm notes.txt)"', /`rm` deletes files/],
	['ls\nrm notes.txt', /`rm` deletes files/],
	['ls # x\nrm notes.txt', /`rm` deletes files/],
	['\\[ -v x ]', /-v/],
	['rg --pr=rm foo', /`rg --pre`/],
	['tree -ho notes.txt', /`tree -o`/],
];

/** Read-only commands that run without asking, even with no rule at all. */
const READ_ONLY: readonly string[] = [
	'ls',
	'ls -la src',
	'cat package.json',
	'head -n 20 README.md',
	'tail -n 5 notes.txt',
	'wc -l source/cli.tsx',
	'grep -rn "TODO" source',
	'rg -n decide source/policy',
	'find . -name "*.ts" -not -path "./node_modules/*"',
	'git status',
	'git status --short',
	'git log --oneline -5',
	'git diff HEAD~1 -- source',
	'git show HEAD --stat',
	'git branch',
	'git branch --list "feat*"',
	'pwd',
	'echo hello',
	'printf "%s\\n" hi',
	'stat package.json',
	'file package.json',
	'which node',
	'tree src',
	'du -sh src',
	'sort notes.txt',
	'sort -u notes.txt | uniq -c',
	'jq .name package.json',
	'cat package.json | jq .version',
	'ls src | head -3',
	'ls 2>/dev/null',
	'ls > /dev/null 2>&1',
	'ls 2>&1 | wc -l',
	'cat a.txt || echo missing',
	'(echo x; ls) | wc -l',
	'ls \\\n  -la src',
	'find . -name x -exec-not-an-action',
	"echo 'rm -rf /'",
	'echo "$HOME"',
	'cat *.md',
	'grep -c x -- *.ts',
	'for f in a b; do echo "$f"; done',
	'if [ -f package.json ]; then cat package.json; fi',
	"sed -n '1,20p' README.md",
	'diff a.txt b.txt',
	'ls # a comment',
	'wc -l < package.json',
	"echo '$(rm x)'",
	'ls >"/dev/null"',
	'ls 3>&1 1>&2 2>&3',
	'echo x #; rm y',
	'ls &>/dev/null',
];

beforeAll(async () => {
	// Loads the parsers once, so no single case pays for it.
	await classifyCall({name: 'Bash', input: {command: 'true'}});
});

describe('shell commands that must not run unasked under --allow Bash', () => {
	it('has at least 40 attacks', () => {
		expect(MUST_ASK.length).toBeGreaterThanOrEqual(40);
	});

	it.each(MUST_ASK)('%j asks', async (command, hazard) => {
		const {classification, decision} = await underAllowBash(command);
		expect(decision.action).toBe('ask');
		expect(classification.class).toBe('destructive');
		expect([classification.reason, ...classification.hazards.map(h => h.message)].join('\n')).toMatch(hazard);
	});

	it.each(MUST_ASK.slice(0, 8))('%j runs with an exact rule and the destructive opt-in', async command => {
		const {decision} = await underAllowBash(command, {rules: [`Bash(${command})`], optIn: true});
		expect(decision.action).toBe('allow');
	});

	it('asks for a bare Bash rule even with the opt-in: it names no command', async () => {
		const {decision} = await underAllowBash('rm notes.txt', {rules: ['Bash'], optIn: true});
		expect(decision.action).toBe('ask');
		expect(decision.reason).toMatch(/wildcard/);
	});

	it('still asks for an exact rule without the opt-in', async () => {
		expect((await underAllowBash('npm test', {rules: ['Bash(npm test:*)']})).decision.action).toBe('ask');
		expect((await underAllowBash('npm test', {rules: ['Bash(npm test:*)'], optIn: true})).decision.action).toBe('allow');
		expect((await underAllowBash('npm test && rm -rf x', {rules: ['Bash(npm test:*)'], optIn: true})).decision.action).toBe('ask');
	});
});

describe('read-only shell commands', () => {
	it.each(READ_ONLY)('%j runs without asking', async command => {
		const {classification, decision} = await withoutRules(command);
		expect(classification.hazards.map(h => h.message)).toEqual([]);
		expect(classification.class).toBe('read-only');
		expect(decision.action).toBe('allow');
	});

	it.each([
		['cat /etc/passwd', /outside the workspace/],
		['ls ../other', /outside the workspace/],
		['cat ~/.ssh/id_rsa', /outside the workspace/],
		['cat $HOME/.netrc', /outside the workspace/],
	])('%j reads outside the workspace, so it asks without a rule', async (command, reason) => {
		const {classification, decision} = await withoutRules(command);
		expect(classification.class).toBe('write');
		expect(classification.reason).toMatch(reason);
		expect(decision.action).toBe('ask');
		expect((await underAllowBash(command)).decision.action).toBe('allow');
	});
});

describe('words as bash reads them', () => {
	// Each spelling is handed to bash's own printf and to the classifier: the command name the
	// classifier sees must be the one bash would run.
	it.each([
		'rm',
		'"rm"',
		"'rm'",
		String.raw`\rm`,
		String.raw`r\m`,
		'r""m',
		"r''m",
		String.raw`$'\x72m'`,
		String.raw`$'\x72\x6d'`,
		String.raw`$'\162\155'`,
		String.raw`$'\u0072m'`,
		String.raw`$'\U00000072m'`,
		String.raw`$'r\m'`,
		String.raw`"r\m"`,
		String.raw`"\r\m"`,
		String.raw`$'\cAm'`,
		String.raw`$'\e'`,
		String.raw`$'\x7'`,
		String.raw`$'\0101'`,
		String.raw`"a\"b"`,
		String.raw`'a\'`,
		String.raw`$'\''`,
		String.raw`$'\"'`,
		String.raw`$'\?'`,
		String.raw`$'\q'`,
	])('%j', async spelling => {
		const bash = execFileSync('bash', ['-c', `printf '%s' ${spelling}`], {encoding: 'utf8'});
		const {classification} = await underAllowBash(`${spelling} x`);
		const named = classification.hazards.map(h => h.message).join('\n');
		expect(named).toContain(`\`${bash}\``);
	});
});
