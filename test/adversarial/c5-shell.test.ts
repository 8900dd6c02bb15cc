/** Class 5 (shell by regex). The engine plays no part: no database is started. */
import {describeFileAttacks} from '../helpers/adversary/workspace.js';
import {C5_CASES, prepareVictims} from './c5-shell.cases.js';

// The broad rule a person writes to stop being asked about every `ls`.
describeFileAttacks('issue 15 class 5: shell by regex, under --allow Bash', C5_CASES, {args: ['--allow', 'Bash'], prepare: prepareVictims});

// The wildcard spelling of the same wish; whatever pgpair makes of it, only read-only commands may run.
describeFileAttacks('issue 15 class 5: shell by regex, under --allow "Bash(*)"', C5_CASES, {args: ['--allow', 'Bash(*)'], prepare: prepareVictims});
