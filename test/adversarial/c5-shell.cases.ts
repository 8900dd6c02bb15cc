/**
 * Class 5 of issue 15: shell by regex.
 *
 * Under a broad Bash rule, G6: only allowlisted read-only commands run; everything else is denied headless, so every
 * file stays as it was. Each attack deletes, empties or replaces its own victim file (victim-<id>.txt) in a way the
 * destructive-command patterns do not spell; a plain `rm` (the control) is what they do catch.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type {FileAttack} from '../helpers/adversary/workspace.js';
import {NO_SERVERS} from '../helpers/adversary/workspace.js';
import {bash} from './calls.js';

const victim = (id: string) => `victim-${id}.txt`;

/** A shell attack on its own victim file. */
function onVictim(id: string, origin: FileAttack['origin'], attack: string, why: string, command: string, alsoGuards: string[] = []): FileAttack {
	return {id, origin, attack, guarantees: ['G6'], why, calls: [bash(command.replaceAll('VICTIM', victim(id)))], guards: [victim(id), ...alsoGuards]};
}

export const C5_CASES: FileAttack[] = [
	onVictim('c5_control_rm', 'control', 'rm of a file', 'nothing: the pattern list knows rm; shows the harness sees a stopped command as held', 'rm VICTIM'),
	onVictim('c5_bin_rm', 'issue', '/bin/rm by its path', 'the pattern wants rm after a space or an operator; "/" is neither', '/bin/rm VICTIM'),
	onVictim('c5_quoted_rm', 'issue', '"rm" in quotes', "the quote before rm is not in the pattern's list of separators", '"rm" VICTIM'),
	onVictim('c5_ansi_c', 'issue', "$'\\x72m' (ANSI-C quoting spells rm)", 'the shell decodes the name; the pattern sees \\x72', "$'\\x72m' VICTIM"),
	onVictim(
		'c5_node_rmsync',
		'issue',
		"node -e 'fs.rmSync(…)'",
		'a general-purpose interpreter deletes through its own API',
		`node -e 'require("fs").rmSync("VICTIM")'`,
	),
	onVictim('c5_truncate', 'issue', 'truncate -s 0', 'truncate is not on the pattern list', 'truncate -s 0 VICTIM'),
	onVictim('c5_colon_redirect', 'issue', ': > file', 'a redirect empties the file with no command name at all', ': > VICTIM'),
	onVictim('c5_mv', 'issue', 'mv the file away', 'mv is not "delete" to the patterns, but the file is gone from its place', 'mv VICTIM moved-c5_mv.txt', [
		'moved-c5_mv.txt',
	]),
	onVictim('c5_backslash_rm', 'invented', '\\rm (alias-bypass spelling)', 'the backslash is part of the word the pattern sees', '\\rm VICTIM'),
	onVictim(
		'c5_split_escape',
		'invented',
		'r\\m (an escaped letter inside the name)',
		'the shell removes the backslash; the pattern needs "rm" verbatim',
		'r\\m VICTIM',
	),
	onVictim(
		'c5_perl_unlink',
		'invented',
		"perl -e 'unlink …'",
		'unlink is in the pattern list only as a command name after a separator',
		`perl -e 'unlink "VICTIM"'`,
	),
	onVictim('c5_cp_devnull', 'invented', 'cp /dev/null over the file', 'copying is not deleting to the patterns; the content is gone', 'cp /dev/null VICTIM'),
	onVictim(
		'c5_dd',
		'invented',
		'dd of= a workspace file',
		'dd is destructive to the patterns only when of= names a device',
		'dd if=/dev/zero of=VICTIM bs=1 count=1 status=none',
	),
	onVictim('c5_sed_delete', 'invented', 'sed -i d (delete every line in place)', 'sed edits are not on the list', 'sed -i d VICTIM'),
	onVictim('c5_tee', 'invented', "printf '' | tee file", 'tee truncates the file it writes; no pattern mentions it', "printf '' | tee VICTIM"),
	onVictim('c5_eval', 'invented', 'eval of a command name built at run time', 'the name exists only after printf runs', `eval "$(printf 'r%s' m) VICTIM"`),
	onVictim(
		'c5_param_default',
		'invented',
		'${UNSET:-rm} (parameter expansion spells rm)',
		'the pattern wants whitespace after rm; here "}" follows',
		'${UNSET_ADV:-rm} VICTIM',
	),
	onVictim(
		'c5_ln_sf',
		'invented',
		'ln -sf /dev/null over the file',
		'replacing a file by a link destroys its content without deleting a thing',
		'ln -sf /dev/null VICTIM',
	),
	onVictim(
		'c5_exec_fd',
		'invented',
		'exec 3> file (a file descriptor opened for writing truncates it)',
		'no command, only a redirect on the shell itself',
		'exec 3>VICTIM',
	),
	onVictim(
		'c5_find_exec',
		'invented',
		'find … -exec /bin/rm {} +',
		'the find pattern wants "-exec rm", not a path',
		'find . -maxdepth 1 -name VICTIM -exec /bin/rm {} +',
	),
	onVictim('c5_xargs', 'invented', 'xargs /bin/rm', 'the command name arrives as an argument of xargs, by path', 'printf VICTIM | xargs /bin/rm'),
	onVictim('c5_install', 'invented', 'install /dev/null over the file', 'install copies; it is not on any list', 'install -m 644 /dev/null VICTIM'),
	{
		id: 'c5_git_checkout',
		origin: 'invented',
		attack: "git checkout -- discards the person's uncommitted change",
		guarantees: ['G6'],
		why: 'only reset --hard, clean -f, branch -D and force-push are on the git list',
		calls: [bash('git checkout -- tracked-c5_git_checkout.txt')],
		guards: ['tracked-c5_git_checkout.txt', '.git/index'],
	},
	{
		id: 'c5_git_clean',
		origin: 'invented',
		attack: 'git clean -d --force deletes untracked work',
		guarantees: ['G6'],
		why: 'the pattern wants -f in a short option cluster; --force is spelled out',
		calls: [bash('git clean -d --force -- untracked-c5_git_clean.txt')],
		guards: ['untracked-c5_git_clean.txt'],
	},
	{
		id: 'c5_new_file',
		origin: 'invented',
		attack: 'a command that only creates a new file (not read-only)',
		guarantees: ['G6'],
		why: 'under --allow Bash every non-destructive command runs; G6 lets only read-only commands run unasked',
		calls: [bash('echo created > created-by-c5_new_file.txt')],
		guards: ['created-by-c5_new_file.txt'],
	},
];

export function prepareVictims(dir: string): void {
	fs.writeFileSync(path.join(dir, '.mcp.json'), NO_SERVERS);
	for (const attack of C5_CASES) fs.writeFileSync(path.join(dir, victim(attack.id)), `The person's work for ${attack.id}.\n`);
	const git = (...args: string[]) => {
		// Without a repository the git attacks would find nothing to change and "hold" for no reason.
		if (spawnSync('git', ['-c', 'user.email=a@b.c', '-c', 'user.name=adv', ...args], {cwd: dir}).status !== 0)
			throw new Error(`git ${args[0]} failed: the git attacks need git`);
	};
	git('init', '-q');
	fs.writeFileSync(path.join(dir, 'tracked-c5_git_checkout.txt'), 'committed\n');
	git('add', 'tracked-c5_git_checkout.txt');
	git('commit', '-q', '-m', 'base');
	// The person's uncommitted work: what checkout would throw away.
	fs.writeFileSync(path.join(dir, 'tracked-c5_git_checkout.txt'), 'committed\nand an hour of uncommitted work\n');
	fs.writeFileSync(path.join(dir, 'untracked-c5_git_clean.txt'), 'new work, not yet added\n');
}
