/** Class 4 (control files are ordinary files). The engine plays no part: no database is started. */
import {describeFileAttacks} from '../helpers/adversary/workspace.js';
import {C4_CASES, prepareControlFiles} from './c4-control-files.cases.js';

// Everything the command line can allow: G5 holds in every mode and with every rule.
describeFileAttacks('issue 15 class 4: control files are ordinary files', C4_CASES, {
	args: ['--permission-mode', 'acceptEdits', '--allow', 'Write', '--allow', 'Edit', '--allow', 'Bash', '--allow-destructive-rules'],
	prepare: prepareControlFiles,
});
